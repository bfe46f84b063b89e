import assert from "node:assert/strict";
import {
  call,
  type LooseResult,
  seedNow,
  type Stack,
  startStack,
  textOf,
  walkTool,
} from "./harness.ts";
import {
  addMessage,
  createChannel,
  formatTs,
  newConversation,
} from "../src/slack_emulator/workspace.ts";

type Row = [string, string, string, string, Record<string, unknown>?];

/** Every message row of a result, in order. */
function rowsOf(result: LooseResult): Row[] {
  return result.structuredContent!.days.flatMap((day: { date: string; messages: Row[] }) =>
    day.messages
  );
}

/** The Web API calls of `method` the emulator received. */
function callsOf(stack: Stack, method: string) {
  return stack.emulator.calls.filter((c) => c.method === method);
}

/**
 * Adds what the seed lacks: people and conversations with short IDs (Slack
 * IDs have no fixed length), and a channel whose name has no lowercase letter.
 */
function addShortIds(stack: Stack) {
  const { workspace } = stack.emulator;
  const bot = workspace.app.botUserId;
  const bruno = workspace.users.find((u) => u.name === "bruno")!;
  workspace.users.push({
    ...structuredClone(bruno),
    id: "U0BOB",
    name: "bob",
    profile: { ...structuredClone(bruno.profile), display_name: "bob", real_name: "Bob Short" },
  });
  const fields = { created: seedNow / 1000 - 86_400, creator: bot };
  const post = (id: string, user: string, text: string, kind?: "im") => {
    const channel = createChannel(newConversation({ id, name: id, ...fields, kind }), [bot, user]);
    if (!kind) channel.conversation.name = id === "C0ENG" ? "eng" : "2024";
    addMessage(channel, { type: "message", ts: formatTs(seedNow - 3_600_000), user, text });
    (kind ? workspace.dms : workspace.channels).push(channel);
  };
  post("C0ENG", "U0BOB", "Short channel IDs are IDs too");
  post("D0BOB", "U0BOB", "A DM with a short ID", "im");
  post("C0YEAR2024", "U0BOB", "Planning for 2024");
}

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

Deno.test("slack_list_channels leaves out default values and says only what differs", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const { channels } = (await call(client, "slack_list_channels", {})).structuredContent!;
  const byName = (name: string) => channels.find((c: { name: string }) => c.name === name);
  assert.deepEqual(Object.keys(byName("general")).sort(), [
    "id",
    "name",
    "num_members",
    "purpose",
    "topic",
  ]);
  assert.equal(byName("support").is_member, false, "the bot is not in #support");
  assert.equal(byName("leadership").is_private, true);
  assert.ok(channels.every((c: Record<string, unknown>) => c.is_member !== true));
  assert.ok(channels.every((c: Record<string, unknown>) => c.is_private !== false));
});

Deno.test("slack_list_channels pages with cursor until next_cursor runs out", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const pages = await walkTool(client, "slack_list_channels", { limit: 2 });
  assert.ok(pages.every((page) => page.structuredContent!.channels.length <= 2));
  const seen = pages.flatMap((page) =>
    page.structuredContent!.channels.map((c: { id: string }) => c.id)
  );
  const all = await call(client, "slack_list_channels", { limit: 200 });
  assert.deepEqual(seen, all.structuredContent!.channels.map((c: { id: string }) => c.id));
});

Deno.test("the channel list and name lookups share one conversations.list call", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  await call(client, "slack_list_channels", {});
  await call(client, "slack_get_channel_history", { channel_id: "#general", limit: 5 });
  await call(client, "slack_list_channels", { limit: 3 });
  await call(client, "slack_get_channel_history", { channel_id: "random", limit: 5 });
  assert.equal(callsOf(stack, "conversations.list").length, 1);
});

Deno.test("slack_list_channels with types im names the person of each DM", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_list_channels", { types: "im" });
  assert.equal(result.isError, undefined, textOf(result));
  const grace = result.structuredContent!.channels.find((c: { user?: string }) =>
    c.user === "U0GRACE07"
  );
  assert.ok(grace, "the bot has a DM with grace");
  assert.equal(grace.name, "grace");
  assert.match(textOf(result), /@grace D\w+ \(DM with U0GRACE07\)/);
  const bad = await call(client, "slack_list_channels", { types: "channels" });
  assert.equal(bad.isError, true);
  assert.match(textOf(bad), /public_channel, private_channel, mpim, im/);
});

