import assert from "node:assert/strict";
import { defaultTokens, type EventEnvelope, serveEmulator } from "./emulator.ts";
import { defaultOAuthClient } from "./oauth.ts";
import { createSeedWorkspace, DEMO_BOT_USER_ID, DEMO_INSTALLER_ID, DEMO_TEAM_ID } from "./seed.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const redirectUri = "https://mcp.example/oauth/slack/callback";

async function setup(options: { authorizeAs?: string } = {}) {
  const clock = { ms: Date.now() };
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: clock.ms }),
    now: () => clock.ms,
    ...options,
  });
  const events: EventEnvelope[] = [];
  served.emulator.onEvent((envelope) => events.push(envelope));
  const base = served.url.replace(/api\/$/, "");

  /** Visits the authorize page; returns where it redirects. */
  async function authorize(params: Record<string, string>): Promise<Response> {
    const url = new URL("oauth/v2/authorize", base);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return await fetch(url, { redirect: "manual" });
  }

  async function call(method: string, params: Record<string, string>, token?: string) {
    const response = await fetch(`${served.url}${method}`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body: new URLSearchParams(params),
    });
    return await response.json() as Json;
  }

  /** The whole dance: authorize as `user` (or the default), then exchange. */
  async function signIn(extra: Record<string, string> = {}) {
    const response = await authorize({
      client_id: defaultOAuthClient.id,
      user_scope: "channels:history,search:read",
      redirect_uri: redirectUri,
      state: "st",
      ...extra,
    });
    const location = new URL(response.headers.get("location")!);
    const code = location.searchParams.get("code")!;
    return await call("oauth.v2.access", {
      client_id: defaultOAuthClient.id,
      client_secret: defaultOAuthClient.secret,
      code,
      redirect_uri: redirectUri,
    });
  }

  return { served, clock, events, authorize, call, signIn, [Symbol.asyncDispose]: served.close };
}

Deno.test("the authorize page approves at once as the installer and returns code and state", async () => {
  await using t = await setup();
  const response = await t.authorize({
    client_id: defaultOAuthClient.id,
    user_scope: "search:read",
    redirect_uri: `${redirectUri}?keep=1`,
    state: "xyz",
  });
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get("location")!);
  assert.equal(location.origin + location.pathname, redirectUri);
  assert.equal(location.searchParams.get("keep"), "1");
  assert.equal(location.searchParams.get("state"), "xyz");
  assert.match(location.searchParams.get("code")!, /^\d+\.\d+\.[0-9a-f]{64}$/);
});

Deno.test("oauth.v2.access answers Slack's shape with a user token acting as its person", async () => {
  await using t = await setup();
  const body = await t.signIn();
  assert.equal(body.ok, true);
  assert.equal(body.app_id, t.served.emulator.workspace.app.appId);
  assert.deepEqual(body.team, { id: DEMO_TEAM_ID, name: "Acme Demo" });
  assert.equal(body.enterprise, null);
  assert.equal(body.is_enterprise_install, false);
  assert.equal(body.authed_user.id, DEMO_INSTALLER_ID);
  assert.equal(body.authed_user.scope, "channels:history,search:read");
  assert.equal(body.authed_user.token_type, "user");
  assert.match(body.authed_user.access_token, /^xoxp-\d+-\d+-\d+-[0-9a-f]{32}$/);
  assert.equal(body.access_token, undefined);
  const who = await t.call("auth.test", {}, body.authed_user.access_token);
  assert.equal(who.user_id, DEMO_INSTALLER_ID);
});

Deno.test("each issued token acts as its own person: memberships differ", async () => {
  await using t = await setup();
  const emeka = (await t.signIn({ emulator_user: "U0EMEKA05" })).authed_user.access_token;
  t.served.emulator.oauth.authorizeAs = "U0FIONA06";
  const fiona = (await t.signIn()).authed_user.access_token;
  assert.equal((await t.call("auth.test", {}, emeka)).user_id, "U0EMEKA05");
  assert.equal((await t.call("auth.test", {}, fiona)).user_id, "U0FIONA06");
  const privateOf = async (token: string) =>
    (await t.call("conversations.list", { types: "private_channel", limit: "1000" }, token))
      .channels.map((c: Json) => c.id).sort();
  const workspace = t.served.emulator.workspace;
  const expected = (userId: string) =>
    workspace.channels.filter((c) => c.conversation.is_private && c.members.includes(userId))
      .map((c) => c.conversation.id).sort();
  assert.deepEqual(await privateOf(emeka), expected("U0EMEKA05"));
  assert.deepEqual(await privateOf(fiona), expected("U0FIONA06"));
  assert.ok(expected("U0EMEKA05").length > expected("U0FIONA06").length);
});

