/**
 * Multi-user mode end to end: the SDK client's own OAuth support discovers
 * the authorization server from the 401, registers, and a test browser goes
 * through our consent page and the emulator's Slack sign-in; then tools run
 * as that person, with their own Slack token, cache and rate limit.
 */
import assert from "node:assert/strict";
import { captureLogs } from "../src/log/testing.ts";
import {
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  UnauthorizedError,
} from "@modelcontextprotocol/client";
import { call, demoTokens, postSignedEvent, startStack, textOf } from "./harness.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";
import { createTestBrowser } from "../src/oauth/testing.ts";
import { defaultOAuthClient } from "../src/slack_emulator/oauth.ts";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { stopLogging } from "../src/log/logger.ts";
import type { Store } from "../src/store/store.ts";
import { createUpstashStore } from "../src/store/upstash_store.ts";
import { redisTest } from "./redis_server.ts";
import { startUpstashBridge } from "./upstash_bridge.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";

const redirectUrl = "http://127.0.0.1:9/callback";

/** A client's OAuth state, with a browser that follows the redirect to our server and Slack. */
class TestProvider implements OAuthClientProvider {
  readonly redirectUrl = redirectUrl;
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: "Test MCP Client",
    redirect_uris: [redirectUrl],
    token_endpoint_auth_method: "none",
  };
  #client?: OAuthClientInformationMixed;
  #tokens?: OAuthTokens;
  #verifier?: string;
  #discovery?: OAuthDiscoveryState;
  /** Where the browser landed: the client's redirect URI with `code` and `state`. */
  landed?: URL;
  readonly browser = createTestBrowser({ stopAt: (url) => url.href.startsWith(redirectUrl) });

  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.#discovery = state;
  }
  discoveryState() {
    return this.#discovery;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier!;
  }
  async redirectToAuthorization(url: URL) {
    const consent = await this.browser.open(url);
    assert.equal(consent.status, 200, consent.html);
    assert.match(consent.html, /Test MCP Client/);
    const landed = await this.browser.submit(consent, { decision: "approve" });
    this.landed = landed.url;
  }
}

/** A free loopback port: the public URL must be known before the server starts. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

const signingSecret = "team-test-signing-secret";

async function startTeam(
  env: Record<string, string> = {},
  shared?: {
    key: string;
    emulator: Awaited<ReturnType<typeof serveEmulator>>;
    store: Store;
    /** Instances behind one load balancer share one public URL. */
    publicUrl?: string;
  },
) {
  const port = freePort();
  const key = shared?.key ??
    btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const emulator = shared?.emulator ??
    await serveEmulator({ workspace: createSeedWorkspace({ now: Date.now() }) });
  const stack = await startStack({
    emulatorUrl: emulator.url,
    overrides: shared && { store: shared.store },
    env: {
      PORT: String(port),
      PUBLIC_URL: shared?.publicUrl ?? `http://127.0.0.1:${port}`,
      SLACK_CLIENT_ID: defaultOAuthClient.id,
      SLACK_CLIENT_SECRET: defaultOAuthClient.secret,
      TOKEN_ENCRYPTION_KEY: key,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_USER_TOKEN: "",
      ...env,
    },
  });
  return {
    stack,
    key,
    emulator: emulator.emulator,
    async [Symbol.asyncDispose]() {
      await stack.close();
      if (!shared) await emulator.close();
    },
  };
}

/** Signs `person` in through the SDK client's OAuth flow; a connected client and its provider. */
async function signIn(
  team: Awaited<ReturnType<typeof startTeam>>,
  person: string,
  era: "legacy" | "modern" = "legacy",
) {
  team.emulator.oauth.authorizeAs = person;
  const url = new URL(`${team.stack.url}/mcp`);
  const provider = new TestProvider();
  const options = era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {};
  const first = new Client({ name: "team-test", version: "1.0.0" }, options as never);
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  await assert.rejects(first.connect(transport), UnauthorizedError);
  assert.ok(provider.landed, "the browser reached the client's redirect URI");
  await transport.finishAuth(provider.landed.searchParams);
  const client = new Client({ name: "team-test", version: "1.0.0" }, options as never);
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return { client, provider };
}

