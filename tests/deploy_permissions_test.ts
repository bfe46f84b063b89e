/**
 * Runs where Deno Deploy runs it: `main.ts` as a child process with only
 * `--allow-net --allow-env`, configured by environment alone against the
 * embedded Slack emulator, a real Redis behind the Upstash REST bridge and a
 * signing secret. An MCP read, a signed webhook event and a SIGTERM stop must
 * all work without ever asking for file-system or subprocess access; a
 * `LOG_FILE` that needs `--allow-write` must stop startup with a clear error.
 * @module
 */
import assert from "node:assert/strict";
import { call, connectClient, demoTokens, postSignedEvent, seedNow, textOf } from "./harness.ts";
import { redisTest } from "./redis_server.ts";
import { sendCommands, startUpstashBridge } from "./upstash_bridge.ts";
import { spawnServer } from "./server_process.ts";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import { DEMO_BOT_USER_ID } from "../src/slack_emulator/seed_ids.ts";
import { sleep } from "../src/util/sleep.ts";

/** What Deno Deploy grants: network and environment, no files, no subprocesses. */
const deployPermissions = ["--allow-net", "--allow-env"];

/** Deno's words when code reaches past those permissions. */
const permissionTrouble = /PermissionDenied|NotCapable|Requires/;

const upstashToken = "deploy-permissions-bridge-token";
const signingSecret = "deploy-permissions-signing-secret";

redisTest(
  "with only --allow-net --allow-env the server reads Slack, takes a signed event into Upstash and stops on SIGTERM",
  async (redis) => {
    const served = await serveEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
    await using _emulator = { [Symbol.asyncDispose]: () => served.close() };
    const bridge = await startUpstashBridge({ redisPort: redis.port, token: upstashToken });
    await using _bridge = { [Symbol.asyncDispose]: () => bridge.close() };
    await using server = await spawnServer(
      {
        SLACK_BOT_TOKEN: demoTokens.bot,
        SLACK_API_URL: served.url,
        SLACK_SIGNING_SECRET: signingSecret,
        UPSTASH_REDIS_REST_URL: bridge.url,
        UPSTASH_REDIS_REST_TOKEN: upstashToken,
        UPSTASH_DISABLE_TELEMETRY: "1",
      },
      [],
      deployPermissions,
    );

    const client = await connectClient(server.url);
    try {
      const history = await call(client, "slack_get_channel_history", {
        channel_id: "#general",
        limit: 5,
      });
      assert.equal(history.isError, undefined, textOf(history));
      const seeded = served.emulator.actAs(DEMO_BOT_USER_ID, "conversations.history", {
        channel: "C0GENERAL",
        limit: 5,
      }) as { messages: { ts: string }[] };
      const rows = history.structuredContent!.days.flatMap((day: { messages: string[][] }) =>
        day.messages
      );
      assert.deepEqual(rows.map(([ts]: string[]) => ts), seeded.messages.map((m) => m.ts));

      const envelope = {
        type: "event_callback",
        team_id: "T0DEMO001",
        api_app_id: "A0DEMOAPP1",
        event_id: "Ev0DEPLOY01",
        event_time: Math.floor(Date.now() / 1000),
        event: {
          type: "message",
          user: "U0ALICE01",
          channel: "C0GENERAL",
          text: "Shipped from a deploy with no file system",
          ts: "1764072000.000900",
          event_ts: "1764072000.000900",
          channel_type: "channel",
        },
      };
      const delivered = await postSignedEvent(server.url, envelope, { secret: signingSecret });
      assert.equal(delivered.status, 200, delivered.body);
      let events: { event_id: string; text?: string }[] = [];
      for (const deadline = Date.now() + 3_000; events.length === 0 && Date.now() < deadline;) {
        const listed = await call(client, "slack_list_events", { type: "message" });
        assert.equal(listed.isError, undefined, textOf(listed));
        events = listed.structuredContent!.events;
        if (events.length === 0) await sleep(50);
      }
      assert.deepEqual(events.map((e) => [e.event_id, e.text]), [
        ["Ev0DEPLOY01", "Shipped from a deploy with no file system"],
      ]);
      const [keys] = await sendCommands(redis.port, [["DBSIZE"]]);
      assert.ok(Number(keys) > 0, "the server kept its state in Redis, not in memory");
    } finally {
      await client.close();
    }

    server.child.kill("SIGTERM");
    const { code, stderr } = await server.finished();
    assert.equal(code, 0, stderr);
    assert.match(stderr, /"store":"upstash"/);
    assert.match(stderr, /Stopped/);
    assert.doesNotMatch(stderr, permissionTrouble);
  },
);

Deno.test("LOG_FILE without --allow-write stops startup with exit 2 and one line naming LOG_FILE", async () => {
  const path = "/nonexistent-deploy-test/slack-mcp.log";
  await assert.rejects(
    spawnServer({ SLACK_BOT_TOKEN: demoTokens.bot, LOG_FILE: path }, [], deployPermissions),
    (error: Error) => {
      const [head, ...stderr] = error.message.trimEnd().split("\n");
      assert.equal(head, "The server exited with code 2 before listening:");
      assert.equal(stderr.length, 1, `one line, no stack trace: ${stderr.join("\n")}`);
      assert.ok(
        stderr[0].startsWith(`slack-mcp: Cannot write LOG_FILE=${path}: `),
        `names the setting and the path: ${stderr[0]}`,
      );
      assert.match(stderr[0], /--allow-write/, "says which permission is missing");
      return true;
    },
  );
});
