import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { pageWalker } from "./testing.ts";
import {
  createEmulator,
  defaultTokens,
  type EventEnvelope,
  serveEmulator,
  simulateActivity,
} from "./emulator.ts";
import {
  createSeedWorkspace,
  DEMO_BOT_USER_ID,
  DEMO_CHANNEL_WITHOUT_BOT,
  DEMO_INSTALLER_ID,
} from "./seed.ts";
import {
  addMessage,
  createChannel,
  findChannel,
  formatTs,
  nextTs,
  type Workspace,
  type WorkspaceMessage,
} from "./workspace.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Wednesday 2026-11-25 12:00 UTC. */
const now = Date.UTC(2026, 10, 25, 12);
const DAY = 86_400_000;
const fixtures = new URL("../../tests/fixtures/", import.meta.url);
const { bot, user, app } = defaultTokens;

function setup() {
  const clock = { ms: now };
  const emulator = createEmulator({
    workspace: createSeedWorkspace({ now }),
    now: () => clock.ms,
  });
  const events: EventEnvelope[] = [];
  emulator.onEvent((envelope) => events.push(envelope));

  /** Calls `method` over the handler with a form body, as Slack SDKs do. */
  async function call(
    method: string,
    params: Record<string, string | number | boolean> = {},
    token: string | null = bot,
  ): Promise<Json> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    const body = new URLSearchParams(
      Object.entries(params).map(([key, value]) => [key, String(value)]),
    );
    const response = await emulator.handler(
      new Request(`http://emulator.test/api/${method}`, { method: "POST", headers, body }),
    );
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    return await response.json();
  }

  const walk = pageWalker((method, params, token) =>
    call(method, params as Record<string, string | number>, token)
  );

  return { emulator, clock, events, call, walk };
}

function channelOf(workspace: Workspace, name: string) {
  const channel = findChannel(workspace, name);
  assert.ok(channel, `channel ${name}`);
  return channel;
}

function allMessages(workspace: Workspace): { channel: string; message: WorkspaceMessage }[] {
  return workspace.channels.flatMap((c) =>
    [...c.messages, ...[...c.threads.values()].flat()].map((message) => ({
      channel: c.conversation.name,
      message,
    }))
  );
}

// Seed

Deno.test("the same now always yields the same workspace", () => {
  assert.deepEqual(createSeedWorkspace({ now }), createSeedWorkspace({ now }));
  const later = createSeedWorkspace({ now: now + DAY });
  assert.notDeepEqual(
    later.channels[0].messages,
    createSeedWorkspace({ now }).channels[0].messages,
  );
});

Deno.test("the seed has a dozen people with full profiles, the bot and one deleted user", () => {
  const { users, team } = createSeedWorkspace({ now });
  assert.equal(team.id, "T0DEMO001");
  assert.equal(team.name, "Acme Demo");
  const humans = users.filter((u) => !u.is_bot && !u.deleted);
  assert.equal(humans.length, 12);
  for (const person of humans) {
    assert.match(person.id, /^U[A-Z0-9]{8,10}$/);
    for (const field of ["real_name", "display_name", "title", "email"] as const) {
      assert.ok(person.profile[field], `${person.name} has ${field}`);
    }
    assert.ok(person.tz);
  }
  assert.ok(humans.filter((u) => u.profile.status_text).length >= 5);
  const botUser = users.find((u) => u.is_bot)!;
  assert.deepEqual(
    [botUser.id, botUser.name, botUser.profile.bot_id],
    ["U0BOT0001", "slack-mcp", "B0BOT0001"],
  );
  assert.equal(users.filter((u) => u.deleted).length, 1);
});

Deno.test("the seed's channels have topics and the bot is missing from exactly one public one", () => {
  const { channels } = createSeedWorkspace({ now });
  const publicChannels = channels.filter((c) => !c.conversation.is_private);
  assert.ok(publicChannels.length >= 4);
  for (const name of ["general", "random", "engineering", "design"]) {
    assert.ok(publicChannels.some((c) => c.conversation.name === name), name);
  }
  const leadership = channels.find((c) => c.conversation.name === "leadership")!;
  assert.equal(leadership.conversation.is_private, true);
  for (const { conversation } of channels) {
    assert.match(conversation.id, /^C[A-Z0-9]{8,10}$/);
    assert.ok(conversation.topic.value && conversation.purpose.value, conversation.name);
  }
  const withoutBot = publicChannels.filter((c) => !c.members.includes(DEMO_BOT_USER_ID));
  assert.deepEqual(withoutBot.map((c) => c.conversation.id), [DEMO_CHANNEL_WITHOUT_BOT]);
});

Deno.test("the seed holds a week of varied messages with unique, increasing ts per channel", () => {
  const workspace = createSeedWorkspace({ now });
  for (const channel of workspace.channels) {
    const all = [...channel.messages, ...[...channel.threads.values()].flat()]
      .filter((m, i, list) => list.indexOf(m) === i);
    const ts = all.map((m) => m.ts);
    assert.equal(new Set(ts).size, ts.length, `${channel.conversation.name} ts are unique`);
    for (const value of ts) assert.match(value, /^\d{10}\.\d{6}$/);
    const top = channel.messages.map((m) => m.ts);
    assert.deepEqual(top, [...top].sort(), `${channel.conversation.name} is in order`);
    if (channel.conversation.is_archived) continue;
    for (const m of all) {
      const ms = Number(m.ts) * 1000;
      assert.ok(ms < now && ms > now - 7 * DAY, `${m.ts} is within the week`);
    }
  }
  const messages = allMessages(workspace).map((entry) => entry.message);
  const busy = channelOf(workspace, "engineering").messages.length;
  assert.ok(busy >= 30, `engineering has ${busy} messages`);
  assert.ok(channelOf(workspace, "book-club").messages.length <= 2, "book-club is nearly quiet");
  assert.ok(messages.some((m) => m.subtype === "thread_broadcast"));
  assert.ok(messages.some((m) => m.subtype === "bot_message" && m.bot_id && !m.user));
  assert.ok(messages.some((m) => m.subtype === "channel_join"));
  assert.ok(messages.some((m) => m.edited));
  assert.ok(messages.some((m) => /<@U[A-Z0-9]+>/.test(m.text)));
  assert.ok(messages.some((m) => (m.reply_count ?? 0) >= 4), "a thread with several replies");
  const reactions = messages.flatMap((m) => m.reactions ?? []);
  assert.ok(new Set(reactions.map((r) => r.name)).size >= 6, "varied emoji");
  assert.ok(reactions.some((r) => r.users.length >= 2 && r.count === r.users.length));
  const hours = messages.map((m) => new Date(Number(m.ts) * 1000).getUTCHours());
  assert.ok(hours.every((h) => h >= 12 && h <= 23), "messages fall in working hours");
});

