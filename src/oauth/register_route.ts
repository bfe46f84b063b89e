/**
 * `POST /oauth/register`: RFC 7591 dynamic client registration, open to
 * anyone (MCP clients register themselves) and so rate limited per IP.
 * @module
 */
import type { Context, Hono } from "hono";
import { registrationResponse } from "./clients.ts";
import type { OAuthEnv, OAuthParts } from "./parts.ts";
import { oauthKeys as keys } from "../store/keys.ts";
import { oauthError } from "./token_route.ts";

async function register(c: Context<OAuthEnv>, parts: OAuthParts): Promise<Response> {
  const ip = c.env?.remoteAddr?.hostname ?? "unknown";
  const { max, windowMs } = parts.registrationLimit;
  const limit = await parts.store.limit(keys.registrationLimit(ip), max, windowMs);
  if (!limit.allowed) {
    const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
    parts.security.warn("Client registration rate limited for {ip}", { ip });
    return oauthError(
      "too_many_requests",
      `Too many client registrations from this address; retry in ${seconds} s`,
      429,
      { "retry-after": String(seconds) },
    );
  }
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    return oauthError("invalid_client_metadata", "Send the client metadata as application/json");
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return oauthError("invalid_client_metadata", "The body is not JSON");
  }
  const result = await parts.clients.register(body);
  if (!result.ok) return oauthError(result.error, result.description);
  parts.log.info("Client {clientId} registered", { clientId: result.client.clientId });
  return Response.json(registrationResponse(result.client, result.secret), {
    status: 201,
    headers: { "cache-control": "no-store", pragma: "no-cache" },
  });
}

/**
 * Adds the registration endpoint to `app`.
 *
 * @example
 * ```ts
 * registerRegistrationRoute(app, parts);
 * ```
 */
export function registerRegistrationRoute(app: Hono<OAuthEnv>, parts: OAuthParts): void {
  app.post("/oauth/register", (c) => register(c, parts));
}
