import assert from "node:assert/strict";
import { z } from "zod";
import type { SlackMessage } from "../slack/types.ts";
import {
  analyzeConversation,
  type ConversationInput,
  conversationMetricsSchema,
  formatConversationSummary,
} from "./conversation.ts";

const names = new Map([
  ["U1", "Ana"],
  ["U2", "Bob"],
  ["U3", "Cy"],
  ["U4", "Dee"],
  ["U5", "ben"],
  ["U9", "Bob"],
]);

/** Unix seconds of an ISO instant. */
function at(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** A message at an ISO instant; `ts` keeps Slack's `seconds.micros` shape. */
function msg(
  iso: string,
  user: string | undefined,
  extra: Partial<SlackMessage> = {},
): SlackMessage {
  return { type: "message", ts: `${at(iso)}.000100`, user, text: "hi", ...extra };
}

/** A reply in the thread of `parent`. */
function reply(parent: SlackMessage, iso: string, user: string, extra: Partial<SlackMessage> = {}) {
  return msg(iso, user, { thread_ts: parent.ts, ...extra });
}

function analyze(input: Partial<ConversationInput> & Pick<ConversationInput, "messages">) {
  return analyzeConversation({
    channelId: "C1",
    replies: new Map(),
    range: { oldest: at("2024-05-01T00:00:00Z"), latest: at("2024-05-01T23:59:59Z") },
    userNames: names,
    ...input,
  });
}

/** Non-empty hour buckets as `{ hour: count }`, to keep expectations readable. */
function hours(perHour: number[]): Record<number, number> {
  return Object.fromEntries(perHour.flatMap((count, hour) => count > 0 ? [[hour, count]] : []));
}

const zeroHours = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

Deno.test("an empty channel lists every day of the range with zero figures", () => {
  const m = analyze({
    messages: [],
    range: { oldest: at("2024-05-01T00:00:00Z"), latest: at("2024-05-02T23:59:59Z") },
  });
  assert.deepEqual(m, {
    channelId: "C1",
    range: { oldest: 1714521600, latest: 1714694399, timezone: "UTC", days: 2 },
    truncated: false,
    truncatedReason: null,
    volume: {
      total: 0,
      topLevel: 0,
      replies: 0,
      human: 0,
      humanReplies: 0,
      bot: 0,
      system: 0,
      perDay: [{ date: "2024-05-01", messages: 0 }, { date: "2024-05-02", messages: 0 }],
      perHour: zeroHours,
      busiestDay: null,
      busiestHours: [],
    },
    participantCount: 0,
    participants: [],
    threads: {
      count: 0,
      meanReplies: 0,
      medianReplies: 0,
      replyRatio: 0,
      medianFirstReplySeconds: null,
    },
    reactions: { total: 0, perMessage: 0, topEmoji: [] },
    topMessages: [],
  });
});

Deno.test("one message fills its day, its hour and one participant", () => {
  const m = analyze({ messages: [msg("2024-05-01T09:15:00Z", "U1")] });
  assert.deepEqual(m.volume, {
    total: 1,
    topLevel: 1,
    replies: 0,
    human: 1,
    humanReplies: 0,
    bot: 0,
    system: 0,
    perDay: [{ date: "2024-05-01", messages: 1 }],
    perHour: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    busiestDay: { date: "2024-05-01", messages: 1 },
    busiestHours: [{ hour: 9, messages: 1 }],
  });
  assert.deepEqual(m.participants, [
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 0,
      reactionsReceived: 0,
    },
  ]);
  assert.equal(m.participantCount, 1);
  assert.deepEqual(m.threads, {
    count: 0,
    meanReplies: 0,
    medianReplies: 0,
    replyRatio: 0,
    medianFirstReplySeconds: null,
  });
  assert.deepEqual(m.topMessages, []);
});