// Requests and auth

Deno.test("a call without a token is not_authed and an unknown token is invalid_auth", async () => {
  const { call } = setup();
  assert.deepEqual(await call("auth.test", {}, null), { ok: false, error: "not_authed" });
  assert.deepEqual(await call("auth.test", {}, "xoxb-nope"), { ok: false, error: "invalid_auth" });
  assert.equal((await call("auth.test", { token: bot }, null)).ok, true, "token form field");
});

Deno.test("auth.test names the bot for a bot token and the person for a user token", async () => {
  const { call } = setup();
  const asBot = await call("auth.test");
  assert.deepEqual(asBot, {
    ok: true,
    url: "https://acme-demo.slack.com/",
    team: "Acme Demo",
    user: "slack-mcp",
    team_id: "T0DEMO001",
    user_id: DEMO_BOT_USER_ID,
    bot_id: "B0BOT0001",
    is_enterprise_install: false,
  });
  const asUser = await call("auth.test", {}, user);
  assert.equal(asUser.user_id, DEMO_INSTALLER_ID);
  assert.equal(asUser.bot_id, undefined);
});

Deno.test("custom tokens replace the defaults", async () => {
  const emulator = createEmulator({ workspace: createSeedWorkspace({ now }), botToken: "xoxb-x" });
  const ask = async (token: string) =>
    await (await emulator.handler(
      new Request("http://e/api/auth.test", { headers: { authorization: `Bearer ${token}` } }),
    )).json();
  assert.equal((await ask("xoxb-x")).ok, true);
  assert.equal((await ask(bot)).error, "invalid_auth");
});

Deno.test("an unknown method answers unknown_method", async () => {
  const { call } = setup();
  assert.deepEqual(await call("chat.teleport"), { ok: false, error: "unknown_method" });
});

Deno.test("each method takes only its kinds of token", async () => {
  const { call } = setup();
  assert.equal(
    (await call("search.messages", { query: "deploy" })).error,
    "not_allowed_token_type",
  );
  assert.equal((await call("auth.test", {}, app)).error, "not_allowed_token_type");
  assert.equal((await call("apps.connections.open")).error, "not_allowed_token_type");
  const opened = await call("apps.connections.open", {}, app);
  assert.equal(opened.ok, true);
  assert.match(opened.url, /^ws:\/\/emulator\.test\/link\/\?ticket=\w+&app_id=A0DEMOAPP1$/);
});

Deno.test("parameters arrive by query string, form or JSON body", async () => {
  const { emulator } = setup();
  const headers = { authorization: `Bearer ${bot}` };
  const viaQuery = await emulator.handler(
    new Request("http://e/api/conversations.info?channel=C0GENERAL", { headers }),
  );
  assert.equal((await viaQuery.json()).channel.name, "general");
  const viaJson = await emulator.handler(
    new Request("http://e/api/chat.postMessage", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: "C0GENERAL", text: "hello from JSON" }),
    }),
  );
  assert.equal((await viaJson.json()).message.text, "hello from JSON");
  const badJson = await emulator.handler(
    new Request("http://e/api/chat.postMessage", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: "{nope",
    }),
  );
  assert.deepEqual(await badJson.json(), { ok: false, error: "invalid_json" });
  const notObject = await emulator.handler(
    new Request("http://e/api/chat.postMessage", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: "[1]",
    }),
  );
  assert.equal((await notObject.json()).error, "json_not_object");
});

// Conversations

Deno.test("conversations.list shows public channels, and private ones only to members", async () => {
  const { call } = setup();
  const publicOnly = await call("conversations.list");
  assert.ok(publicOnly.channels.every((c: Json) => !c.is_private));
  assert.equal(publicOnly.response_metadata.next_cursor, "");
  const support = publicOnly.channels.find((c: Json) => c.id === DEMO_CHANNEL_WITHOUT_BOT);
  assert.equal(support.is_member, false);
  assert.equal(support.num_members, 5);

  const types = { types: "public_channel,private_channel" };
  const asBot = (await call("conversations.list", types)).channels.map((c: Json) => c.name);
  assert.ok(asBot.includes("leadership"));
  assert.ok(!asBot.includes("people-ops"), "the bot is not in people-ops");
  const asUser = (await call("conversations.list", types, user)).channels.map((c: Json) => c.name);
  assert.ok(asUser.includes("people-ops"));

  const active = await call("conversations.list", { exclude_archived: true });
  assert.ok(!active.channels.some((c: Json) => c.is_archived));
  assert.ok(publicOnly.channels.some((c: Json) => c.is_archived));
});

Deno.test("conversations.list rejects bad limits, types and cursors", async () => {
  const { call } = setup();
  assert.equal((await call("conversations.list", { limit: 1001 })).error, "invalid_limit");
  assert.equal((await call("conversations.list", { limit: 1000 })).ok, true);
  assert.equal((await call("conversations.list", { types: "dm" })).error, "invalid_types");
  assert.equal((await call("conversations.list", { cursor: "garbage" })).error, "invalid_cursor");
});

Deno.test("conversations.list pages walk every channel once", async () => {
  const { walk, emulator } = setup();
  const { items, pages } = await walk("conversations.list", "channels", {
    limit: 2,
    types: "public_channel,private_channel",
  });
  const expected = emulator.workspace.channels
    .filter((c) => c.members.includes(DEMO_BOT_USER_ID) || !c.conversation.is_private)
    .map((c) => c.conversation.id);
  assert.deepEqual(items.map((c) => c.id), expected);
  assert.equal(pages, Math.ceil(expected.length / 2));
});