Deno.test("a person signs in with Slack and tools then run with their own Slack token", async () => {
  await using team = await startTeam();
  const { client, provider } = await signIn(team, "U0ALICE01");
  const result = await call(client, "slack_get_channel_history", { channel_id: "D0DMBRUNO" });
  assert.equal(result.isError, undefined, textOf(result));
  const history = team.emulator.calls.filter((c) => c.method === "conversations.history");
  assert.equal(history.length, 1);
  assert.match(history[0].token ?? "", /^xoxp-/);
  assert.notEqual(history[0].token, demoTokens.user);
  assert.ok(provider.tokens()?.refresh_token, "a refresh token was issued");
  await client.close();
});

Deno.test("two people see only their own DMs, and one person's token cannot use the other's session", async () => {
  await using team = await startTeam();
  const alice = await signIn(team, "U0ALICE01");
  const chloe = await signIn(team, "U0CHLOE03", "modern");
  const aliceReads = await call(alice.client, "slack_get_channel_history", {
    channel_id: "D0DMBRUNO",
  });
  assert.equal(aliceReads.isError, undefined, textOf(aliceReads));
  const chloeReads = await call(chloe.client, "slack_get_channel_history", {
    channel_id: "D0DMBRUNO",
  });
  assert.equal(chloeReads.isError, true);
  assert.match(textOf(chloeReads), /channel_not_found/);

  // Alice's session, presented with Chloe's access token: refused.
  const session = (alice.client.transport as StreamableHTTPClientTransport).sessionId!;
  const hijack = await fetch(`${team.stack.url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": session,
      authorization: `Bearer ${chloe.provider.tokens()!.access_token}`,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
  });
  assert.equal(hijack.status, 404);
  await hijack.body?.cancel();
  await alice.client.close();
  await chloe.client.close();
});

Deno.test("each person has their own rate limit", async () => {
  await using team = await startTeam({ RATE_LIMIT_PER_MINUTE: "2" });
  const alice = await signIn(team, "U0ALICE01");
  const bruno = await signIn(team, "U0BRUNO02");
  for (let i = 0; i < 2; i++) {
    assert.equal((await call(alice.client, "slack_list_channels")).isError, undefined);
  }
  assert.match(textOf(await call(alice.client, "slack_list_channels")), /Rate limit reached/);
  assert.equal((await call(bruno.client, "slack_list_channels")).isError, undefined);
  await alice.client.close();
  await bruno.client.close();
});

Deno.test("a revoked Slack token ends the person's MCP access: the next request gets 401 invalid_token", async () => {
  await using team = await startTeam();
  const { client, provider } = await signIn(team, "U0ALICE01");
  assert.equal((await call(client, "slack_list_channels")).isError, undefined);
  const slackToken = team.emulator.calls.findLast((c) => c.token?.startsWith("xoxp-"))!.token!;
  // The person revokes the app's access in Slack.
  const revoked = await fetch(`${team.stack.emulatorUrl}auth.revoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${slackToken}` },
  });
  assert.equal((await revoked.json()).ok, true);
  const refused = await call(client, "slack_get_channel_history", { channel_id: "D0DMBRUNO" });
  assert.equal(refused.isError, true);
  const after = await fetch(`${team.stack.url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${provider.tokens()!.access_token}`,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  assert.equal(after.status, 401);
  assert.match(after.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
  await after.body?.cancel();
  await client.close().catch(() => {});
});

Deno.test("without a token /mcp answers 401 naming the resource metadata", async () => {
  await using team = await startTeam();
  const response = await fetch(`${team.stack.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(response.status, 401);
  assert.equal(
    response.headers.get("www-authenticate"),
    `Bearer resource_metadata="${team.stack.url}/.well-known/oauth-protected-resource"`,
  );
  await response.body?.cancel();
  const metadata = await (await fetch(`${team.stack.url}/.well-known/oauth-protected-resource`))
    .json();
  assert.equal(metadata.resource, `${team.stack.url}/mcp`);
  assert.deepEqual(metadata.authorization_servers, [team.stack.url]);
});

/** Runs the conformance suite's authorization-server scenarios; their checks. */
async function runAuthorizationSuite(
  issuer: string,
  extra: string[],
  onOutput?: (line: string) => void,
) {
  const dir = await Deno.makeTempDir({ prefix: "conformance-auth-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-config",
        "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12",
        "authorization",
        "--url",
        issuer,
        "-o",
        `${dir}/results`,
        ...extra,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).spawn();
    const reading = (async () => {
      let buffer = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) onOutput?.(line);
      }
    })();
    const stderr = new Response(child.stderr).text();
    await child.status;
    await reading;
    const checks: { id: string; status: string; errorMessage?: string }[] = [];
    for await (const entry of Deno.readDir(`${dir}/results`)) {
      checks.push(
        ...JSON.parse(await Deno.readTextFile(`${dir}/results/${entry.name}/checks.json`)),
      );
    }
    assert.ok(checks.length > 0, await stderr);
    return checks;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the conformance suite's authorization-server scenarios pass against our authorization server", async () => {
  await using team = await startTeam();
  const issuer = team.stack.url;
  const port = freePort();
  const registered = await fetch(`${issuer}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Conformance",
      redirect_uris: [`http://127.0.0.1:${port}/callback`],
      token_endpoint_auth_method: "none",
    }),
  });
  const { client_id } = await registered.json();
  const browser = createTestBrowser();
  const visits: Promise<unknown>[] = [];
  const checks = await runAuthorizationSuite(
    issuer,
    ["--client-id", client_id, "--resource", `${issuer}/mcp`, "--port", String(port)],
    (line) => {
      // The suite prints the URL a person would open, then waits for its callback.
      if (!line.startsWith(`${issuer}/oauth/authorize?`)) return;
      visits.push((async () => {
        const consent = await browser.open(line);
        await browser.submit(consent, { decision: "approve" });
      })());
    },
  );
  await Promise.all(visits);
  assert.equal(visits.length, 1, "the suite asked for one sign-in");
  assert.deepEqual(checks.filter((c) => c.status !== "SUCCESS"), []);
  assert.ok(checks.some((c) => c.id === "authorization-code-grant"));
  assert.ok(checks.some((c) => c.id.startsWith("authorization-server-metadata")));
});

