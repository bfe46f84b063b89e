/**
 * The analysis tools within Slack's budgets, end to end against the emulator:
 * partial answers with estimates and a note instead of failures, history
 * pages and threads cached under keys that outlive a call, the current second
 * in the window, and cancellation reaching every Slack call.
 */
import assert from "node:assert/strict";
import { call, type LooseResult, type Stack, startStack, textOf } from "./harness.ts";
import { loadConfig } from "../src/config.ts";
import { methodTiers } from "../src/slack/pacer.ts";
import type { WorkspaceChannel, WorkspaceMessage } from "../src/slack_emulator/workspace.ts";

/**
 * The server's clock, running with real time (the pacer sleeps in real time)
 * plus an offset the test moves: budgets, cache and analysis window follow it.
 */
function testClock() {
  const clock = { offsetMs: 0 };
  return { clock, now: () => Date.now() + clock.offsetMs };
}

/**
 * {@link testClock} one second into a minute of the limiter's fixed windows:
 * at 1 call a minute, a budget spent now stays spent for the next 59 s (a
 * new window frees it at once), whatever the wall clock says.
 */
function minuteStartClock() {
  const test = testClock();
  const wall = Date.now();
  test.clock.offsetMs = Math.ceil(wall / 60_000) * 60_000 + 1_000 - wall;
  return test;
}

function channelNamed(stack: Stack, name: string): WorkspaceChannel {
  return stack.emulator.workspace.channels.find((c) => c.conversation.name === name)!;
}

/** Someone in the channel other than the bot. */
function memberOf(stack: Stack, channel: WorkspaceChannel, index = 0): string {
  const bot = stack.emulator.workspace.app.botUserId;
  return channel.members.filter((id) => id !== bot)[index];
}

function post(stack: Stack, user: string, params: Record<string, unknown>): string {
  const body = stack.emulator.actAs(user, "chat.postMessage", params);
  assert.equal(body.ok, true, String(body.error));
  return String(body.ts);
}

/** `count` new threads of one reply each in `name`. */
function addThreads(stack: Stack, name: string, count: number) {
  const channel = channelNamed(stack, name);
  const [asker, answerer] = [memberOf(stack, channel, 0), memberOf(stack, channel, 1)];
  for (let i = 0; i < count; i++) {
    const ts = post(stack, asker, { channel: channel.conversation.id, text: `Question ${i}` });
    post(stack, answerer, { channel: channel.conversation.id, thread_ts: ts, text: "Answer" });
  }
}

/**
 * Human messages and replies of a channel in `[oldest, latest]`, counted over
 * the emulator's own data, independently of src/analysis: a reply counts
 * when its thread's parent is in range.
 */
function handCount(channel: WorkspaceChannel, oldest: number, latest: number) {
  const inRange = (m: WorkspaceMessage) => Number(m.ts) >= oldest && Number(m.ts) <= latest;
  const human = (m: WorkspaceMessage) =>
    m.user !== undefined && !m.bot_id &&
    (m.subtype === undefined || m.subtype === "thread_broadcast");
  const posts = channel.messages.filter((m) =>
    inRange(m) && human(m) && m.subtype !== "thread_broadcast"
  );
  const replies = posts.flatMap((p) => (channel.threads.get(p.ts) ?? []).filter(human));
  return { human: posts.length + replies.length, replies: replies.length };
}

function callsOf(stack: Stack, method: string): number {
  return stack.emulator.calls.filter((c) => c.method === method).length;
}

function assertAnswered(result: LooseResult, name: string) {
  assert.equal(result.isError, undefined, `${name}: ${textOf(result)}`);
}

Deno.test("slack_analyze_workspace answers in time with three times more threads than the replies budget", async () => {
  await using stack = await startStack({ now: Date.now() });
  addThreads(stack, "general", 3 * methodTiers["conversations.replies"]);
  const client = await stack.connect();
  const started = performance.now();
  const result = await call(client, "slack_analyze_workspace", { days: 7 });
  const seconds = (performance.now() - started) / 1000;
  assertAnswered(result, "slack_analyze_workspace");
  assert.ok(seconds < 20, `answered in ${seconds} s`);
  const ranking = result.structuredContent!;
  assert.ok(callsOf(stack, "conversations.replies") <= methodTiers["conversations.replies"]);
  assert.ok(ranking.estimated_channels.includes("general"));
  assert.deepEqual(ranking.unread_channels, []);
  assert.match(ranking.partial.note, /Replies of \d+ of \d+ threads not read/);
  assert.match(ranking.partial.note, /own budget for conversations\.replies \(50 calls a minute\)/);
  assert.match(ranking.partial.note, /SLACK_METHOD_LIMITS/);
  assert.ok(ranking.partial.retry_after_seconds > 0);
  assert.match(textOf(result), /^Partial: /m);
  // Every reply here is human and in range, so counting unread threads from reply_count is exact.
  const latest = Date.now() / 1000;
  const expected = ranking.by_activity.reduce(
    (sum: number, rank: { name: string }) =>
      sum + handCount(channelNamed(stack, rank.name), latest - 7 * 86_400 - 60, latest).replies,
    0,
  );
  assert.equal(ranking.totals.human_replies, expected);
});