Deno.test("conversations.info describes a channel the caller can see", async () => {
  const { call } = setup();
  const info = await call("conversations.info", {
    channel: "C0ENGINRG",
    include_num_members: true,
  });
  assert.equal(info.channel.name, "engineering");
  assert.equal(info.channel.is_member, true);
  assert.equal(info.channel.num_members, 8);
  assert.equal(
    (await call("conversations.info", { channel: "C0NOPE000" })).error,
    "channel_not_found",
  );
  assert.equal(
    (await call("conversations.info", { channel: "C0PEOPLEO" })).error,
    "channel_not_found",
    "a private channel the bot is not in does not exist for it",
  );
});

Deno.test("conversations.history returns top-level messages and broadcasts, newest first", async () => {
  const { call, emulator } = setup();
  const body = await call("conversations.history", { channel: "C0ENGINRG" });
  const channel = channelOf(emulator.workspace, "engineering");
  assert.equal(body.messages.length, Math.min(100, channel.messages.length));
  assert.deepEqual(
    body.messages.map((m: Json) => m.ts),
    channel.messages.map((m) => m.ts).reverse().slice(0, 100),
  );
  assert.ok(body.messages.some((m: Json) => m.subtype === "thread_broadcast"));
  assert.ok(body.messages.every((m: Json) => !m.thread_ts || m.thread_ts === m.ts || m.subtype));
  assert.equal(body.has_more, channel.messages.length > 100);
  assert.equal(body.pin_count, 0);
});

Deno.test("conversations.history pages walk the whole channel without repeats", async () => {
  const { walk, emulator } = setup();
  const { items, pages } = await walk("conversations.history", "messages", {
    channel: "C0ENGINRG",
    limit: 7,
  });
  const expected = channelOf(emulator.workspace, "engineering").messages.map((m) => m.ts).reverse();
  assert.deepEqual(items.map((m) => m.ts), expected);
  assert.equal(pages, Math.ceil(expected.length / 7));
});

Deno.test("conversations.history honours oldest, latest and inclusive", async () => {
  const { call, emulator } = setup();
  const ts = channelOf(emulator.workspace, "general").messages.map((m) => m.ts);
  const [oldest, latest] = [ts[2], ts[6]];
  const exclusive = await call("conversations.history", { channel: "C0GENERAL", oldest, latest });
  assert.deepEqual(exclusive.messages.map((m: Json) => m.ts), ts.slice(3, 6).reverse());
  const inclusive = await call("conversations.history", {
    channel: "C0GENERAL",
    oldest,
    latest,
    inclusive: true,
  });
  assert.deepEqual(inclusive.messages.map((m: Json) => m.ts), ts.slice(2, 7).reverse());
  const whole = await call("conversations.history", {
    channel: "C0GENERAL",
    oldest: String(Math.floor(now / 1000 - 3 * 86_400)),
  });
  assert.ok(whole.messages.every((m: Json) => Number(m.ts) > now / 1000 - 3 * 86_400));
  const empty = await call("conversations.history", { channel: "C0GENERAL", latest: "1000000000" });
  assert.deepEqual([empty.messages, empty.has_more], [[], false]);
  assert.equal(
    (await call("conversations.history", { channel: "C0GENERAL", oldest: "yesterday" })).error,
    "invalid_ts_oldest",
  );
});

Deno.test("conversations.history refuses the bot outside its channels but lets people read public ones", async () => {
  const { call } = setup();
  const channel = DEMO_CHANNEL_WITHOUT_BOT;
  assert.deepEqual(await call("conversations.history", { channel }), {
    ok: false,
    error: "not_in_channel",
  });
  assert.equal((await call("conversations.history", { channel }, user)).ok, true);
  assert.equal(
    (await call("conversations.history", { channel: "C0NOPE000" })).error,
    "channel_not_found",
  );
  assert.equal(
    (await call("conversations.history", { channel: "C0GENERAL", cursor: btoa("next_ts:x") }))
      .error,
    "invalid_cursor",
  );
});

function incident(workspace: Workspace): WorkspaceMessage {
  return channelOf(workspace, "engineering").messages.find((m) => m.text.startsWith("🚨"))!;
}

Deno.test("conversations.replies returns the parent then its replies, oldest first", async () => {
  const { call, emulator } = setup();
  const parent = incident(emulator.workspace);
  const body = await call("conversations.replies", { channel: "C0ENGINRG", ts: parent.ts });
  assert.equal(body.messages[0].ts, parent.ts);
  assert.equal(body.messages.length, 1 + parent.reply_count!);
  const replies = body.messages.slice(1);
  assert.deepEqual(replies.map((m: Json) => m.ts), replies.map((m: Json) => m.ts).sort());
  assert.ok(replies.every((m: Json) => m.thread_ts === parent.ts && m.parent_user_id));
  assert.equal(body.has_more, false);
  const fromReply = await call("conversations.replies", {
    channel: "C0ENGINRG",
    ts: replies[1].ts,
  });
  assert.deepEqual(fromReply.messages, body.messages, "a reply's ts finds its thread");
  assert.equal(
    (await call("conversations.replies", { channel: "C0ENGINRG", ts: "1700000000.000001" })).error,
    "thread_not_found",
  );
});

Deno.test("conversations.replies pages walk the thread with the parent once", async () => {
  const { walk, emulator } = setup();
  const parent = incident(emulator.workspace);
  const { items, pages } = await walk("conversations.replies", "messages", {
    channel: "C0ENGINRG",
    ts: parent.ts,
    limit: 2,
  });
  const thread = channelOf(emulator.workspace, "engineering").threads.get(parent.ts)!;
  assert.deepEqual(items.map((m) => m.ts), [parent.ts, ...thread.map((m) => m.ts)]);
  assert.equal(pages, Math.ceil((thread.length + 1) / 2));
});

Deno.test("with messagesPerPage (Slack's 2025 non-Marketplace cap) pages hold at most that many", async () => {
  const { call, walk, emulator } = setup();
  emulator.workspace.app.messagesPerPage = 2;
  const history = await call("conversations.history", { channel: "C0ENGINRG", limit: 200 });
  assert.equal(history.messages.length, 2);
  assert.ok(history.response_metadata.next_cursor, "the rest is a cursor away");
  const parent = incident(emulator.workspace);
  const { items, pages } = await walk("conversations.replies", "messages", {
    channel: "C0ENGINRG",
    ts: parent.ts,
    limit: 200,
  });
  const thread = channelOf(emulator.workspace, "engineering").threads.get(parent.ts)!;
  assert.equal(items.length, thread.length + 1);
  assert.equal(pages, Math.ceil((thread.length + 1) / 2));
  // Other lists keep their own limits.
  assert.ok((await call("users.list", { limit: 200 })).members.length > 2);
});

