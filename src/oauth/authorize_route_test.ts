import assert from "node:assert/strict";
import { clientOrigin, clientRedirectUri, publicUrl, startOAuthTestbed } from "./testbed.ts";
import { pkcePair, readForm } from "./testing.ts";

const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

Deno.test("an unknown client or a mismatched redirect URI gets an error page, never a redirect", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const cases: [Record<string, string | undefined>, RegExp][] = [
    [{ client_id: "mcpc_unknown" }, /not registered with this server/],
    [{ client_id: undefined }, /names no client_id/],
    [
      { client_id: clientId, redirect_uri: "https://evil.example/callback" },
      /not one this application registered/,
    ],
    [
      { client_id: clientId, redirect_uri: `${clientOrigin}/other` },
      /not one this application registered/,
    ],
    [{ client_id: clientId, redirect_uri: undefined }, /no redirect_uri/],
  ];
  for (const [params, message] of cases) {
    const response = await bed.oauth.routes.request(
      bed.authorizeUrl({ code_challenge: challenge, ...params }),
    );
    assert.equal(response.status, 400, JSON.stringify(params));
    assert.equal(response.headers.get("location"), null);
    assert.match(await response.text(), message);
  }
});

Deno.test("a loopback redirect URI may use another port", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const page = await bed.browser.open(bed.authorizeUrl({
    client_id: clientId,
    code_challenge: challenge,
    redirect_uri: "http://127.0.0.1:51234/callback",
  }));
  assert.equal(page.status, 200);
  assert.ok(page.html.includes("http://127.0.0.1:51234/callback"));
});

Deno.test("other faults go back to the client as error=… with state and iss", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const cases: [Record<string, string | undefined>, string, RegExp][] = [
    [{ code_challenge_method: "plain" }, "invalid_request", /"plain" is refused/],
    [{ code_challenge_method: undefined }, "invalid_request", /must be "S256"/],
    [{ code_challenge: undefined }, "invalid_request", /code_challenge is required/],
    [{ code_challenge: "too-short" }, "invalid_request", /not a base64url SHA-256/],
    [{ response_type: "token" }, "unsupported_response_type", /Only response_type "code"/],
    [
      { resource: "https://other.example/mcp" },
      "invalid_target",
      /tokens for http:\/\/127\.0\.0\.1:8126\/mcp only/,
    ],
  ];
  for (const [params, error, description] of cases) {
    const response = await bed.oauth.routes.request(
      bed.authorizeUrl({ client_id: clientId, code_challenge: challenge, ...params }),
    );
    assert.equal(response.status, 302, JSON.stringify(params));
    const location = new URL(response.headers.get("location")!);
    assert.equal(location.origin + location.pathname, clientRedirectUri);
    assert.equal(location.searchParams.get("error"), error);
    assert.match(location.searchParams.get("error_description")!, description);
    assert.equal(location.searchParams.get("state"), "client-state");
    assert.equal(location.searchParams.get("iss"), publicUrl);
  }
  const repeated = await bed.oauth.routes.request(
    `${bed.authorizeUrl({ client_id: clientId, code_challenge: challenge })}&state=again`,
  );
  assert.equal(
    new URL(repeated.headers.get("location")!).searchParams.get("error"),
    "invalid_request",
  );
});

Deno.test("no resource parameter is fine: the token is for this server's /mcp", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const { tokens } = await bed.signIn({ clientId, resource: undefined });
  assert.equal(
    (await bed.oauth.verifyAccessToken(tokens.access_token))?.resource,
    `${publicUrl}/mcp`,
  );
});

Deno.test("denying at the consent page returns access_denied to the client", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  bed.emulator.resetCalls();
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const landed = await bed.browser.submit(consent, { decision: "deny" });
  assert.equal(landed.status, 303);
  assert.equal(landed.url.origin + landed.url.pathname, clientRedirectUri);
  assert.equal(landed.url.searchParams.get("error"), "access_denied");
  assert.equal(landed.url.searchParams.get("state"), "client-state");
  assert.equal(landed.url.searchParams.get("code"), null);
  // Slack was never asked.
  assert.equal(bed.emulator.calls.length, 0);
});

Deno.test("the consent form refuses a missing or wrong CSRF token, another browser and another site", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const { challenge } = await pkcePair();
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const { fields } = readForm(consent.html);
  const cookie = [...bed.browser.cookies(publicUrl)].map(([k, v]) => `${k}=${v}`).join("; ");
  const post = (body: Record<string, string>, headers: Record<string, string> = { cookie }) =>
    bed.oauth.routes.request("/oauth/authorize", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(body),
    }, bed.env);
  const refusals: [Record<string, string>, Record<string, string> | undefined][] = [
    [{ request_id: fields.request_id, decision: "approve" }, undefined],
    [{ ...fields, csrf_token: "forged", decision: "approve" }, undefined],
    [{ ...fields, decision: "approve" }, {
      cookie: "slack_mcp_browser=another-browser-nonce-of-43-chars-xxxxxxxxxxx",
    }],
    [{ ...fields, decision: "approve" }, {}],
    [{ ...fields, decision: "approve" }, { cookie, origin: "https://evil.example" }],
  ];
  for (const [body, headers] of refusals) {
    const response = await post(body, headers);
    assert.equal(response.status, 403, JSON.stringify({ body, headers }));
    assert.match(await response.text(), /Request not verified/);
  }
  // The genuine form still works, once.
  const approved = await post({ ...fields, decision: "approve" });
  assert.equal(approved.status, 303);
  const twice = await post({ ...fields, decision: "approve" });
  assert.equal(twice.status, 400);
  assert.equal(twice.headers.get("location"), null);
});

Deno.test("a consent page left open past 15 minutes has expired", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  bed.clock.ms += 15 * 60_000;
  const page = await bed.browser.submit(consent, { decision: "approve" });
  assert.equal(page.status, 400);
  assert.match(page.html, /expired/);
});