Deno.test("an edited message counts once and deleted placeholders do not count", () => {
  const original = msg("2024-05-01T10:00:00Z", "U1", { text: "helo" });
  const edited = {
    ...original,
    text: "hello",
    edited: { user: "U1", ts: `${at("2024-05-01T10:01:00Z")}.000000` },
  };
  const deleted = msg("2024-05-01T10:05:00Z", undefined, { subtype: "message_deleted" });
  const tombstone = msg("2024-05-01T10:10:00Z", "USLACKBOT", {
    subtype: "tombstone",
    reply_count: 2,
  });
  const m = analyze({
    messages: [edited, deleted, tombstone, original],
    replies: new Map([[tombstone.ts, [
      reply(tombstone, "2024-05-01T10:20:00Z", "U2"),
      reply(tombstone, "2024-05-01T10:30:00Z", "U3"),
    ]]]),
  });
  assert.deepEqual(
    [m.volume.total, m.volume.topLevel, m.volume.replies, m.volume.human, m.volume.system],
    [3, 1, 2, 3, 0],
  );
  // The deleted parent's surviving replies count, but there is no thread to credit.
  assert.equal(m.threads.count, 0);
  assert.equal(m.threads.replyRatio, 0);
  assert.deepEqual(m.participants.map((p) => [p.id, p.messages]), [["U1", 1], ["U2", 1], [
    "U3",
    1,
  ]]);
});

Deno.test("bot messages are counted apart and left out of engagement", () => {
  const post = msg("2024-05-01T09:00:00Z", "U1", {
    reactions: [{ name: "+1", count: 2, users: ["U2", "U3"] }],
  });
  const botPost = msg("2024-05-01T09:05:00Z", undefined, {
    subtype: "bot_message",
    bot_id: "B1",
    username: "deploybot",
    reactions: [{ name: "eyes", count: 1, users: ["U2"] }],
  });
  const appPost = msg("2024-05-01T09:10:00Z", "UBOT", { bot_id: "B2" });
  const m = analyze({
    messages: [post, botPost, appPost],
    replies: new Map([
      [post.ts, [reply(post, "2024-05-01T09:20:00Z", "UBOT", { bot_id: "B2" })]],
      [botPost.ts, [reply(botPost, "2024-05-01T09:30:00Z", "U2")]],
    ]),
  });
  assert.deepEqual(
    [m.volume.total, m.volume.topLevel, m.volume.replies, m.volume.human, m.volume.humanReplies],
    [5, 3, 2, 2, 1],
  );
  assert.deepEqual([m.volume.bot, m.volume.system], [3, 0]);
  assert.deepEqual(hours(m.volume.perHour), { 9: 2 });
  // A bot's reply does not make a thread; a human reply to a bot post is no human thread.
  assert.equal(m.threads.count, 0);
  assert.equal(m.threads.replyRatio, 0);
  assert.deepEqual(m.reactions, { total: 2, perMessage: 1, topEmoji: [{ name: "+1", count: 2 }] });
  assert.equal(m.participantCount, 3);
  assert.deepEqual(m.participants, [
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 0,
      reactionsReceived: 2,
    },
    {
      id: "U2",
      name: "Bob",
      messages: 1,
      topLevel: 0,
      replies: 1,
      reactionsGiven: 1,
      reactionsReceived: 0,
    },
    {
      id: "U3",
      name: "Cy",
      messages: 0,
      topLevel: 0,
      replies: 0,
      reactionsGiven: 1,
      reactionsReceived: 0,
    },
  ]);
  assert.deepEqual(m.topMessages.map((t) => [t.userId, t.replies, t.reactions]), [["U1", 0, 2]]);
});

Deno.test("system subtypes such as joins and topic changes are counted apart", () => {
  const m = analyze({
    messages: [
      msg("2024-05-01T08:00:00Z", "U4", { subtype: "channel_join" }),
      msg("2024-05-01T08:30:00Z", "U1", { subtype: "channel_topic" }),
      msg("2024-05-01T08:40:00Z", "U5", { subtype: "channel_leave" }),
      msg("2024-05-01T09:00:00Z", "U1", { subtype: "me_message" }),
    ],
  });
  assert.deepEqual(
    [m.volume.total, m.volume.topLevel, m.volume.human, m.volume.bot, m.volume.system],
    [4, 4, 1, 0, 3],
  );
  assert.deepEqual(hours(m.volume.perHour), { 9: 1 });
  assert.deepEqual(m.participants.map((p) => p.id), ["U1"]);
  assert.equal(m.threads.replyRatio, 0);
});

