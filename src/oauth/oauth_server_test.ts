import assert from "node:assert/strict";
import { captureLogs } from "../log/testing.ts";
import { Hono } from "hono";
import { stopLogging } from "../log/logger.ts";
import { createMemoryStore } from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";
import { DEMO_INSTALLER_ID, DEMO_TEAM_ID } from "../slack_emulator/seed.ts";
import { createOAuthServer, type PrincipalEnv } from "./oauth_server.ts";
import { clientOrigin, clientRedirectUri, publicUrl, startOAuthTestbed } from "./testbed.ts";
import { readForm } from "./testing.ts";

/** Valid options of {@link createOAuthServer}, on a store of their own. */
function serverOptions(store: Store = createMemoryStore()) {
  return {
    publicUrl,
    slackApiUrl: "https://slack.com/api/",
    slackClientId: "id",
    slackClientSecret: "secret",
    encryptionKey: btoa("0123456789abcdef0123456789abcdef"),
    allowedTeams: [],
    userScopes: [],
    store,
  };
}

Deno.test("createOAuthServer() names the setting that is wrong", () => {
  const options = serverOptions();
  assert.ok(createOAuthServer(options));
  assert.throws(
    () => createOAuthServer({ ...options, encryptionKey: btoa("short") }),
    /TOKEN_ENCRYPTION_KEY must be the base64 of 32 random bytes, got 5 bytes/,
  );
  assert.throws(
    () => createOAuthServer({ ...options, publicUrl: "http://mcp.example" }),
    /PUBLIC_URL/,
  );
  assert.throws(
    () => createOAuthServer({ ...options, slackClientSecret: "" }),
    /SLACK_CLIENT_SECRET/,
  );
});

