/**
 * People and conversations, end to end through an MCP client against the
 * emulator: finding people, members, user groups, emoji, unreads and the
 * read cursor, opening DMs and group DMs, and `@person` channel arguments.
 */
import assert from "node:assert/strict";
import { call, type Stack, startStack, textOf, walkTool } from "./harness.ts";
import { createChannel, newConversation } from "../src/slack_emulator/workspace.ts";
import { DEMO_BOT_USER_ID, DEMO_INSTALLER_ID } from "../src/slack_emulator/seed.ts";
import { checkBudget } from "../src/mcp/tools/unreads.ts";

const alice = DEMO_INSTALLER_ID;

function callsOf(stack: Stack, method: string) {
  return stack.emulator.calls.filter((c) => c.method === method);
}

function conversation(stack: Stack, id: string) {
  const found = [...stack.emulator.workspace.channels, ...stack.emulator.workspace.dms]
    .find((c) => c.conversation.id === id);
  assert.ok(found, `${id} exists in the emulator`);
  return found;
}

// deno-lint-ignore no-explicit-any
type Loose = any;

Deno.test("slack_find_users ranks an exact handle, then names starting with the query, then matches anywhere", async () => {
  await using stack = await startStack();
  // A person whose handle is exactly the query, and who sorts after alice alphabetically.
  const seeded = stack.emulator.workspace.users.find((u) => u.id === alice)!;
  stack.emulator.workspace.users.push({
    ...seeded,
    id: "U0ALXX001",
    name: "al",
    real_name: "Zed Al",
    profile: { ...seeded.profile, display_name: "al", real_name: "Zed Al", title: "", email: "" },
  });
  const client = await stack.connect();

  const result = await call(client, "slack_find_users", { query: "@AL" });
  const names = result.structuredContent!.users.map((u: { name: string }) => u.name);
  // Exact handle; prefix of a handle or name word; then substring (Walsh, jamal).
  assert.deepEqual(names, ["al", "alice", "fiona", "jamal"]);
  assert.equal(result.structuredContent!.users[1].title, "VP Engineering");
  assert.match(textOf(result).split("\n")[1], /^@al U0ALXX001/);

  const accented = await call(client, "slack_find_users", { query: "chloe" });
  assert.equal(accented.structuredContent!.users[0].real_name, "Chloé Dubois");
  const byTitle = await call(client, "slack_find_users", { query: "engineer", limit: 2 });
  assert.equal(byTitle.structuredContent!.users.length, 2);
  assert.ok(byTitle.structuredContent!.more >= 4, "says how many more match");
  const nobody = await call(client, "slack_find_users", { query: "zzz-nobody" });
  assert.equal(nobody.isError, undefined);
  assert.deepEqual(nobody.structuredContent!.users, []);
  assert.match(textOf(nobody), /Nobody matches "zzz-nobody"/);
  assert.equal(callsOf(stack, "users.list").length, 1, "the user list is read once, then cached");
});

Deno.test("slack_find_users looks up an exact email with users.lookupByEmail, without listing everyone", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const found = await call(client, "slack_find_users", { query: "Grace@acme-demo.example" });
  const unknown = await call(client, "slack_find_users", { query: "nobody@acme-demo.example" });

  assert.deepEqual(found.structuredContent!.users.map((u: { id: string }) => u.id), ["U0GRACE07"]);
  assert.equal(unknown.isError, undefined);
  assert.deepEqual(unknown.structuredContent!.users, []);
  assert.match(textOf(unknown), /no active account has that email/);
  assert.deepEqual(
    callsOf(stack, "users.lookupByEmail").map((c) => c.params.email),
    ["grace@acme-demo.example", "nobody@acme-demo.example"],
  );
  assert.equal(callsOf(stack, "users.list").length, 0);
});

