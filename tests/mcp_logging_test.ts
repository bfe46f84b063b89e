/**
 * MCP logging (2025 era): `logging/setLevel`, and `notifications/message` for
 * what the person watching a client should know while a call runs.
 */
import assert from "node:assert/strict";
import { call, startStack, textOf } from "./harness.ts";

Deno.test("a long Slack rate-limit wait is reported to a client that set a log level", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const messages: { level: string; data: unknown }[] = [];
  client.setNotificationHandler("notifications/message", (n) => void messages.push(n.params));
  await client.setLoggingLevel("info");
  stack.emulator.failNext("conversations.history", { status: 429, retryAfter: 3 });
  const result = await call(client, "slack_get_channel_history", { channel_id: "#general" });
  assert.equal(result.isError, undefined, textOf(result));
  assert.deepEqual(messages, [{
    level: "warning",
    data: "Slack is rate limiting conversations.history: waiting 3 s.",
  }]);
});

Deno.test("notices stay quiet under the client's chosen level", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const messages: unknown[] = [];
  client.setNotificationHandler("notifications/message", (n) => void messages.push(n.params));
  await client.setLoggingLevel("error");
  stack.emulator.failNext("users.list", { status: 500, error: "internal_error" });
  const result = await call(client, "slack_get_users", {});
  assert.equal(result.isError, undefined, textOf(result));
  assert.deepEqual(messages, []);
});
