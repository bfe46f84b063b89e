/**
 * Bearer-token authentication for `/mcp` and the compat route, compared in
 * constant time (both sides hashed first so lengths leak nothing).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { logger } from "../log/logger.ts";

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Constant-time equality of two strings. */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** The bearer token of a request, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * Requires `Authorization: Bearer <token>`; a no-op when `token` is unset.
 *
 * @example
 * ```ts
 * app.use("/mcp", bearerAuth({ token: config.http.authToken }));
 * ```
 */
export function bearerAuth(options: { token?: string }): MiddlewareHandler {
  return async (c, next) => {
    if (!options.token) return await next();
    const presented = bearerToken(c.req.header("authorization"));
    if (!presented || !(await safeEqual(presented, options.token))) {
      logger("security").warn("Authentication failed for {path}: {reason}", {
        path: c.req.path,
        reason: presented ? "wrong token" : "no bearer token",
        requestId: c.get("requestId"),
      });
      throw new HTTPException(401, {
        res: Response.json(
          { error: "unauthorized", message: "Send Authorization: Bearer <MCP_AUTH_TOKEN>." },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="slack-mcp"' } },
        ),
      });
    }
    await next();
  };
}