Deno.test("slack_get_channel_members pages through a channel's members with their names", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const pages = await walkTool(client, "slack_get_channel_members", {
    channel_id: "#engineering",
    limit: 3,
  });
  for (const page of pages) {
    assert.equal(page.structuredContent!.channel_id, "C0ENGINRG");
    assert.ok(page.structuredContent!.members.length <= 3);
    const cursor = page.structuredContent!.next_cursor;
    if (cursor) assert.match(textOf(page), new RegExp(`pass cursor "${cursor}"`));
  }
  const seen: Loose[] = pages.flatMap((page) => page.structuredContent!.members);

  const members = conversation(stack, "C0ENGINRG").members;
  assert.equal(pages.length, Math.ceil(members.length / 3));
  assert.deepEqual(seen.map((m) => m.id), members);
  assert.deepEqual(seen.find((m) => m.id === alice), { id: alice, name: "alice" });
  assert.deepEqual(seen.find((m) => m.id === DEMO_BOT_USER_ID), {
    id: DEMO_BOT_USER_ID,
    name: "Slack MCP",
    is_bot: true,
  });
  const dm = await call(client, "slack_get_channel_members", { channel_id: "@grace" });
  assert.deepEqual(dm.structuredContent!.members.map((m: { id: string }) => m.id).sort(), [
    DEMO_BOT_USER_ID,
    "U0GRACE07",
  ]);
});

Deno.test("slack_list_user_groups gives handles, counts and the mention syntax, and members' names when asked", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const plain = await call(client, "slack_list_user_groups", {});
  const full = await call(client, "slack_list_user_groups", { include_users: true });

  const groups = plain.structuredContent!.groups;
  assert.deepEqual(groups.map((g: { handle: string }) => g.handle), [
    "engineers",
    "oncall",
    "design-team",
  ], "the disabled launch-squad is left out");
  assert.deepEqual(groups[0], {
    id: "S0ENGINRS",
    handle: "engineers",
    name: "Engineering",
    description: "Everyone who ships code",
    user_count: 6,
    mention: "<!subteam^S0ENGINRS>",
  });
  assert.equal(plain.structuredContent!.users, undefined);
  assert.match(textOf(plain), /@engineers S0ENGINRS .*mention <!subteam\^S0ENGINRS>/);

  const engineers = full.structuredContent!.groups[0];
  assert.deepEqual(engineers.members, ["alice", "bruno", "diego", "hanna", "jamal", "kenji"]);
  assert.equal(full.structuredContent!.users[alice], "alice");
  assert.match(textOf(full), /Users: .*alice U0ALICE01/);
  assert.deepEqual(callsOf(stack, "usergroups.list").map((c) => c.params.include_users), [
    "false",
    "true",
  ]);
});

Deno.test("slack_list_emoji lists custom emoji and aliases, filters by query, and is cached", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const all = await call(client, "slack_list_emoji", {});
  const ship = await call(client, "slack_list_emoji", { query: ":SHIP:" });
  const none = await call(client, "slack_list_emoji", { query: "unicorn" });

  assert.deepEqual(all.structuredContent, {
    emoji: ["acme", "lgtm", "partyblob", "shipit", "this-is-fine"],
    aliases: { ship_it: "shipit", yes: "white_check_mark" },
  });
  assert.match(textOf(all), /:ship_it: → :shipit:/);
  assert.deepEqual(ship.structuredContent, { emoji: ["shipit"], aliases: { ship_it: "shipit" } });
  assert.equal(none.isError, undefined);
  assert.deepEqual(none.structuredContent, { emoji: [] });
  assert.equal(callsOf(stack, "emoji.list").length, 1);
});

