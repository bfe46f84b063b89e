/**
 * The Hono app: middleware and routes, no environment access. `main.ts` and
 * the tests build it from a config and services.
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import type { Config } from "./config.ts";
import type { CallerInfo, McpServerFactory } from "./mcp/server.ts";
import type { McpEndpoint } from "./http/mcp_route.ts";
import { bearerAuth, bearerToken } from "./http/bearer_auth.ts";
import { originGuard } from "./http/origin_guard.ts";
import { handleCompatCall } from "./http/compat_route.ts";
import { logger } from "./log/logger.ts";

/** Largest JSON-RPC body `/mcp` and `/` accept. */
const maxMcpBodyBytes = 1024 * 1024;

/** What the app serves. */
export interface AppDependencies {
  config: Config;
  factory: McpServerFactory;
  mcp: McpEndpoint;
  /** The Slack Events webhook; absent means events are not accepted here. */
  webhook?: (request: Request, requestId: string) => Promise<Response>;
  /** Readiness checks for `/readyz`: name → ok or the failure. */
  readiness?: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
}

/** Hono variables set by middleware. */
export type AppEnv = {
  Variables: { requestId: string };
  Bindings: { remoteAddr?: { hostname?: string } };
};

async function hashHex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** The rate-limit identity of a request: its bearer token (hashed), else its IP. */
async function callerOf(c: Context<AppEnv>): Promise<CallerInfo> {
  const token = bearerToken(c.req.header("authorization"));
  const clientId = token
    ? `token:${await hashHex(token)}`
    : `ip:${c.env?.remoteAddr?.hostname ?? "unknown"}`;
  return { clientId, requestId: c.get("requestId") };
}

/**
 * Creates the app.
 *
 * @example
 * ```ts
 * Deno.serve({ port: 8126 }, createApp(deps).fetch);
 * ```
 */
export function createApp(deps: AppDependencies): Hono<AppEnv> {
  const { config } = deps;
  const app = new Hono<AppEnv>();
  const log = logger("http");
  const tooLarge = bodyLimit({
    maxSize: maxMcpBodyBytes,
    onError: (c) =>
      c.json({ error: "payload_too_large", message: "Request body over 1 MiB" }, 413),
  });
  const mcpGuards = [
    bearerAuth({ token: config.http.authToken }),
    originGuard({
      host: config.http.host,
      allowedOrigins: config.http.allowedOrigins,
      publicUrl: config.http.publicUrl,
    }),
    tooLarge,
  ] as const;

  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    log.info("{method} {path} {status} in {ms} ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      requestId: c.get("requestId"),
    });
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const checks = await deps.readiness?.() ?? {};
    const ok = Object.values(checks).every((check) => check.ok);
    return c.json({ status: ok ? "ready" : "not_ready", checks }, ok ? 200 : 503);
  });

  app.all("/mcp", ...mcpGuards, async (c) => deps.mcp.handle(c.req.raw, await callerOf(c)));
  app.post("/", ...mcpGuards, async (c) => handleCompatCall(deps.factory, c.req.raw, await callerOf(c)));

  for (const path of ["/slack/events", "/webhook"]) {
    app.post(path, (c) => {
      if (!deps.webhook) {
        return c.json({
          error: "events_disabled",
          message: "Set SLACK_SIGNING_SECRET to accept Slack Events API webhooks.",
        }, 503);
      }
      return deps.webhook(c.req.raw, c.get("requestId"));
    });
  }

  app.notFound((c) => c.json({ error: "not_found", message: `No route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    log.error("Unhandled error on {path}: {error}", {
      path: c.req.path,
      error: error.stack ?? error.message,
      requestId: c.get("requestId"),
    });
    return c.json({ error: "internal_error", requestId: c.get("requestId") }, 500);
  });
  return app;
}
