/**
 * Slack request signing: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`
 * keyed with the app's signing secret. Verification compares in constant time
 * (`crypto.subtle.verify`) and refuses timestamps more than five minutes away,
 * so a captured request cannot be replayed later.
 * @module
 */
import { toHex } from "../util/hash.ts";

/** Largest clock difference Slack allows between signing and checking. */
const maxSignatureAgeSeconds = 300;

const encoder = new TextEncoder();
const signaturePattern = /^v0=([0-9a-f]{64})$/i;
const timestampPattern = /^\d{1,12}$/;

/** What {@link verifySlackSignature} checks. */
export interface SignatureCheck {
  secret: string;
  /** `X-Slack-Request-Timestamp`, unix seconds; null when the header is missing. */
  timestamp: string | null | undefined;
  /** `X-Slack-Signature`, `v0=<hex>`; null when the header is missing. */
  signature: string | null | undefined;
  /** The raw body bytes, exactly as received. */
  body: Uint8Array;
  /** Current time, unix milliseconds. */
  now: number;
}

/** The verdict; `reason` is short and safe to log or return (it never echoes the signature). */
export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/** Imported keys by usage and secret: a process has one signing secret, imported once. */
const keys = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const id = `${usage}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      [usage],
    );
    if (keys.size >= 16) keys.clear();
    keys.set(id, key);
  }
  return key;
}

function baseString(timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`v0:${timestamp}:`);
  const bytes = new Uint8Array(prefix.length + body.length);
  bytes.set(prefix);
  bytes.set(body, prefix.length);
  return bytes;
}

/** A hex digit's value (`hex` is checked by {@link signaturePattern} first). */
function nibble(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87;
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  }
  return bytes;
}

/**
 * Checks a request's Slack signature.
 *
 * @example
 * ```ts
 * const verdict = await verifySlackSignature({
 *   secret, body, now: Date.now(),
 *   timestamp: request.headers.get("x-slack-request-timestamp"),
 *   signature: request.headers.get("x-slack-signature"),
 * });
 * if (!verdict.ok) return new Response(verdict.reason, { status: 401 });
 * ```
 */
export async function verifySlackSignature(check: SignatureCheck): Promise<SignatureVerdict> {
  const { timestamp, signature } = check;
  if (!timestamp || !signature) {
    return { ok: false, reason: "missing X-Slack-Signature or X-Slack-Request-Timestamp header" };
  }
  if (!timestampPattern.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
  const skew = Math.abs(check.now / 1000 - Number(timestamp));
  if (skew > maxSignatureAgeSeconds) {
    return { ok: false, reason: `timestamp more than ${maxSignatureAgeSeconds} s away from now` };
  }
  const hex = signaturePattern.exec(signature)?.[1];
  if (!hex) return { ok: false, reason: "malformed signature" };
  // subtle.verify recomputes the MAC and compares it in constant time.
  const valid = await crypto.subtle.verify(
    "HMAC",
    await importKey(check.secret, "verify"),
    hexToBytes(hex),
    baseString(timestamp, check.body),
  );
  return valid ? { ok: true } : { ok: false, reason: "signature mismatch" };
}

/**
 * Signs a request body as Slack does: the `X-Slack-Signature` value.
 *
 * @example
 * ```ts
 * const signature = await signSlackRequest({ secret, timestamp: "1531420618", body });
 * ```
 */
export async function signSlackRequest(
  request: { secret: string; timestamp: string; body: Uint8Array | string },
): Promise<string> {
  const body = typeof request.body === "string" ? encoder.encode(request.body) : request.body;
  const mac = await crypto.subtle.sign(
    "HMAC",
    await importKey(request.secret, "sign"),
    baseString(request.timestamp, body),
  );
  return `v0=${toHex(new Uint8Array(mac))}`;
}
