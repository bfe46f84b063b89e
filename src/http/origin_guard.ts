/**
 * DNS-rebinding and cross-site protection for `/mcp` and `POST /`: a browser
 * `Origin` must be loopback or listed in `ALLOWED_ORIGINS`, and on a loopback
 * bind the `Host` header must name a loopback host (or a listed origin's or
 * `PUBLIC_URL`'s host), as the MCP specification advises.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { isLoopback } from "../config.ts";
import { logger } from "../log/logger.ts";

/** Options of {@link originGuard}. */
export interface OriginGuardOptions {
  /** The listen host; Host checks apply only to loopback binds. */
  host: string;
  /** Extra allowed origins, e.g. `https://inspector.example.com` (as `Config` normalises them). */
  allowedOrigins?: string[];
  /** `PUBLIC_URL`, whose host is always accepted. */
  publicUrl?: string;
}

/** The host name of a URL or `Host` header, or `undefined` when it does not parse. */
function hostNameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Whether a browser may call from `origin`: a loopback origin, or one listed.
 * `null` (sandboxed frames, `file:`) and anything unparsable are refused.
 */
export function isAllowedOrigin(origin: string, allowedOrigins: readonly string[] = []): boolean {
  // No Origin (the CORS middleware asks with ""): nothing to allow, and no URL parse that throws.
  if (!origin) return false;
  if (allowedOrigins.includes(origin)) return true;
  const name = hostNameOf(origin);
  return name !== undefined && /^https?:/.test(origin) && isLoopback(name);
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
  const allowedOrigins = options.allowedOrigins ?? [];
  const knownHosts = new Set(
    [...allowedOrigins, options.publicUrl ?? ""].map(hostNameOf).filter(Boolean),
  );
  const checkHost = isLoopback(options.host);
  /** Host header → whether it names this server; clients send a handful of distinct values. */
  const hostVerdicts = new Map<string, boolean>();

  function isOwnHost(host: string): boolean {
    let verdict = hostVerdicts.get(host);
    if (verdict === undefined) {
      // Only host[:port] characters, so `evil.example@127.0.0.1` cannot parse as loopback.
      const name = /^[\w.:[\]-]+$/.test(host) ? hostNameOf(`http://${host}`) : undefined;
      verdict = name !== undefined && (isLoopback(name) || knownHosts.has(name));
      if (hostVerdicts.size >= 256) hostVerdicts.clear();
      hostVerdicts.set(host, verdict);
    }
    return verdict;
  }

  function refuse(message: string, c: Context): never {
    logger("security").warn("Refused {method} {path}: {reason}", {
      method: c.req.method,
      path: c.req.path,
      reason: message,
      requestId: c.get("requestId"),
    });
    throw new HTTPException(403, { message });
  }

  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !isAllowedOrigin(origin, allowedOrigins)) {
      refuse(`Origin ${origin} is not allowed: add it to ALLOWED_ORIGINS`, c);
    }
    if (checkHost) {
      // The header first: in-process requests (`app.request`) carry it without a matching URL.
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      if (!isOwnHost(host)) {
        refuse(`Host ${host} is not this server: add its origin to ALLOWED_ORIGINS`, c);
      }
    }
    await next();
  };
}
