/**
 * `GET /oauth/slack/callback`: Slack sends the person back here. Checks the
 * `state` (once) and that the same browser returns, exchanges Slack's code
 * for the person's user token, refuses teams outside the allowlist, keeps the
 * token encrypted, and answers the MCP client with our own single-use code.
 * @module
 */
import type { Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { answerClient, htmlPage, redirectTo } from "./authorize_route.ts";
import { errorPage } from "./html.ts";
import { hashToken } from "./opaque_token.ts";
import { cookieHeader, type OAuthEnv, type OAuthParts } from "./parts.ts";
import type { PendingAuthorization } from "./pending.ts";
import { exchangeSlackCode, revokeSlackToken, type SlackExchange } from "./slack_oauth.ts";

/** A successful exchange. */
type SlackSignIn = Extract<SlackExchange, { ok: true }>;

/** The page for a workspace outside `SLACK_ALLOWED_TEAMS`, whose fresh token is revoked at once. */
async function refuseTeam(
  parts: OAuthParts,
  pending: PendingAuthorization,
  exchange: SlackSignIn,
): Promise<Response> {
  const { clientId } = pending;
  const { teamId } = exchange;
  parts.security.warn("Sign-in refused for client {clientId}: team {teamId} is not allowed", {
    clientId,
    teamId,
  });
  // We will not keep it, so it should not stay valid at Slack either.
  await revokeSlackToken(parts.fetch, parts.urls.slackApi, exchange.accessToken);
  const description = "This Slack workspace is not allowed to use this server";
  return htmlPage(
    403,
    errorPage(
      "Workspace not allowed",
      `The Slack workspace ${
        exchange.teamName ? `"${exchange.teamName}" ` : ""
      }(${teamId}) is not allowed to use this server. Ask its administrator to add it, ` +
        "or sign in to an allowed workspace.",
      {
        href: answerClient(parts, pending, {
          error: "access_denied",
          error_description: description,
        }),
        text: "Return to the application",
      },
    ),
  );
}

/** Keeps the person's Slack token and standing approval, then answers the client with our code. */
async function finishSignIn(
  parts: OAuthParts,
  pending: PendingAuthorization,
  exchange: SlackSignIn,
): Promise<Response> {
  const { clientId } = pending;
  const { teamId, userId } = exchange;
  await parts.credentials.save(teamId, userId, {
    accessToken: exchange.accessToken,
    scope: exchange.scope,
  });
  await parts.approvals.remember(teamId, userId, clientId);
  const ourCode = await parts.grants.issueCode({
    teamId,
    userId,
    clientId,
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    resource: pending.resource,
    scopes: pending.scopes,
  });
  const session = await parts.sessions.start({ teamId, userId });
  parts.log.info("Signed in with Slack for client {clientId}", { clientId });
  const response = redirectTo(answerClient(parts, pending, { code: ourCode }));
  response.headers.append(
    "set-cookie",
    cookieHeader(parts, parts.cookies.person, session, parts.sessions.maxAgeSeconds),
  );
  return response;
}

async function callback(c: Context<OAuthEnv>, parts: OAuthParts): Promise<Response> {
  const pending = await parts.pending.fromSlack(c.req.query("state") ?? "");
  if (!pending) {
    parts.security.warn("Slack callback with an unknown, used or expired state");
    return htmlPage(
      400,
      errorPage(
        "Sign-in expired",
        "This sign-in link has expired or was already used. " +
          "Start the sign-in again from your application.",
      ),
    );
  }
  const { clientId } = pending;
  const nonce = getCookie(c, parts.cookies.browser);
  if (!nonce || await hashToken(nonce) !== pending.browserHash) {
    parts.security.warn("Slack callback for client {clientId} reached another browser", {
      clientId,
    });
    return htmlPage(
      403,
      errorPage(
        "Sign-in not verified",
        "This sign-in was started in another browser (or its cookies were cleared). " +
          "Start the sign-in again from your application, in this browser.",
      ),
    );
  }
  const back = (error: string, description: string) => {
    parts.log.info("Sign-in for client {clientId} ended: {error}", { clientId, error });
    return redirectTo(answerClient(parts, pending, { error, error_description: description }));
  };
  const slackError = c.req.query("error");
  if (slackError !== undefined) {
    return slackError === "access_denied"
      ? back("access_denied", "The person declined at Slack")
      : back(
        "server_error",
        `Slack sign-in failed: ${slackError.replace(/[^\w.-]/g, "").slice(0, 60)}`,
      );
  }
  const code = c.req.query("code");
  if (!code) return back("server_error", "Slack returned no code");

  const exchange = await exchangeSlackCode({
    fetch: parts.fetch,
    slackApiUrl: parts.urls.slackApi,
    clientId: parts.slackClientId,
    clientSecret: parts.slackClientSecret,
    code,
    redirectUri: parts.urls.slackCallback,
  });
  if (!exchange.ok) {
    parts.log.warn("Slack refused the code exchange for client {clientId}: {error}", {
      clientId,
      error: exchange.error,
    });
    return back("server_error", `Slack sign-in failed: ${exchange.error}`);
  }
  const { teamId, userId } = exchange;
  if (parts.allowedTeams.length > 0 && !parts.allowedTeams.includes(teamId)) {
    return await refuseTeam(parts, pending, exchange);
  }
  const approver = pending.approvedAs;
  if (approver && (approver.teamId !== teamId || approver.userId !== userId)) {
    // The standing approval belongs to someone else: this person never consented.
    return back("access_denied", "Signed in to Slack as another person than the one who approved");
  }
  return await finishSignIn(parts, pending, exchange);
}

/**
 * Adds the Slack callback to `app`.
 *
 * @example
 * ```ts
 * registerCallbackRoute(app, parts);
 * ```
 */
export function registerCallbackRoute(app: Hono<OAuthEnv>, parts: OAuthParts): void {
  app.get("/oauth/slack/callback", (c) => callback(c, parts));
}
