/**
 * The emulator's side of Slack OAuth v2 and token lifecycle: the authorize
 * page (`GET /oauth/v2/authorize`, approving at once as a chosen person, or
 * declining), `oauth.v2.access` (single-use codes, client credentials,
 * redirect URI), `auth.revoke` and `apps.uninstall` with the
 * `tokens_revoked` / `app_uninstalled` events Slack sends. Every user token
 * issued here joins the emulator's token map, so it acts as its person in
 * every method.
 * @module
 */
import type { Actor, Body } from "./methods.ts";
import { findUser, type Workspace } from "./workspace.ts";

/** OAuth settings of the emulated Slack app. */
export interface SlackOAuthOptions {
  /**
   * Who approves at the authorize page: a user ID, or `"deny"` to decline;
   * default the installer. A request may override it with `emulator_user=…`.
   */
  authorizeAs?: string;
  /** The app's client ID; default `demo-client-id`. */
  oauthClientId?: string;
  /** The app's client secret; default `demo-client-secret`. Not a secret: it opens the demo. */
  oauthClientSecret?: string;
}

/** The demo app's OAuth credentials. */
export const defaultOAuthClient = {
  id: "demo-client-id",
  secret: "demo-client-secret",
} as const;

/** The OAuth side of the emulator. */
export interface SlackOAuth {
  /** Answers `GET /oauth/v2/authorize`: a redirect with `code` (or `error`) and `state`. */
  authorize(url: URL): Response;
  /** The body for the methods served here (`oauth.v2.access`, `auth.revoke`, `apps.uninstall`), else `undefined`. */
  call(method: string, params: Body, token: string | undefined): Body | undefined;
  /** Slack's error for a token the emulator does not know: `token_revoked` once revoked. */
  unknownToken(token: string): "token_revoked" | "invalid_auth";
  /** Who approves next (a user ID or `"deny"`); tests change it. */
  authorizeAs: string;
  /** A new user token for `userId` without the browser dance, as if they had installed the app. */
  issueUserToken(userId: string): string;
}

/** What the OAuth side needs from the emulator. */
export interface SlackOAuthDependencies {
  workspace: Workspace;
  /** The emulator's token map; issued tokens are added, revoked ones removed. */
  tokens: Map<string, Actor>;
  /** Unix ms. */
  now: () => number;
  /** Sends a workspace event to the app. */
  emit(event: Body): void;
  options: SlackOAuthOptions;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  userScope: string;
  botScope: string;
  expiresAt: number;
}

/** Slack's codes are valid for 10 minutes. */
const codeLifetimeMs = 10 * 60_000;

function digits(count: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(count)), (b) => b % 10).join("");
}

function hex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