Deno.test("the discovery documents point at each other", async () => {
  await using bed = await startOAuthTestbed();
  for (
    const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]
  ) {
    const response = await bed.oauth.routes.request(path, {
      headers: { origin: "http://x.example" },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await response.json(), {
      resource: `${publicUrl}/mcp`,
      authorization_servers: [publicUrl],
      scopes_supported: ["slack"],
      bearer_methods_supported: ["header"],
      resource_name: "Slack MCP",
    });
  }
  const response = await bed.oauth.routes.request("/.well-known/oauth-authorization-server");
  assert.match(response.headers.get("content-type")!, /application\/json/);
  const metadata = await response.json();
  assert.equal(metadata.issuer, publicUrl);
  assert.equal(metadata.authorization_endpoint, `${publicUrl}/oauth/authorize`);
  assert.equal(metadata.token_endpoint, `${publicUrl}/oauth/token`);
  assert.equal(metadata.registration_endpoint, `${publicUrl}/oauth/register`);
  assert.equal(metadata.revocation_endpoint, `${publicUrl}/oauth/revoke`);
  assert.deepEqual(metadata.response_types_supported, ["code"]);
  assert.deepEqual(metadata.grant_types_supported, ["authorization_code", "refresh_token"]);
  assert.deepEqual(metadata.code_challenge_methods_supported, ["S256"]);
  assert.ok(metadata.token_endpoint_auth_methods_supported.includes("none"));
  assert.equal(metadata.client_id_metadata_document_supported, true);
  assert.deepEqual(metadata.scopes_supported, ["slack"]);
  const preflight = await bed.oauth.routes.request("/oauth/token", {
    method: "OPTIONS",
    headers: {
      origin: "http://localhost:6274",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, mcp-protocol-version",
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  assert.match(preflight.headers.get("access-control-allow-headers")!, /mcp-protocol-version/);
});

Deno.test("the full sign-in: register, consent, Slack, callback, token, refresh rotation", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register({ client_name: "Claude Test" });

  // The consent page names the client and its redirect URI, with one form.
  const consent = await bed.browser.open(bed.authorizeUrl({
    client_id: clientId,
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  }));
  assert.equal(consent.status, 200);
  assert.match(consent.headers.get("content-type")!, /text\/html/);
  assert.equal(consent.headers.get("x-frame-options"), "DENY");
  assert.ok(consent.html.includes("Claude Test"));
  assert.ok(consent.html.includes(clientRedirectUri));
  const form = readForm(consent.html);
  assert.equal(form.action, "/oauth/authorize");
  assert.deepEqual(Object.keys(form.fields).sort(), ["csrf_token", "request_id"]);

  // Approving goes to Slack's (the emulator's) authorize page with our callback.
  bed.emulator.resetCalls();
  const approved = await bed.oauth.routes.request("/oauth/authorize", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: [...bed.browser.cookies(publicUrl)].map(([k, v]) => `${k}=${v}`).join("; "),
    },
    body: new URLSearchParams({ ...form.fields, decision: "approve" }),
  }, bed.env);
  assert.equal(approved.status, 303);
  const slackUrl = new URL(approved.headers.get("location")!);
  assert.equal(
    slackUrl.origin + slackUrl.pathname,
    bed.served.url.replace(/api\/$/, "oauth/v2/authorize"),
  );
  assert.equal(slackUrl.searchParams.get("client_id"), "demo-client-id");
  assert.equal(slackUrl.searchParams.get("user_scope"), "channels:history,search:read");
  assert.equal(slackUrl.searchParams.get("redirect_uri"), `${publicUrl}/oauth/slack/callback`);
  assert.match(slackUrl.searchParams.get("state")!, /^[\w-]{43}$/);

  // The rest through the browser: Slack approves, the callback answers the client.
  const { landing, tokens, consentShown } = await bed.signIn({ clientId });
  assert.equal(consentShown, true);
  assert.equal(landing.origin + landing.pathname, clientRedirectUri);
  assert.equal(landing.searchParams.get("state"), "client-state");
  assert.equal(landing.searchParams.get("iss"), publicUrl);
  assert.equal(tokens.token_type, "Bearer");
  assert.equal(tokens.expires_in, 3600);
  assert.equal(tokens.scope, "slack");
  assert.match(tokens.access_token, /^mcp_at_[\w-]{43}$/);
  assert.match(tokens.refresh_token, /^mcp_rt_[\w-]{43}$/);
  const exchange = bed.emulator.calls.find((c) => c.method === "oauth.v2.access");
  assert.equal(exchange?.params.redirect_uri, `${publicUrl}/oauth/slack/callback`);

  // The token names the person; their Slack token acts as them.
  const principal = await bed.oauth.verifyAccessToken(tokens.access_token);
  assert.deepEqual(principal, {
    teamId: DEMO_TEAM_ID,
    userId: DEMO_INSTALLER_ID,
    clientId,
    scopes: ["slack"],
    expiresAt: bed.clock.ms / 1000 + 3600,
    resource: `${publicUrl}/mcp`,
  });
  const slackToken = await bed.oauth.slackTokenFor(principal!);
  assert.match(slackToken!, /^xoxp-/);
  assert.equal((await bed.slack("auth.test", slackToken!)).user_id, DEMO_INSTALLER_ID);

  // Refresh rotates; the old refresh token is then refused.
  const refreshed = await bed.token({
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  assert.equal(refreshed.status, 200);
  assert.equal(refreshed.headers.get("cache-control"), "no-store");
  assert.notEqual(refreshed.body.refresh_token, tokens.refresh_token);
  assert.ok(await bed.oauth.verifyAccessToken(refreshed.body.access_token));
  const again = await bed.token({
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  assert.equal(again.status, 400);
  assert.equal(again.body.error, "invalid_grant");
  // Reuse of a rotated token is theft: the whole sign-in ends.
  assert.equal(await bed.oauth.verifyAccessToken(refreshed.body.access_token), undefined);
});

Deno.test("a client the person approved before skips the consent page; another does not", async () => {
  await using bed = await startOAuthTestbed();
  const first = await bed.register();
  assert.equal((await bed.signIn({ clientId: first })).consentShown, true);
  const second = await bed.signIn({ clientId: first });
  assert.equal(second.consentShown, false);
  assert.ok(await bed.oauth.verifyAccessToken(second.tokens.access_token));
  const other = await bed.register({ client_name: "Other" });
  assert.equal((await bed.signIn({ clientId: other })).consentShown, true);
  // A fresh browser has no standing approval.
  assert.equal(
    (await bed.signIn({ clientId: first, browser: bed.newBrowser() })).consentShown,
    true,
  );
});

Deno.test("a standing approval of one person is not used for another person", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  await bed.signIn({ clientId });
  // Same browser, but Slack now signs in someone else.
  bed.emulator.oauth.authorizeAs = "U0BRUNO02";
  const page = await bed.browser.open(bed.authorizeUrl({
    client_id: clientId,
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  }));
  assert.equal(page.url.origin, clientOrigin);
  assert.equal(page.url.searchParams.get("error"), "access_denied");
  assert.equal(page.url.searchParams.get("code"), null);
});

Deno.test("client ID metadata documents: fetched from loopback in tests, refused when they lie", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    const id = `${url.origin}${url.pathname}`;
    return Response.json({
      client_id: url.pathname === "/liar.json" ? "https://elsewhere.example/client.json" : id,
      client_name: "Metadata Client",
      redirect_uris: ["http://127.0.0.1/callback"],
    });
  });
  try {
    await using bed = await startOAuthTestbed({ server: { allowPrivateClientMetadata: true } });
    const clientId = `http://127.0.0.1:${server.addr.port}/client.json`;
    const consent = await bed.browser.open(bed.authorizeUrl({
      client_id: clientId,
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    }));
    assert.ok(consent.html.includes("Metadata Client"));
    assert.ok(consent.html.includes(`published by <strong>127.0.0.1:${server.addr.port}</strong>`));
    // The registered loopback URI has no port; the client's may vary.
    const { tokens, landing } = await bed.signIn({ clientId });
    assert.equal(landing.origin, clientOrigin);
    assert.equal((await bed.oauth.verifyAccessToken(tokens.access_token))?.clientId, clientId);

    const liar = await bed.browser.open(bed.authorizeUrl({
      client_id: `http://127.0.0.1:${server.addr.port}/liar.json`,
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    }));
    assert.equal(liar.status, 400);
    assert.match(liar.html, /client_id differs from its URL/);
  } finally {
    await server.shutdown();
  }
  // Without the test switch, a loopback document is never fetched.
  await using strict = await startOAuthTestbed();
  const refused = await strict.browser.open(strict.authorizeUrl({
    client_id: "https://127.0.0.1/client.json",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  }));
  assert.equal(refused.status, 400);
  assert.match(refused.html, /not a public address/);
});

