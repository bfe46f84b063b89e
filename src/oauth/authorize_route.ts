/**
 * `GET /oauth/authorize` and `POST /oauth/authorize`: validate the client's
 * request, ask the person (unless they approved this client before), then
 * send them to Slack. Problems with the client or its redirect URI are shown
 * as a page, never redirected (the URI is not trusted yet); other problems go
 * back to the client as `error=…`.
 * @module
 */
import type { Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { isClientIdUrl } from "./client_metadata.ts";
import type { Client } from "./clients.ts";
import { consentPage, errorPage, pageHeaders } from "./html.ts";
import { hashToken, newOpaqueToken } from "./opaque_token.ts";
import {
  clientRedirect,
  cookieHeader,
  grantedScopes,
  type OAuthEnv,
  type OAuthParts,
} from "./parts.ts";
import type { PendingAuthorization } from "./pending.ts";
import { isS256Challenge } from "./pkce.ts";
import { isLoopbackHttp, redirectUriMatches } from "./redirect_uri.ts";
import { slackAuthorizeUrl } from "./slack_oauth.ts";

/** How long the browser-binding cookie lives: enough for one sign-in. */
const browserCookieMaxAge = 86_400;

/** Parameters that must appear at most once (RFC 6749 §3.1). */
const singleParams = [
  "client_id",
  "redirect_uri",
  "response_type",
  "state",
  "code_challenge",
  "code_challenge_method",
  "scope",
  "resource",
];

/** An HTML page answer. */
export function htmlPage(status: 200 | 400 | 403 | 500 | 502 | 503, html: string): Response {
  return new Response(html, { status, headers: pageHeaders });
}

/** A redirect that no cache keeps. */
export function redirectTo(location: string, status: 302 | 303 = 302): Response {
  return new Response(null, {
    status,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });
}

/** The answer to the client for `pending` (an error, or our code), with `state` and `iss`. */
export function answerClient(
  parts: OAuthParts,
  pending: Pick<PendingAuthorization, "redirectUri" | "state">,
  params: Record<string, string | undefined>,
): string {
  return clientRedirect(pending.redirectUri, {
    ...params,
    state: pending.state,
    iss: parts.urls.issuer,
  });
}

/** The browser-binding nonce of this browser, and the cookie to set when it has none yet. */
function browserNonce(c: Context<OAuthEnv>, parts: OAuthParts) {
  const existing = getCookie(c, parts.cookies.browser);
  if (existing && /^[\w-]{43}$/.test(existing)) return { nonce: existing };
  const nonce = newOpaqueToken();
  return {
    nonce,
    setCookie: cookieHeader(parts, parts.cookies.browser, nonce, browserCookieMaxAge),
  };
}

/** The client's redirect URI for this request, or why it cannot be trusted. */
function chooseRedirectUri(
  client: Client,
  requested: string | undefined,
): { uri: string } | { problem: string } {
  if (requested === undefined) {
    const [only, ...others] = client.redirectUris;
    // Omitting it is fine only when there is no doubt (OAuth 2.1 §4.1.1); loopback needs a port.
    if (others.length === 0 && !isLoopbackHttp(new URL(only))) return { uri: only };
    return { problem: "The request has no redirect_uri." };
  }
  return redirectUriMatches(client.redirectUris, requested)
    ? { uri: requested }
    : { problem: "The redirect_uri is not one this application registered." };
}

/** What a valid authorization request asks for. */
interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  state?: string;
  codeChallenge: string;
  scopes: string[];
}

/**
 * Checks an authorization request: a page for a bad client or redirect URI,
 * a redirect with `error=…` for the rest, or the validated request.
 */
async function readAuthorizationRequest(
  c: Context<OAuthEnv>,
  parts: OAuthParts,
): Promise<AuthorizationRequest | Response> {
  const refuse = (title: string, message: string) =>
    htmlPage(400, errorPage(title, `${message} Start the sign-in again from your application.`));
  for (const name of singleParams.slice(0, 2)) {
    if ((c.req.queries(name)?.length ?? 0) > 1) {
      return refuse("Invalid sign-in request", `The ${name} parameter is repeated.`);
    }
  }
  const clientId = c.req.query("client_id");
  if (!clientId) return refuse("Invalid sign-in request", "The request names no client_id.");
  const lookup = await parts.clients.find(clientId);
  if (!lookup.ok) {
    parts.security.warn("Authorization refused: unknown client {clientId} ({problem})", {
      clientId,
      problem: lookup.problem,
    });
    return refuse("Unknown application", `This server does not accept it: ${lookup.problem}.`);
  }
  const client = lookup.client;
  const chosen = chooseRedirectUri(client, c.req.query("redirect_uri"));
  if ("problem" in chosen) {
    parts.security.warn("Authorization refused for client {clientId}: redirect URI mismatch", {
      clientId,
    });
    return refuse("Invalid redirect URI", chosen.problem);
  }
  const redirectUri = chosen.uri;
  const state = c.req.query("state");
  const back = (error: string, description: string) => {
    parts.log.info("Authorization request of client {clientId} refused: {error}", {
      clientId,
      error,
    });
    return redirectTo(
      answerClient(parts, { redirectUri, state }, { error, error_description: description }),
    );
  };
  const repeated = singleParams.find((name) => (c.req.queries(name)?.length ?? 0) > 1);
  if (repeated) return back("invalid_request", `The ${repeated} parameter is repeated`);
  if (c.req.query("response_type") !== "code") {
    return back("unsupported_response_type", 'Only response_type "code" is supported');
  }
  const challenge = c.req.query("code_challenge");
  if (!challenge) return back("invalid_request", "code_challenge is required (PKCE with S256)");
  if (c.req.query("code_challenge_method") !== "S256") {
    return back("invalid_request", 'code_challenge_method must be "S256"; "plain" is refused');
  }
  if (!isS256Challenge(challenge)) {
    return back("invalid_request", "code_challenge is not a base64url SHA-256 digest");
  }
  const resource = c.req.query("resource");
  if (resource !== undefined && resource !== parts.urls.resource) {
    return back("invalid_target", `This server issues tokens for ${parts.urls.resource} only`);
  }
  if (state !== undefined && state.length > 2000) {
    return back("invalid_request", "state is longer than 2000 characters");
  }
  const scopes = grantedScopes(c.req.query("scope"), parts.scopes);
  return { client, redirectUri, state, codeChallenge: challenge, scopes };
}