Deno.test("slack_get_unreads shows the demo user's unread conversations newest first, with mentions and names", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const result = await call(client, "slack_get_unreads", {});
  assert.equal(result.isError, undefined, textOf(result));
  const { conversations, users, checked, total, unchecked } = result.structuredContent!;

  assert.deepEqual(conversations.map((c: { channel_id: string }) => c.channel_id), [
    "C0ENGINRG",
    "G0MPDM001",
    "D0DMBRUNO",
  ]);
  const [engineering, group, bruno] = conversations;
  assert.deepEqual([engineering.name, engineering.unread, engineering.mentions], [
    "engineering",
    3,
    1,
  ]);
  assert.deepEqual(group.with, ["chloe", "fiona"]);
  assert.deepEqual([bruno.with, bruno.unread, bruno.mentions], [["bruno"], 2, undefined]);
  // The first unread messages, oldest first, as rows; names resolved once in users.
  assert.deepEqual(
    engineering.messages.map((row: string[]) => row[2]),
    ["kenji", "diego", "hanna"],
  );
  assert.match(engineering.messages[1][3], /^@alice can you approve/);
  assert.match(engineering.messages[0][1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.equal(engineering.latest_ts, engineering.messages[2][0]);
  assert.equal(engineering.last_read, conversation(stack, "C0ENGINRG").lastRead.get(alice));
  assert.equal(users.U0KENJI11, "kenji");
  assert.equal(users.U0BRUNO02, "bruno");
  assert.deepEqual([checked, total, unchecked], [11, 11, undefined]);
  assert.equal(result.structuredContent!.timezone, "UTC");

  const text = textOf(result);
  assert.match(text, /^3 conversations with unread messages, newest first \(checked 11 of 11/);
  assert.match(text, /#engineering C0ENGINRG: 3 unread, 1 mention/);
  assert.match(text, /bruno D0DMBRUNO: 2 unread/);
  assert.match(text, /kenji: The release checklist/);
  // Every Slack call for the person's view used the user token.
  for (const method of ["users.conversations", "conversations.info", "conversations.history"]) {
    assert.ok(callsOf(stack, method).length > 0, method);
    assert.ok(callsOf(stack, method).every((c) => c.token?.startsWith("xoxp-")), method);
  }
});

Deno.test("slack_get_unreads, slack_mark_read, slack_get_unreads: the conversation is gone at once, the rest from the cache", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const before = await call(client, "slack_get_unreads", {});
  const bruno = before.structuredContent!.conversations.find((c: { channel_id: string }) =>
    c.channel_id === "D0DMBRUNO"
  );
  const again = await call(client, "slack_get_unreads", {});
  const infoCalls = callsOf(stack, "conversations.info").length;
  assert.deepEqual(again.structuredContent, before.structuredContent, "served from the cache");
  assert.equal(infoCalls, 11);

  const marked = await call(client, "slack_mark_read", {
    channel_id: "D0DMBRUNO",
    ts: bruno.latest_ts,
  });
  assert.equal(marked.isError, undefined, textOf(marked));
  assert.deepEqual(marked.structuredContent, { channel_id: "D0DMBRUNO", ts: bruno.latest_ts });
  assert.match(textOf(marked), /Marked D0DMBRUNO read up to/);
  assert.equal(conversation(stack, "D0DMBRUNO").lastRead.get(alice), bruno.latest_ts);
  const [mark] = callsOf(stack, "conversations.mark");
  assert.ok(mark.token?.startsWith("xoxp-"), "marked with the user token");

  const after = await call(client, "slack_get_unreads", {});
  assert.deepEqual(
    after.structuredContent!.conversations.map((c: { channel_id: string }) => c.channel_id),
    ["C0ENGINRG", "G0MPDM001"],
  );
  assert.deepEqual(
    callsOf(stack, "conversations.info").slice(infoCalls).map((c) => c.params.channel),
    ["D0DMBRUNO"],
    "only the marked conversation is read again",
  );

  // Marking part of a conversation read leaves the rest unread.
  const engineering = after.structuredContent!.conversations[0];
  await call(client, "slack_mark_read", {
    channel_id: "#engineering",
    ts: engineering.messages[0][0],
  });
  const partly = await call(client, "slack_get_unreads", { types: "public_channel" });
  assert.deepEqual(
    partly.structuredContent!.conversations.map((c: Loose) => [c.unread, c.mentions]),
    [
      [2, 1],
    ],
  );
});

Deno.test("slack_get_unreads checks the most likely active conversations first, within a budget, and says what it skipped", async () => {
  await using stack = await startStack();
  const created = Math.floor(Date.now() / 1000);
  for (let i = 0; i < 25; i++) {
    const id = `C0EXTRA${String(i).padStart(2, "0")}`;
    stack.emulator.workspace.channels.push(
      createChannel(newConversation({ id, name: `extra-${i}`, created, creator: alice }), [alice]),
    );
  }
  const client = await stack.connect();

  const first = await call(client, "slack_get_unreads", {});
  const second = await call(client, "slack_get_unreads", {});

  const total = 11 + 25;
  assert.deepEqual(
    [first.structuredContent!.checked, first.structuredContent!.total],
    [checkBudget, total],
  );
  assert.equal(first.structuredContent!.unchecked, total - checkBudget);
  assert.match(
    textOf(first),
    new RegExp(`${total - checkBudget} less active conversations were not checked .*call again`),
  );
  // DMs and group DMs go first: their unreads are found on the first call.
  const firstIds = first.structuredContent!.conversations.map((c: Loose) => c.channel_id);
  assert.deepEqual(firstIds, ["G0MPDM001", "D0DMBRUNO"]);
  // The next call spends its budget further down the list.
  assert.equal(second.structuredContent!.checked, total);
  assert.equal(second.structuredContent!.unchecked, undefined);
  assert.deepEqual(
    second.structuredContent!.conversations.map((c: Loose) => c.channel_id),
    ["C0ENGINRG", "G0MPDM001", "D0DMBRUNO"],
  );
  assert.equal(callsOf(stack, "conversations.info").length, total, "each checked once");
});

Deno.test("slack_get_unreads stops checking at Slack's rate limit and still shows what it found", async () => {
  await using stack = await startStack();
  // The first read state is refused for a minute: past what the client waits out.
  stack.emulator.failNext("conversations.info", { status: 429, retryAfter: 60 });
  stack.emulator.failNext("conversations.history", { status: 429, retryAfter: 60 });
  const client = await stack.connect();

  const result = await call(client, "slack_get_unreads", {});

  assert.equal(result.isError, undefined, textOf(result));
  const { checked, total, unchecked, conversations } = result.structuredContent!;
  assert.equal(callsOf(stack, "conversations.info").length, 5, "the first batch, then no more");
  assert.deepEqual([checked, total, unchecked], [4, 11, 7]);
  assert.match(
    result.structuredContent!.partial.note,
    /7 less active conversations were not checked\. Slack is rate limiting conversations\.info: retry in 60 s to check them\./,
  );
  // One history read was refused: that conversation keeps its count, without messages.
  assert.ok(conversations.length > 0);
  assert.equal(conversations.filter((c: Loose) => c.messages.length === 0).length, 1);
  assert.match(
    textOf(result),
    /Partial: 1 conversation shows no messages, only counts: Slack is rate limiting conversations\.history: retry in 60 s/,
  );
  assert.equal(result.structuredContent!.partial.retry_after_seconds, 60);
});

Deno.test("slack_get_unreads limits the conversations shown and says how many more have unreads", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_get_unreads", { limit: 1, types: "im,mpim" });
  assert.equal(result.structuredContent!.conversations.length, 1);
  assert.equal(result.structuredContent!.more_unread, 1);
  assert.equal(result.structuredContent!.total, 5);
  assert.match(textOf(result), /1 more conversation has unread messages: raise limit/);
  const bad = await call(client, "slack_get_unreads", { types: "dm" });
  assert.equal(bad.isError, true);
  assert.match(textOf(bad), /types "dm" is not valid: pass a comma list of public_channel/);
});

Deno.test("without a user token, slack_get_unreads and slack_mark_read say to set SLACK_USER_TOKEN or sign in", async () => {
  await using stack = await startStack({ env: { SLACK_USER_TOKEN: "" } });
  const client = await stack.connect();

  const unreads = await call(client, "slack_get_unreads", {});
  const mark = await call(client, "slack_mark_read", {
    channel_id: "D0BOTALIC",
    ts: "1795093920.000000",
  });

  for (const result of [unreads, mark]) {
    assert.equal(result.isError, true);
    assert.match(textOf(result), /needs a user token/);
    assert.match(textOf(result), /SLACK_USER_TOKEN \(xoxp-…\).*sign in with Slack/);
  }
  assert.equal(callsOf(stack, "conversations.mark").length, 0);
  assert.equal(callsOf(stack, "users.conversations").length, 0);
});

Deno.test("a user token Slack refuses for these methods gets the not_allowed_token_type hint", async () => {
  await using stack = await startStack();
  stack.emulator.failNext("conversations.mark", { error: "not_allowed_token_type" });
  const client = await stack.connect();
  const result = await call(client, "slack_mark_read", {
    channel_id: "D0DMBRUNO",
    ts: "1795451880.000000",
  });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /not_allowed_token_type.*user token.*SLACK_USER_TOKEN/);
});

