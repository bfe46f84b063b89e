/**
 * The server's OAuth URLs, derived from `PUBLIC_URL`, and the two discovery
 * documents: protected resource metadata (RFC 9728) for `/mcp`, and
 * authorization server metadata (RFC 8414).
 * @module
 */
import { slackAuthorizeEndpoint } from "./slack_oauth.ts";

/** Every URL the flow names. */
export interface OAuthUrls {
  /** `PUBLIC_URL` without a trailing slash; also the issuer. */
  issuer: string;
  /** The protected resource, `<PUBLIC_URL>/mcp`: the audience of every token. */
  resource: string;
  /** `<PUBLIC_URL>/.well-known/oauth-protected-resource`, named in 401 challenges. */
  resourceMetadata: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint: string;
  revocationEndpoint: string;
  /** Where Slack sends the person back: `<PUBLIC_URL>/oauth/slack/callback`. */
  slackCallback: string;
  /** Slack's authorize page. */
  slackAuthorize: string;
  /** Web API base URL ending in `/`. */
  slackApi: string;
}

/**
 * The URLs for `publicUrl` and `slackApiUrl`.
 *
 * @example
 * ```ts
 * oauthUrls("https://mcp.example/", "https://slack.com/api/").resource;
 * // "https://mcp.example/mcp"
 * ```
 * @throws {RangeError} naming `PUBLIC_URL` or `SLACK_API_URL` when unusable.
 */
export function oauthUrls(publicUrl: string, slackApiUrl: string): OAuthUrls {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new RangeError(`PUBLIC_URL must be an absolute URL, got ${publicUrl}`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new RangeError(
      `PUBLIC_URL must use https in multi-user mode (http only on loopback), got ${publicUrl}`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new RangeError(`PUBLIC_URL must be a plain base URL, got ${publicUrl}`);
  }
  const issuer = url.href.replace(/\/+$/, "");
  const slackApi = slackApiUrl.endsWith("/") ? slackApiUrl : `${slackApiUrl}/`;
  return {
    issuer,
    resource: `${issuer}/mcp`,
    resourceMetadata: `${issuer}/.well-known/oauth-protected-resource`,
    authorizationEndpoint: `${issuer}/oauth/authorize`,
    tokenEndpoint: `${issuer}/oauth/token`,
    registrationEndpoint: `${issuer}/oauth/register`,
    revocationEndpoint: `${issuer}/oauth/revoke`,
    slackCallback: `${issuer}/oauth/slack/callback`,
    slackAuthorize: slackAuthorizeEndpoint(slackApi),
    slackApi,
  };
}

/** RFC 9728 metadata of `/mcp`. */
export function protectedResourceMetadata(
  urls: OAuthUrls,
  scopes: readonly string[],
): Record<string, unknown> {
  return {
    resource: urls.resource,
    authorization_servers: [urls.issuer],
    scopes_supported: scopes,
    bearer_methods_supported: ["header"],
    resource_name: "Slack MCP",
  };
}

/** RFC 8414 metadata of this authorization server. */
export function authorizationServerMetadata(
  urls: OAuthUrls,
  scopes: readonly string[],
): Record<string, unknown> {
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorizationEndpoint,
    token_endpoint: urls.tokenEndpoint,
    registration_endpoint: urls.registrationEndpoint,
    revocation_endpoint: urls.revocationEndpoint,
    scopes_supported: scopes,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_post", "client_secret_basic"],
    revocation_endpoint_auth_methods_supported: [
      "none",
      "client_secret_post",
      "client_secret_basic",
    ],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}
