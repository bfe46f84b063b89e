/**
 * Encryption of the Slack tokens kept in the store: AES-256-GCM (WebCrypto)
 * under `TOKEN_ENCRYPTION_KEY`, a fresh 96-bit IV per encryption, and the
 * record's identity as additional data, so a ciphertext copied under another
 * person's key does not decrypt. Also derives the HMAC keys of the OAuth
 * server from the same secret (HKDF), one per purpose.
 * @module
 */
import { fromBase64, toBase64Url } from "./opaque_token.ts";

/** Encrypts and decrypts short strings. */
export interface TokenCipher {
  /** `plaintext` sealed as `v1.<iv>.<ciphertext>`; `context` must be given again to open it. */
  encrypt(plaintext: string, context: string): Promise<string>;
  /** The plaintext, or `undefined` when the value was not sealed with this key and `context`. */
  decrypt(sealed: string, context: string): Promise<string | undefined>;
  /** An HMAC-SHA-256 key for `purpose`, derived from the same secret. */
  hmacKey(purpose: string): Promise<CryptoKey>;
}

const encoder = new TextEncoder();

/**
 * The 32 bytes of a base64 `TOKEN_ENCRYPTION_KEY`.
 *
 * @example
 * ```ts
 * decodeEncryptionKey(Deno.env.get("TOKEN_ENCRYPTION_KEY")!); // Uint8Array(32)
 * ```
 * @throws {RangeError} naming `TOKEN_ENCRYPTION_KEY` when it is not base64 of 32 bytes.
 */
export function decodeEncryptionKey(base64: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(base64);
  } catch {
    throw new RangeError(
      "TOKEN_ENCRYPTION_KEY is not base64; generate one with `openssl rand -base64 32`",
    );
  }
  if (bytes.length !== 32) {
    throw new RangeError(
      `TOKEN_ENCRYPTION_KEY must be the base64 of 32 random bytes, got ${bytes.length} bytes; ` +
        "generate one with `openssl rand -base64 32`",
    );
  }
  return bytes;
}

/**
 * A cipher over a base64 32-byte key.
 *
 * @example
 * ```ts
 * const cipher = await createTokenCipher(encryptionKey);
 * const sealed = await cipher.encrypt("xoxp-…", "T123:U456");
 * await cipher.decrypt(sealed, "T123:U456"); // "xoxp-…"
 * ```
 * @throws {RangeError} when the key is not base64 of 32 bytes.
 */
export async function createTokenCipher(base64Key: string): Promise<TokenCipher> {
  const raw = decodeEncryptionKey(base64Key);
  const aes = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  const hkdf = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  raw.fill(0);
  return {
    async encrypt(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
        aes,
        encoder.encode(plaintext),
      );
      return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
    },
    async decrypt(sealed, context) {
      const [version, iv, data] = sealed.split(".");
      if (version !== "v1" || !iv || !data) return undefined;
      try {
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(context) },
          aes,
          fromBase64(data),
        );
        return new TextDecoder().decode(plain);
      } catch {
        return undefined;
      }
    },
    hmacKey(purpose) {
      return crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(),
          info: encoder.encode(`slack-mcp oauth ${purpose}`),
        },
        hkdf,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign", "verify"],
      );
    },
  };
}

/** The HMAC-SHA-256 of `message` under `key`, as base64url. */
export async function hmac(key: CryptoKey, message: string): Promise<string> {
  return toBase64Url(
    new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message))),
  );
}

/** Whether `signature` is the HMAC of `message` under `key` (compared in constant time by WebCrypto). */
export async function verifyHmac(
  key: CryptoKey,
  message: string,
  signature: string,
): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(signature);
  } catch {
    return false;
  }
  return await crypto.subtle.verify("HMAC", key, bytes, encoder.encode(message));
}
