/**
 * CSRF tokens of the consent form: an HMAC of the pending request's reference
 * and the browser's binding cookie. A page fetched by one browser cannot be
 * submitted from another (an attacker who starts a request cannot make a
 * victim's browser approve it), and nothing needs storing.
 * @module
 */
import { hmac, verifyHmac } from "./token_cipher.ts";

/** Issues and checks consent-form tokens. */
export interface Csrf {
  /** The token for request `requestId` shown to the browser holding `browserNonce`. */
  token(requestId: string, browserNonce: string): Promise<string>;
  /** Whether `token` was issued for this request and this browser. */
  check(requestId: string, browserNonce: string | undefined, token: unknown): Promise<boolean>;
}

/**
 * Creates the CSRF guard over an HMAC key (or the promise of one).
 *
 * @example
 * ```ts
 * const csrf = createCsrf(await cipher.hmacKey("csrf"));
 * const token = await csrf.token(requestId, nonce);
 * await csrf.check(requestId, nonce, token); // true
 * ```
 */
export function createCsrf(key: CryptoKey | Promise<CryptoKey>): Csrf {
  const message = (requestId: string, nonce: string) => `consent\n${requestId}\n${nonce}`;
  return {
    token: async (requestId, nonce) => hmac(await key, message(requestId, nonce)),
    async check(requestId, nonce, token) {
      if (!nonce || typeof token !== "string" || token.length > 100) return false;
      return await verifyHmac(await key, message(requestId, nonce), token);
    },
  };
}
