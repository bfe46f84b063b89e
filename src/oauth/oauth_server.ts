/**
 * Multi-user mode's authorization server and the resource server's checks,
 * in one factory: MCP clients get OAuth 2.1 (PKCE S256, dynamic registration,
 * client ID metadata documents, audience-bound tokens) from this server, and
 * the person signs in with Slack OAuth v2, whose user token is kept encrypted
 * and used for that person's calls only. Every record lives in the `Store`,
 * so any number of instances share one sign-in state.
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Store } from "../store/store.ts";
import { logger } from "../log/logger.ts";
import { createApprovals } from "./approvals.ts";
import { registerAuthorizeRoutes } from "./authorize_route.ts";
import { createBrowserSessions } from "./browser_sessions.ts";
import { registerCallbackRoute } from "./callback_route.ts";
import { fetchClientMetadata } from "./client_metadata.ts";
import { createClientRegistry } from "./clients.ts";
import { createCsrf } from "./csrf.ts";
import { createGrants, type Principal } from "./grants.ts";
import { errorPage, pageHeaders } from "./html.ts";
import {
  authorizationServerMetadata,
  type OAuthUrls,
  oauthUrls,
  protectedResourceMetadata,
} from "./metadata.ts";
import type { OAuthEnv, OAuthParts } from "./parts.ts";
import { createPendingAuthorizations } from "./pending.ts";
import { type ResolveHost, resolveWithDns } from "./private_address.ts";
import { registerRegistrationRoute } from "./register_route.ts";
import { createSlackCredentials } from "./slack_credentials.ts";
import { createTokenCipher, decodeEncryptionKey, type TokenCipher } from "./token_cipher.ts";
import { oauthError, registerTokenRoutes } from "./token_route.ts";

export type { Principal } from "./grants.ts";
export type { OAuthUrls } from "./metadata.ts";
export type { OAuthEnv } from "./parts.ts";

/** Options of {@link createOAuthServer}. */
export interface OAuthServerOptions {
  /** `PUBLIC_URL`: the issuer; the MCP resource is `<publicUrl>/mcp`. */
  publicUrl: string;
  /** `SLACK_API_URL`, ending in `api/`. */
  slackApiUrl: string;
  /** `SLACK_CLIENT_ID`. */
  slackClientId: string;
  /** `SLACK_CLIENT_SECRET`. */
  slackClientSecret: string;
  /** `TOKEN_ENCRYPTION_KEY`: base64 of 32 random bytes. */
  encryptionKey: string;
  /** `SLACK_ALLOWED_TEAMS`; empty allows any workspace that installs the app. */
  allowedTeams: readonly string[];
  /** Slack user scopes to ask for (those of the enabled tools). */
  userScopes: readonly string[];
  store: Store;
  /** Default the global `fetch` (Slack, client metadata documents). */
  fetch?: typeof fetch;
  /** Unix ms; default `Date.now`. */
  now?: () => number;
  /** Fetch client metadata from loopback/private hosts, over http too (tests only). */
  allowPrivateClientMetadata?: boolean;
  /** Resolves host names of metadata documents; default DNS. */
  resolveHost?: ResolveHost;
  /** Dynamic registrations allowed per IP; default 20 per hour. */
  registrationLimit?: { max: number; windowMs: number };
  /** Scopes granted to MCP clients; default `["slack"]`. */
  scopes?: readonly string[];
}

/** The Hono environment of a route behind {@link OAuthServer.requireAccessToken}. */
export type PrincipalEnv = { Variables: { principal: Principal } };

/** A Slack event that may end sign-ins (`tokens_revoked`, `app_uninstalled`). */
export interface RevocationEvent {
  type: string;
  tokens?: { oauth?: string[]; bot?: string[] };
}