Deno.test("conversations.members pages through the members", async () => {
  const { walk, call } = setup();
  const { items, pages } = await walk("conversations.members", "members", {
    channel: "C0GENERAL",
    limit: 5,
  });
  assert.equal(items.length, 13);
  assert.equal(pages, 3);
  assert.ok(items.includes(DEMO_BOT_USER_ID));
  assert.equal(
    (await call("conversations.members", { channel: "C0NOPE000" })).error,
    "channel_not_found",
  );
});

Deno.test("conversations.create enforces Slack's name rules", async () => {
  const { call } = setup();
  const cases: [string, string][] = [
    ["", "invalid_name_required"],
    ["a".repeat(81), "invalid_name_maxlength"],
    ["Launch", "invalid_name_specials"],
    ["launch plan", "invalid_name_specials"],
    ["v1.2", "invalid_name_specials"],
    ["---", "invalid_name_punctuation"],
    ["general", "name_taken"],
  ];
  for (const [name, error] of cases) {
    assert.equal((await call("conversations.create", { name })).error, error, `name "${name}"`);
  }
});

Deno.test("conversations.create makes a channel that lists, with the creator in it", async () => {
  const { call, events } = setup();
  const created = await call("conversations.create", { name: "launch-plan_2" });
  assert.equal(created.ok, true);
  assert.match(created.channel.id, /^C[A-Z0-9]{8,10}$/);
  assert.equal(created.channel.is_member, true);
  assert.equal(created.channel.creator, DEMO_BOT_USER_ID);
  const list = await call("conversations.list", { limit: 1000 });
  assert.ok(list.channels.some((c: Json) => c.name === "launch-plan_2"));
  assert.deepEqual(events.map((e) => e.event.type), [
    "channel_created",
    "message",
    "member_joined_channel",
  ]);
  assert.equal((events[0].event as Json).channel.name, "launch-plan_2");

  const secret = await call("conversations.create", { name: "secret", is_private: true }, user);
  assert.equal(secret.channel.is_private, true);
  const botView = await call("conversations.list", { types: "private_channel" });
  assert.ok(!botView.channels.some((c: Json) => c.name === "secret"));
  const userView = await call("conversations.list", { types: "private_channel" }, user);
  assert.ok(userView.channels.some((c: Json) => c.name === "secret"));
});

Deno.test("conversations.invite adds people and refuses bad invitations", async () => {
  const { call, emulator, events } = setup();
  const channel = "C0DESIGN0";
  const cases: [string, string][] = [
    ["", "no_user"],
    ["U0NOBODY1", "user_not_found"],
    [DEMO_BOT_USER_ID, "cant_invite_self"],
    ["U0CHLOE03", "already_in_channel"],
    ["U0MARCO13", "cant_invite"],
  ];
  for (const [users, error] of cases) {
    assert.equal((await call("conversations.invite", { channel, users })).error, error, users);
  }
  const invited = await call("conversations.invite", { channel, users: "U0HANNA08,U0KENJI11" });
  assert.equal(invited.ok, true);
  assert.equal(invited.channel.id, channel);
  const members = channelOf(emulator.workspace, "design").members;
  assert.ok(members.includes("U0HANNA08") && members.includes("U0KENJI11"));
  const joined = events.filter((e) => e.event.type === "member_joined_channel");
  assert.deepEqual(joined.map((e) => [e.event.user, e.event.inviter]), [
    ["U0HANNA08", DEMO_BOT_USER_ID],
    ["U0KENJI11", DEMO_BOT_USER_ID],
  ]);
  assert.equal(
    (await call("conversations.invite", { channel: DEMO_CHANNEL_WITHOUT_BOT, users: "U0HANNA08" }))
      .error,
    "not_in_channel",
  );
});

Deno.test("conversations.setTopic sets the topic and returns the channel", async () => {
  const { call, clock } = setup();
  const body = await call("conversations.setTopic", { channel: "C0RANDOM0", topic: "Snacks!" });
  assert.deepEqual(body.channel.topic, {
    value: "Snacks!",
    creator: DEMO_BOT_USER_ID,
    last_set: clock.ms / 1000,
  });
  const history = await call("conversations.history", { channel: "C0RANDOM0", limit: 1 });
  assert.equal(history.messages[0].subtype, "channel_topic");
  assert.equal(
    (await call("conversations.setTopic", { channel: "C0RANDOM0", topic: "x".repeat(251) })).error,
    "too_long",
  );
});

Deno.test("conversations.join lets the bot into a public channel, then read it", async () => {
  const { call } = setup();
  const channel = DEMO_CHANNEL_WITHOUT_BOT;
  const joined = await call("conversations.join", { channel });
  assert.equal(joined.channel.is_member, true);
  assert.equal((await call("conversations.history", { channel })).ok, true);
  const again = await call("conversations.join", { channel });
  assert.equal(again.warning, "already_in_channel");
  assert.equal((await call("conversations.join", { channel: "C0OLDPROJ" })).error, "is_archived");
  assert.equal(
    (await call("conversations.join", { channel: "C0LEADERS" })).error,
    "method_not_supported_for_channel_type",
  );
});

// Users

Deno.test("users.list pages walk every user", async () => {
  const { walk, call } = setup();
  const { items, pages } = await walk("users.list", "members", { limit: 4 });
  assert.equal(items.length, 14);
  assert.equal(pages, 4);
  const all = await call("users.list");
  assert.equal(all.members.length, 14);
  assert.equal(all.response_metadata.next_cursor, "");
  assert.equal(typeof all.cache_ts, "number");
});