async function showRequest(c: Context<OAuthEnv>, parts: OAuthParts): Promise<Response> {
  const request = await readAuthorizationRequest(c, parts);
  if (request instanceof Response) return request;
  const { client, redirectUri } = request;
  const clientId = client.clientId;

  const { nonce, setCookie } = browserNonce(c, parts);
  const withCookie = (response: Response) => {
    if (setCookie) response.headers.append("set-cookie", setCookie);
    return response;
  };
  const pending: PendingAuthorization = {
    clientId,
    clientName: client.clientName,
    redirectUri,
    state: request.state,
    codeChallenge: request.codeChallenge,
    resource: parts.urls.resource,
    scopes: request.scopes,
    browserHash: await hashToken(nonce),
  };
  const person = await parts.sessions.who(getCookie(c, parts.cookies.person));
  if (person && await parts.approvals.has(person.teamId, person.userId, clientId)) {
    const id = await parts.pending.create({ ...pending, approvedAs: person });
    await parts.pending.answer(id);
    parts.log.info("Client {clientId} approved before: on to Slack", { clientId });
    return withCookie(redirectTo(await slackRedirect(parts, id)));
  }
  const id = await parts.pending.create(pending);
  parts.log.info("Consent asked for client {clientId}", { clientId });
  return withCookie(
    htmlPage(
      200,
      consentPage({
        clientName: client.clientName ?? clientId,
        clientId,
        clientIdIsUrl: isClientIdUrl(clientId, true),
        redirectUri,
        requestId: id,
        csrfToken: await parts.csrf.token(id, nonce),
      }),
    ),
  );
}

/** Slack's authorize URL for pending request `id`. */
async function slackRedirect(parts: OAuthParts, id: string): Promise<string> {
  return slackAuthorizeUrl({
    endpoint: parts.urls.slackAuthorize,
    clientId: parts.slackClientId,
    userScopes: parts.userScopes,
    redirectUri: parts.urls.slackCallback,
    state: await parts.pending.toSlack(id),
    teamId: parts.allowedTeams.length === 1 ? parts.allowedTeams[0] : undefined,
  });
}

async function answerConsent(c: Context<OAuthEnv>, parts: OAuthParts): Promise<Response> {
  const forbidden = (message: string) => {
    parts.security.warn("Consent form refused: {reason}", { reason: message });
    return htmlPage(
      403,
      errorPage(
        "Request not verified",
        `${message} Start the sign-in again from your application.`,
      ),
    );
  };
  // Browsers send Origin with a form POST; "null" comes from privacy settings, not from a site.
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== "null" && origin !== new URL(parts.urls.issuer).origin) {
    return forbidden("The form was submitted from another site.");
  }
  const form = await c.req.parseBody();
  const id = typeof form.request_id === "string" ? form.request_id : "";
  const pending = await parts.pending.get(id);
  if (!pending) {
    return htmlPage(
      400,
      errorPage(
        "Sign-in expired",
        "This sign-in request has expired or was already answered. " +
          "Start the sign-in again from your application.",
      ),
    );
  }
  if (!await parts.csrf.check(id, getCookie(c, parts.cookies.browser), form.csrf_token)) {
    return forbidden("The form's security token is missing or does not match this browser.");
  }
  const decision = form.decision;
  if (decision !== "approve" && decision !== "deny") {
    return htmlPage(400, errorPage("Invalid answer", "Choose Approve or Deny."));
  }
  if (!await parts.pending.answer(id)) {
    return htmlPage(400, errorPage("Already answered", "This request was already answered."));
  }
  if (decision === "deny") {
    await parts.pending.remove(id);
    parts.log.info("Client {clientId} denied at consent", { clientId: pending.clientId });
    return redirectTo(
      answerClient(parts, pending, {
        error: "access_denied",
        error_description: "The person denied access",
      }),
      303,
    );
  }
  parts.log.info("Client {clientId} approved at consent: on to Slack", {
    clientId: pending.clientId,
  });
  return redirectTo(await slackRedirect(parts, id), 303);
}

/**
 * Adds the authorization endpoint to `app`.
 *
 * @example
 * ```ts
 * registerAuthorizeRoutes(app, parts);
 * ```
 */
export function registerAuthorizeRoutes(app: Hono<OAuthEnv>, parts: OAuthParts): void {
  app.get("/oauth/authorize", (c) => showRequest(c, parts));
  app.post("/oauth/authorize", (c) => answerConsent(c, parts));
}
