import assert from "node:assert/strict";
import { authorizationServerMetadata, oauthUrls, protectedResourceMetadata } from "./metadata.ts";

Deno.test("oauthUrls() derives every URL from PUBLIC_URL and SLACK_API_URL", () => {
  assert.deepEqual(oauthUrls("https://mcp.example/", "https://slack.com/api/"), {
    issuer: "https://mcp.example",
    resource: "https://mcp.example/mcp",
    resourceMetadata: "https://mcp.example/.well-known/oauth-protected-resource",
    authorizationEndpoint: "https://mcp.example/oauth/authorize",
    tokenEndpoint: "https://mcp.example/oauth/token",
    registrationEndpoint: "https://mcp.example/oauth/register",
    revocationEndpoint: "https://mcp.example/oauth/revoke",
    slackCallback: "https://mcp.example/oauth/slack/callback",
    slackAuthorize: "https://slack.com/oauth/v2/authorize",
    slackApi: "https://slack.com/api/",
  });
  assert.equal(
    oauthUrls("http://127.0.0.1:8126", "https://slack.com/api").issuer,
    "http://127.0.0.1:8126",
  );
});

Deno.test("oauthUrls() refuses plain http off loopback and URLs with a query", () => {
  assert.throws(
    () => oauthUrls("http://mcp.example", "https://slack.com/api/"),
    /PUBLIC_URL must use https/,
  );
  assert.throws(
    () => oauthUrls("https://mcp.example/?x=1", "https://slack.com/api/"),
    /PUBLIC_URL/,
  );
  assert.throws(() => oauthUrls("mcp.example", "https://slack.com/api/"), /PUBLIC_URL/);
  assert.throws(() => oauthUrls("https://mcp.example", "https://proxy.example/"), /SLACK_API_URL/);
});

Deno.test("the metadata documents name each other and what is supported", () => {
  const urls = oauthUrls("https://mcp.example", "https://slack.com/api/");
  const resource = protectedResourceMetadata(urls, ["slack"]);
  assert.equal(resource.resource, "https://mcp.example/mcp");
  assert.deepEqual(resource.authorization_servers, ["https://mcp.example"]);
  const server = authorizationServerMetadata(urls, ["slack"]);
  assert.equal(server.issuer, "https://mcp.example");
  assert.deepEqual(server.code_challenge_methods_supported, ["S256"]);
  assert.deepEqual(server.grant_types_supported, ["authorization_code", "refresh_token"]);
  assert.equal(server.client_id_metadata_document_supported, true);
  assert.ok((server.token_endpoint_auth_methods_supported as string[]).includes("none"));
});