Deno.test("users.info and users.profile.get describe a user", async () => {
  const { call } = setup();
  const info = await call("users.info", { user: "U0CHLOE03" });
  assert.equal(info.user.real_name, "Chloé Dubois");
  assert.equal(info.user.profile.title, "Lead Product Designer");
  assert.equal((await call("users.info", { user: "U0NOBODY1" })).error, "user_not_found");
  const profile = await call("users.profile.get", { user: "U0DIEGO04" });
  assert.equal(profile.profile.status_emoji, ":rotating_light:");
  const mine = await call("users.profile.get", {}, user);
  assert.equal(mine.profile.real_name, "Alice Chen");
  assert.equal((await call("users.profile.get", { user: "U0NOBODY1" })).error, "user_not_found");
});

// Search

Deno.test("search.messages finds words, filters by channel and author, and pages", async () => {
  const { call } = setup();
  const search = (params: Record<string, string | number>) => call("search.messages", params, user);
  const pool = await search({ query: "pool" });
  assert.ok(pool.messages.total >= 2);
  assert.ok(pool.messages.matches.every((m: Json) => /pool/i.test(m.text)));
  const first = pool.messages.matches[0];
  assert.match(first.permalink, /^https:\/\/acme-demo\.slack\.com\/archives\/C\w+\/p\d{16}/);
  assert.equal(typeof first.channel.name, "string");

  const inEngineering = await search({ query: "in:#engineering from:@diego" });
  assert.ok(inEngineering.messages.total >= 2);
  assert.ok(
    inEngineering.messages.matches.every((m: Json) =>
      m.channel.name === "engineering" && m.user === "U0DIEGO04" && m.username === "diego"
    ),
  );
  const byMention = await search({ query: "from:<@U0DIEGO04> in:<#C0ENGINRG|engineering>" });
  assert.equal(byMention.messages.total, inEngineering.messages.total);

  const phrase = await search({ query: '"connection pool"' });
  assert.ok(phrase.messages.matches.every((m: Json) => /connection pool/i.test(m.text)));
  assert.equal((await search({ query: "zebra-unicorn" })).messages.total, 0);

  const paged = await search({ query: "the", count: 3, page: 2, sort: "timestamp" });
  assert.equal(paged.messages.matches.length, 3);
  assert.deepEqual(
    [paged.messages.paging.page, paged.messages.paging.count, paged.messages.pagination.first],
    [2, 3, 4],
  );
  const ts = paged.messages.matches.map((m: Json) => m.ts);
  assert.deepEqual(ts, [...ts].sort().reverse(), "newest first");
  assert.equal((await search({ query: " " })).error, "no_query");
});

Deno.test("search.messages sees private channels only where the user is a member", async () => {
  const { call, emulator } = setup();
  const found = await call("search.messages", { query: "in:people-ops" }, user);
  assert.ok(found.messages.total > 0, "Alice is in people-ops");
  channelOf(emulator.workspace, "people-ops").members = ["U0IVANA09"];
  const hidden = await call("search.messages", { query: "in:people-ops" }, user);
  assert.equal(hidden.messages.total, 0);
});

// Chat

Deno.test("chat.postMessage posts into history as the bot", async () => {
  const { call } = setup();
  const posted = await call("chat.postMessage", {
    channel: "C0GENERAL",
    text: "Hello <@U0ALICE01>",
  });
  assert.equal(posted.ok, true);
  assert.equal(posted.channel, "C0GENERAL");
  assert.deepEqual(
    [posted.message.user, posted.message.bot_id, posted.message.text, posted.message.ts],
    [DEMO_BOT_USER_ID, "B0BOT0001", "Hello <@U0ALICE01>", posted.ts],
  );
  const history = await call("conversations.history", { channel: "C0GENERAL", limit: 1 });
  assert.equal(history.messages[0].ts, posted.ts);
  const byName = await call("chat.postMessage", { channel: "#general", text: "by name" });
  assert.equal(byName.channel, "C0GENERAL");
  assert.ok(byName.ts > posted.ts, "ts increase even when the clock stands still");
});

Deno.test("chat.postMessage replies update the parent and broadcasts reach history", async () => {
  const { call, emulator } = setup();
  const parent = channelOf(emulator.workspace, "general").messages.findLast((m) =>
    !m.thread_ts && m.user && m.user !== DEMO_BOT_USER_ID
  )!;
  const reply = await call("chat.postMessage", {
    channel: "C0GENERAL",
    text: "In thread",
    thread_ts: parent.ts,
  });
  assert.equal(reply.message.thread_ts, parent.ts);
  assert.equal(reply.message.parent_user_id, parent.user);
  const broadcast = await call("chat.postMessage", {
    channel: "C0GENERAL",
    text: "Also to the channel",
    thread_ts: reply.ts,
    reply_broadcast: true,
  });
  assert.equal(broadcast.message.thread_ts, parent.ts, "a reply's ts threads under its parent");
  assert.equal(broadcast.message.subtype, "thread_broadcast");
  const history = await call("conversations.history", { channel: "C0GENERAL", limit: 50 });
  const ts = history.messages.map((m: Json) => m.ts);
  assert.ok(ts.includes(broadcast.ts) && !ts.includes(reply.ts));
  const updated = history.messages.find((m: Json) => m.ts === parent.ts);
  assert.deepEqual(
    [updated.reply_count, updated.latest_reply, updated.reply_users],
    [2, broadcast.ts, [DEMO_BOT_USER_ID]],
  );
});

Deno.test("chat.postMessage refuses what Slack refuses", async () => {
  const { call } = setup();
  const cases: [Record<string, string>, string][] = [
    [{ channel: "C0GENERAL", text: "x".repeat(40_001) }, "msg_too_long"],
    [{ channel: "C0GENERAL", text: "" }, "no_text"],
    [{ channel: DEMO_CHANNEL_WITHOUT_BOT, text: "hi" }, "not_in_channel"],
    [{ channel: "C0NOPE000", text: "hi" }, "channel_not_found"],
    [{ channel: "C0OLDPROJ", text: "hi" }, "is_archived"],
    [{ channel: "C0GENERAL", text: "hi", thread_ts: "1700000000.000001" }, "thread_not_found"],
    [{ channel: "C0GENERAL", text: "hi", thread_ts: "soon" }, "invalid_thread_ts"],
  ];
  for (const [params, error] of cases) {
    assert.equal(
      (await call("chat.postMessage", params)).error,
      error,
      JSON.stringify(params).slice(0, 80),
    );
  }
  assert.equal(
    (await call("chat.postMessage", { channel: "C0GENERAL", text: "x".repeat(40_000) })).ok,
    true,
  );
});