Deno.test("a code is single use, expires after 10 minutes and needs the same redirect URI", async () => {
  await using t = await setup();
  const codeFrom = async () => {
    const response = await t.authorize({
      client_id: defaultOAuthClient.id,
      user_scope: "search:read",
      redirect_uri: redirectUri,
    });
    return new URL(response.headers.get("location")!).searchParams.get("code")!;
  };
  const exchange = (code: string, overrides: Record<string, string> = {}) =>
    t.call("oauth.v2.access", {
      client_id: defaultOAuthClient.id,
      client_secret: defaultOAuthClient.secret,
      code,
      redirect_uri: redirectUri,
      ...overrides,
    });
  const code = await codeFrom();
  assert.equal((await exchange(code)).ok, true);
  assert.equal((await exchange(code)).error, "invalid_code");
  assert.equal(
    (await exchange(await codeFrom(), { redirect_uri: "https://x/cb" })).error,
    "bad_redirect_uri",
  );
  assert.equal(
    (await exchange(await codeFrom(), { client_secret: "nope" })).error,
    "bad_client_secret",
  );
  assert.equal(
    (await exchange(await codeFrom(), { client_id: "nope" })).error,
    "invalid_client_id",
  );
  assert.equal((await exchange("made-up")).error, "invalid_code");
  const late = await codeFrom();
  t.clock.ms += 10 * 60_000;
  assert.equal((await exchange(late)).error, "invalid_code");
});

Deno.test("the authorize page declines on request and refuses bad clients and people", async () => {
  await using t = await setup({ authorizeAs: "deny" });
  const base = {
    client_id: defaultOAuthClient.id,
    user_scope: "search:read",
    redirect_uri: redirectUri,
  };
  const denied = await t.authorize({ ...base, state: "s1" });
  const location = new URL(denied.headers.get("location")!);
  assert.equal(location.searchParams.get("error"), "access_denied");
  assert.equal(location.searchParams.get("state"), "s1");
  assert.equal(location.searchParams.get("code"), null);
  const approved = await t.authorize({ ...base, emulator_user: DEMO_INSTALLER_ID });
  assert.ok(new URL(approved.headers.get("location")!).searchParams.get("code"));
  for (
    const params of [
      { ...base, client_id: "other" },
      { ...base, redirect_uri: "not a url" },
      { ...base, user_scope: "" },
      { ...base, emulator_user: "U0NOBODY0" },
      { ...base, emulator_user: DEMO_BOT_USER_ID },
    ]
  ) {
    const response = await t.authorize(params);
    assert.equal(response.status, 400, JSON.stringify(params));
    await response.body?.cancel();
  }
});

Deno.test("auth.revoke ends the calling token and tells the app", async () => {
  await using t = await setup();
  const token = (await t.signIn({ emulator_user: "U0BRUNO02" })).authed_user.access_token;
  assert.deepEqual(await t.call("auth.revoke", { test: "true" }, token), {
    ok: true,
    revoked: false,
  });
  assert.equal((await t.call("auth.test", {}, token)).ok, true);
  assert.deepEqual(await t.call("auth.revoke", {}, token), { ok: true, revoked: true });
  assert.equal((await t.call("auth.test", {}, token)).error, "token_revoked");
  assert.equal((await t.call("auth.revoke", {}, token)).error, "token_revoked");
  assert.equal((await t.call("auth.revoke", {}, "xoxp-never-issued")).error, "invalid_auth");
  assert.equal((await t.call("auth.revoke", {})).error, "not_authed");
  assert.equal(
    (await t.call("auth.revoke", {}, defaultTokens.app)).error,
    "not_allowed_token_type",
  );
  const revoked = t.events.filter((e) => e.event.type === "tokens_revoked");
  assert.equal(revoked.length, 1);
  assert.deepEqual(revoked[0].event.tokens, { oauth: ["U0BRUNO02"], bot: [] });
  assert.equal(revoked[0].team_id, DEMO_TEAM_ID);
  // The other tokens still work.
  assert.equal((await t.call("auth.test", {}, defaultTokens.user)).ok, true);
});

Deno.test("apps.uninstall revokes every token and sends tokens_revoked then app_uninstalled", async () => {
  await using t = await setup();
  const token = (await t.signIn()).authed_user.access_token;
  assert.equal(
    (await t.call("apps.uninstall", {
      client_id: defaultOAuthClient.id,
      client_secret: "wrong",
    })).error,
    "bad_client_secret",
  );
  assert.equal(
    (await t.call("apps.uninstall", {
      client_id: defaultOAuthClient.id,
      client_secret: defaultOAuthClient.secret,
    })).ok,
    true,
  );
  for (const t2 of [token, defaultTokens.bot, defaultTokens.user]) {
    assert.equal((await t.call("auth.test", {}, t2)).error, "token_revoked");
  }
  const types = t.events.map((e) => e.event.type);
  assert.deepEqual(types, ["tokens_revoked", "app_uninstalled"]);
  assert.deepEqual(t.events[0].event.tokens, {
    oauth: [DEMO_INSTALLER_ID],
    bot: [DEMO_BOT_USER_ID],
  });
});

Deno.test("issueUserToken() gives a test a person's token without the browser", async () => {
  await using t = await setup();
  const token = t.served.emulator.oauth.issueUserToken("U0DIEGO04");
  assert.equal((await t.call("auth.test", {}, token)).user_id, "U0DIEGO04");
  assert.throws(() => t.served.emulator.oauth.issueUserToken("U0NOBODY0"), /Unknown user/);
});