/** The OAuth server. */
export interface OAuthServer {
  /**
   * The routes: `/.well-known/oauth-protected-resource` (also `…/mcp`),
   * `/.well-known/oauth-authorization-server`, `GET|POST /oauth/authorize`,
   * `GET /oauth/slack/callback`, `POST /oauth/token`, `POST /oauth/register`,
   * `POST /oauth/revoke`. Mount with `app.route("/", oauth.routes)`.
   */
  readonly routes: Hono<OAuthEnv>;
  /** The URLs it names (`resource`, `resourceMetadata`, endpoints). */
  readonly urls: OAuthUrls;
  /** The principal of a live access token for this server's resource, else `undefined`. */
  verifyAccessToken(token: string | undefined): Promise<Principal | undefined>;
  /**
   * 401 with `WWW-Authenticate: Bearer resource_metadata="…"`, plus
   * `error="invalid_token"` when a token was presented but refused.
   */
  unauthorizedResponse(error?: "invalid_token", description?: string): Response;
  /** Middleware: a valid bearer token or the 401 above; sets `c.var.principal`. */
  readonly requireAccessToken: MiddlewareHandler<PrincipalEnv>;
  /** The person's Slack user token (decrypted), or `undefined` when none is kept. */
  slackTokenFor(principal: Pick<Principal, "teamId" | "userId">): Promise<string | undefined>;
  /**
   * Ends a person's access: deletes their Slack token and revokes every MCP
   * token and standing approval they have. For Slack's `invalid_auth` /
   * `token_revoked` / `account_inactive` answers, `tokens_revoked` events and
   * `auth.revoke`.
   */
  revokePerson(teamId: string, userId: string): Promise<void>;
  /** Ends the access of everyone in a team (`app_uninstalled`). */
  revokeTeam(teamId: string): Promise<void>;
  /** Applies `tokens_revoked` and `app_uninstalled`; `true` when the event was one of them. */
  handleSlackEvent(teamId: string, event: RevocationEvent): Promise<boolean>;
}

/** A cipher whose key import finishes in the background (so the factory stays synchronous). */
function lazyCipher(key: string): TokenCipher {
  const ready = createTokenCipher(key);
  ready.catch(() => {});
  return {
    encrypt: async (plaintext, context) => (await ready).encrypt(plaintext, context),
    decrypt: async (sealed, context) => (await ready).decrypt(sealed, context),
    hmacKey: async (purpose) => (await ready).hmacKey(purpose),
  };
}

/** The token of an `Authorization: Bearer` header. */
function bearer(header: string | undefined): string | undefined {
  return /^Bearer +(\S+)$/i.exec(header ?? "")?.[1];
}

/** Quotes a value for an auth-param (RFC 9110 §5.6.4). */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * Creates the OAuth server.
 *
 * @example
 * ```ts
 * const oauth = createOAuthServer({
 *   publicUrl: "https://mcp.example", slackApiUrl: "https://slack.com/api/",
 *   slackClientId, slackClientSecret, encryptionKey, allowedTeams: [],
 *   userScopes: ["channels:history", "search:read"], store,
 * });
 * app.route("/", oauth.routes);
 * app.use("/mcp", oauth.requireAccessToken);
 * ```
 * @throws {RangeError} naming the setting when `publicUrl`, `slackApiUrl` or
 * `encryptionKey` is unusable.
 */
