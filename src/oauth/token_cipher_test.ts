import assert from "node:assert/strict";
import { createTokenCipher, decodeEncryptionKey, hmac, verifyHmac } from "./token_cipher.ts";
import { toBase64Url } from "./opaque_token.ts";

const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

Deno.test("decodeEncryptionKey() names TOKEN_ENCRYPTION_KEY when the key is not 32 bytes", () => {
  assert.equal(decodeEncryptionKey(key).length, 32);
  assert.throws(
    () => decodeEncryptionKey(btoa("too short")),
    (error: Error) =>
      error instanceof RangeError && /TOKEN_ENCRYPTION_KEY/.test(error.message) &&
      /got 9 bytes/.test(error.message),
  );
  assert.throws(() => decodeEncryptionKey("%%%"), /TOKEN_ENCRYPTION_KEY is not base64/);
});

Deno.test("createTokenCipher() round-trips, with a fresh IV each time", async () => {
  const cipher = await createTokenCipher(key);
  const a = await cipher.encrypt("xoxp-secret-token", "T1:U1");
  const b = await cipher.encrypt("xoxp-secret-token", "T1:U1");
  assert.notEqual(a, b);
  assert.ok(!a.includes("xoxp"));
  assert.match(a, /^v1\.[\w-]{16}\.[\w-]+$/);
  assert.equal(await cipher.decrypt(a, "T1:U1"), "xoxp-secret-token");
  assert.equal(await cipher.decrypt(b, "T1:U1"), "xoxp-secret-token");
});

Deno.test("createTokenCipher() refuses another context, another key and tampering", async () => {
  const cipher = await createTokenCipher(key);
  const sealed = await cipher.encrypt("xoxp-secret-token", "T1:U1");
  assert.equal(await cipher.decrypt(sealed, "T1:U2"), undefined);
  const other = await createTokenCipher(toBase64Url(new Uint8Array(32).fill(7)));
  assert.equal(await other.decrypt(sealed, "T1:U1"), undefined);
  const [v, iv, data] = sealed.split(".");
  const flipped = (data[0] === "A" ? "B" : "A") + data.slice(1);
  assert.equal(await cipher.decrypt(`${v}.${iv}.${flipped}`, "T1:U1"), undefined);
  assert.equal(await cipher.decrypt("garbage", "T1:U1"), undefined);
});

Deno.test("hmacKey() derives distinct keys per purpose", async () => {
  const cipher = await createTokenCipher(key);
  const csrf = await cipher.hmacKey("csrf");
  const other = await cipher.hmacKey("cookie");
  const tag = await hmac(csrf, "message");
  assert.equal(await verifyHmac(csrf, "message", tag), true);
  assert.equal(await verifyHmac(csrf, "massage", tag), false);
  assert.equal(await verifyHmac(other, "message", tag), false);
  assert.equal(await verifyHmac(csrf, "message", "!!"), false);
});
