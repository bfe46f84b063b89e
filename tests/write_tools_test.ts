/**
 * The write tools end to end: an SDK client calls our server, which writes to
 * the Slack emulator; the emulator's call log and live workspace show what
 * Slack received, and the read tools show that stale caches were dropped.
 */
import assert from "node:assert/strict";
import { call, type Stack, startStack, textOf } from "./harness.ts";
import { writeTools } from "../src/mcp/tools/write.ts";
import { readTools } from "../src/mcp/tools/read.ts";
import { tools as catalogTools } from "../src/mcp/catalog.ts";
import { sleep } from "../src/util/sleep.ts";
import { createChannel, newConversation } from "../src/slack_emulator/workspace.ts";

const writeToolNames = writeTools.map((t) => t.name);

/**
 * A connected client that has listed the tools, so the SDK checks every
 * result's `structuredContent` against the tool's declared `outputSchema`.
 */
async function connect(stack: Stack) {
  const client = await stack.connect();
  await client.listTools();
  return client;
}

/** The Web API calls of `method` the emulator received, oldest first. */
function callsOf(stack: Stack, method: string) {
  return stack.emulator.calls.filter((c) => c.method === method);
}

type Row = [string, string, string, string, Record<string, unknown>?];

/** Every message row of a read result, in order. */
// deno-lint-ignore no-explicit-any
function rowsOf(result: { structuredContent?: Record<string, any> }): Row[] {
  return result.structuredContent!.days.flatMap((day: { messages: Row[] }) => day.messages);
}

/** Calls a read tool; `fresh` says whether it went to Slack's `method` rather than the cache. */
async function read(
  stack: Stack,
  client: Awaited<ReturnType<typeof connect>>,
  method: string,
  tool: string,
  args: Record<string, unknown>,
) {
  const before = callsOf(stack, method).length;
  const result = await call(client, tool, args);
  return { result, fresh: callsOf(stack, method).length > before };
}

/** The live state of a channel in the emulated workspace. */
function channelState(stack: Stack, id: string) {
  const channel = stack.emulator.workspace.channels.find((c) => c.conversation.id === id);
  assert(channel, `the seed has channel ${id}`);
  return channel;
}

/** A seeded top-level message in `channel` whose text starts with `prefix`. */
function seededMessage(stack: Stack, channel: string, prefix: string) {
  const message = channelState(stack, channel).messages.find((m) => m.text.startsWith(prefix));
  assert(message, `the seed has a message "${prefix}…" in ${channel}`);
  return message;
}

Deno.test("slack_post_message posts by channel name and the next history read shows the message", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const before = await call(client, "slack_get_channel_history", { channel_id: "#engineering" });
  assert.equal(before.isError, undefined);

  const posted = await call(client, "slack_post_message", {
    channel_id: "#engineering",
    text: "Deploy starts in 5 minutes",
  });

  assert.equal(posted.isError, undefined, textOf(posted));
  const { channel_id, ts, permalink } = posted.structuredContent!;
  assert.equal(channel_id, "C0ENGINRG");
  assert.match(ts, /^\d+\.\d{6}$/);
  assert.match(permalink, new RegExp(`/archives/C0ENGINRG/p${ts.replace(".", "")}$`));
  assert.match(textOf(posted), new RegExp(`Posted message ${ts} in C0ENGINRG`));
  const stored = channelState(stack, "C0ENGINRG").messages.find((m) => m.ts === ts);
  assert.equal(stored?.text, "Deploy starts in 5 minutes");
  assert.equal(stored?.user, "U0BOT0001");
  const after = await read(stack, client, "conversations.history", "slack_get_channel_history", {
    channel_id: "#engineering",
  });
  assert.equal(after.fresh, true, "the post dropped the cached history");
  assert.equal(rowsOf(after.result)[0][0], ts);
});

Deno.test("slack_post_message posts to SLACK_CHANNEL_ID when no channel is named", async () => {
  await using stack = await startStack({ env: { SLACK_CHANNEL_ID: "random" } });
  const client = await connect(stack);

  const posted = await call(client, "slack_post_message", { text: "Cake in the kitchen" });

  assert.equal(posted.isError, undefined, textOf(posted));
  assert.equal(posted.structuredContent!.channel_id, "C0RANDOM0");
  assert.equal(channelState(stack, "C0RANDOM0").messages.at(-1)?.text, "Cake in the kitchen");
});

