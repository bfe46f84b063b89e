/**
 * PKCE (RFC 7636), S256 only: OAuth 2.1 and the MCP authorization spec refuse
 * `plain`, which would hand the verifier to anyone who sees the request.
 * @module
 */
import { sha256 } from "../util/hash.ts";
import { toBase64Url } from "./opaque_token.ts";

/** An S256 challenge: base64url of a SHA-256 digest, always 43 characters. */
const challengeShape = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const verifierShape = /^[A-Za-z0-9._~-]{43,128}$/;

/** Whether `challenge` can be an S256 code challenge. */
export function isS256Challenge(challenge: string): boolean {
  return challengeShape.test(challenge);
}

/** The S256 challenge of `verifier`: base64url(SHA-256(verifier)). */
export async function s256Challenge(verifier: string): Promise<string> {
  return toBase64Url(await sha256(verifier));
}

/**
 * Whether `verifier` is well formed and hashes to `challenge`.
 *
 * @example
 * ```ts
 * // RFC 7636, appendix B.
 * await verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
 *   "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"); // true
 * ```
 */
export async function verifyPkce(verifier: string, challenge: string): Promise<boolean> {
  if (!verifierShape.test(verifier)) return false;
  const expected = await s256Challenge(verifier);
  // Both are public-length base64url; a mismatch leaks nothing an attacker could use.
  return expected === challenge;
}