Deno.test("chat.update edits only the caller's own messages", async () => {
  const { call, emulator } = setup();
  const posted = await call("chat.postMessage", { channel: "C0GENERAL", text: "draft" });
  const updated = await call("chat.update", { channel: "C0GENERAL", ts: posted.ts, text: "final" });
  assert.deepEqual([updated.ok, updated.ts, updated.text], [true, posted.ts, "final"]);
  assert.equal(updated.message.edited.user, DEMO_BOT_USER_ID);
  const history = await call("conversations.history", { channel: "C0GENERAL", limit: 1 });
  assert.equal(history.messages[0].text, "final");
  const someoneElses = channelOf(emulator.workspace, "general").messages.find((m) =>
    m.user === "U0EMEKA05"
  )!;
  assert.equal(
    (await call("chat.update", { channel: "C0GENERAL", ts: someoneElses.ts, text: "hacked" }))
      .error,
    "cant_update_message",
  );
  assert.equal(
    (await call("chat.update", { channel: "C0GENERAL", ts: "1700000000.000001", text: "x" })).error,
    "message_not_found",
  );
});

Deno.test("chat.delete removes the caller's own messages and thread counts follow", async () => {
  const { call, emulator } = setup();
  const parent = await call("chat.postMessage", { channel: "C0GENERAL", text: "parent" });
  const reply = await call("chat.postMessage", {
    channel: "C0GENERAL",
    text: "reply",
    thread_ts: parent.ts,
  });
  assert.deepEqual(await call("chat.delete", { channel: "C0GENERAL", ts: reply.ts }), {
    ok: true,
    channel: "C0GENERAL",
    ts: reply.ts,
  });
  const general = channelOf(emulator.workspace, "general");
  assert.equal(general.messages.at(-1)!.reply_count, undefined);
  assert.equal((await call("chat.delete", { channel: "C0GENERAL", ts: parent.ts })).ok, true);
  const history = await call("conversations.history", { channel: "C0GENERAL", limit: 5 });
  assert.ok(!history.messages.some((m: Json) => m.ts === parent.ts));
  const someoneElses = general.messages.find((m) => m.user === "U0EMEKA05")!;
  assert.equal(
    (await call("chat.delete", { channel: "C0GENERAL", ts: someoneElses.ts })).error,
    "cant_delete_message",
  );
  assert.equal(
    (await call("chat.delete", { channel: "C0GENERAL", ts: parent.ts })).error,
    "message_not_found",
  );
});

Deno.test("deleting a parent that has replies leaves a tombstone", async () => {
  const { call } = setup();
  const parent = await call("chat.postMessage", { channel: "C0GENERAL", text: "parent" });
  await call("chat.postMessage", { channel: "C0GENERAL", text: "reply", thread_ts: parent.ts });
  await call("chat.delete", { channel: "C0GENERAL", ts: parent.ts });
  const thread = await call("conversations.replies", { channel: "C0GENERAL", ts: parent.ts });
  assert.deepEqual(
    [thread.messages[0].subtype, thread.messages[0].reply_count, thread.messages.length],
    ["tombstone", 1, 2],
  );
});

Deno.test("chat.scheduleMessage checks post_at and posts when the time comes", async () => {
  const { call, clock, emulator } = setup();
  const inSeconds = (s: number) => Math.floor(clock.ms / 1000) + s;
  assert.equal(
    (await call("chat.scheduleMessage", {
      channel: "C0GENERAL",
      text: "x",
      post_at: inSeconds(-5),
    }))
      .error,
    "time_in_past",
  );
  assert.equal(
    (await call("chat.scheduleMessage", {
      channel: "C0GENERAL",
      text: "x",
      post_at: inSeconds(121 * 86_400),
    })).error,
    "time_too_far",
  );
  const postAt = inSeconds(60);
  const scheduled = await call("chat.scheduleMessage", {
    channel: "C0GENERAL",
    text: "Stand-up in 5",
    post_at: postAt,
  });
  assert.equal(scheduled.ok, true);
  assert.match(scheduled.scheduled_message_id, /^Q[A-Z0-9]+$/);
  assert.equal(scheduled.post_at, postAt);
  assert.equal(emulator.workspace.scheduled.length, 1);
  clock.ms += 61_000;
  const history = await call("conversations.history", { channel: "C0GENERAL", limit: 1 });
  assert.equal(history.messages[0].text, "Stand-up in 5");
  assert.equal(emulator.workspace.scheduled.length, 0);
});

Deno.test("chat.getPermalink links messages and thread replies", async () => {
  const { call, emulator } = setup();
  const parent = incident(emulator.workspace);
  const link = await call("chat.getPermalink", { channel: "C0ENGINRG", message_ts: parent.ts });
  assert.equal(
    link.permalink,
    `https://acme-demo.slack.com/archives/C0ENGINRG/p${parent.ts.replace(".", "")}`,
  );
  const replyTs = parent.latest_reply!;
  const replyLink = await call("chat.getPermalink", { channel: "C0ENGINRG", message_ts: replyTs });
  assert.ok(replyLink.permalink.endsWith(`?thread_ts=${parent.ts}&cid=C0ENGINRG`));
  assert.equal(
    (await call("chat.getPermalink", { channel: "C0ENGINRG", message_ts: "1700000000.000001" }))
      .error,
    "message_not_found",
  );
});

// Reactions

Deno.test("reactions.add and reactions.remove change the message's reactions", async () => {
  const { call } = setup();
  const posted = await call("chat.postMessage", { channel: "C0GENERAL", text: "react to me" });
  const target = { channel: "C0GENERAL", timestamp: posted.ts };
  assert.deepEqual(await call("reactions.add", { ...target, name: "thumbsup" }), { ok: true });
  assert.equal((await call("reactions.add", { ...target, name: "tada" }, user)).ok, true);
  assert.equal((await call("reactions.add", { ...target, name: "tada" })).ok, true);
  const history = await call("conversations.history", { channel: "C0GENERAL", limit: 1 });
  assert.deepEqual(history.messages[0].reactions, [
    { name: "+1", users: [DEMO_BOT_USER_ID], count: 1 },
    { name: "tada", users: [DEMO_INSTALLER_ID, DEMO_BOT_USER_ID], count: 2 },
  ]);
  assert.equal((await call("reactions.add", { ...target, name: "+1" })).error, "already_reacted");
  assert.equal(
    (await call("reactions.add", { ...target, name: "not-an-emoji" })).error,
    "invalid_name",
  );
  assert.equal(
    (await call("reactions.add", {
      channel: "C0GENERAL",
      timestamp: "1700000000.000001",
      name: "eyes",
    }))
      .error,
    "message_not_found",
  );
  assert.deepEqual(await call("reactions.remove", { ...target, name: "+1" }), { ok: true });
  assert.equal((await call("reactions.remove", { ...target, name: "+1" })).error, "no_reaction");
  const after = await call("conversations.history", { channel: "C0GENERAL", limit: 1 });
  assert.deepEqual(after.messages[0].reactions.map((r: Json) => r.name), ["tada"]);
});