Deno.test("slack_post_message without a channel or SLACK_CHANNEL_ID says how to name one", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_post_message", { text: "Where does this go?" });

  assert.equal(result.isError, true);
  assert.match(textOf(result), /needs channel_id: name a channel .* or set SLACK_CHANNEL_ID/);
  assert.equal(callsOf(stack, "chat.postMessage").length, 0);
});

Deno.test("slack_reply_to_thread replies in the thread, can broadcast, and the thread read shows it", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const parent = seededMessage(stack, "C0DESIGN0", "Which hero illustration");
  await call(client, "slack_get_thread_replies", { channel_id: "design", thread_ts: parent.ts });

  const reply = await call(client, "slack_reply_to_thread", {
    channel_id: "design",
    thread_ts: parent.ts,
    text: "B, and let's ship it",
    broadcast: true,
  });

  assert.equal(reply.isError, undefined, textOf(reply));
  const { ts, thread_ts, broadcast, permalink } = reply.structuredContent!;
  assert.equal(thread_ts, parent.ts);
  assert.equal(broadcast, true);
  assert.match(permalink, new RegExp(`thread_ts=${parent.ts}`));
  assert.match(textOf(reply), /also sent to the channel/);
  assert.equal(callsOf(stack, "chat.postMessage")[0].params.reply_broadcast, true);
  const thread = await read(stack, client, "conversations.replies", "slack_get_thread_replies", {
    channel_id: "design",
    thread_ts: Number(parent.ts),
  });
  assert.equal(thread.fresh, true, "the reply dropped the cached thread");
  assert.equal(rowsOf(thread.result).at(-1)![0], ts);
  assert(
    channelState(stack, "C0DESIGN0").messages.some((m) => m.ts === ts),
    "broadcast shows at top level",
  );
});

Deno.test("reactions accept :colons:, and adding or removing twice succeeds without changing anything", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const message = seededMessage(stack, "C0DESIGN0", "Which hero illustration");
  const args = { channel_id: "#design", timestamp: message.ts, reaction: ":tada:" };
  await call(client, "slack_get_channel_history", { channel_id: "design" });

  const added = await call(client, "slack_add_reaction", args);
  const addedAgain = await call(client, "slack_add_reaction", { ...args, reaction: "tada" });

  assert.deepEqual(added.structuredContent, {
    channel_id: "C0DESIGN0",
    ts: message.ts,
    reaction: "tada",
    changed: true,
  });
  assert.equal(callsOf(stack, "reactions.add")[0].params.name, "tada");
  assert.equal(addedAgain.isError, undefined, textOf(addedAgain));
  assert.equal(addedAgain.structuredContent!.changed, false);
  assert.match(textOf(addedAgain), /:tada: was already on/);
  const history = await call(client, "slack_get_channel_history", { channel_id: "design" });
  const shown = rowsOf(history).find(([ts]) => ts === message.ts)!;
  assert.ok(
    (shown[4]!.reactions as Record<string, number>).tada >= 1,
    "history shows the reaction",
  );

  const removed = await call(client, "slack_remove_reaction", {
    ...args,
    timestamp: Number(message.ts),
  });
  const removedAgain = await call(client, "slack_remove_reaction", args);

  assert.equal(removed.structuredContent!.changed, true);
  assert.equal(removedAgain.isError, undefined, textOf(removedAgain));
  assert.equal(removedAgain.structuredContent!.changed, false);
  assert.match(textOf(removedAgain), /nothing to remove/);
  assert(!message.reactions?.some((r) => r.name === "tada" && r.users.includes("U0BOT0001")));
});

