/**
 * DNS-rebinding protection for `/mcp`: a browser `Origin` must be loopback or
 * listed in `ALLOWED_ORIGINS`, and on a loopback bind the `Host` header must
 * name a loopback host (or a listed origin's host), as the MCP spec advises.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { isLoopback } from "../config.ts";
import { logger } from "../log/logger.ts";

/** Options of {@link originGuard}. */
export interface OriginGuardOptions {
  /** The listen host; Host checks apply only to loopback binds. */
  host: string;
  /** Extra allowed origins, e.g. `https://inspector.example.com`. */
  allowedOrigins: string[];
  /** `PUBLIC_URL`, whose host is always accepted. */
  publicUrl?: string;
}

function hostName(hostHeader: string): string {
  return hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0];
}

/**
 * Rejects cross-origin and rebound requests with 403.
 *
 * @example
 * ```ts
 * app.use("/mcp", originGuard({ host: "127.0.0.1", allowedOrigins: [] }));
 * ```
 */
export function originGuard(options: OriginGuardOptions): MiddlewareHandler {
  const origins = new Set(options.allowedOrigins.map((o) => o.replace(/\/$/, "")));
  const hosts = new Set(
    [...options.allowedOrigins, ...(options.publicUrl ? [options.publicUrl] : [])].flatMap((o) => {
      try {
        return [new URL(o).hostname];
      } catch {
        return [];
      }
    }),
  );
  const checkHost = isLoopback(options.host);

  function refuse(reason: string, requestId: string): never {
    logger("security").warn("Refused request: {reason}", { reason, requestId });
    throw new HTTPException(403, {
      res: Response.json({ error: "forbidden", message: reason }, { status: 403 }),
    });
  }

  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin) {
      let allowed = origins.has(origin);
      try {
        allowed ||= isLoopback(new URL(origin).hostname);
      } catch { /* not a URL: refused below */ }
      if (!allowed) refuse(`Origin ${origin} is not allowed; add it to ALLOWED_ORIGINS`, c.get("requestId"));
    }
    const host = c.req.header("host");
    if (checkHost && host) {
      const name = hostName(host);
      if (!isLoopback(name) && !hosts.has(name)) {
        refuse(`Host ${host} is not this server; add its origin to ALLOWED_ORIGINS`, c.get("requestId"));
      }
    }
    await next();
  };
}