Deno.test("slack_mark_read on a conversation the person is not in says which ID to pass", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  // @grace is the bot's DM with Grace: Alice has no read cursor there.
  const result = await call(client, "slack_mark_read", {
    channel_id: "@grace",
    ts: "1795093920.000000",
  });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /not in D0BOTGRAC.*channel_id from slack_get_unreads/);
});

Deno.test("slack_open_conversation finds or opens the bot's DM, opens a group DM once, and posting lands there", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const grace = await call(client, "slack_open_conversation", { users: "@grace" });
  const bruno = await call(client, "slack_open_conversation", { users: ["U0BRUNO02"] });
  const group = await call(client, "slack_open_conversation", { users: "@chloe, @fiona" });
  const sameGroup = await call(client, "slack_open_conversation", { users: ["@fiona", "@chloe"] });

  assert.deepEqual(grace.structuredContent, {
    channel_id: "D0BOTGRAC",
    users: { U0GRACE07: "grace" },
  });
  const brunoDm = bruno.structuredContent!.channel_id;
  assert.match(brunoDm, /^D/);
  assert.deepEqual(conversation(stack, brunoDm).members.sort(), [DEMO_BOT_USER_ID, "U0BRUNO02"]);
  const groupId = group.structuredContent!.channel_id;
  assert.match(groupId, /^G/);
  assert.equal(sameGroup.structuredContent!.channel_id, groupId);
  assert.deepEqual(group.structuredContent!.users, { U0CHLOE03: "chloe", U0FIONA06: "fiona" });
  assert.match(
    textOf(group),
    new RegExp(`Group DM ${groupId} with chloe U0CHLOE03, fiona U0FIONA06`),
  );
  assert.deepEqual(conversation(stack, groupId).members.sort(), [
    DEMO_BOT_USER_ID,
    "U0CHLOE03",
    "U0FIONA06",
  ]);

  const posted = await call(client, "slack_post_message", { channel_id: groupId, text: "Hi both" });
  assert.equal(posted.isError, undefined, textOf(posted));
  assert.equal(conversation(stack, groupId).messages.at(-1)?.text, "Hi both");
});