Deno.test("slack_update_message and slack_delete_message change the bot's own message and history follows", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const digest = seededMessage(stack, "C0GENERAL", "📋 Daily digest");
  await call(client, "slack_get_channel_history", { channel_id: "general", limit: 200 });

  const updated = await call(client, "slack_update_message", {
    channel_id: "general",
    ts: digest.ts,
    text: "📋 Daily digest (corrected): 24 new messages",
  });

  assert.equal(updated.isError, undefined, textOf(updated));
  assert.equal(updated.structuredContent!.ts, digest.ts);
  assert.match(updated.structuredContent!.permalink, /\/archives\/C0GENERAL\//);
  const history = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    limit: 200,
  });
  const shown = rowsOf(history).find(([ts]) => ts === digest.ts)!;
  assert.equal(shown[3], "📋 Daily digest (corrected): 24 new messages");
  assert.equal(shown[4]?.edited, true);

  const deleted = await call(client, "slack_delete_message", {
    channel_id: "C0GENERAL",
    ts: digest.ts,
  });

  assert.equal(deleted.isError, undefined, textOf(deleted));
  assert.deepEqual(deleted.structuredContent, { channel_id: "C0GENERAL", ts: digest.ts });
  const afterDelete = await call(client, "slack_get_channel_history", {
    channel_id: "general",
    limit: 200,
  });
  assert(!rowsOf(afterDelete).some(([ts]) => ts === digest.ts));
});

Deno.test("editing or deleting someone else's message, or a missing one, explains why it failed", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const human = seededMessage(stack, "C0DESIGN0", "Which hero illustration");

  const update = await call(client, "slack_update_message", {
    channel_id: "design",
    ts: human.ts,
    text: "C, obviously",
  });
  const remove = await call(client, "slack_delete_message", { channel_id: "design", ts: human.ts });
  const missing = await call(client, "slack_delete_message", {
    channel_id: "design",
    ts: "1000000000.000100",
  });

  assert.equal(update.isError, true);
  assert.match(textOf(update), /cant_update_message\. .*only messages it posted itself/);
  assert.equal(remove.isError, true);
  assert.match(textOf(remove), /cant_delete_message\. .*only messages it posted itself/);
  assert.equal(missing.isError, true);
  assert.match(textOf(missing), /message_not_found\. .*slack_get_channel_history/);
  assert.equal(human.text, "Which hero illustration do you prefer, A or B?");
});