Deno.test("a token is bound to its resource: another server on the same store refuses it", async () => {
  await using bed = await startOAuthTestbed();
  const { tokens } = await bed.signIn({ clientId: await bed.register() });
  const sameResource = createOAuthServer({ ...bed.serverOptions });
  assert.ok(await sameResource.verifyAccessToken(tokens.access_token));
  const otherResource = createOAuthServer({
    ...bed.serverOptions,
    publicUrl: "https://other.example",
  });
  assert.equal(await otherResource.verifyAccessToken(tokens.access_token), undefined);
  assert.equal(await bed.oauth.verifyAccessToken(undefined), undefined);
});

Deno.test("revokePerson() ends MCP tokens, the Slack token and the standing approval", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const { tokens } = await bed.signIn({ clientId });
  const principal = (await bed.oauth.verifyAccessToken(tokens.access_token))!;
  await bed.oauth.revokePerson(principal.teamId, principal.userId);
  assert.equal(await bed.oauth.verifyAccessToken(tokens.access_token), undefined);
  assert.equal(await bed.oauth.slackTokenFor(principal), undefined);
  const refresh = await bed.token({
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  assert.equal(refresh.body.error, "invalid_grant");
  // Signing in again asks for consent again, and works.
  const again = await bed.signIn({ clientId });
  assert.equal(again.consentShown, true);
  assert.ok(await bed.oauth.verifyAccessToken(again.tokens.access_token));
});

Deno.test("Slack's tokens_revoked and app_uninstalled events end sign-ins", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const alice = await bed.signIn({ clientId });
  bed.emulator.oauth.authorizeAs = "U0BRUNO02";
  const bruno = await bed.signIn({ clientId, browser: bed.newBrowser() });
  const applied: Promise<boolean>[] = [];
  bed.emulator.onEvent((envelope) =>
    applied.push(bed.oauth.handleSlackEvent(envelope.team_id, envelope.event))
  );
  // Alice revokes her own Slack token (auth.revoke), as a tool could.
  const alicePrincipal = (await bed.oauth.verifyAccessToken(alice.tokens.access_token))!;
  const aliceSlack = (await bed.oauth.slackTokenFor(alicePrincipal))!;
  assert.equal((await bed.slack("auth.revoke", aliceSlack)).revoked, true);
  assert.deepEqual(await Promise.all(applied), [true]);
  assert.equal(await bed.oauth.verifyAccessToken(alice.tokens.access_token), undefined);
  assert.ok(await bed.oauth.verifyAccessToken(bruno.tokens.access_token));
  // The app is uninstalled: everyone in the team is out.
  const brunoPrincipal = (await bed.oauth.verifyAccessToken(bruno.tokens.access_token))!;
  await bed.slack("apps.uninstall", "", {
    client_id: "demo-client-id",
    client_secret: "demo-client-secret",
  });
  assert.deepEqual(await Promise.all(applied), [true, true, true]);
  assert.equal(await bed.oauth.verifyAccessToken(bruno.tokens.access_token), undefined);
  assert.equal(await bed.oauth.slackTokenFor(brunoPrincipal), undefined);
  assert.equal(await bed.oauth.handleSlackEvent(DEMO_TEAM_ID, { type: "message" }), false);
});