export function createOAuthServer(options: OAuthServerOptions): OAuthServer {
  decodeEncryptionKey(options.encryptionKey);
  if (!options.slackClientId) throw new RangeError("SLACK_CLIENT_ID is empty");
  if (!options.slackClientSecret) throw new RangeError("SLACK_CLIENT_SECRET is empty");
  const urls = oauthUrls(options.publicUrl, options.slackApiUrl);
  const { store } = options;
  const now = options.now ?? Date.now;
  const fetcher = options.fetch ?? fetch;
  const allowPrivate = options.allowPrivateClientMetadata ?? false;
  const scopes = options.scopes ?? ["slack"];
  const cipher = lazyCipher(options.encryptionKey);
  const grants = createGrants({ store, now });
  const secure = urls.issuer.startsWith("https:");
  const parts: OAuthParts = {
    urls,
    scopes,
    userScopes: options.userScopes,
    allowedTeams: options.allowedTeams,
    slackClientId: options.slackClientId,
    slackClientSecret: options.slackClientSecret,
    fetch: fetcher,
    now,
    store,
    allowPrivateClientMetadata: allowPrivate,
    registrationLimit: options.registrationLimit ?? { max: 20, windowMs: 3_600_000 },
    clients: createClientRegistry({
      store,
      now,
      allowPrivate,
      fetchMetadata: (url) =>
        fetchClientMetadata(url, {
          fetch: fetcher,
          resolve: options.resolveHost ?? resolveWithDns,
          allowPrivate,
        }),
    }),
    grants,
    pending: createPendingAuthorizations({ store }),
    csrf: createCsrf(cipher.hmacKey("consent csrf")),
    approvals: createApprovals({ store, generations: grants.generations }),
    sessions: createBrowserSessions(store),
    credentials: createSlackCredentials({ store, cipher }),
    // `__Host-` binds the cookies to this exact origin; browsers accept it only with Secure.
    cookies: {
      browser: secure ? "__Host-slack_mcp_browser" : "slack_mcp_browser",
      person: secure ? "__Host-slack_mcp_person" : "slack_mcp_person",
      secure,
    },
    log: logger("oauth"),
    security: logger("security"),
  };

  const routes = new Hono<OAuthEnv>();
  const publicEndpoints = [
    "/.well-known/oauth-protected-resource",
    "/.well-known/oauth-protected-resource/mcp",
    "/.well-known/oauth-authorization-server",
    "/oauth/token",
    "/oauth/register",
    "/oauth/revoke",
  ];
  // Browser-based clients (the MCP Inspector) call these directly; no cookies are involved,
  // and the headers asked for (MCP-Protocol-Version with discovery) are allowed.
  for (const path of publicEndpoints) routes.use(path, cors({ origin: "*" }));
  routes.use(
    "/oauth/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => oauthError("invalid_request", "The request body is over 64 KiB", 413),
    }),
  );
  const cached = { "cache-control": "public, max-age=300" };
  const resourceMetadata = protectedResourceMetadata(urls, scopes);
  routes.get(
    "/.well-known/oauth-protected-resource",
    () => Response.json(resourceMetadata, { headers: cached }),
  );
  routes.get(
    "/.well-known/oauth-protected-resource/mcp",
    () => Response.json(resourceMetadata, { headers: cached }),
  );
  const serverMetadata = authorizationServerMetadata(urls, scopes);
  routes.get(
    "/.well-known/oauth-authorization-server",
    () => Response.json(serverMetadata, { headers: cached }),
  );
  registerAuthorizeRoutes(routes, parts);
  registerCallbackRoute(routes, parts);
  registerTokenRoutes(routes, parts);
  registerRegistrationRoute(routes, parts);
  routes.onError((error, c) => {
    parts.log.error("OAuth request {path} failed: {error}", {
      path: c.req.path,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    const browserFacing = c.req.path === "/oauth/authorize" ||
      c.req.path === "/oauth/slack/callback";
    return browserFacing
      ? new Response(
        errorPage("Temporarily unavailable", "The sign-in service failed; try again shortly."),
        { status: 503, headers: pageHeaders },
      )
      : oauthError("temporarily_unavailable", "The authorization server failed; retry", 503);
  });

  async function verifyAccessToken(token: string | undefined) {
    return token ? await grants.verify(token, urls.resource) : undefined;
  }

  function unauthorizedResponse(error?: "invalid_token", description?: string): Response {
    let challenge = `Bearer resource_metadata=${quoted(urls.resourceMetadata)}`;
    if (error) {
      challenge += `, error=${quoted(error)}`;
      if (description) challenge += `, error_description=${quoted(description)}`;
    }
    return Response.json(
      {
        error: error ?? "unauthorized",
        error_description: description ??
          "Sign in: this server requires an OAuth access token (see WWW-Authenticate)",
      },
      { status: 401, headers: { "www-authenticate": challenge, "cache-control": "no-store" } },
    );
  }

  const requireAccessToken: MiddlewareHandler<PrincipalEnv> = async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    const principal = await verifyAccessToken(token);
    if (!principal) {
      parts.security.warn("MCP request refused: {reason}", {
        reason: token ? "invalid or expired access token" : "no access token",
      });
      return token
        ? unauthorizedResponse("invalid_token", "The access token is invalid, expired or revoked")
        : unauthorizedResponse();
    }
    c.set("principal", principal);
    await next();
  };

  async function revokePerson(teamId: string, userId: string): Promise<void> {
    await grants.revokePerson(teamId, userId);
    await parts.credentials.forget(teamId, userId);
    parts.log.info("A person's sign-in was revoked");
  }

  async function revokeTeam(teamId: string): Promise<void> {
    await grants.revokeTeam(teamId);
    await parts.credentials.forgetTeam(teamId);
    parts.log.info("Every sign-in of a team was revoked");
  }

  return {
    routes,
    urls,
    verifyAccessToken,
    unauthorizedResponse,
    requireAccessToken,
    async slackTokenFor(principal) {
      return (await parts.credentials.load(principal.teamId, principal.userId))?.accessToken;
    },
    revokePerson,
    revokeTeam,
    async handleSlackEvent(teamId, event) {
      if (event.type === "app_uninstalled") {
        await revokeTeam(teamId);
        return true;
      }
      if (event.type !== "tokens_revoked") return false;
      for (const userId of new Set(event.tokens?.oauth ?? [])) await revokePerson(teamId, userId);
      return true;
    },
  };
}
