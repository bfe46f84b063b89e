import assert from "node:assert/strict";
import { exchangeSlackCode, slackAuthorizeEndpoint, slackAuthorizeUrl } from "./slack_oauth.ts";

Deno.test("slackAuthorizeEndpoint() replaces the trailing api/ of SLACK_API_URL", () => {
  assert.equal(
    slackAuthorizeEndpoint("https://slack.com/api/"),
    "https://slack.com/oauth/v2/authorize",
  );
  assert.equal(
    slackAuthorizeEndpoint("http://127.0.0.1:4000/api"),
    "http://127.0.0.1:4000/oauth/v2/authorize",
  );
  assert.throws(() => slackAuthorizeEndpoint("https://proxy.example/slack/"), /SLACK_API_URL/);
});

Deno.test("slackAuthorizeUrl() asks for user scopes, with our callback and state", () => {
  const url = new URL(slackAuthorizeUrl({
    endpoint: "https://slack.com/oauth/v2/authorize",
    clientId: "123.456",
    userScopes: ["channels:history", "search:read"],
    redirectUri: "https://mcp.example/oauth/slack/callback",
    state: "s1",
    teamId: "T1",
  }));
  assert.equal(url.origin + url.pathname, "https://slack.com/oauth/v2/authorize");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    client_id: "123.456",
    user_scope: "channels:history,search:read",
    redirect_uri: "https://mcp.example/oauth/slack/callback",
    state: "s1",
    team: "T1",
  });
});

Deno.test("exchangeSlackCode() posts the form and reads Slack's answer", async () => {
  let seen: { url: string; body: string } | undefined;
  const fake: typeof fetch = (input, init) => {
    seen = { url: String(input), body: String(init?.body) };
    return Promise.resolve(Response.json({
      ok: true,
      app_id: "A1",
      authed_user: { id: "U1", scope: "search:read", access_token: "xoxp-1", token_type: "user" },
      team: { id: "T1", name: "Acme" },
      enterprise: null,
      is_enterprise_install: false,
    }));
  };
  const result = await exchangeSlackCode({
    fetch: fake,
    slackApiUrl: "https://slack.com/api/",
    clientId: "id",
    clientSecret: "secret",
    code: "c",
    redirectUri: "https://mcp.example/oauth/slack/callback",
  });
  assert.deepEqual(result, {
    ok: true,
    teamId: "T1",
    teamName: "Acme",
    userId: "U1",
    accessToken: "xoxp-1",
    scope: "search:read",
  });
  assert.equal(seen?.url, "https://slack.com/api/oauth.v2.access");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(seen?.body)), {
    client_id: "id",
    client_secret: "secret",
    code: "c",
    redirect_uri: "https://mcp.example/oauth/slack/callback",
  });
});

Deno.test("exchangeSlackCode() reports Slack errors, bot-only answers and outages", async () => {
  const request = {
    slackApiUrl: "https://slack.com/api/",
    clientId: "id",
    clientSecret: "secret",
    code: "c",
    redirectUri: "https://x/cb",
  };
  const answering = (body: unknown): typeof fetch => () => Promise.resolve(Response.json(body));
  assert.deepEqual(
    await exchangeSlackCode({ ...request, fetch: answering({ ok: false, error: "invalid_code" }) }),
    { ok: false, error: "invalid_code" },
  );
  assert.deepEqual(
    await exchangeSlackCode({
      ...request,
      fetch: answering({ ok: true, access_token: "xoxb-1", team: { id: "T1" } }),
    }),
    { ok: false, error: "no_user_token" },
  );
  assert.deepEqual(
    await exchangeSlackCode({ ...request, fetch: () => Promise.reject(new TypeError("down")) }),
    { ok: false, error: "slack_unreachable" },
  );
  assert.deepEqual(
    await exchangeSlackCode({ ...request, fetch: () => Promise.resolve(new Response("<html>")) }),
    { ok: false, error: "invalid_response" },
  );
});