Deno.test("a thread broadcast counts once, as a reply, whether or not its thread was fetched", () => {
  const question = msg("2024-05-01T10:00:00Z", "U1");
  const answer = reply(question, "2024-05-01T10:05:00Z", "U2");
  const broadcast = reply(question, "2024-05-01T10:10:00Z", "U3", {
    subtype: "thread_broadcast",
    reactions: [{ name: "tada", count: 1, users: ["U1"] }],
  });
  const unfetched = msg("2024-05-01T11:00:00Z", "U4");
  const lateBroadcast = reply(unfetched, "2024-05-01T11:30:00Z", "U2", {
    subtype: "thread_broadcast",
  });
  const m = analyze({
    messages: [broadcast, question, unfetched, lateBroadcast],
    replies: new Map([[question.ts, [question, answer, broadcast]]]),
  });
  assert.deepEqual(
    [m.volume.total, m.volume.topLevel, m.volume.replies, m.volume.human, m.volume.humanReplies],
    [5, 2, 3, 5, 3],
  );
  assert.deepEqual(m.threads, {
    count: 2,
    meanReplies: 1.5,
    medianReplies: 1.5,
    replyRatio: 1,
    medianFirstReplySeconds: 1050,
  });
  assert.deepEqual(m.reactions, {
    total: 1,
    perMessage: 0.2,
    topEmoji: [{ name: "tada", count: 1 }],
  });
  assert.deepEqual(m.participants, [
    {
      id: "U2",
      name: "Bob",
      messages: 2,
      topLevel: 0,
      replies: 2,
      reactionsGiven: 0,
      reactionsReceived: 0,
    },
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 1,
      reactionsReceived: 0,
    },
    {
      id: "U3",
      name: "Cy",
      messages: 1,
      topLevel: 0,
      replies: 1,
      reactionsGiven: 0,
      reactionsReceived: 1,
    },
    {
      id: "U4",
      name: "Dee",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 0,
      reactionsReceived: 0,
    },
  ]);
  assert.deepEqual(
    m.topMessages.map((t) => [t.ts, t.threadTs, t.replies, t.reactions]),
    [[question.ts, undefined, 2, 0], [broadcast.ts, question.ts, 0, 1], [
      unfetched.ts,
      undefined,
      1,
      0,
    ]],
  );
});

Deno.test("replies outside the range are not counted but still answer threads of the range", () => {
  const before = msg("2024-04-30T23:00:00Z", "U1");
  const post = msg("2024-05-01T23:00:00Z", "U1");
  const m = analyze({
    messages: [post],
    replies: new Map([
      [before.ts, [
        reply(before, "2024-05-01T00:30:00Z", "U2"),
        reply(before, "2024-04-30T23:30:00Z", "U3"),
      ]],
      [post.ts, [
        reply(post, "2024-05-01T23:10:00Z", "U1"),
        reply(post, "2024-05-02T01:00:00Z", "U2"),
      ]],
    ]),
  });
  assert.deepEqual(
    [m.volume.total, m.volume.topLevel, m.volume.replies, m.volume.human, m.volume.humanReplies],
    [3, 1, 2, 3, 2],
  );
  assert.deepEqual(m.volume.perDay, [{ date: "2024-05-01", messages: 3 }]);
  assert.deepEqual(hours(m.volume.perHour), { 0: 1, 23: 2 });
  // The author's own reply is not a first reply: U2 answered two hours later.
  assert.deepEqual(m.threads, {
    count: 1,
    meanReplies: 2,
    medianReplies: 2,
    replyRatio: 1,
    medianFirstReplySeconds: 7200,
  });
  assert.deepEqual(m.participants.map((p) => [p.id, p.topLevel, p.replies]), [["U1", 1, 1], [
    "U2",
    0,
    1,
  ]]);
  assert.deepEqual(m.topMessages.map((t) => [t.ts, t.replies]), [[post.ts, 2]]);
});