Deno.test("slack_open_conversation refuses more than 8 people, a bot, and an unknown person, saying why", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const many = await call(client, "slack_open_conversation", {
    users: "@alice,@bruno,@chloe,@diego,@emeka,@fiona,@grace,@hanna,@ivana",
  });
  const bot = await call(client, "slack_open_conversation", { users: "@slack-mcp" });
  const unknown = await call(client, "slack_open_conversation", { users: "@nobody" });
  const missing = await call(client, "slack_open_conversation", { users: "U0NOBODY1" });

  assert.match(textOf(many), /at most 8 people besides you; 9 were named/);
  assert.match(textOf(bot), /cannot_dm_bot\. Slack does not let a bot open a DM with another bot/);
  assert.match(textOf(unknown), /No user matches @nobody: find people with slack_find_users/);
  assert.match(textOf(missing), /user_not_found\. No such user: .*slack_find_users/);
  for (const result of [many, bot, unknown, missing]) assert.equal(result.isError, true);
});

Deno.test("in single-user mode @person is the bot's DM: reading @alice reads D0BOTALIC, posting to @grace lands in D0BOTGRAC", async () => {
  await using stack = await startStack();
  const client = await stack.connect();

  const read = await call(client, "slack_get_channel_history", { channel_id: "@alice" });
  const posted = await call(client, "slack_post_message", {
    channel_id: "@grace",
    text: "Your weekly support report is ready",
  });

  assert.equal(read.isError, undefined, textOf(read));
  assert.match(textOf(read), /Hi Alice! Ask me to summarise a channel/);
  assert.deepEqual(callsOf(stack, "conversations.history").map((c) => c.params.channel), [
    "D0BOTALIC",
  ]);
  assert.equal(posted.isError, undefined, textOf(posted));
  const dm = conversation(stack, "D0BOTGRAC");
  assert.equal(dm.messages.at(-1)?.text, "Your weekly support report is ready");
  assert.equal(dm.messages.at(-1)?.user, DEMO_BOT_USER_ID);
  assert.equal(
    conversation(stack, "D0BOTALIC").messages.at(-1)?.text,
    "Thanks! Catch me up on <#C0ENGINRG> tomorrow morning",
  );
});