Deno.test("with Slack enforcing its tiers, a long Retry-After becomes a note, not a failure", async () => {
  // Slack's side: each method's published tier per minute, then 429 with a minute to wait.
  const seen = new Map<string, number>();
  const slackWithTiers: typeof fetch = (input, init) => {
    const method = String(input).split("/").at(-1)!;
    const count = (seen.get(method) ?? 0) + 1;
    seen.set(method, count);
    if (count > (methodTiers[method] ?? 50)) {
      return Promise.resolve(
        Response.json({ ok: false, error: "ratelimited" }, {
          status: 429,
          headers: { "retry-after": "60" },
        }),
      );
    }
    return fetch(input, init);
  };
  await using stack = await startStack({
    now: Date.now(),
    // Our own budget above Slack's: Slack's 429 is what stops the reading.
    env: { SLACK_METHOD_LIMITS: "conversations.replies=500" },
    overrides: { fetch: slackWithTiers },
  });
  addThreads(stack, "general", 3 * methodTiers["conversations.replies"]);
  const client = await stack.connect();
  const result = await call(client, "slack_analyze_workspace", { days: 7 });
  assertAnswered(result, "slack_analyze_workspace");
  const { partial } = result.structuredContent!;
  assert.match(partial.note, /Slack is rate limiting conversations\.replies: retry in 60 s/);
  assert.equal(partial.retry_after_seconds, 60);
});