Deno.test("slack_schedule_message takes ISO 8601, unix seconds or a printed time, and refuses past or too distant times", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const inADay = Math.floor(Date.now() / 1000) + 86_400;
  const iso = new Date(inADay * 1000).toISOString().replace(".000Z", "");

  const fromIso = await call(client, "slack_schedule_message", {
    channel_id: "#general",
    text: "Stand-up in 10 minutes",
    post_at: iso,
  });
  const fromUnix = await call(client, "slack_schedule_message", {
    channel_id: "#general",
    text: "Retro at 16:00",
    post_at: inADay + 60,
  });
  const printed = new Date((inADay + 120) * 1000).toISOString().slice(0, 19).replace("T", " ");
  const fromPrinted = await call(client, "slack_schedule_message", {
    channel_id: "#general",
    text: "Demo",
    post_at: `${printed} UTC`,
  });
  const past = await call(client, "slack_schedule_message", {
    channel_id: "#general",
    text: "Too late",
    post_at: "2020-01-01T00:00:00Z",
  });
  const tooFar = await call(client, "slack_schedule_message", {
    channel_id: "#general",
    text: "Too early",
    post_at: inADay + 121 * 86_400,
  });
  const garbled = await call(client, "slack_schedule_message", {
    channel_id: "#general",
    text: "When?",
    post_at: "next tuesday",
  });

  assert.equal(fromIso.isError, undefined, textOf(fromIso));
  const printedAt = (t: number) =>
    `${new Date(t * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
  assert.equal(
    fromIso.structuredContent!.post_at,
    printedAt(inADay),
    "an ISO time without offset is UTC",
  );
  assert.equal(fromUnix.structuredContent!.post_at, printedAt(inADay + 60));
  assert.equal(fromPrinted.structuredContent!.post_at, `${printed} UTC`, "printed times read back");
  assert.deepEqual(
    stack.emulator.workspace.scheduled.map((s) => [s.channel, s.post_at, s.text]),
    [
      ["C0GENERAL", inADay, "Stand-up in 10 minutes"],
      ["C0GENERAL", inADay + 60, "Retro at 16:00"],
      ["C0GENERAL", inADay + 120, "Demo"],
    ],
  );
  assert.match(textOf(past), /post_at 2020-01-01 00:00:00 UTC is not in the future/);
  assert.match(textOf(tooFar), /more than 120 days ahead/);
  assert.match(textOf(garbled), /neither unix seconds nor an ISO 8601 time/);
  assert.equal(callsOf(stack, "chat.scheduleMessage").length, 3, "refused times never reach Slack");
});

Deno.test("slack_create_channel creates the channel and the channel list shows it at once", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  await call(client, "slack_list_channels");

  const created = await call(client, "slack_create_channel", {
    name: "#project-x",
    is_private: true,
  });

  assert.equal(created.isError, undefined, textOf(created));
  const { channel_id, name, is_private } = created.structuredContent!;
  assert.equal(name, "project-x");
  assert.equal(is_private, true);
  assert.match(textOf(created), /Created private channel #project-x/);
  const list = await call(client, "slack_list_channels");
  assert(list.structuredContent!.channels.some((c: { id: string }) => c.id === channel_id));
  const posted = await call(client, "slack_post_message", {
    channel_id: "project-x",
    text: "Kick-off",
  });
  assert.equal(posted.structuredContent!.channel_id, channel_id, "the new name resolves at once");
});

Deno.test("slack_create_channel refuses an invalid name with a suggestion, and maps name_taken and restricted_action", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const invalid = await call(client, "slack_create_channel", { name: "Project X" });
  const tooLong = await call(client, "slack_create_channel", { name: "x".repeat(81) });
  const taken = await call(client, "slack_create_channel", { name: "general" });
  stack.emulator.failNext("conversations.create", { error: "restricted_action" });
  const restricted = await call(client, "slack_create_channel", { name: "new-ideas" });

  assert.equal(invalid.isError, true);
  assert.match(textOf(invalid), /Channel name "Project X" is not valid.* Try "project-x"/);
  assert.match(textOf(tooLong), /at most 80 characters/);
  assert.match(textOf(taken), /name_taken\. A channel with that name already exists/);
  assert.match(textOf(restricted), /restricted_action\. .*ask a workspace admin/);
  assert.deepEqual(callsOf(stack, "conversations.create").map((c) => c.params.name), [
    "general",
    "new-ideas",
  ]);
});

Deno.test("slack_invite_to_channel resolves handles and IDs given as an array or a comma string", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  await call(client, "slack_list_channels");

  const fromArray = await call(client, "slack_invite_to_channel", {
    channel_id: "#random",
    user_ids: ["@emeka"],
  });
  const fromString = await call(client, "slack_invite_to_channel", {
    channel_id: "C0RANDOM0",
    user_ids: "U0IVANA09, @emeka",
  });

  assert.equal(fromArray.isError, undefined, textOf(fromArray));
  assert.deepEqual(fromArray.structuredContent, {
    channel_id: "C0RANDOM0",
    user_ids: ["U0EMEKA05"],
  });
  assert.deepEqual(callsOf(stack, "conversations.invite").map((c) => c.params.users), [
    "U0EMEKA05",
    "U0IVANA09,U0EMEKA05",
  ]);
  assert.equal(fromString.isError, true, "emeka is a member by then");
  assert.match(textOf(fromString), /already_in_channel/);
  assert(channelState(stack, "C0RANDOM0").members.includes("U0EMEKA05"));
  const list = await read(stack, client, "conversations.list", "slack_list_channels", {});
  assert.equal(list.fresh, true, "the invite dropped the cached channel list");
});

Deno.test("slack_set_channel_topic sets the topic, the channel list shows it, and long topics are refused", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  await call(client, "slack_list_channels");

  const set = await call(client, "slack_set_channel_topic", {
    channel_id: "#design",
    topic: "Crit moved to Wednesdays",
  });
  const tooLong = await call(client, "slack_set_channel_topic", {
    channel_id: "#design",
    topic: "t".repeat(251),
  });

  assert.equal(set.isError, undefined, textOf(set));
  assert.deepEqual(set.structuredContent, {
    channel_id: "C0DESIGN0",
    topic: "Crit moved to Wednesdays",
  });
  assert.equal(
    channelState(stack, "C0DESIGN0").conversation.topic.value,
    "Crit moved to Wednesdays",
  );
  const list = await call(client, "slack_list_channels");
  const design = list.structuredContent!.channels.find((c: { id: string }) => c.id === "C0DESIGN0");
  assert.equal(design.topic, "Crit moved to Wednesdays");
  assert.equal(tooLong.isError, true);
  assert.match(textOf(tooLong), /251 characters, over Slack's 250-character limit/);
  assert.equal(callsOf(stack, "conversations.setTopic").length, 1);
});

/** Adds channel #2024 (ID C0YEAR2024) with the bot in it: a name that looks like an ID. */
function addYearChannel(stack: Stack) {
  const { workspace } = stack.emulator;
  const bot = workspace.app.botUserId;
  workspace.channels.push(
    createChannel(
      newConversation({ id: "C0YEAR2024", name: "2024", created: 1_700_000_000, creator: bot }),
      [bot, "U0ALICE01"],
    ),
  );
}

Deno.test("a channel named like an ID (2024) is written to after Slack's channel_not_found", async () => {
  await using stack = await startStack({ env: { SLACK_WRITE_CHANNELS: "2024" } });
  addYearChannel(stack);
  const client = await connect(stack);

  const set = await call(client, "slack_set_channel_topic", { channel_id: "2024", topic: "Plan" });

  assert.equal(set.isError, undefined, textOf(set));
  assert.deepEqual(set.structuredContent, { channel_id: "C0YEAR2024", topic: "Plan" });
  assert.deepEqual(callsOf(stack, "conversations.setTopic").map((c) => c.params.channel), [
    "2024",
    "C0YEAR2024",
  ]);
});

Deno.test("slack_invite_to_channel says a bot ID is not a user", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_invite_to_channel", {
    channel_id: "#random",
    user_ids: ["@emeka", "B0DEPLOY1"],
  });

  assert.equal(result.isError, true);
  assert.match(textOf(result), /B0DEPLOY1 is a bot ID \(B…\), not users?/);
  assert.equal(callsOf(stack, "conversations.invite").length, 0);
});

Deno.test("Slack failures come back as errors a model can act on", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const notMember = await call(client, "slack_post_message", {
    channel_id: "#support",
    text: "Hi",
  });
  stack.emulator.failNext("chat.postMessage", {
    error: "missing_scope",
    extra: { needed: "chat:write" },
  });
  const noScope = await call(client, "slack_post_message", { channel_id: "#design", text: "Hi" });
  const tooLong = await call(client, "slack_post_message", {
    channel_id: "#random",
    text: "a".repeat(40_001),
  });
  const digest = seededMessage(stack, "C0GENERAL", "📋 Daily digest");
  const unknownEmoji = await call(client, "slack_add_reaction", {
    channel_id: "#general",
    timestamp: digest.ts,
    reaction: ":not-an-emoji:",
  });

  assert.equal(notMember.isError, true);
  assert.match(textOf(notMember), /not_in_channel\. .*`\/invite @your-bot`/);
  assert.equal(noScope.isError, true);
  assert.match(textOf(noScope), /lacks the chat:write scope/);
  assert.equal(tooLong.isError, true);
  assert.match(textOf(tooLong), /40,001 characters, over Slack's 40,000-character limit/);
  assert.equal(unknownEmoji.isError, true);
  assert.match(textOf(unknownEmoji), /invalid_name\. .*emoji must exist in the workspace/);
  assert.deepEqual(
    callsOf(stack, "chat.postMessage").map((c) => c.params.channel),
    ["C0SUPPORT", "C0DESIGN0"],
    "the over-long text never reaches Slack",
  );
});

Deno.test("SLACK_READ_ONLY=true lists no write tool and refuses a direct call", async () => {
  await using stack = await startStack({ env: { SLACK_READ_ONLY: "true" } });
  const client = await connect(stack);

  const { tools } = await client.listTools();
  const refused = await call(client, "slack_post_message", { channel_id: "general", text: "Hi" });

  const listed = tools.map((t) => t.name);
  assert.deepEqual(listed.filter((name) => writeToolNames.includes(name)), []);
  assert(readTools.every((t) => listed.includes(t.name)), "read tools stay listed");
  assert.equal(refused.isError, true);
  assert.match(textOf(refused), /SLACK_READ_ONLY=true/);
  assert.equal(callsOf(stack, "chat.postMessage").length, 0);
});

Deno.test("SLACK_WRITE_CHANNELS=general refuses #random naming the allowed channels and accepts #general and its ID", async () => {
  await using stack = await startStack({ env: { SLACK_WRITE_CHANNELS: "general,new-project" } });
  const client = await connect(stack);
  const digest = seededMessage(stack, "C0GENERAL", "📋 Daily digest");

  const refused = await call(client, "slack_post_message", { channel_id: "#random", text: "Hi" });
  const byName = await call(client, "slack_post_message", { channel_id: "#general", text: "Hi" });
  const byId = await call(client, "slack_add_reaction", {
    channel_id: "C0GENERAL",
    timestamp: digest.ts,
    reaction: "eyes",
  });
  const createRefused = await call(client, "slack_create_channel", { name: "side-project" });
  const createAllowed = await call(client, "slack_create_channel", { name: "new-project" });

  assert.equal(refused.isError, true);
  assert.match(
    textOf(refused),
    /may not write to #random: SLACK_WRITE_CHANNELS allows only general/,
  );
  assert.equal(byName.isError, undefined, textOf(byName));
  assert.equal(byId.isError, undefined, textOf(byId));
  assert.equal(createRefused.isError, true);
  assert.match(
    textOf(createRefused),
    /may not create #side-project: SLACK_WRITE_CHANNELS allows only/,
  );
  assert.equal(createAllowed.isError, undefined, textOf(createAllowed));
  assert.deepEqual(callsOf(stack, "chat.postMessage").map((c) => c.params.channel), ["C0GENERAL"]);
  assert.deepEqual(callsOf(stack, "conversations.create").map((c) => c.params.name), [
    "new-project",
  ]);
});

Deno.test("concurrent posts to one channel go out in order a second apart, without holding up another channel", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const posts = [
    ["C0GENERAL", "first"],
    ["C0GENERAL", "second"],
    ["C0GENERAL", "third"],
    ["C0RANDOM0", "aside"],
  ];
  const pending = [];
  for (const [channel, text] of posts) {
    // Issued 100 ms apart, so they reach the server in this order even on a busy
    // machine, and all within the second the first post holds #general.
    pending.push(call(client, "slack_post_message", { channel_id: channel, text }));
    await sleep(100);
  }

  const results = await Promise.all(pending);

  assert(results.every((r) => !r.isError), results.map(textOf).join("\n"));
  const sent = callsOf(stack, "chat.postMessage");
  const general = sent.filter((c) => c.params.channel === "C0GENERAL");
  assert.deepEqual(general.map((c) => c.params.text), ["first", "second", "third"]);
  for (let i = 1; i < general.length; i++) {
    const gap = general[i].at - general[i - 1].at;
    assert(gap >= 950, `posts ${i} and ${i + 1} to #general were ${gap} ms apart`);
  }
  const aside = sent.find((c) => c.params.channel === "C0RANDOM0")!;
  assert(aside.at < general[1].at, "the #random post did not wait behind #general's queue");
});