Deno.test("requireAccessToken answers 401 with the resource metadata, or lets the principal through", async () => {
  await using bed = await startOAuthTestbed();
  const { tokens } = await bed.signIn({ clientId: await bed.register() });
  const app = new Hono<PrincipalEnv>();
  app.use("/mcp", bed.oauth.requireAccessToken);
  app.post("/mcp", (c) => c.json({ user: c.var.principal.userId }));
  const none = await app.request("/mcp", { method: "POST" });
  assert.equal(none.status, 401);
  assert.equal(
    none.headers.get("www-authenticate"),
    `Bearer resource_metadata="${publicUrl}/.well-known/oauth-protected-resource"`,
  );
  const bad = await app.request("/mcp", {
    method: "POST",
    headers: { authorization: "Bearer nope" },
  });
  assert.equal(bad.status, 401);
  assert.match(
    bad.headers.get("www-authenticate")!,
    new RegExp(
      `^Bearer resource_metadata="${publicUrl}/\\.well-known/oauth-protected-resource", error="invalid_token"`,
    ),
  );
  const good = await app.request("/mcp", {
    method: "POST",
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  assert.deepEqual(await good.json(), { user: DEMO_INSTALLER_ID });
  // Expired after an hour.
  bed.clock.ms += 3600_000;
  const expired = await app.request("/mcp", {
    method: "POST",
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  assert.equal(expired.status, 401);
  assert.match(expired.headers.get("www-authenticate")!, /error="invalid_token"/);
});

Deno.test("nothing secret is stored in the clear", async () => {
  await using bed = await startOAuthTestbed();
  const confidential = await bed.oauth.routes.request("/oauth/register", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      redirect_uris: [clientRedirectUri],
      token_endpoint_auth_method: "client_secret_post",
    }),
  }, bed.env);
  const secret = (await confidential.json()).client_secret as string;
  const publicClient = await bed.register();
  const { tokens, code } = await bed.signIn({ clientId: publicClient });
  const principal = (await bed.oauth.verifyAccessToken(tokens.access_token))!;
  const slackToken = (await bed.oauth.slackTokenFor(principal))!;
  const refreshed = await bed.token({
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: publicClient,
  });
  const secrets = [
    tokens.access_token,
    tokens.refresh_token,
    refreshed.body.access_token,
    refreshed.body.refresh_token,
    code,
    slackToken,
    secret,
    "demo-client-secret",
  ];
  const written = bed.store.writes.join("\n");
  assert.ok(bed.store.writes.length > 20);
  for (const value of secrets) {
    assert.ok(!written.includes(value), `stored in the clear: ${value.slice(0, 10)}…`);
  }
  assert.ok(!written.includes("xoxp-"));
});

Deno.test("the logs of a whole sign-in hold no token, code or secret", async () => {
  const lines = await captureLogs({
    level: "debug",
    format: "json",
  });
  try {
    await using bed = await startOAuthTestbed();
    const clientId = await bed.register();
    const { tokens, code, verifier } = await bed.signIn({ clientId });
    const principal = (await bed.oauth.verifyAccessToken(tokens.access_token))!;
    const slackToken = (await bed.oauth.slackTokenFor(principal))!;
    await bed.token({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    });
    await bed.token({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    });
    await bed.token({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      client_id: clientId,
    });
    const log = lines.join("");
    assert.match(log, /Tokens issued to client/);
    assert.match(log, /refresh token was already used/);
    for (
      const secret of [
        tokens.access_token,
        tokens.refresh_token,
        code,
        verifier,
        slackToken,
        "demo-client-secret",
      ]
    ) {
      assert.ok(!log.includes(secret), `logged: ${secret.slice(0, 10)}…`);
    }
  } finally {
    await stopLogging();
  }
});

Deno.test("a store outage answers 503: JSON at the token endpoint, a page in the browser", async () => {
  const store = createMemoryStore();
  const failing = {
    ...store,
    get: () => Promise.reject(new Error("store down")),
    limit: () => Promise.reject(new Error("store down")),
  };
  const oauth = createOAuthServer(serverOptions(failing));
  const token = await oauth.routes.request("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=authorization_code&code=x&client_id=mcpc_x",
  });
  assert.equal(token.status, 503);
  assert.equal((await token.json()).error, "temporarily_unavailable");
  const page = await oauth.routes.request("/oauth/authorize?client_id=mcpc_x");
  assert.equal(page.status, 503);
  assert.match(page.headers.get("content-type")!, /text\/html/);
  await assert.rejects(() => oauth.verifyAccessToken("mcp_at_x"), /store down/);
});

Deno.test("behind https the cookies are __Host- prefixed, Secure, HttpOnly and SameSite=Lax", async () => {
  await using bed = await startOAuthTestbed({ server: { publicUrl: "https://mcp.example" } });
  const registered = await bed.oauth.routes.request("https://mcp.example/oauth/register", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ redirect_uris: [clientRedirectUri] }),
  }, bed.env);
  const clientId = (await registered.json()).client_id;
  const consent = await bed.oauth.routes.request(
    `https://mcp.example/oauth/authorize?client_id=${clientId}&response_type=code&` +
      `code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&` +
      `redirect_uri=${encodeURIComponent(clientRedirectUri)}`,
    {},
    bed.env,
  );
  assert.equal(consent.status, 200);
  const [cookie] = consent.headers.getSetCookie();
  assert.match(cookie, /^__Host-slack_mcp_browser=[\w-]{43}; /);
  for (const attribute of ["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]) {
    assert.ok(cookie.includes(attribute), cookie);
  }
});
