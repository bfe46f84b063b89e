/**
 * SHA-256 helpers over WebCrypto, for fingerprints (cache namespaces, rate-limit
 * identities) that must not reveal the secret they are derived from.
 * @module
 */

/** The SHA-256 digest of a UTF-8 string. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A short one-way fingerprint: the first `bytes` bytes of SHA-256, in hex.
 *
 * @example
 * ```ts
 * await fingerprint("xoxb-…", 6); // "3f9a0c12b4e7"
 * ```
 */
export async function fingerprint(text: string, bytes = 8): Promise<string> {
  return toHex((await sha256(text)).slice(0, bytes));
}