Deno.test("a 429 with Retry-After 1 is waited out and the post succeeds", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  stack.emulator.failNext("chat.postMessage", { status: 429, retryAfter: 1 });

  const posted = await call(client, "slack_post_message", {
    channel_id: "#general",
    text: "Patience",
  });

  assert.equal(posted.isError, undefined, textOf(posted));
  const attempts = callsOf(stack, "chat.postMessage");
  assert.equal(attempts.length, 2);
  assert(attempts[1].at - attempts[0].at >= 950, "the retry waited for Retry-After");
  assert.equal(channelState(stack, "C0GENERAL").messages.at(-1)?.text, "Patience");
});

Deno.test("every listed tool states readOnlyHint, and exactly the write tools say false", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const { tools } = await client.listTools();

  for (const tool of tools) {
    assert.equal(
      typeof tool.annotations?.readOnlyHint,
      "boolean",
      `${tool.name} states readOnlyHint`,
    );
  }
  const writers = tools.filter((t) => t.annotations?.readOnlyHint === false).map((t) => t.name);
  assert.deepEqual(
    writers,
    catalogTools.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name),
  );
  for (const name of writeToolNames) assert.ok(writers.includes(name), `${name} writes`);
  for (const tool of tools.filter((t) => writers.includes(t.name))) {
    assert.equal(
      typeof tool.annotations?.destructiveHint,
      "boolean",
      `${tool.name} states destructiveHint`,
    );
    assert.equal(tool.annotations?.openWorldHint, true);
    assert(tool.outputSchema, `${tool.name} declares an outputSchema`);
  }
});
