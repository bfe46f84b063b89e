import assert from "node:assert/strict";
import { createCsrf } from "./csrf.ts";
import { createTokenCipher } from "./token_cipher.ts";
import { toBase64Url } from "./opaque_token.ts";

const cipher = await createTokenCipher(toBase64Url(crypto.getRandomValues(new Uint8Array(32))));

Deno.test("a CSRF token holds only for its request and its browser", async () => {
  const csrf = createCsrf(await cipher.hmacKey("csrf"));
  const token = await csrf.token("request-1", "browser-a");
  assert.equal(await csrf.check("request-1", "browser-a", token), true);
  assert.equal(await csrf.check("request-2", "browser-a", token), false);
  assert.equal(await csrf.check("request-1", "browser-b", token), false);
  assert.equal(await csrf.check("request-1", undefined, token), false);
  assert.equal(await csrf.check("request-1", "browser-a", undefined), false);
  assert.equal(await csrf.check("request-1", "browser-a", ""), false);
  const other = createCsrf(await cipher.hmacKey("other"));
  assert.equal(await other.check("request-1", "browser-a", token), false);
});