Deno.test("days and hours follow the timezone across a DST start and a half-hour offset", () => {
  const messages = [
    msg("2024-03-09T18:29:00Z", "U1"),
    msg("2024-03-09T19:00:00Z", "U1"),
    msg("2024-03-10T03:00:00Z", "U1"),
    msg("2024-03-10T06:30:00Z", "U1"), // New York 01:30 EST
    msg("2024-03-10T07:30:00Z", "U1"), // New York 03:30 EDT: 02:xx never happened
  ];
  const range = { oldest: at("2024-03-09T00:00:00Z"), latest: at("2024-03-10T23:59:59Z") };
  const utc = analyze({ messages, range, timezone: "UTC" });
  assert.deepEqual(utc.volume.perDay, [
    { date: "2024-03-09", messages: 2 },
    { date: "2024-03-10", messages: 3 },
  ]);
  assert.deepEqual(hours(utc.volume.perHour), { 3: 1, 6: 1, 7: 1, 18: 1, 19: 1 });

  const newYork = analyze({ messages, range, timezone: "America/New_York" });
  assert.deepEqual(newYork.volume.perDay, [
    { date: "2024-03-08", messages: 0 },
    { date: "2024-03-09", messages: 3 },
    { date: "2024-03-10", messages: 2 },
  ]);
  assert.deepEqual(hours(newYork.volume.perHour), { 1: 1, 3: 1, 13: 1, 14: 1, 22: 1 });
  assert.deepEqual(newYork.volume.busiestDay, { date: "2024-03-09", messages: 3 });
  assert.equal(newYork.range.days, 3);

  const kolkata = analyze({ messages, range, timezone: "Asia/Kolkata" });
  assert.deepEqual(kolkata.volume.perDay, [
    { date: "2024-03-09", messages: 1 },
    { date: "2024-03-10", messages: 4 },
    { date: "2024-03-11", messages: 0 },
  ]);
  assert.deepEqual(hours(kolkata.volume.perHour), { 0: 1, 8: 1, 12: 1, 13: 1, 23: 1 });
});

Deno.test("the repeated hour of a DST end falls in one bucket", () => {
  const m = analyze({
    messages: [msg("2024-11-03T05:30:00Z", "U1"), msg("2024-11-03T06:30:00Z", "U2")],
    range: { oldest: at("2024-11-03T00:00:00Z"), latest: at("2024-11-03T23:59:59Z") },
    timezone: "America/New_York",
  });
  assert.deepEqual(m.volume.perDay, [
    { date: "2024-11-02", messages: 0 },
    { date: "2024-11-03", messages: 2 },
  ]);
  assert.deepEqual(m.volume.busiestHours, [{ hour: 1, messages: 2 }]);
});

Deno.test("a DST change in the middle of a UTC hour splits that hour correctly", () => {
  // St. John's moves from -03:30 to -02:30 at 05:30 UTC on 2024-03-10.
  const m = analyze({
    messages: [msg("2024-03-10T05:15:00Z", "U1"), msg("2024-03-10T05:45:00Z", "U1")],
    range: { oldest: at("2024-03-10T04:00:00Z"), latest: at("2024-03-10T06:00:00Z") },
    timezone: "America/St_Johns",
  });
  assert.deepEqual(hours(m.volume.perHour), { 1: 1, 3: 1 });
});

