/**
 * Our side of Slack OAuth v2 ("Sign in with Slack" for user tokens): the
 * authorize URL, the code exchange with `oauth.v2.access`, and `auth.revoke`
 * for a token we will not keep.
 * @module
 */

/** Longest wait for Slack in the callback; the person is looking at a blank page meanwhile. */
const slackTimeoutMs = 10_000;

/**
 * Slack's authorize page for a Web API base URL: its trailing `api/` becomes
 * `oauth/v2/authorize` (`https://slack.com/oauth/v2/authorize` in production,
 * the emulator's page in tests).
 *
 * @example
 * ```ts
 * slackAuthorizeEndpoint("https://slack.com/api/"); // "https://slack.com/oauth/v2/authorize"
 * ```
 * @throws {RangeError} naming `SLACK_API_URL` when it does not end in `api/`.
 */
export function slackAuthorizeEndpoint(slackApiUrl: string): string {
  const base = slackApiUrl.endsWith("/") ? slackApiUrl : `${slackApiUrl}/`;
  if (!/\/api\/$/.test(base)) {
    throw new RangeError(
      `SLACK_API_URL must end in /api/ in multi-user mode (Slack's sign-in page is found ` +
        `beside it), got ${slackApiUrl}`,
    );
  }
  return base.replace(/api\/$/, "oauth/v2/authorize");
}

/** The parts of Slack's authorize URL. */
export interface SlackAuthorizeRequest {
  endpoint: string;
  clientId: string;
  userScopes: readonly string[];
  redirectUri: string;
  state: string;
  /** Preselects the workspace when only one is allowed. */
  teamId?: string;
}

/** Slack's authorize URL asking for user scopes only (no bot install). */
export function slackAuthorizeUrl(request: SlackAuthorizeRequest): string {
  const url = new URL(request.endpoint);
  url.searchParams.set("client_id", request.clientId);
  url.searchParams.set("user_scope", request.userScopes.join(","));
  url.searchParams.set("redirect_uri", request.redirectUri);
  url.searchParams.set("state", request.state);
  if (request.teamId) url.searchParams.set("team", request.teamId);
  return url.href;
}

/** What `oauth.v2.access` gave: a person's user token, or Slack's error code. */
export type SlackExchange =
  | {
    ok: true;
    teamId: string;
    teamName?: string;
    userId: string;
    accessToken: string;
    scope: string;
  }
  | { ok: false; error: string };

/** What {@link exchangeSlackCode} needs. */
export interface SlackExchangeRequest {
  fetch: typeof fetch;
  /** Web API base URL ending in `/`. */
  slackApiUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}

/**
 * Exchanges Slack's code for the person's user token.
 *
 * @example
 * ```ts
 * const result = await exchangeSlackCode({ fetch, slackApiUrl, clientId, clientSecret,
 *   code, redirectUri });
 * if (result.ok) console.log(result.teamId, result.userId);
 * ```
 */
export async function exchangeSlackCode(request: SlackExchangeRequest): Promise<SlackExchange> {
  let body: Record<string, unknown>;
  try {
    const response = await request.fetch(new URL("oauth.v2.access", request.slackApiUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: request.clientId,
        client_secret: request.clientSecret,
        code: request.code,
        redirect_uri: request.redirectUri,
      }),
      signal: AbortSignal.timeout(slackTimeoutMs),
    });
    body = await response.json();
  } catch (error) {
    return {
      ok: false,
      error: error instanceof SyntaxError ? "invalid_response" : "slack_unreachable",
    };
  }
  if (body.ok !== true) {
    return { ok: false, error: typeof body.error === "string" ? body.error : "unknown_error" };
  }
  const user = body.authed_user as Record<string, unknown> | undefined;
  const team = body.team as Record<string, unknown> | undefined;
  if (typeof user?.access_token !== "string" || typeof user.id !== "string") {
    return { ok: false, error: "no_user_token" };
  }
  if (typeof team?.id !== "string") return { ok: false, error: "no_team" };
  return {
    ok: true,
    teamId: team.id,
    teamName: typeof team.name === "string" ? team.name : undefined,
    userId: user.id,
    accessToken: user.access_token,
    scope: typeof user.scope === "string" ? user.scope : "",
  };
}

/** Revokes `token` at Slack (`auth.revoke`), ignoring any failure: best effort clean-up. */
export async function revokeSlackToken(
  fetcher: typeof fetch,
  slackApiUrl: string,
  token: string,
): Promise<void> {
  try {
    const response = await fetcher(new URL("auth.revoke", slackApiUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(slackTimeoutMs),
    });
    await response.body?.cancel();
  } catch {
    // Nothing to do: the token is not stored, and Slack may revoke it later.
  }
}