Deno.test("slack_get_channel_history resolves #names and author names, newest first", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", {
    channel_id: "#engineering",
    limit: 10,
  });
  const { channel_id, users, timezone } = result.structuredContent!;
  assert.equal(channel_id, "C0ENGINRG");
  assert.equal(timezone, "UTC");
  const rows = rowsOf(result);
  assert.equal(rows.length, 10);
  const timestamps = rows.map(([ts]) => Number(ts));
  assert.deepEqual(timestamps, [...timestamps].sort((a, b) => b - a));
  for (const [ts, time, name] of rows) {
    assert.match(ts, /^\d{10}\.\d{6}$/);
    assert.match(time, /^\d{2}:\d{2}$/);
    assert.ok(Object.values(users).includes(name), `${name} is in the users map`);
  }
  const ids = Object.keys(users);
  assert.ok(ids.some((id) => id.startsWith("U0") && users[id] !== id), "author names are resolved");
  assert.ok(result.structuredContent!.next_cursor, "a week of messages has more than 10");
  const lines = textOf(result).split("\n");
  assert.equal(lines.filter((l) => /^\d{10}\.\d{6} \d{2}:\d{2} /.test(l)).length, 10);
  assert.match(lines[0], /^C0ENGINRG, newest first \(UTC\):$/);
  assert.match(lines.at(-2)!, /^Users: /);
  assert.match(lines.at(-1)!, /^More: pass cursor "/);
});

Deno.test("history says each fact once: no ISO times, no per-message names, no defaults", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", {
    channel_id: "engineering",
    limit: 200,
  });
  const json = JSON.stringify(result.structuredContent);
  assert.doesNotMatch(json, /\d{4}-\d\d-\d\dT\d\d:\d\d/, "no ISO time next to a ts");
  for (const field of ["user_name", "cached", "cache_age_seconds", "is_bot", "deleted"]) {
    assert.ok(!json.includes(`"${field}"`), `no ${field}`);
  }
  assert.doesNotMatch(json, /:(false|null|""|\[\])[,}]/, "no empty or default values");
  const rows = rowsOf(result);
  for (const [ts, , , , details] of rows) {
    assert.notEqual(details?.thread_ts, ts, "thread_ts only when it differs from ts");
  }
  const parent = rows.find((r) => (r[4]?.replies as number) > 0);
  assert.ok(parent, "thread parents carry their reply count");
  const reacted = rows.find((r) => r[4]?.reactions);
  assert.ok(reacted && Object.values(reacted[4]!.reactions!).every((n) => typeof n === "number"));
  const withFile = rows.find((r) => r[4]?.files);
  assert.match((withFile![4]!.files as { id: string }[])[0].id, /^F/);
  assert.ok(rows.some((r) => r[4]?.edited === true), "edits are marked");
  const bot = rows.find((r) => r[2] === "Deploy Bot");
  assert.ok(bot, "a bot message shows the bot's name");
  assert.equal(result.structuredContent!.users.B0DEPLOY1, "Deploy Bot");
});

Deno.test("mentions read @name in the text, with their IDs in the users map", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const channel = stack.emulator.workspace.channels.find((c) => c.conversation.id === "C0RANDOM0")!;
  addMessage(channel, {
    type: "message",
    ts: formatTs(seedNow + 1_000),
    user: "U0ALICE01",
    text: "<@U0BRUNO02> and <@U0CHLOE03|chloe> look at this",
  });
  const result = await call(client, "slack_get_channel_history", {
    channel_id: "C0RANDOM0",
    limit: 1,
  });
  const [row] = rowsOf(result);
  assert.equal(row[3], "@bruno and @chloe look at this");
  assert.equal(result.structuredContent!.users.U0BRUNO02, "bruno");
  assert.equal(result.structuredContent!.users.U0CHLOE03, "chloe");
});

Deno.test("slack_get_channel_history is cached: the second call makes no Slack call", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const args = { channel_id: "C0GENERAL", limit: 5 };
  const first = await call(client, "slack_get_channel_history", args);
  const before = stack.emulator.calls.length;
  const second = await call(client, "slack_get_channel_history", args);
  assert.equal(stack.emulator.calls.length, before);
  assert.deepEqual(second.structuredContent, first.structuredContent);
  assert.equal(second.structuredContent!.as_of, undefined, "fresh cache entries say nothing");
});

Deno.test("a result from a cache entry over a minute old says when Slack was read", async () => {
  const clock = { ms: Date.now() };
  await using stack = await startStack({ overrides: { now: () => clock.ms } });
  const client = await stack.connect();
  const args = { channel_id: "C0GENERAL", limit: 5 };
  await call(client, "slack_get_channel_history", args);
  const readAt = clock.ms;
  clock.ms += 90_000;
  const stale = await call(client, "slack_get_channel_history", args);
  const asOf = new Date(readAt).toISOString().slice(0, 19).replace("T", " ");
  assert.equal(stale.structuredContent!.as_of, `${asOf} UTC`);
  assert.match(textOf(stale), new RegExp(`Read from Slack at ${asOf} UTC`));
});