Deno.test("ties rank participants by name then id, hours by hour and messages by time", () => {
  const m = analyze({
    messages: [
      msg("2024-05-01T15:00:00Z", "U3", { reactions: [{ name: "+1", count: 1, users: ["U5"] }] }),
      msg("2024-05-01T20:30:00Z", "U2"),
      msg("2024-05-01T20:00:00Z", "U9", {
        reactions: [
          { name: "eyes", count: 1, users: ["U1"] },
          { name: "+1::skin-tone-3", count: 1, users: ["U2"] },
        ],
      }),
      msg("2024-05-01T12:00:00Z", "U1", { reactions: [{ name: "tada", count: 1, users: ["U3"] }] }),
      msg("2024-05-01T09:00:00Z", "U5"),
    ],
  });
  assert.deepEqual(m.participants, [
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 1,
      reactionsReceived: 1,
    },
    {
      id: "U5",
      name: "ben",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 1,
      reactionsReceived: 0,
    },
    {
      id: "U2",
      name: "Bob",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 1,
      reactionsReceived: 0,
    },
    {
      id: "U9",
      name: "Bob",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 0,
      reactionsReceived: 2,
    },
    {
      id: "U3",
      name: "Cy",
      messages: 1,
      topLevel: 1,
      replies: 0,
      reactionsGiven: 1,
      reactionsReceived: 1,
    },
  ]);
  assert.deepEqual(m.volume.busiestHours, [
    { hour: 20, messages: 2 },
    { hour: 9, messages: 1 },
    { hour: 12, messages: 1 },
  ]);
  assert.deepEqual(m.topMessages.map((t) => [t.userId, t.reactions]), [["U9", 2], ["U1", 1], [
    "U3",
    1,
  ]]);
  assert.deepEqual(m.reactions, {
    total: 4,
    perMessage: 0.8,
    topEmoji: [{ name: "+1", count: 2 }, { name: "eyes", count: 1 }, { name: "tada", count: 1 }],
  });

  const short = analyze({ messages: [msg("2024-05-01T15:00:00Z", "U3")], topN: 0 });
  assert.deepEqual([short.participantCount, short.participants], [1, []]);
});

Deno.test("topN caps the ranked lists but not the participant count", () => {
  const m = analyze({
    messages: [
      msg("2024-05-01T10:00:00Z", "U1", { reactions: [{ name: "a", count: 1, users: ["U2"] }] }),
      msg("2024-05-01T11:00:00Z", "U2", {
        reactions: [{ name: "b", count: 2, users: ["U1", "U3"] }],
      }),
      msg("2024-05-01T12:00:00Z", "U3", {
        reactions: [{ name: "c", count: 3, users: ["U1", "U2", "U4"] }],
      }),
    ],
    topN: 2,
  });
  assert.equal(m.participantCount, 4);
  assert.deepEqual(m.participants.map((p) => p.id), ["U1", "U2"]);
  assert.deepEqual(m.reactions.topEmoji, [{ name: "c", count: 3 }, { name: "b", count: 2 }]);
  assert.deepEqual(m.topMessages.map((t) => t.userId), ["U3", "U2"]);
});

Deno.test("the busiest day is the earliest of equally busy days", () => {
  const m = analyze({
    messages: [msg("2024-05-02T10:00:00Z", "U1"), msg("2024-05-01T10:00:00Z", "U1")],
    range: { oldest: at("2024-05-01T00:00:00Z"), latest: at("2024-05-02T23:59:59Z") },
  });
  assert.deepEqual(m.volume.busiestDay, { date: "2024-05-01", messages: 1 });
});

function threadFixture(): ConversationInput {
  const p1 = msg("2024-05-01T09:00:00Z", "U1", { text: `  Deploy\n\nplan ${"a".repeat(250)}` });
  const p2 = msg("2024-05-01T10:00:00Z", "U2");
  const p3 = msg("2024-05-01T11:00:00Z", "U3");
  const p4 = msg("2024-05-01T12:00:00Z", "U1", { text: "Lunch?" });
  return {
    channelId: "C1",
    messages: [p4, p3, p2, p1],
    replies: new Map([
      [p1.ts, [
        reply(p1, "2024-05-01T09:01:00Z", "U1"),
        reply(p1, "2024-05-01T09:10:00Z", "U3"),
        reply(p1, "2024-05-01T09:05:00Z", "U2"),
      ]],
      [p2.ts, [reply(p2, "2024-05-01T10:30:00Z", "U2")]],
      [p4.ts, [reply(p4, "2024-05-01T12:10:00Z", "U1"), reply(p4, "2024-05-01T12:00:45Z", "U3")]],
    ]),
    range: { oldest: at("2024-05-01T00:00:00Z"), latest: at("2024-05-01T23:59:59Z") },
    userNames: names,
    permalink: (ts) => `https://acme.slack.com/archives/C1/p${ts.replace(".", "")}`,
  };
}

