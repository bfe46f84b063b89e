/**
 * Opaque secrets (access and refresh tokens, codes, states, cookie values):
 * 32 random bytes from the CSPRNG, and the SHA-256 under which the store keeps
 * them, so a copy of the store holds nothing a client could present.
 * @module
 */
import { sha256, toHex } from "../util/hash.ts";

/** Bytes as unpadded base64url (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Unpadded (or padded) base64url or standard base64 to bytes; throws on other text. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const standard = text.trim().replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * A new unguessable value: `bytes` random bytes as base64url, after `prefix`.
 *
 * @example
 * ```ts
 * newOpaqueToken("mcp_at_"); // "mcp_at_Qx3…" (43 characters after the prefix)
 * ```
 */
export function newOpaqueToken(prefix = "", bytes = 32): string {
  return prefix + toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * The store key part for a secret: its SHA-256 in hex. Plain SHA-256 suffices
 * because the secrets hashed here carry 256 random bits, so nothing can be
 * guessed back from the digest.
 *
 * @example
 * ```ts
 * await hashToken("mcp_at_Qx3…"); // "9f2c…" (64 hex digits)
 * ```
 */
export async function hashToken(token: string): Promise<string> {
  return toHex(await sha256(token));
}

/** Whether two strings are equal, in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