Deno.test("SLACK_WRITE_CHANNELS that excludes a DM refuses posting there; @handle on the list allows that DM", async () => {
  await using stack = await startStack({ env: { SLACK_WRITE_CHANNELS: "general,@grace" } });
  const client = await stack.connect();

  const refused = await call(client, "slack_post_message", { channel_id: "@alice", text: "Hi" });
  const byHandle = await call(client, "slack_post_message", { channel_id: "@grace", text: "Hi" });
  const byId = await call(client, "slack_post_message", { channel_id: "D0BOTGRAC", text: "Again" });
  const opened = await call(client, "slack_open_conversation", { users: "@bruno" });
  const listed = await call(client, "slack_open_conversation", { users: "@grace" });

  assert.equal(refused.isError, true);
  assert.match(
    textOf(refused),
    /may not write to @alice: SLACK_WRITE_CHANNELS allows only general, @grace/,
  );
  assert.equal(byHandle.isError, undefined, textOf(byHandle));
  assert.equal(byId.isError, undefined, textOf(byId));
  assert.deepEqual(callsOf(stack, "chat.postMessage").map((c) => c.params.channel), [
    "D0BOTGRAC",
    "D0BOTGRAC",
  ]);
  assert.equal(conversation(stack, "D0BOTALIC").messages.at(-1)?.text.startsWith("Thanks!"), true);
  assert.equal(opened.structuredContent!.writable, false);
  assert.match(textOf(opened), /SLACK_WRITE_CHANNELS does not include it/);
  assert.equal(listed.structuredContent!.writable, undefined);
});

Deno.test("a read-only server lists the people tools but not slack_open_conversation or slack_mark_read", async () => {
  await using stack = await startStack({ env: { SLACK_READ_ONLY: "true" } });
  const client = await stack.connect();
  const names = (await client.listTools()).tools.map((t) => t.name);
  for (
    const name of [
      "slack_find_users",
      "slack_get_channel_members",
      "slack_list_user_groups",
      "slack_get_unreads",
      "slack_list_emoji",
    ]
  ) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(!names.includes("slack_open_conversation"));
  assert.ok(!names.includes("slack_mark_read"));
  const refused = await call(client, "slack_mark_read", { channel_id: "D0DMBRUNO", ts: "1.0" });
  assert.match(textOf(refused), /SLACK_READ_ONLY=true/);
});
