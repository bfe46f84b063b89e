import assert from "node:assert/strict";
import { call, startStack, textOf } from "./harness.ts";

Deno.test("slack_list_channels lists the seeded channels with IDs, members and topics", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_list_channels", {});
  assert.equal(result.isError, undefined);
  const names = result.structuredContent!.channels.map((c: { name: string }) => c.name);
  for (const name of ["general", "random", "engineering", "design"]) {
    assert.ok(names.includes(name));
  }
  const engineering = result.structuredContent!.channels.find((c: { name: string }) =>
    c.name === "engineering"
  );
  assert.equal(engineering.id, "C0ENGINRG");
  assert.match(textOf(result), /#engineering C0ENGINRG/);
});

Deno.test("slack_list_channels pages with cursor until next_cursor runs out", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(client, "slack_list_channels", {
      limit: 2,
      ...(cursor ? { cursor } : {}),
    });
    assert.ok(page.structuredContent!.channels.length <= 2);
    seen.push(...page.structuredContent!.channels.map((c: { id: string }) => c.id));
    cursor = page.structuredContent!.next_cursor;
  } while (cursor);
  const all = await call(client, "slack_list_channels", { limit: 200 });
  assert.deepEqual(seen, all.structuredContent!.channels.map((c: { id: string }) => c.id));
});

Deno.test("slack_get_channel_history resolves #names and author names, newest first", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", {
    channel_id: "#engineering",
    limit: 10,
  });
  const { messages, channel_id } = result.structuredContent!;
  assert.equal(channel_id, "C0ENGINRG");
  assert.equal(messages.length, 10);
  const timestamps = messages.map((m: { ts: string }) => Number(m.ts));
  assert.deepEqual(timestamps, [...timestamps].sort((a, b) => b - a));
  const human = messages.find((m: { user?: string }) => m.user?.startsWith("U0"));
  assert.ok(human.user_name && human.user_name !== human.user, "author names are resolved");
  assert.ok(result.structuredContent!.next_cursor, "a week of messages has more than 10");
  assert.equal(textOf(result).split("\n").length, 12);
});

Deno.test("slack_get_channel_history is cached: the second call makes no Slack call", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const args = { channel_id: "C0GENERAL", limit: 5 };
  const first = await call(client, "slack_get_channel_history", args);
  const before = stack.emulator.calls.length;
  const second = await call(client, "slack_get_channel_history", args);
  assert.equal(first.structuredContent!.cached, false);
  assert.equal(second.structuredContent!.cached, true);
  assert.equal(stack.emulator.calls.length, before);
  assert.deepEqual(second.structuredContent!.messages, first.structuredContent!.messages);
});

Deno.test("slack_get_channel_history honours oldest and latest", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const all = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    limit: 200,
  });
  const ts = all.structuredContent!.messages.map((m: { ts: string }) => m.ts);
  const [latest, oldest] = [ts[2], ts[6]];
  const window = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    oldest,
    latest,
  });
  const got = window.structuredContent!.messages.map((m: { ts: string }) => m.ts);
  assert.deepEqual(got, ts.slice(3, 6));
});

Deno.test("an unknown channel name is an isError result that says what to do", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", { channel_id: "#nope" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /No conversation matches #nope.*slack_list_channels/);
});

Deno.test("a channel the bot is not in reports not_in_channel with the invite hint", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", { channel_id: "C0SUPPORT" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /not_in_channel.*\/invite/);
});

Deno.test("Slack errors come back as actionable isError results, never raw", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  stack.emulator.failNext("conversations.history", {
    error: "missing_scope",
    extra: { needed: "channels:history", provided: "chat:write" },
  });
  const result = await call(client, "slack_get_channel_history", { channel_id: "C0GENERAL" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /missing_scope.*channels:history scope/);
});

