import assert from "node:assert/strict";
import {
  constantTimeEqual,
  fromBase64,
  hashToken,
  newOpaqueToken,
  toBase64Url,
} from "./opaque_token.ts";

Deno.test("newOpaqueToken() gives 43 base64url characters of randomness after the prefix", () => {
  const tokens = new Set(Array.from({ length: 100 }, () => newOpaqueToken("mcp_at_")));
  assert.equal(tokens.size, 100);
  for (const token of tokens) assert.match(token, /^mcp_at_[A-Za-z0-9_-]{43}$/);
});

Deno.test("hashToken() is the hex SHA-256 of the token", async () => {
  // SHA-256("abc") from FIPS 180-2, appendix B.1.
  assert.equal(
    await hashToken("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("fromBase64() reads base64url and standard base64, padded or not", () => {
  const bytes = Uint8Array.from([251, 255, 0, 1, 2]);
  const url = toBase64Url(bytes);
  assert.equal(url, "-_8AAQI");
  assert.deepEqual(fromBase64(url), bytes);
  assert.deepEqual(fromBase64("+/8AAQI="), bytes);
  assert.throws(() => fromBase64("not base64!"));
});

Deno.test("constantTimeEqual() compares whole strings", () => {
  assert.equal(constantTimeEqual("abc", "abc"), true);
  assert.equal(constantTimeEqual("abc", "abd"), false);
  assert.equal(constantTimeEqual("abc", "abcd"), false);
});