Deno.test("slack_get_channel_history honours oldest and latest, as ts or printed time", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const all = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    limit: 200,
  });
  const ts = rowsOf(all).map(([t]) => t);
  const [latest, oldest] = [ts[2], ts[6]];
  const window = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    oldest,
    latest: Number(latest),
  });
  assert.deepEqual(rowsOf(window).map(([t]) => t), ts.slice(3, 6));
  const since = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    oldest: "2026-11-25 11:00",
  });
  const history = callsOf(stack, "conversations.history").at(-1)!;
  assert.equal(history.params.oldest, String(Date.UTC(2026, 10, 25, 11) / 1000) + ".000000");
  assert.equal(since.isError, undefined, textOf(since));
});

Deno.test("an unknown channel name is an isError result that says what to do", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", { channel_id: "#nope" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /No conversation matches #nope.*slack_list_channels/);
});

Deno.test("short IDs (U0BOB, C0ENG, D0BOB) are IDs: read without listing users or channels", async () => {
  await using stack = await startStack();
  addShortIds(stack);
  const client = await stack.connect();
  const profile = await call(client, "slack_get_user_profile", { user_id: "U0BOB" });
  assert.equal(profile.isError, undefined, textOf(profile));
  assert.equal(profile.structuredContent!.id, "U0BOB");
  const channel = await call(client, "slack_get_channel_history", { channel_id: "C0ENG" });
  assert.equal(channel.isError, undefined, textOf(channel));
  assert.equal(rowsOf(channel)[0][3], "Short channel IDs are IDs too");
  const dm = await call(client, "slack_get_channel_history", { channel_id: "D0BOB" });
  assert.equal(dm.isError, undefined, textOf(dm));
  assert.equal(rowsOf(dm)[0][3], "A DM with a short ID");
  const byPerson = await call(client, "slack_get_channel_history", { channel_id: "U0BOB" });
  assert.equal(byPerson.structuredContent!.channel_id, "D0BOB", "U0BOB opens the DM with bob");
  assert.equal(callsOf(stack, "users.list").length, 0);
  assert.equal(callsOf(stack, "conversations.list").length, 0);
});

Deno.test("an ID-looking value Slack does not know is tried as a name", async () => {
  await using stack = await startStack();
  addShortIds(stack);
  const client = await stack.connect();
  const year = await call(client, "slack_get_channel_history", { channel_id: "2024" });
  assert.equal(year.isError, undefined, textOf(year));
  assert.equal(year.structuredContent!.channel_id, "C0YEAR2024");
  const caps = await call(client, "slack_get_channel_history", { channel_id: "GENERAL" });
  assert.equal(caps.structuredContent!.channel_id, "C0GENERAL");
  const handle = await call(client, "slack_get_user_profile", { user_id: "ALICE" });
  assert.equal(handle.structuredContent!.id, "U0ALICE01");
  const missing = await call(client, "slack_get_user_profile", { user_id: "U0NOBODY" });
  assert.equal(missing.isError, true);
  assert.match(textOf(missing), /user_not_found/);
  assert.doesNotMatch(textOf(missing), /pass (the|a|an) (user )?ID/i);
});

Deno.test("a bot ID is not a user: the profile tool says so without calling Slack", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const before = stack.emulator.calls.length;
  const result = await call(client, "slack_get_user_profile", { user_id: "B0DEPLOY1" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /B0DEPLOY1 is a bot ID \(B…\), not a user/);
  assert.doesNotMatch(textOf(result), /pass (the|a|an) (user )?ID/i);
  assert.equal(stack.emulator.calls.length, before);
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
  assert.equal(callsOf(stack, "conversations.history").length, 2);
});

Deno.test("slack_get_thread_replies returns the parent then replies oldest first", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const history = await call(client, "slack_get_channel_history", {
    channel_id: "engineering",
    limit: 200,
  });
  const parent = rowsOf(history).find((r) => (r[4]?.replies as number) >= 2);
  assert.ok(parent, "the seed has threads");
  const thread = await call(client, "slack_get_thread_replies", {
    channel_id: "engineering",
    thread_ts: parent[0],
  });
  const rows = rowsOf(thread);
  assert.equal(rows[0][0], parent[0]);
  assert.equal(rows.length, (parent[4]!.replies as number) + 1);
  const replies = rows.slice(1).map(([ts]) => Number(ts));
  assert.deepEqual(replies, [...replies].sort((a, b) => a - b));
  assert.ok(rows.every((r) => r[4]?.thread_ts === undefined), "the thread is said once");
});