Deno.test("thread figures use human replies and the first reply by someone else", () => {
  const m = analyzeConversation(threadFixture());
  assert.deepEqual(
    [m.volume.total, m.volume.topLevel, m.volume.replies, m.volume.humanReplies],
    [10, 4, 6, 6],
  );
  // Delays to a first reply by another user: 300 s (P1) and 45 s (P4); P2 only has a self-reply.
  assert.deepEqual(m.threads, {
    count: 3,
    meanReplies: 2,
    medianReplies: 2,
    replyRatio: 0.75,
    medianFirstReplySeconds: 173,
  });
  assert.deepEqual(m.topMessages.map((t) => [t.userName, t.replies]), [["Ana", 3], ["Ana", 2], [
    "Bob",
    1,
  ]]);
  const [top] = m.topMessages;
  assert.equal(top.permalink, "https://acme.slack.com/archives/C1/p1714554000000100");
  assert.equal(top.text.length, 200);
  assert.ok(top.text.startsWith("Deploy plan aaa"));
  assert.ok(top.text.endsWith("a…"));
  assert.equal(m.topMessages[1].text, "Lunch?");
});

Deno.test("the summary quotes the key figures in a few lines", () => {
  const summary = formatConversationSummary(
    analyzeConversation({
      ...threadFixture(),
      truncated: { reason: "Stopped after 1000 messages" },
    }),
  );
  assert.equal(
    summary,
    [
      "Channel C1, 2024-05-01 to 2024-05-01 (UTC, 1 day)",
      "Messages: 10: 10 human (4 posts, 6 replies), 0 bot, 0 system",
      "Busiest day: 2024-05-01 (10); busiest hours: 09:00 (4), 12:00 (3), 10:00 (2)",
      "Participants: 3; most active: Ana 4, Bob 3, Cy 3",
      "Threads: 3 (75% of posts answered), replies per thread mean 2, median 2; " +
      "median first reply 2m 53s",
      "Reactions: 0 (0 per message)",
      `Top: Ana "Deploy plan ${"a".repeat(47)}…" (3 replies, 0 reactions) ` +
      "https://acme.slack.com/archives/C1/p1714554000000100",
      'Top: Ana "Lunch?" (2 replies, 0 reactions) https://acme.slack.com/archives/C1/p1714564800000100',
      'Top: Bob "hi" (1 reply, 0 reactions) https://acme.slack.com/archives/C1/p1714557600000100',
      "Truncated: Stopped after 1000 messages",
    ].join("\n"),
  );
});

Deno.test("the caller's truncation reason is passed through", () => {
  const m = analyze({ messages: [], truncated: { reason: "Hit the 5000 message cap" } });
  assert.deepEqual([m.truncated, m.truncatedReason], [true, "Hit the 5000 message cap"]);
});

Deno.test("bad timezones, ranges and topN are rejected naming the value", () => {
  assert.throws(() => analyze({ messages: [], timezone: "Mars/Olympus" }), {
    name: "RangeError",
    message: 'Unknown timezone "Mars/Olympus"',
  });
  assert.throws(() => analyze({ messages: [], range: { oldest: 20, latest: 10 } }), {
    name: "RangeError",
    message: "Range oldest 20 must not be after latest 10",
  });
  assert.throws(() => analyze({ messages: [], topN: 1.5 }), {
    name: "RangeError",
    message: "topN must be a non-negative integer, got 1.5",
  });
});

Deno.test("metrics satisfy their schema, which converts to JSON Schema", () => {
  const m = analyzeConversation(threadFixture());
  assert.deepEqual(conversationMetricsSchema.parse(m), m);
  const json = z.toJSONSchema(conversationMetricsSchema) as { type: string; required: string[] };
  assert.equal(json.type, "object");
  assert.ok(json.required.includes("volume") && json.required.includes("topMessages"));
});
