/**
 * What the route handlers of the OAuth server share: settings and the
 * services built over the store. Assembled once by `createOAuthServer`.
 * @module
 */
import type { Logger } from "@logtape/logtape";
import { generateCookie } from "hono/cookie";
import type { Approvals } from "./approvals.ts";
import type { BrowserSessions } from "./browser_sessions.ts";
import type { ClientRegistry } from "./clients.ts";
import type { Csrf } from "./csrf.ts";
import type { Grants } from "./grants.ts";
import type { OAuthUrls } from "./metadata.ts";
import type { PendingAuthorizations } from "./pending.ts";
import type { SlackCredentials } from "./slack_credentials.ts";
import type { Store } from "../store/store.ts";

/** The shared parts. */
export interface OAuthParts {
  urls: OAuthUrls;
  /** Scopes this server grants MCP clients. */
  scopes: readonly string[];
  /** Slack user scopes asked for at sign-in. */
  userScopes: readonly string[];
  /** Slack team IDs allowed to sign in; empty allows any. */
  allowedTeams: readonly string[];
  slackClientId: string;
  slackClientSecret: string;
  fetch: typeof fetch;
  now: () => number;
  store: Store;
  /** Whether loopback client ID metadata URLs are allowed (tests). */
  allowPrivateClientMetadata: boolean;
  /** Dynamic registrations per IP per window. */
  registrationLimit: { max: number; windowMs: number };
  clients: ClientRegistry;
  grants: Grants;
  pending: PendingAuthorizations;
  csrf: Csrf;
  approvals: Approvals;
  sessions: BrowserSessions;
  credentials: SlackCredentials;
  /** Cookie names and whether they are `Secure` (https `PUBLIC_URL`). */
  cookies: { browser: string; person: string; secure: boolean };
  log: Logger;
  security: Logger;
}

/** The Hono environment of the OAuth routes: the client address, as `Deno.serve` gives it. */
export type OAuthEnv = { Bindings: { remoteAddr?: { hostname?: string } } };

/**
 * The scopes to grant for a requested `scope` parameter: the supported ones
 * asked for, or all of them when none of them was asked for (RFC 6749 §3.3
 * lets the server choose; clients learn the result from the token response).
 */
export function grantedScopes(requested: string | undefined, supported: readonly string[]) {
  const asked = (requested ?? "").split(" ").filter((s) => supported.includes(s));
  return asked.length > 0 ? [...new Set(asked)] : [...supported];
}

/** `redirectUri` with `params` added (undefined ones left out): the answer to a client. */
export function clientRedirect(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

/** A `Set-Cookie` value: HttpOnly, `SameSite=Lax` (it must come back on Slack's redirect), path `/`. */
export function cookieHeader(
  parts: Pick<OAuthParts, "cookies">,
  name: string,
  value: string,
  maxAgeSeconds: number,
): string {
  return generateCookie(name, value, {
    httpOnly: true,
    secure: parts.cookies.secure,
    sameSite: "Lax",
    path: "/",
    maxAge: maxAgeSeconds,
  });
}
