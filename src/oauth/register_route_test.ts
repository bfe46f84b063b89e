import assert from "node:assert/strict";
import { clientRedirectUri, startOAuthTestbed } from "./testbed.ts";

Deno.test("registration answers 201 with the client's metadata", async () => {
  await using bed = await startOAuthTestbed();
  const response = await bed.oauth.routes.request("/oauth/register", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Inspector",
      redirect_uris: [clientRedirectUri],
      scope: "slack",
    }),
  }, bed.env);
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const body = await response.json();
  assert.match(body.client_id, /^mcpc_/);
  assert.equal(body.client_name, "Inspector");
  assert.deepEqual(body.redirect_uris, [clientRedirectUri]);
  assert.equal(body.token_endpoint_auth_method, "none");
  assert.equal(body.client_secret, undefined);
});

Deno.test("registration refuses bad metadata with RFC 7591 errors", async () => {
  await using bed = await startOAuthTestbed();
  const post = (body: string, type = "application/json") =>
    bed.oauth.routes.request("/oauth/register", {
      method: "POST",
      headers: { "content-type": type },
      body,
    }, bed.env);
  const cases: [Response, string][] = [
    [
      await post(JSON.stringify({ redirect_uris: ["http://evil.example/cb"] })),
      "invalid_redirect_uri",
    ],
    [await post(JSON.stringify({})), "invalid_redirect_uri"],
    [await post("{not json"), "invalid_client_metadata"],
    [await post("redirect_uris=x", "application/x-www-form-urlencoded"), "invalid_client_metadata"],
  ];
  for (const [response, error] of cases) {
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error, error);
  }
  const huge = await post(
    JSON.stringify({ redirect_uris: [clientRedirectUri], pad: "x".repeat(70_000) }),
  );
  assert.equal(huge.status, 413);
});

Deno.test("registration is rate limited per IP", async () => {
  await using bed = await startOAuthTestbed({
    server: { registrationLimit: { max: 2, windowMs: 60_000 } },
  });
  const post = (ip: string) =>
    bed.oauth.routes.request("/oauth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: [clientRedirectUri] }),
    }, { remoteAddr: { hostname: ip } });
  assert.equal((await post("192.0.2.1")).status, 201);
  assert.equal((await post("192.0.2.1")).status, 201);
  const limited = await post("192.0.2.1");
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.equal((await limited.json()).error, "too_many_requests");
  assert.equal((await post("192.0.2.2")).status, 201);
});