Deno.test("at one history and one replies call a minute, every read and analysis tool answers", async () => {
  const { clock, now } = testClock();
  await using stack = await startStack({
    now: Date.now(),
    env: { SLACK_METHOD_LIMITS: "conversations.history=1,conversations.replies=1" },
    overrides: { now },
  });
  const client = await stack.connect();

  const conversation = await call(client, "slack_analyze_conversation", {
    channel_id: "#engineering",
  });
  assertAnswered(conversation, "slack_analyze_conversation");
  const metrics = conversation.structuredContent!;
  assert.ok(metrics.volume.total > 0, "the first page was read");
  assert.equal(metrics.truncated, true);
  assert.match(
    metrics.partial.note,
    /own budget for conversations\.history \(1 call a minute\) is spent: retry in \d+ s/,
  );
  assert.match(metrics.partial.note, /SLACK_METHOD_LIMITS/);
  assert.ok(metrics.partial.retry_after_seconds > 0);
  assert.match(textOf(conversation), /^Partial: /m);

  const workspace = await call(client, "slack_analyze_workspace", { days: 7 });
  assertAnswered(workspace, "slack_analyze_workspace");
  const ranking = workspace.structuredContent!;
  assert.ok(ranking.by_activity.some((c: { name: string }) => c.name === "engineering"));
  assert.ok(ranking.unread_channels.length > 0);
  assert.match(ranking.partial.note, /History not read: #/);
  assert.equal(callsOf(stack, "conversations.history"), 1, "the same range's page was reused");

  clock.offsetMs += 61_000;
  const random = channelNamed(stack, "random");
  const [thread] = random.threads.keys();
  const person = memberOf(stack, random);
  for (
    const [name, args] of [
      ["slack_list_channels", {}],
      ["slack_get_channel_history", { channel_id: "#random" }],
      ["slack_get_thread_replies", { channel_id: "#random", thread_ts: thread }],
      ["slack_get_users", {}],
      ["slack_get_user_profile", { user_id: person }],
      ["slack_search_messages", { query: "the" }],
    ] as const
  ) {
    assertAnswered(await call(client, name, args), name);
  }
  // The history budget of this minute is spent: the analysis still answers, with a note.
  const spent = await call(client, "slack_analyze_conversation", { channel_id: "#random" });
  assertAnswered(spent, "slack_analyze_conversation");
  assert.match(spent.structuredContent!.partial.note, /History not read/);
});

Deno.test("SLACK_RATE_PRESET=2025-non-marketplace applies Slack's 2025 limits, under SLACK_METHOD_LIMITS", () => {
  const base = { SLACK_BOT_TOKEN: "xoxb-test" };
  const preset = loadConfig({ ...base, SLACK_RATE_PRESET: "2025-non-marketplace" });
  assert.deepEqual(preset.slack.methodLimits, {
    "conversations.history": 1,
    "conversations.replies": 1,
  });
  const overridden = loadConfig({
    ...base,
    SLACK_RATE_PRESET: "2025-non-marketplace",
    SLACK_METHOD_LIMITS: "conversations.replies=5",
  });
  assert.deepEqual(overridden.slack.methodLimits, {
    "conversations.history": 1,
    "conversations.replies": 5,
  });
  assert.throws(
    () => loadConfig({ ...base, SLACK_RATE_PRESET: "2025" }),
    { name: "ConfigError", message: "Invalid SLACK_RATE_PRESET: expected 2025-non-marketplace" },
  );
});

Deno.test("under SLACK_RATE_PRESET the analysis reads pages of 15 and answers with a note", async () => {
  await using stack = await startStack({
    now: Date.now(),
    env: { SLACK_RATE_PRESET: "2025-non-marketplace" },
  });
  stack.emulator.workspace.app.messagesPerPage = 15;
  const client = await stack.connect();
  const result = await call(client, "slack_analyze_conversation", { channel_id: "#engineering" });
  assertAnswered(result, "slack_analyze_conversation");
  const history = stack.emulator.calls.filter((c) => c.method === "conversations.history");
  assert.deepEqual(history.map((c) => c.params.limit), ["15"]);
  assert.equal(result.structuredContent!.volume.top_level, 15);
  assert.match(result.structuredContent!.partial.note, /1 call a minute/);
});

/** Message rows of a read tool's result, oldest day first as given. */
function rowsOf(result: LooseResult): string[][] {
  return result.structuredContent!.days.flatMap((day: { messages: string[][] }) => day.messages);
}

/** The cursor a partial read's note tells the caller to retry with; also its next_cursor. */
function retryCursor(result: LooseResult): string {
  const { partial, next_cursor } = result.structuredContent!;
  const cursor = /with cursor "([^"]+)" to read on/.exec(partial.note)?.[1];
  assert.equal(cursor, next_cursor);
  return cursor!;
}