Deno.test("slack_get_thread_replies takes thread_ts as a JSON number with its six decimals", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const channel = stack.emulator.workspace.channels.find((c) => c.conversation.id === "C0GENERAL")!;
  const parentTs = "1796511062.454647";
  addMessage(channel, { type: "message", ts: parentTs, user: "U0ALICE01", text: "Parent" });
  addMessage(channel, {
    type: "message",
    ts: "1796511099.000100",
    user: "U0BRUNO02",
    text: "Reply",
    thread_ts: parentTs,
  });
  const result = await call(client, "slack_get_thread_replies", {
    channel_id: "general",
    thread_ts: 1796511062.454647,
  });
  assert.equal(result.isError, undefined, textOf(result));
  assert.deepEqual(rowsOf(result).map((r) => r[3]), ["Parent", "Reply"]);
  assert.equal(callsOf(stack, "conversations.replies")[0].params.ts, parentTs);
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
  assert.equal(alice.display_name, undefined, "a display name equal to the handle is left out");
  assert.equal(alice.real_name, "Alice Chen");
  assert.ok(
    users.structuredContent!.users.every((u: Record<string, unknown>) =>
      u.is_bot !== false && u.deleted !== false
    ),
  );
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
  const { total, matches, channels, users } = result.structuredContent!;
  assert.ok(total > 0);
  for (const [channel, ts, time, name] of matches) {
    assert.match(channel, /^#/);
    assert.ok(Object.values(channels).includes(channel.slice(1)));
    assert.match(ts, /^\d{10}\.\d{6}$/);
    assert.match(time, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.ok(Object.values(users).includes(name));
  }
  const searchCall = stack.emulator.calls.find((c) => c.method === "search.messages");
  assert.equal(searchCall?.token, "xoxp-demo-user-token");
});

Deno.test("slack_search_messages pages with cursor until next_cursor runs out", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const args = { query: "deploy", sort: "timestamp" };
  const all = await call(client, "slack_search_messages", { ...args, count: 100 });
  const { total } = all.structuredContent!;
  assert.ok(total > 10 && total <= 100, `${total} matches fit one page of 100`);
  assert.equal(all.structuredContent!.next_cursor, undefined);
  const pages = await walkTool(client, "slack_search_messages", { ...args, count: 5 });
  assert.equal(pages.length, Math.ceil(total / 5));
  const key = (m: string[]) => `${m[0]} ${m[1]}`;
  assert.deepEqual(
    pages.flatMap((page) => page.structuredContent!.matches.map(key)),
    all.structuredContent!.matches.map(key),
  );
  for (const page of pages.slice(0, -1)) {
    assert.match(
      textOf(page),
      new RegExp(`More: pass cursor "${page.structuredContent!.next_cursor}"`),
    );
  }
  assert.match(textOf(pages[1]), new RegExp(`^${total} matches for "deploy", showing 6–10 `));
  // Slack's page numbers, one call per page.
  assert.deepEqual(
    callsOf(stack, "search.messages").slice(1).map((c) => c.params.page),
    pages.map((_, i) => String(i + 1)),
  );
  const foreign = await call(client, "slack_search_messages", {
    ...args,
    cursor: "from:C0GENERAL",
  });
  assert.equal(foreign.isError, true);
  assert.match(textOf(foreign), /cursor "from:C0GENERAL" is not a search cursor/);
});

Deno.test("slack_search_messages without a user token says to set SLACK_USER_TOKEN", async () => {
  await using stack = await startStack({ env: { SLACK_USER_TOKEN: "" } });
  const client = await stack.connect();
  const result = await call(client, "slack_search_messages", { query: "deploy" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /SLACK_USER_TOKEN/);
});

Deno.test("every read result matches its outputSchema", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  // Listing the tools makes the SDK client check structuredContent against each outputSchema.
  await client.listTools();
  for (
    const [name, args] of [
      ["slack_list_channels", {}],
      ["slack_get_channel_history", { channel_id: "engineering", limit: 200 }],
      ["slack_get_users", {}],
      ["slack_get_user_profile", { user_id: "@chloe" }],
      ["slack_search_messages", { query: "deploy" }],
    ] as const
  ) {
    const result = await call(client, name, args);
    assert.equal(result.isError, undefined, `${name}: ${textOf(result)}`);
  }
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