// Fault injection and the call log

Deno.test("a 429 fault answers ratelimited with Retry-After, then the method recovers", async () => {
  const { emulator, call } = setup();
  emulator.failNext("conversations.history", { status: 429, retryAfter: 7 });
  const response = await emulator.handler(
    new Request("http://e/api/conversations.history?channel=C0GENERAL", {
      headers: { authorization: `Bearer ${bot}` },
    }),
  );
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "7");
  assert.deepEqual(await response.json(), { ok: false, error: "ratelimited" });
  assert.equal((await call("conversations.history", { channel: "C0GENERAL" })).ok, true);
});

Deno.test("an error fault carries its extra fields and can repeat", async () => {
  const { emulator, call } = setup();
  emulator.failNext("conversations.list", {
    error: "missing_scope",
    extra: { needed: "channels:read", provided: "chat:write" },
    times: 2,
  });
  const expected = {
    ok: false,
    error: "missing_scope",
    needed: "channels:read",
    provided: "chat:write",
  };
  assert.deepEqual(await call("conversations.list"), expected);
  assert.deepEqual(await call("conversations.list"), expected);
  assert.equal((await call("conversations.list")).ok, true);
  assert.equal((await call("users.list")).ok, true, "faults apply to their method only");
});

Deno.test("a delay fault stops waiting when the request is aborted", async () => {
  const { emulator } = setup();
  emulator.failNext("auth.test", { delayMs: 5_000 });
  const controller = new AbortController();
  const started = performance.now();
  const pending = emulator.handler(
    new Request("http://e/api/auth.test", {
      headers: { authorization: `Bearer ${bot}` },
      signal: controller.signal,
    }),
  );
  controller.abort();
  const response = await pending;
  await response.body?.cancel();
  assert.equal(response.status, 499);
  assert.ok(performance.now() - started < 1_000);
});

Deno.test("a short delay fault alone still answers normally", async () => {
  const { emulator, call } = setup();
  emulator.failNext("auth.test", { delayMs: 30 });
  const started = performance.now();
  assert.equal((await call("auth.test")).ok, true);
  assert.ok(performance.now() - started >= 25);
});

Deno.test("the call log records method, params, token and time, and resets", async () => {
  const { emulator, call, clock } = setup();
  await call("conversations.info", { channel: "C0GENERAL" });
  await call("auth.test", {}, null);
  assert.deepEqual(emulator.calls, [
    { method: "conversations.info", params: { channel: "C0GENERAL" }, token: bot, at: clock.ms },
    { method: "auth.test", params: {}, token: undefined, at: clock.ms },
  ]);
  emulator.resetCalls();
  assert.equal(emulator.calls.length, 0);
});

// Events

Deno.test("writes emit event_callback envelopes that match Slack's wrapper schema", async () => {
  const { call, events } = setup();
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("events/slack_common_event_wrapper_schema.json", fixtures)),
  );
  const validate = new Ajv({ strict: false }).compile(schema);
  const posted = await call("chat.postMessage", { channel: "C0GENERAL", text: "news" });
  await call("chat.postMessage", { channel: "C0GENERAL", text: "more", thread_ts: posted.ts });
  await call("chat.update", { channel: "C0GENERAL", ts: posted.ts, text: "edited news" });
  await call("reactions.add", { channel: "C0GENERAL", timestamp: posted.ts, name: "eyes" }, user);
  await call(
    "reactions.remove",
    { channel: "C0GENERAL", timestamp: posted.ts, name: "eyes" },
    user,
  );
  const reply = await call("chat.postMessage", {
    channel: "C0GENERAL",
    text: "oops",
    thread_ts: posted.ts,
  });
  await call("chat.delete", { channel: "C0GENERAL", ts: reply.ts });

  assert.deepEqual(events.map((e) => [e.event.type, e.event.subtype]), [
    ["message", undefined],
    ["message", undefined],
    ["message", "message_changed"],
    ["reaction_added", undefined],
    ["reaction_removed", undefined],
    ["message", undefined],
    ["message", "message_deleted"],
  ]);
  for (const envelope of events) {
    assert.ok(validate(envelope), JSON.stringify(validate.errors));
    assert.equal(envelope.type, "event_callback");
    assert.equal(envelope.team_id, "T0DEMO001");
    assert.equal(envelope.api_app_id, "A0DEMOAPP1");
    assert.match(envelope.event_id, /^Ev[A-Z0-9]{8,}$/);
    assert.equal(envelope.event_time, Math.floor(now / 1000));
    assert.equal(envelope.authorizations[0].user_id, DEMO_BOT_USER_ID);
  }
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
  const [message, threadReply, changed, added, removed, , deleted] = events.map((e) =>
    e.event as Json
  );
  assert.deepEqual(
    [message.channel, message.ts, message.text, message.user, message.channel_type],
    ["C0GENERAL", posted.ts, "news", DEMO_BOT_USER_ID, "channel"],
  );
  assert.equal(threadReply.thread_ts, posted.ts);
  assert.deepEqual([changed.message.text, changed.previous_message.text], ["edited news", "news"]);
  assert.deepEqual(added.item, { type: "message", channel: "C0GENERAL", ts: posted.ts });
  assert.deepEqual([added.user, added.item_user, added.reaction], [
    DEMO_INSTALLER_ID,
    DEMO_BOT_USER_ID,
    "eyes",
  ]);
  assert.equal(removed.reaction, "eyes");
  assert.deepEqual([deleted.deleted_ts, deleted.previous_message.text], [reply.ts, "oops"]);
});

