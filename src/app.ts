/**
 * The Hono app: middleware and routes, no environment access. `serve.ts` and
 * the tests build it from a config and services.
 *
 * Who may call what: `/healthz` and `/readyz` are open; `/slack/events` (and
 * `/webhook`) answer only requests signed with the Slack signing secret;
 * `/mcp` and `POST /` need an allowed `Origin`, a loopback `Host` on loopback
 * binds, the bearer token when one is configured, and a body under 1 MiB.
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Config } from "./config.ts";
import type { CallerInfo, ToolPipeline } from "./mcp/pipeline.ts";
import type { McpEndpoint } from "./http/mcp_route.ts";
import { bearerAuth, bearerToken } from "./http/bearer_auth.ts";
import { isAllowedOrigin, originGuard } from "./http/origin_guard.ts";
import { handleCompatCall } from "./http/compat_route.ts";
import type { OAuthServer, Principal } from "./oauth/oauth_server.ts";
import { logger } from "./log/logger.ts";
import { fingerprint } from "./util/hash.ts";

/**
 * Largest JSON-RPC body `/mcp` and `/` accept: a 5 MiB file upload travels as
 * base64 (about 7 MB) inside the request. The webhook keeps Slack's 1 MiB.
 */
const maxMcpBodyBytes = 8 * 1024 * 1024;

/** How long a passing readiness result is reused, so probes do not spend Slack's rate limit. */
const readinessCacheMs = 60_000;

/** Result of the readiness checks: check name → ok, or the failure. */
export type ReadinessChecks = Record<string, { ok: boolean; detail?: string }>;

/** What the app serves. */
export interface AppDependencies {
  config: Config;
  pipeline: ToolPipeline;
  mcp: McpEndpoint;
  /** The Slack Events webhook; absent means events are not accepted here. */
  webhook?: (request: Request, requestId: string) => Promise<Response>;
  /** Readiness checks for `/readyz` (Slack `auth.test`, the store). */
  readiness?: () => Promise<ReadinessChecks>;
  /** Multi-user mode: the OAuth routes, and the access token `/mcp` requires. */
  oauth?: Pick<OAuthServer, "routes" | "requireAccessToken">;
}

/** Hono variables set by middleware. */
export type AppEnv = {
  Variables: { requestId: string; principal?: Principal };
  Bindings: { remoteAddr?: { hostname?: string } };
};

/** Machine-readable `error` of each status the app answers with itself. */
const errorCodes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  503: "unavailable",
};

/**
 * The rate-limit identity of a request: its bearer token (hashed) when tokens
 * are checked, else its IP. An unchecked token would let a client mint a fresh
 * budget per request.
 */
async function callerOf(c: Context<AppEnv>, tokensChecked: boolean): Promise<CallerInfo> {
  const principal = c.get("principal");
  if (principal) {
    // A person: their own rate limit, and only their token may use their sessions.
    const person = `${principal.teamId}:${principal.userId}`;
    return { clientId: `person:${person}`, requestId: c.get("requestId"), principal: person };
  }
  const token = tokensChecked ? bearerToken(c.req.header("authorization")) : undefined;
  const clientId = token
    ? `token:${await fingerprint(token)}`
    : `ip:${c.env?.remoteAddr?.hostname ?? "unknown"}`;
  return { clientId, requestId: c.get("requestId") };
}

/**
 * Runs `check` at most once per `ttlMs` while it passes; concurrent callers
 * share one run, and a failing result is not reused (recovery shows at once).
 */
function cachedReadiness(
  check: () => Promise<ReadinessChecks>,
  ttlMs: number,
): () => Promise<ReadinessChecks> {
  let entry: { checks: Promise<ReadinessChecks>; expires: number } | undefined;
  return () => {
    if (entry && Date.now() < entry.expires) return entry.checks;
    const current = { checks: check(), expires: Infinity };
    entry = current;
    current.checks.then(
      (checks) => {
        const ok = Object.values(checks).every((c) => c.ok);
        current.expires = ok ? Date.now() + ttlMs : 0;
      },
      () => (current.expires = 0),
    );
    return current.checks;
  };
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
  const readiness = cachedReadiness(
    deps.readiness ?? (() => Promise.resolve({})),
    readinessCacheMs,
  );
  const originCheck = originGuard({
    host: config.http.host,
    allowedOrigins: config.http.allowedOrigins,
    publicUrl: config.http.publicUrl,
  });
  const auth: MiddlewareHandler<AppEnv> = deps.oauth
    ? deps.oauth.requireAccessToken as unknown as MiddlewareHandler<AppEnv>
    : bearerAuth({ token: config.http.authToken });
  const tokensChecked = Boolean(config.http.authToken);
  const sizeLimit = bodyLimit({
    maxSize: maxMcpBodyBytes,
    onError: () => {
      throw new HTTPException(413, { message: "Request body over 8 MiB: send less per request" });
    },
  });
  // Browser clients on ALLOWED_ORIGINS need CORS to read answers; the guard has already run.
  const mcpCors = cors({
    origin: (origin) => isAllowedOrigin(origin, config.http.allowedOrigins) ? origin : null,
    allowMethods: ["GET", "POST", "DELETE"],
    allowHeaders: [
      "authorization",
      "content-type",
      "last-event-id",
      "mcp-protocol-version",
      "mcp-session-id",
    ],
    exposeHeaders: ["mcp-session-id", "mcp-protocol-version", "www-authenticate", "x-request-id"],
    maxAge: 600,
  });

  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    log.info("{method} {path} answered {status} in {ms} ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      client: c.env?.remoteAddr?.hostname,
      requestId: c.get("requestId"),
    });
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  if (deps.oauth) app.route("/", deps.oauth.routes as unknown as Hono<AppEnv>);
  app.get("/readyz", async (c) => {
    const checks = await readiness();
    const ok = Object.values(checks).every((check) => check.ok);
    if (!ok) log.warn("Not ready: {checks}", { checks, requestId: c.get("requestId") });
    return c.json({ status: ok ? "ready" : "not_ready", checks }, ok ? 200 : 503);
  });

  app.all(
    "/mcp",
    originCheck,
    mcpCors,
    auth,
    sizeLimit,
    async (c) => deps.mcp.handle(c.req.raw, await callerOf(c, tokensChecked)),
  );
  app.post(
    "/",
    originCheck,
    auth,
    sizeLimit,
    async (c) => handleCompatCall(deps.pipeline, c.req.raw, await callerOf(c, tokensChecked)),
  );

  for (const path of ["/slack/events", "/webhook"]) {
    app.post(path, (c) => {
      if (!deps.webhook) {
        throw new HTTPException(503, {
          message: "Events are off: set SLACK_SIGNING_SECRET to accept Slack Events API webhooks",
        });
      }
      return deps.webhook(c.req.raw, c.get("requestId"));
    });
  }

  app.notFound(() => {
    throw new HTTPException(404, { message: "No such route: see /healthz, /mcp, /slack/events" });
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json(
        { error: errorCodes[error.status] ?? "error", message: error.message },
        error.status as ContentfulStatusCode,
        Object.fromEntries(error.res?.headers ?? []),
      );
    }
    log.error("Unhandled error on {path}: {error}", {
      path: c.req.path,
      error: error.stack ?? error.message,
      requestId: c.get("requestId"),
    });
    return c.json({ error: "internal_error", requestId: c.get("requestId") }, 500);
  });
  return app;
}