/** POSTs a message event in `channel` to the team server's webhook, signed as Slack would. */
async function deliverMessage(url: string, channel: string, text: string) {
  const body = JSON.stringify({
    type: "event_callback",
    event_id: `Ev${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    team_id: "T0ACMEDEM",
    event: { type: "message", channel, user: "U0BRUNO02", text, ts: `${Date.now() / 1000}` },
  });
  const response = await postSignedEvent(url, body, { secret: signingSecret });
  assert.equal(response.status, 200);
}

Deno.test("event tools show a person only events from conversations they belong to", async () => {
  await using team = await startTeam();
  const alice = await signIn(team, "U0ALICE01");
  const chloe = await signIn(team, "U0CHLOE03");
  await deliverMessage(team.stack.url, "D0DMBRUNO", "for alice only");
  const seen = await call(alice.client, "slack_get_latest_event", { type: "message" });
  assert.equal(seen.structuredContent?.event?.text, "for alice only");
  const unseen = await call(chloe.client, "slack_get_latest_event", { type: "message" });
  assert.equal(unseen.structuredContent?.event, null);
  const listed = await call(chloe.client, "slack_list_events", {});
  assert.doesNotMatch(JSON.stringify(listed.structuredContent), /for alice only/);
  await alice.client.close();
  await chloe.client.close();
});

Deno.test("after a whole sign-in and calls, no token or secret is in the logs or the outputs", async () => {
  await using team = await startTeam();
  const chunks = await captureLogs({
    level: "debug",
    format: "text",
    secrets: [defaultOAuthClient.secret, team.key, signingSecret, demoTokens.bot],
  });
  try {
    const { client, provider } = await signIn(team, "U0ALICE01");
    const outputs = [
      await call(client, "slack_list_channels"),
      await call(client, "slack_get_channel_history", { channel_id: "D0DMBRUNO" }),
      await call(client, "slack_get_channel_history", { channel_id: "C0NOSUCH" }),
    ].map((r) => JSON.stringify(r));
    await client.close();
    const tokens = provider.tokens()!;
    const slackTokens = team.emulator.calls.flatMap((c) =>
      c.token?.startsWith("xoxp-") ? [c.token] : []
    );
    assert.ok(slackTokens.length > 0);
    const secrets = [
      tokens.access_token,
      tokens.refresh_token!,
      ...slackTokens,
      defaultOAuthClient.secret,
      team.key,
    ];
    const everything = chunks.join("") + outputs.join("");
    assert.ok(chunks.length > 10, "the server logged the run");
    for (const secret of secrets) assert.ok(!everything.includes(secret), "a secret leaked");
    assert.doesNotMatch(everything, /mcp_(?:at|rt|ac)_[\w-]{8}|xoxp-[\w-]{8}/);
  } finally {
    await stopLogging();
  }
});

redisTest(
  "across two instances sharing Upstash, a person's sign-in, cache and rate limit are theirs alone",
  async (redis) => {
    Deno.env.set("UPSTASH_DISABLE_TELEMETRY", "1");
    const bridge = await startUpstashBridge({ redisPort: redis.port, token: "team-bridge" });
    const emulator = await serveEmulator({ workspace: createSeedWorkspace({ now: Date.now() }) });
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const store = () =>
      createUpstashStore({ url: bridge.url, token: "team-bridge", timeoutMs: 5_000 });
    const env = { RATE_LIMIT_PER_MINUTE: "3" };
    try {
      await using a = await startTeam(env, { key, emulator, store: store() });
      await using b = await startTeam(env, {
        key,
        emulator,
        store: store(),
        publicUrl: a.stack.url,
      });
      const alice = await signIn(a, "U0ALICE01");
      // Alice's access token, issued by A, works on B: one authorization server state.
      const onB = new Client({ name: "team-test", version: "1.0.0" });
      await onB.connect(
        new StreamableHTTPClientTransport(new URL(`${b.stack.url}/mcp`), {
          requestInit: {
            headers: { authorization: `Bearer ${alice.provider.tokens()!.access_token}` },
          },
        }),
      );
      const history = () =>
        emulator.emulator.calls.filter((c) => c.method === "conversations.history");
      await call(alice.client, "slack_get_channel_history", { channel_id: "C0GENERAL" });
      await call(onB, "slack_get_channel_history", { channel_id: "C0GENERAL" });
      assert.equal(history().length, 1, "Alice's second read, on B, came from her cache");
      assert.match(
        textOf(await call(alice.client, "slack_get_channel_history", { channel_id: "C0GENERAL" })),
        /C0GENERAL|general/,
      );
      assert.match(textOf(await call(onB, "slack_list_channels")), /Rate limit reached/);

      const bruno = await signIn(a, "U0BRUNO02");
      const read = await call(bruno.client, "slack_get_channel_history", {
        channel_id: "C0GENERAL",
      });
      assert.equal(read.isError, undefined, textOf(read));
      assert.equal(history().length, 2, "Bruno's read is his own, not Alice's cache");
      assert.notEqual(history()[1].token, history()[0].token);
      await Promise.all([alice.client.close(), onB.close(), bruno.client.close()]);
    } finally {
      await emulator.close();
      await bridge.close();
    }
  },
);
