import assert from "node:assert/strict";
import { DEMO_TEAM_ID } from "../slack_emulator/seed.ts";
import { clientRedirectUri, publicUrl, startOAuthTestbed } from "./testbed.ts";
import { personKey } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

Deno.test("declining at Slack returns access_denied to the client", async () => {
  await using bed = await startOAuthTestbed({ emulator: { authorizeAs: "deny" } });
  const clientId = await bed.register();
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const landed = await bed.browser.submit(consent, { decision: "approve" });
  assert.equal(landed.url.origin + landed.url.pathname, clientRedirectUri);
  assert.equal(landed.url.searchParams.get("error"), "access_denied");
  assert.equal(landed.url.searchParams.get("state"), "client-state");
  assert.equal(landed.url.searchParams.get("iss"), publicUrl);
});

Deno.test("a team outside the allowlist is refused with a page, and its token is not kept", async () => {
  await using bed = await startOAuthTestbed({ server: { allowedTeams: ["T0OTHER01"] } });
  const clientId = await bed.register();
  const revoked: string[] = [];
  bed.emulator.onEvent((e) => revoked.push(...(e.event.tokens as { oauth: string[] }).oauth));
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const page = await bed.browser.submit(consent, { decision: "approve" });
  assert.equal(page.status, 403);
  assert.match(page.html, /Workspace not allowed/);
  assert.match(page.html, new RegExp(`Acme Demo.*${DEMO_TEAM_ID}`));
  const link = /<a href="([^"]+)">Return to the application<\/a>/.exec(page.html)?.[1];
  const back = new URL(link!.replaceAll("&#38;", "&"));
  assert.equal(back.origin + back.pathname, clientRedirectUri);
  assert.equal(back.searchParams.get("error"), "access_denied");
  assert.equal(back.searchParams.get("state"), "client-state");
  // Slack was asked for that one workspace, and the token it gave was revoked at once.
  const authorize = bed.emulator.calls.length;
  assert.ok(authorize > 0);
  assert.deepEqual(revoked, ["U0ALICE01"]);
  const stored = bed.store.writes.filter((w) => w.startsWith(keys.slackToken("")));
  assert.deepEqual(stored, []);
  assert.ok(!bed.store.writes.some((w) => w.includes(personKey(DEMO_TEAM_ID, "U0ALICE01"))));
});

Deno.test("an allowed team signs in, and Slack is told which workspace", async () => {
  await using bed = await startOAuthTestbed({ server: { allowedTeams: [DEMO_TEAM_ID] } });
  const clientId = await bed.register();
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const cookie = [...bed.browser.cookies(publicUrl)].map(([k, v]) => `${k}=${v}`).join("; ");
  const response = await bed.oauth.routes.request("/oauth/authorize", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({
      ...Object.fromEntries(
        consent.html.matchAll(/name="(\w+)" value="([^"]*)"/g).map((m) => [m[1], m[2]]),
      ),
      decision: "approve",
    }),
  }, bed.env);
  assert.equal(new URL(response.headers.get("location")!).searchParams.get("team"), DEMO_TEAM_ID);
  const { tokens } = await bed.signIn({ clientId });
  assert.ok(await bed.oauth.verifyAccessToken(tokens.access_token));
});

Deno.test("the callback refuses an unknown or reused state and another browser", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const unknown = await bed.oauth.routes.request(
    `/oauth/slack/callback?state=${"x".repeat(43)}&code=c`,
  );
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /expired or was already used/);

  // Stop at Slack's redirect back to us, to replay it.
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const cookie = [...bed.browser.cookies(publicUrl)].map(([k, v]) => `${k}=${v}`).join("; ");
  const fields = Object.fromEntries(
    consent.html.matchAll(/name="(\w+)" value="([^"]*)"/g).map((m) => [m[1], m[2]]),
  );
  const toSlack = await bed.oauth.routes.request("/oauth/authorize", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ ...fields, decision: "approve" }),
  }, bed.env);
  const fromSlack = await fetch(toSlack.headers.get("location")!, { redirect: "manual" });
  const callback = new URL(fromSlack.headers.get("location")!);
  assert.equal(callback.origin + callback.pathname, `${publicUrl}/oauth/slack/callback`);

  // Another browser (no binding cookie) cannot use it.
  const stranger = await bed.oauth.routes.request(callback.pathname + callback.search, {}, bed.env);
  assert.equal(stranger.status, 403);
  assert.match(await stranger.text(), /started in another browser/);
  // The state was used up by that attempt; the real browser must start again.
  const replay = await bed.oauth.routes.request(callback.pathname + callback.search, {
    headers: { cookie },
  }, bed.env);
  assert.equal(replay.status, 400);
});

Deno.test("a failed code exchange at Slack returns server_error to the client", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  bed.emulator.failNext("oauth.v2.access", { error: "invalid_code" });
  const consent = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  const landed = await bed.browser.submit(consent, { decision: "approve" });
  assert.equal(landed.url.searchParams.get("error"), "server_error");
  assert.match(landed.url.searchParams.get("error_description")!, /invalid_code/);
  assert.equal(landed.url.searchParams.get("state"), "client-state");
});