Deno.test("under SLACK_RATE_PRESET the read tools read pages of 15, answer with what they read and say when a retry reads on", async () => {
  const { clock, now } = minuteStartClock();
  await using stack = await startStack({
    now: Date.now(),
    env: { SLACK_RATE_PRESET: "2025-non-marketplace" },
    overrides: { now },
  });
  // Slack's side of the same limits: pages of at most 15 messages.
  stack.emulator.workspace.app.messagesPerPage = 15;
  const engineering = channelNamed(stack, "engineering");
  const asker = memberOf(stack, engineering, 0);
  const thread = post(stack, asker, { channel: engineering.conversation.id, text: "Long thread" });
  for (let i = 0; i < 40; i++) {
    post(stack, memberOf(stack, engineering, 1 + (i % 2)), {
      channel: engineering.conversation.id,
      thread_ts: thread,
      text: `Reply ${i}`,
    });
  }
  const client = await stack.connect();
  const preset = /SLACK_RATE_PRESET=2025-non-marketplace sets it; SLACK_METHOD_LIMITS overrides/;

  // History: one page of 15 of the 20 asked for; the second page is refused at once, not waited for.
  const started = performance.now();
  const history = await call(client, "slack_get_channel_history", {
    channel_id: "#engineering",
    limit: 20,
  });
  assertAnswered(history, "slack_get_channel_history");
  assert.ok(performance.now() - started < 10_000, "no wait for the next minute's budget");
  assert.deepEqual(
    stack.emulator.calls.filter((c) => c.method === "conversations.history").map((c) =>
      c.params.limit
    ),
    ["15"],
  );
  assert.equal(rowsOf(history).length, 15);
  const { partial } = history.structuredContent!;
  assert.match(
    partial.note,
    /^Read 15 of the 20 messages asked for\. This server's own budget for conversations\.history \(1 call a minute\) is spent: retry in \d+ s with cursor "[^"]+" to read on\. /,
  );
  assert.match(partial.note, preset);
  assert.ok(partial.retry_after_seconds > 0 && partial.retry_after_seconds <= 60);
  const historyCursor = retryCursor(history);
  assert.match(textOf(history), /\nPartial: Read 15 of the 20 messages/);
  assert.doesNotMatch(textOf(history), /More: pass cursor/, "the cursor is said once");

  // A thread of 40 replies: the parent and 14 replies, and how long the rest takes.
  const replies = await call(client, "slack_get_thread_replies", {
    channel_id: "#engineering",
    thread_ts: thread,
  });
  assertAnswered(replies, "slack_get_thread_replies");
  assert.equal(rowsOf(replies).length, 15);
  assert.equal(rowsOf(replies)[0][0], thread);
  assert.match(
    replies.structuredContent!.partial.note,
    /^Read the parent and 14 of its 40 replies\. This server's own budget for conversations\.replies \(1 call a minute\) is spent: retry in \d+ s with cursor "[^"]+" to read on; the rest needs at least 2 calls, about 2 min of budget\. /,
  );
  const threadCursor = retryCursor(replies);

  // Another history read this minute: nothing can be read, and the error says whose budget it is.
  const refused = await call(client, "slack_get_channel_history", { channel_id: "#random" });
  assert.equal(refused.isError, true);
  assert.match(
    textOf(refused),
    /^This server's own budget for conversations\.history \(1 call a minute\) is spent: retry in \d+ s\. /,
  );
  assert.match(textOf(refused), preset);

  // A minute later, the returned cursors read on where the first calls stopped.
  clock.offsetMs += 61_000;
  const older = await call(client, "slack_get_channel_history", {
    channel_id: "#engineering",
    limit: 20,
    cursor: historyCursor,
  });
  assertAnswered(older, "slack_get_channel_history");
  const [first, next] = [rowsOf(history), rowsOf(older)];
  assert.equal(next.length, 15);
  assert.ok(Number(next[0][0]) < Number(first.at(-1)![0]), "older than the first page");
  const rest = await call(client, "slack_get_thread_replies", {
    channel_id: "#engineering",
    thread_ts: thread,
    cursor: threadCursor,
  });
  assertAnswered(rest, "slack_get_thread_replies");
  assert.deepEqual(
    rowsOf(rest).map((r) => r[3]),
    [...Array(15).keys()].map((i) => `Reply ${i + 14}`),
  );
});

Deno.test("under SLACK_RATE_PRESET slack_get_unreads shows the messages it could read, counts for the rest, and its stopped checks in partial", async () => {
  await using stack = await startStack({
    now: Date.now(),
    // Five read states a minute: the DMs and group DMs, checked first, then the budget stops the checks.
    env: { SLACK_RATE_PRESET: "2025-non-marketplace", SLACK_METHOD_LIMITS: "conversations.info=5" },
    overrides: { now: minuteStartClock().now },
  });
  stack.emulator.workspace.app.messagesPerPage = 15;
  const client = await stack.connect();
  const result = await call(client, "slack_get_unreads", {});
  assertAnswered(result, "slack_get_unreads");
  const { conversations, partial, checked, total, unchecked } = result.structuredContent!;
  assert.equal(callsOf(stack, "conversations.info"), 5);
  assert.deepEqual([checked, unchecked], [5, total - 5]);
  const history = stack.emulator.calls.filter((c) => c.method === "conversations.history");
  assert.deepEqual(history.map((c) => c.params.limit), ["15"], "one page of 15, then no call");
  const shown = conversations.filter((c: { messages: unknown[] }) => c.messages.length > 0);
  assert.equal(shown.length, 1);
  assert.ok(conversations.length > 1, "the others keep their unread counts");
  assert.match(
    partial.note,
    new RegExp(
      `^${
        conversations.length - 1
      } conversations? shows? no messages, only counts: This server's own budget for conversations\\.history \\(1 call a minute\\) is spent: retry in \\d+ s to read their messages\\. SLACK_RATE_PRESET=2025-non-marketplace sets it`,
    ),
  );
  // The stopped checks are in the same note (and Partial: line), not a text line of their own.
  assert.match(
    partial.note,
    new RegExp(
      `${
        total - 5
      } less active conversations were not checked\\. This server's own budget for conversations\\.info \\(5 calls a minute\\) is spent: retry in \\d+ s to check them\\. SLACK_METHOD_LIMITS sets it`,
    ),
  );
  assert.ok(partial.retry_after_seconds > 0);
  assert.match(textOf(result), /\nPartial: /);
  assert.match(textOf(result), /\nPartial: [^\n]*not checked/);
  assert.equal(textOf(result).match(/not checked/g)?.length, 1);
});

