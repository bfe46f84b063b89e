import assert from "node:assert/strict";
import { isS256Challenge, s256Challenge, verifyPkce } from "./pkce.ts";

const rfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

Deno.test("s256Challenge() matches RFC 7636 appendix B", async () => {
  assert.equal(await s256Challenge(rfcVerifier), rfcChallenge);
  assert.equal(await verifyPkce(rfcVerifier, rfcChallenge), true);
});

Deno.test("verifyPkce() refuses a wrong, short or malformed verifier", async () => {
  assert.equal(await verifyPkce(rfcVerifier.replace("d", "e"), rfcChallenge), false);
  assert.equal(await verifyPkce("short", await s256Challenge("short")), false);
  const spaced = `${"a".repeat(42)} `;
  assert.equal(await verifyPkce(spaced, await s256Challenge(spaced)), false);
  // `plain`: the verifier itself as the challenge.
  assert.equal(await verifyPkce(rfcVerifier, rfcVerifier), false);
});

Deno.test("isS256Challenge() accepts only 43 base64url characters", () => {
  assert.equal(isS256Challenge(rfcChallenge), true);
  assert.equal(isS256Challenge(rfcChallenge + "A"), false);
  assert.equal(isS256Challenge(rfcChallenge.replace("-", "+")), false);
});
