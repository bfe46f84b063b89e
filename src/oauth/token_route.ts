/**
 * `POST /oauth/token` (authorization code with PKCE, and refresh with
 * rotation) and `POST /oauth/revoke` (RFC 7009). Answers are RFC 6749 JSON,
 * never cached.
 * @module
 */
import type { Context, Hono } from "hono";
import { authenticateClient, readClientCredentials } from "./client_auth.ts";
import { isGrantError } from "./grants.ts";
import type { OAuthEnv, OAuthParts } from "./parts.ts";

const noStore = { "cache-control": "no-store", pragma: "no-cache" };

/** An RFC 6749 §5.2 error answer. */
export function oauthError(
  error: string,
  description: string,
  status = 400,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { error, error_description: description },
    { status, headers: { ...noStore, ...headers } },
  );
}

/** The form of a request, or `undefined` when it is not `application/x-www-form-urlencoded`. */
async function readForm(c: Context): Promise<Record<string, unknown> | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return undefined;
  const body = new URLSearchParams(await c.req.text());
  const form: Record<string, unknown> = {};
  for (const key of new Set(body.keys())) {
    const values = body.getAll(key);
    // Parameters sent twice are refused below (RFC 6749 §3.2).
    form[key] = values.length === 1 ? values[0] : values;
  }
  return form;
}

function text(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" ? value : undefined;
}

async function token(c: Context<OAuthEnv>, parts: OAuthParts): Promise<Response> {
  const form = await readForm(c);
  if (!form) {
    return oauthError(
      "invalid_request",
      "Send the parameters as application/x-www-form-urlencoded",
    );
  }
  const repeated = Object.entries(form).find(([, value]) => Array.isArray(value));
  if (repeated) return oauthError("invalid_request", `The ${repeated[0]} parameter is repeated`);
  const credentials = readClientCredentials(c.req.header("authorization"), form);
  const formId = text(form, "client_id");
  if (credentials.viaHeader && formId !== undefined && formId !== credentials.clientId) {
    return oauthError("invalid_request", "client_id differs from the Authorization header");
  }
  if (!await authenticateClient(parts.clients, credentials, parts.allowPrivateClientMetadata)) {
    parts.security.warn("Token request refused: client {clientId} not authenticated", {
      clientId: credentials.clientId ?? "(none)",
    });
    return oauthError(
      "invalid_client",
      "Unknown client, or its authentication failed; register again",
      401,
      credentials.viaHeader ? { "www-authenticate": 'Basic realm="slack-mcp"' } : {},
    );
  }
  const clientId = credentials.clientId!;
  const grantType = text(form, "grant_type");
  let result;
  if (grantType === "authorization_code") {
    const code = text(form, "code");
    if (!code) return oauthError("invalid_request", "code is required");
    result = await parts.grants.redeemCode(code, {
      clientId,
      redirectUri: text(form, "redirect_uri"),
      codeVerifier: text(form, "code_verifier"),
      resource: text(form, "resource"),
    });
  } else if (grantType === "refresh_token") {
    const refreshToken = text(form, "refresh_token");
    if (!refreshToken) return oauthError("invalid_request", "refresh_token is required");
    const scope = text(form, "scope");
    result = await parts.grants.refresh(refreshToken, {
      clientId,
      resource: text(form, "resource"),
      scopes: scope ? scope.split(" ").filter(Boolean) : undefined,
    });
  } else {
    return oauthError(
      grantType ? "unsupported_grant_type" : "invalid_request",
      grantType
        ? `grant_type "${grantType}" is not supported`
        : "grant_type is required (authorization_code or refresh_token)",
    );
  }
  if (isGrantError(result)) {
    parts.security.warn("Token request of client {clientId} refused: {error} ({reason})", {
      clientId,
      error: result.error,
      reason: result.description,
    });
    return oauthError(result.error, result.description);
  }
  parts.log.info("Tokens issued to client {clientId} ({grantType})", { clientId, grantType });
  return Response.json({
    access_token: result.accessToken,
    token_type: "Bearer",
    expires_in: result.expiresIn,
    refresh_token: result.refreshToken,
    scope: result.scopes.join(" "),
  }, { headers: noStore });
}

async function revoke(c: Context<OAuthEnv>, parts: OAuthParts): Promise<Response> {
  const form = await readForm(c);
  const tokenValue = form && text(form, "token");
  if (!form || !tokenValue) {
    return oauthError("invalid_request", "token is required, as application/x-www-form-urlencoded");
  }
  const credentials = readClientCredentials(c.req.header("authorization"), form);
  if (
    (credentials.viaHeader || credentials.secret !== undefined) &&
    !await authenticateClient(parts.clients, credentials, parts.allowPrivateClientMetadata)
  ) {
    return oauthError("invalid_client", "Client authentication failed", 401);
  }
  const revoked = await parts.grants.revokeToken(tokenValue, credentials.clientId);
  if (revoked) {
    // Revoking its grant also withdraws the standing approval: the next sign-in asks again.
    await parts.approvals.forget(revoked.teamId, revoked.userId, revoked.clientId);
    parts.log.info("Client {clientId} revoked its grant", { clientId: revoked.clientId });
  }
  // RFC 7009 §2.2: unknown and already revoked tokens are answered alike.
  return new Response(null, { status: 200, headers: noStore });
}

/**
 * Adds the token and revocation endpoints to `app`.
 *
 * @example
 * ```ts
 * registerTokenRoutes(app, parts);
 * ```
 */
export function registerTokenRoutes(app: Hono<OAuthEnv>, parts: OAuthParts): void {
  app.post("/oauth/token", (c) => token(c, parts));
  app.post("/oauth/revoke", (c) => revoke(c, parts));
}