Deno.test("no events come from channels the bot is not in, nor after unsubscribing", async () => {
  const { call, emulator } = setup();
  const seen: EventEnvelope[] = [];
  const stop = emulator.onEvent((e) => seen.push(e));
  const posted = emulator.actAs("U0JAMAL10", "chat.postMessage", {
    channel: DEMO_CHANNEL_WITHOUT_BOT,
    text: "hi",
  });
  assert.equal(posted.ok, true);
  assert.equal(seen.length, 0);
  await call("chat.postMessage", { channel: "C0GENERAL", text: "hi" }, user);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].event.user, DEMO_INSTALLER_ID);
  stop();
  await call("chat.postMessage", { channel: "C0GENERAL", text: "again" });
  assert.equal(seen.length, 1);
});

Deno.test("simulated activity posts, reacts and replies in a fixed rotation", () => {
  const run = () => {
    const emulator = createEmulator({ workspace: createSeedWorkspace({ now }), now: () => now });
    const events: string[] = [];
    emulator.onEvent((e) => events.push(e.event.type));
    const activity = [0, 1, 2].map(() => simulateActivity(emulator));
    return { emulator, activity, events };
  };
  const { emulator, activity, events } = run();
  assert.deepEqual(activity.map((a) => a.method), [
    "chat.postMessage",
    "reactions.add",
    "chat.postMessage",
  ]);
  assert.deepEqual(events, ["message", "reaction_added", "message"]);
  const reply = findChannel(emulator.workspace, activity[2].channel)!.threads;
  assert.ok(
    [...reply.values()].flat().some((m) => m.ts === activity[2].ts),
    "the third is a reply",
  );
  assert.deepEqual(run().activity, activity);
  const chosen = simulateActivity(emulator, { userId: "U0KENJI11" });
  assert.equal(chosen.user, "U0KENJI11");
});

// Over HTTP, shapes and speed

Deno.test("serveEmulator answers over loopback HTTP and a client's abort ends a hung call", async () => {
  const served = await serveEmulator({ workspace: createSeedWorkspace({ now }) });
  try {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const response = await fetch(`${served.url}auth.test`, {
      method: "POST",
      headers: { authorization: `Bearer ${bot}` },
    });
    assert.equal((await response.json()).ok, true);
    served.emulator.failNext("auth.test", { delayMs: 10_000 });
    const controller = new AbortController();
    const pending = fetch(`${served.url}auth.test`, {
      method: "POST",
      headers: { authorization: `Bearer ${bot}` },
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await assert.rejects(pending);
  } finally {
    const started = performance.now();
    await served.close();
    assert.ok(performance.now() - started < 5_000, "no request is left hanging");
  }
});

Deno.test("responses match Slack's OpenAPI response schemas", async () => {
  const { call, emulator } = setup();
  const spec = JSON.parse(await Deno.readTextFile(new URL("slack_openapi_subset.json", fixtures)));
  const ajv = new Ajv({ strict: false, validateFormats: false });
  ajv.addSchema(spec, "slack");
  const check = (method: string, body: Json) => {
    const validate = ajv.getSchema(`slack#/responses/${method}`)!;
    assert.ok(validate(body), `${method}: ${ajv.errorsText(validate.errors)}`);
  };
  check(
    "conversations.list",
    await call("conversations.list", { types: "public_channel,private_channel" }),
  );
  for (const name of ["engineering", "general", "design"]) {
    const channel = channelOf(emulator.workspace, name).conversation.id;
    check("conversations.history", await call("conversations.history", { channel }));
  }
  check(
    "conversations.history",
    await call("conversations.history", {
      channel: "C0GENERAL",
      latest: "1000000000",
    }),
  );
  const parent = incident(emulator.workspace);
  check(
    "conversations.replies",
    await call("conversations.replies", { channel: "C0ENGINRG", ts: parent.ts }),
  );
  check("users.list", await call("users.list"));
  for (const id of ["U0ALICE01", DEMO_BOT_USER_ID, "U0MARCO13"]) {
    check("users.info", await call("users.info", { user: id }));
  }
  const posted = await call("chat.postMessage", { channel: "C0GENERAL", text: "shape" });
  check("chat.postMessage", posted);
  const asUser = await call("chat.postMessage", {
    channel: "C0GENERAL",
    text: "reply",
    thread_ts: posted.ts,
  }, user);
  check("chat.postMessage", asUser);
  check("conversations.history", await call("conversations.history", { channel: "C0GENERAL" }));
});

Deno.test("the schema check fails on a response that breaks Slack's shape", async () => {
  const spec = JSON.parse(await Deno.readTextFile(new URL("slack_openapi_subset.json", fixtures)));
  const ajv = new Ajv({ strict: false, validateFormats: false });
  ajv.addSchema(spec, "slack");
  const validate = ajv.getSchema("slack#/responses/conversations.list")!;
  assert.equal(validate({ ok: true, channels: [{ id: "C0GENERAL", name: "general" }] }), false);
});

Deno.test("history paging and search stay fast on a channel with thousands of messages", async () => {
  const { call, emulator, walk } = setup();
  const big = createChannel(
    { ...channelOf(emulator.workspace, "general").conversation, id: "C0BIGBIG0", name: "big" },
    [DEMO_BOT_USER_ID, DEMO_INSTALLER_ID],
  );
  emulator.workspace.channels.push(big);
  const start = now - 5 * DAY;
  for (let i = 0; i < 5_000; i++) {
    const message = {
      type: "message" as const,
      ts: nextTs(big, start + i * 60_000),
      user: DEMO_INSTALLER_ID,
      text: `status update ${i}`,
    };
    addMessage(big, message);
  }
  const started = performance.now();
  const { items } = await walk("conversations.history", "messages", {
    channel: "C0BIGBIG0",
    limit: 200,
  });
  const found = await call("search.messages", { query: "update in:big", count: 100 }, user);
  const elapsed = performance.now() - started;
  assert.equal(items.length, 5_000);
  assert.equal(found.messages.total, 5_000);
  assert.equal(items[0].ts, formatTs(start + 4_999 * 60_000));
  assert.ok(elapsed < 2_000, `took ${elapsed.toFixed(0)} ms`);
});
