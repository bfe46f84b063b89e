/**
 * The security log, end to end: a full session against the real process with
 * every secret configured, including refused auth, a foreign origin, bad
 * webhooks, a Slack error and a rate-limit refusal; then every byte the
 * process wrote (stdout, stderr, LOG_FILE) is searched for each secret.
 */
import assert from "node:assert/strict";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";
import { seedNow } from "./harness.ts";
import { spawnServer } from "./server_process.ts";

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

async function slackSignature(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`v0:${timestamp}:${body}`),
  );
  return `v0=${Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Fresh secrets per run, so nothing else could have printed them. */
function freshSecrets() {
  return {
    bot: `xoxb-${randomHex(12)}`,
    user: `xoxp-${randomHex(12)}`,
    app: `xapp-${randomHex(12)}`,
    signing: randomHex(16),
    // No Slack shape: only the configured-value masking can catch this one.
    mcp: randomHex(20),
  };
}

/** Drives one session with everything that should log, against `url`. */
async function session(url: string, secrets: ReturnType<typeof freshSecrets>) {
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
      body,
    }).then(async (r) => (await r.body?.cancel(), r.status));

  // Refused: no token, a wrong token that is another secret, the right token from a foreign origin.
  const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
  assert.equal(await post("/mcp", init, {}), 401);
  assert.equal(await post("/mcp", init, { authorization: `Bearer ${secrets.signing}` }), 401);
  assert.equal(await post("/", init, { authorization: `Bearer ${secrets.bot}` }), 401);
  assert.equal(
    await post("/mcp", init, {
      authorization: `Bearer ${secrets.mcp}`,
      origin: "https://evil.example",
    }),
    403,
  );

  // Webhooks: signed with the wrong secret, correctly signed but stale, and a good one.
  const event = JSON.stringify({ type: "url_verification", challenge: "c", token: secrets.app });
  const now = Math.floor(Date.now() / 1000);
  const sign = async (secret: string, ts: number) => ({
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": await slackSignature(secret, ts, event),
  });
  assert.equal(await post("/slack/events", event, await sign(secrets.mcp, now)), 401);
  assert.equal(await post("/slack/events", event, await sign(secrets.signing, now - 3600)), 401);
  assert.equal(await post("/slack/events", event, await sign(secrets.signing, now)), 200);

  // A real session; the request id is a secret too, as a careless client might send.
  const client = new Client({ name: "logging-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      requestInit: {
        headers: { authorization: `Bearer ${secrets.mcp}`, "x-request-id": secrets.mcp },
      },
    }),
  );
  try {
    const calls = [
      ["slack_list_channels", { limit: 5 }],
      ["slack_get_channel_history", { channel_id: "#general", limit: 3 }],
      ["slack_search_messages", { query: "release" }],
      ["slack_get_channel_history", { channel_id: "C0NOSUCH", limit: 3 }],
    ] as const;
    for (const [name, args] of calls) await client.callTool({ name, arguments: args });
    // Over RATE_LIMIT_PER_MINUTE by now.
    const refused = await client.callTool({ name: "slack_list_channels", arguments: {} });
    assert.equal(refused.isError, true);
  } finally {
    await client.close();
  }
}

for (const format of ["json", "text"] as const) {
  Deno.test(`no secret appears anywhere in a full session's ${format} logs`, async () => {
    const secrets = freshSecrets();
    const served = await serveEmulator({
      workspace: createSeedWorkspace({ now: seedNow }),
      botToken: secrets.bot,
      userToken: secrets.user,
      appToken: secrets.app,
    });
    const dir = await Deno.makeTempDir();
    try {
      const logFile = `${dir}/slack_realtime_server.log`;
      await using server = await spawnServer({
        SLACK_BOT_TOKEN: secrets.bot,
        SLACK_USER_TOKEN: secrets.user,
        SLACK_APP_TOKEN: secrets.app,
        SLACK_SIGNING_SECRET: secrets.signing,
        MCP_AUTH_TOKEN: secrets.mcp,
        SLACK_API_URL: served.url,
        RATE_LIMIT_PER_MINUTE: "4",
        LOG_LEVEL: "debug",
        LOG_FORMAT: format,
        LOG_FILE: logFile,
      });
      served.emulator.failNext("search.messages", { error: "invalid_auth" });
      await session(server.url, secrets);
      server.child.kill("SIGTERM");
      const { code, stdout, stderr } = await server.finished();
      assert.equal(code, 0, stderr);
      const file = await Deno.readTextFile(logFile);

      const everything = [stdout, stderr, file].join("\n");
      for (const [name, value] of Object.entries(secrets)) {
        assert.ok(!everything.includes(value), `the ${name} secret leaked into the logs`);
      }
      assert.doesNotMatch(everything, /v0=[0-9a-f]{64}/, "a Slack signature leaked into the logs");

      // The log did record what happened (so the search above is not vacuous).
      assert.equal(file, stderr, "the file mirrors stderr");
      for (
        const expected of [
          /Authentication failed for POST \/mcp: no usable Authorization header/,
          /Authentication failed for POST \/mcp: wrong token/,
          /Authentication failed for POST \/: wrong token/,
          /Refused POST \/mcp: Origin https:\/\/evil\.example is not allowed/,
          /Rejected Slack webhook \(401\)/,
          /Slack search\.messages failed: invalid_auth/,
          /Rate limit refused/,
          /Tool slack_list_channels succeeded/,
          /\[REDACTED\]/,
        ]
      ) {
        assert.match(file, expected);
      }
      if (format === "json") {
        for (const line of file.trimEnd().split("\n")) JSON.parse(line);
      }
    } finally {
      await served.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