Deno.test("the window includes the current second", async () => {
  // Stopped just before the end of the message's second (nothing here waits for budget).
  const frozen = { ms: 0 };
  await using stack = await startStack({ now: Date.now(), overrides: { now: () => frozen.ms } });
  const random = channelNamed(stack, "random");
  const ts = post(stack, memberOf(stack, random), {
    channel: random.conversation.id,
    text: "Posted just before the analysis",
  });
  frozen.ms = Math.floor(Number(ts)) * 1000 + 999;
  const client = await stack.connect();
  const result = await call(client, "slack_analyze_conversation", { channel_id: "#random" });
  assertAnswered(result, "slack_analyze_conversation");
  const { range, volume } = result.structuredContent!;
  assert.ok(range.latest >= Number(ts));
  assert.equal(volume.human, handCount(random, range.oldest, range.latest).human);
});

Deno.test("a reply added without an event is seen by the next analysis", async () => {
  const { clock, now } = testClock();
  await using stack = await startStack({ now: Date.now(), overrides: { now } });
  const client = await stack.connect();
  const general = channelNamed(stack, "general");
  const first = await call(client, "slack_analyze_conversation", { channel_id: "#general" });
  assertAnswered(first, "slack_analyze_conversation");
  const { range } = first.structuredContent!;
  const [parent] = [...general.threads.keys()].filter((ts) => Number(ts) >= range.oldest);
  // The emulator delivers no event here: nothing tells the server's cache.
  post(stack, memberOf(stack, general, 1), {
    channel: general.conversation.id,
    thread_ts: parent,
    text: "A late answer",
  });
  clock.offsetMs += 61_000;
  const second = await call(client, "slack_analyze_conversation", { channel_id: "#general" });
  assertAnswered(second, "slack_analyze_conversation");
  assert.equal(
    second.structuredContent!.volume.human_replies,
    first.structuredContent!.volume.human_replies + 1,
  );
  const now2 = second.structuredContent!.range;
  assert.equal(
    second.structuredContent!.volume.human,
    handCount(general, now2.oldest, now2.latest).human,
  );
});

/** The Slack requests our server sends: when each started, and which are still under way. */
function watchFetch() {
  const pending = new Set<Promise<Response>>();
  const starts: { method: string; at: number }[] = [];
  const watched: typeof fetch = (input, init) => {
    if (init?.signal?.aborted) return Promise.reject(init.signal.reason);
    const response = fetch(input, init);
    starts.push({ method: String(input).split("/").at(-1)!, at: performance.now() });
    pending.add(response);
    response.then(() => pending.delete(response), () => pending.delete(response));
    return response;
  };
  /** Waits a little, then checks that nothing runs on or started after `since`. */
  async function assertQuietSince(since: number) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(pending.size, 0, "every Slack call was aborted");
    assert.ok(starts.every((s) => s.at < since), "no Slack call started afterwards");
  }
  return { fetch: watched, starts, assertQuietSince };
}

Deno.test("a cancelled analysis aborts its thread reads: none runs on, none starts after", async () => {
  const watch = watchFetch();
  await using stack = await startStack({ now: Date.now(), overrides: { fetch: watch.fetch } });
  stack.emulator.failNext("conversations.replies", { delayMs: 20_000, times: 100 });
  const client = await stack.connect();
  const controller = new AbortController();
  const running = client.callTool(
    { name: "slack_analyze_conversation", arguments: { channel_id: "#engineering" } },
    { signal: controller.signal },
  );
  while (!watch.starts.some((s) => s.method === "conversations.replies")) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  controller.abort(new Error("cancelled by the test"));
  await assert.rejects(running);
  await watch.assertQuietSince(performance.now());
});

Deno.test("a failed analysis leaves no thread read running", async () => {
  const watch = watchFetch();
  await using stack = await startStack({ now: Date.now(), overrides: { fetch: watch.fetch } });
  // One thread read fails for good; the others hang until aborted.
  stack.emulator.failNext("conversations.replies", {
    error: "missing_scope",
    extra: { needed: "channels:history" },
  });
  stack.emulator.failNext("conversations.replies", { delayMs: 20_000, times: 100 });
  const client = await stack.connect();
  const result = await call(client, "slack_analyze_conversation", { channel_id: "#engineering" });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /missing_scope/);
  await watch.assertQuietSince(performance.now());
});
