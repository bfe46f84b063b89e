/**
 * Bearer-token authentication for `/mcp` and the compat route, compared in
 * constant time (both sides hashed first, so neither content nor length leaks
 * through timing).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { logger } from "../log/logger.ts";
import { sha256 } from "../util/hash.ts";

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  /** The expected token; unset turns the check off (loopback binds only, see `config.ts`). */
  token?: string;
  /** `realm` of the `WWW-Authenticate` challenge. */
  realm?: string;
}

/** Constant-time equality of two SHA-256 digests. */
function sameDigest(x: Uint8Array, y: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer +(\S+)$/i.exec(header ?? "")?.[1];
}

/**
 * Requires `Authorization: Bearer <token>`; answers 401 with a
 * `WWW-Authenticate` challenge (RFC 6750) otherwise. A no-op without `token`.
 *
 * @example
 * ```ts
 * app.use("/mcp", bearerAuth({ token: config.http.authToken }));
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const realm = options.realm ?? "slack-mcp";
  const expected = options.token ? sha256(options.token) : undefined;
  return async (c, next) => {
    if (!expected) return await next();
    const presented = bearerToken(c.req.header("authorization"));
    if (presented !== undefined && sameDigest(await sha256(presented), await expected)) {
      return await next();
    }
    logger("security").warn("Authentication failed for {method} {path}: {reason}", {
      method: c.req.method,
      path: c.req.path,
      reason: presented === undefined ? "no usable Authorization header" : "wrong token",
      requestId: c.get("requestId"),
    });
    const challenge = presented === undefined
      ? `Bearer realm="${realm}"`
      : `Bearer realm="${realm}", error="invalid_token"`;
    throw new HTTPException(401, {
      message: "Authentication required: send Authorization: Bearer <MCP_AUTH_TOKEN>",
      res: new Response(null, { headers: { "www-authenticate": challenge } }),
    });
  };
}