Deno.test("a 429 from Slack is waited out per Retry-After and the call succeeds", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  stack.emulator.failNext("conversations.history", { status: 429, retryAfter: 1 });
  const started = performance.now();
  const result = await call(client, "slack_get_channel_history", { channel_id: "C0GENERAL" });
  assert.equal(result.isError, undefined);
  assert.ok(performance.now() - started >= 900);
  const attempts = stack.emulator.calls.filter((c) => c.method === "conversations.history");
  assert.equal(attempts.length, 2);
});

Deno.test("slack_get_thread_replies returns the parent then replies oldest first", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const history = await call(client, "slack_get_channel_history", {
    channel_id: "engineering",
    limit: 200,
  });
  const parent = history.structuredContent!.messages.find((m: { reply_count?: number }) =>
    (m.reply_count ?? 0) >= 2
  );
  assert.ok(parent, "the seed has threads");
  const thread = await call(client, "slack_get_thread_replies", {
    channel_id: "engineering",
    thread_ts: parent.ts,
  });
  const messages = thread.structuredContent!.messages;
  assert.equal(messages[0].ts, parent.ts);
  assert.equal(messages.length, parent.reply_count + 1);
  const replies = messages.slice(1).map((m: { ts: string }) => Number(m.ts));
  assert.deepEqual(replies, [...replies].sort((a, b) => a - b));
});

Deno.test("slack_get_thread_replies rejects a malformed thread_ts before calling Slack", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_thread_replies", {
    channel_id: "general",
    thread_ts: "yesterday",
  });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /thread_ts: .*Slack timestamp/);
});

Deno.test("slack_get_users and slack_get_user_profile resolve @handles", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const users = await call(client, "slack_get_users", { limit: 200 });
  const alice = users.structuredContent!.users.find((u: { name: string }) => u.name === "alice");
  assert.equal(alice.id, "U0ALICE01");
  const profile = await call(client, "slack_get_user_profile", { user_id: "@alice" });
  assert.equal(profile.structuredContent!.id, "U0ALICE01");
  assert.ok(profile.structuredContent!.email);
  assert.match(textOf(profile), /U0ALICE01/);
  const missing = await call(client, "slack_get_user_profile", { user_id: "@nobody" });
  assert.equal(missing.isError, true);
  assert.match(textOf(missing), /No user matches @nobody/);
});

Deno.test("slack_search_messages uses the user token and names channels", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_search_messages", { query: "deploy" });
  assert.equal(result.isError, undefined);
  assert.ok(result.structuredContent!.total > 0);
  assert.ok(
    result.structuredContent!.matches.every((m: { channel_name: string }) => m.channel_name),
  );
  const searchCall = stack.emulator.calls.find((c) => c.method === "search.messages");
  assert.equal(searchCall?.token, "xoxp-demo-user-token");
});

Deno.test("slack_search_messages without a user token says to set SLACK_USER_TOKEN", async () => {
  await using stack = await startStack({ env: { SLACK_USER_TOKEN: "" } });
  const client = await stack.connect();
  const result = await call(client, "slack_search_messages", { query: "deploy" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /SLACK_USER_TOKEN/);
});

Deno.test("invalid arguments are refused with the field and the reason", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    limit: 0,
  });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /Invalid arguments for slack_get_channel_history: limit:/);
});

Deno.test("no tool output ever contains a configured token, even one Slack echoes back", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  stack.emulator.failNext("users.list", { error: "invalid_auth xoxb-demo-bot-token" });
  stack.emulator.failNext("search.messages", {
    error: "missing_scope",
    extra: { needed: "search:read for xoxp-demo-user-token" },
  });
  const outputs = await Promise.all([
    call(client, "slack_get_users", {}),
    call(client, "slack_list_channels", {}),
    call(client, "slack_search_messages", { query: "x" }),
  ]);
  assert.equal(outputs[0].isError, true);
  assert.equal(outputs[2].isError, true);
  assert.match(textOf(outputs[0]), /\[REDACTED\]/);
  const all = JSON.stringify(outputs);
  assert.ok(!all.includes("xoxb-demo-bot-token") && !all.includes("xoxp-demo-user-token"), all);
});