function page(status: number, error: string, detail: string): Response {
  return new Response(
    `<!doctype html><title>Slack OAuth error</title><h1>${error}</h1><p>${detail}</p>`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

/**
 * Creates the OAuth side over the emulator's workspace and token map.
 *
 * @example
 * ```ts
 * const oauth = createSlackOAuth({ workspace, tokens, now: Date.now, emit, options: {} });
 * oauth.authorizeAs = "U0BRUNO02";
 * ```
 */
export function createSlackOAuth(deps: SlackOAuthDependencies): SlackOAuth {
  const { workspace, tokens, now, emit } = deps;
  const clientId = deps.options.oauthClientId ?? defaultOAuthClient.id;
  const clientSecret = deps.options.oauthClientSecret ?? defaultOAuthClient.secret;
  const codes = new Map<string, PendingCode>();
  const revoked = new Set<string>();

  function issueUserToken(userId: string): string {
    const token = `xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${hex(16)}`;
    tokens.set(token, { kind: "user", userId });
    return token;
  }

  function revoke(token: string): Actor | undefined {
    const actor = tokens.get(token);
    if (!actor) return undefined;
    tokens.delete(token);
    revoked.add(token);
    return actor;
  }

  function botToken(): string | undefined {
    for (const [token, actor] of tokens) if (actor.kind === "bot") return token;
    return undefined;
  }

  const oauth: SlackOAuth = {
    authorizeAs: deps.options.authorizeAs ?? workspace.app.installerUserId,

    authorize(url) {
      const q = url.searchParams;
      if (q.get("client_id") !== clientId) {
        return page(400, "invalid_client_id", "Unknown client_id for this app.");
      }
      const redirectUri = q.get("redirect_uri") ?? "";
      let redirect: URL;
      try {
        redirect = new URL(redirectUri);
      } catch {
        return page(400, "bad_redirect_uri", "redirect_uri must be an absolute URL.");
      }
      const userScope = q.get("user_scope") ?? "";
      const botScope = q.get("scope") ?? "";
      if (!userScope && !botScope) {
        return page(400, "invalid_scope", "Ask for scope or user_scope.");
      }
      const state = q.get("state");
      if (state !== null) redirect.searchParams.set("state", state);
      const who = q.get("emulator_user") ?? oauth.authorizeAs;
      if (who === "deny") {
        redirect.searchParams.set("error", "access_denied");
        return Response.redirect(redirect.href, 302);
      }
      const user = findUser(workspace, who);
      if (!user || user.deleted || user.is_bot) {
        return page(400, "invalid_user", `No person ${who} can sign in here.`);
      }
      const code = `${digits(10)}.${digits(12)}.${hex(32)}`;
      codes.set(code, {
        clientId,
        redirectUri,
        userId: who,
        userScope,
        botScope,
        expiresAt: now() + codeLifetimeMs,
      });
      redirect.searchParams.set("code", code);
      return Response.redirect(redirect.href, 302);
    },

    call(method, params, token) {
      const text = (name: string) => typeof params[name] === "string" ? params[name] : undefined;
      if (method === "oauth.v2.access") {
        if (text("client_id") !== clientId) return { ok: false, error: "invalid_client_id" };
        if (text("client_secret") !== clientSecret) {
          return { ok: false, error: "bad_client_secret" };
        }
        const code = text("code");
        const pending = code ? codes.get(code) : undefined;
        if (!code || !pending) return { ok: false, error: "invalid_code" };
        codes.delete(code);
        if (pending.expiresAt <= now()) return { ok: false, error: "invalid_code" };
        if ((text("redirect_uri") ?? pending.redirectUri) !== pending.redirectUri) {
          return { ok: false, error: "bad_redirect_uri" };
        }
        const bot = pending.botScope ? botToken() : undefined;
        return {
          ok: true,
          app_id: workspace.app.appId,
          authed_user: {
            id: pending.userId,
            ...(pending.userScope
              ? {
                scope: pending.userScope,
                access_token: issueUserToken(pending.userId),
                token_type: "user",
              }
              : {}),
          },
          ...(bot
            ? {
              scope: pending.botScope,
              token_type: "bot",
              access_token: bot,
              bot_user_id: workspace.app.botUserId,
            }
            : {}),
          team: { id: workspace.team.id, name: workspace.team.name },
          enterprise: null,
          is_enterprise_install: false,
        };
      }
      if (method === "auth.revoke") {
        if (token === undefined) return { ok: false, error: "not_authed" };
        const actor = tokens.get(token);
        if (!actor) return { ok: false, error: oauth.unknownToken(token) };
        if (actor.kind === "app") return { ok: false, error: "not_allowed_token_type" };
        if (params.test === "true" || params.test === "1" || params.test === true) {
          return { ok: true, revoked: false };
        }
        revoke(token);
        emit({
          type: "tokens_revoked",
          tokens: actor.kind === "user"
            ? { oauth: [actor.userId], bot: [] }
            : { oauth: [], bot: [actor.userId] },
        });
        return { ok: true, revoked: true };
      }
      if (method === "apps.uninstall") {
        if (text("client_id") !== clientId) return { ok: false, error: "invalid_client_id" };
        if (text("client_secret") !== clientSecret) {
          return { ok: false, error: "bad_client_secret" };
        }
        const gone = [...tokens.keys()].map(revoke).filter((a): a is Actor => a !== undefined);
        const ids = (kind: Actor["kind"]) => [
          ...new Set(gone.filter((a) => a.kind === kind).map((a) => a.userId)),
        ];
        emit({ type: "tokens_revoked", tokens: { oauth: ids("user"), bot: ids("bot") } });
        emit({ type: "app_uninstalled" });
        return { ok: true };
      }
      return undefined;
    },

    unknownToken: (token) => revoked.has(token) ? "token_revoked" : "invalid_auth",

    issueUserToken: (userId) => {
      if (!findUser(workspace, userId)) throw new Error(`Unknown user "${userId}"`);
      return issueUserToken(userId);
    },
  };
  return oauth;
}
