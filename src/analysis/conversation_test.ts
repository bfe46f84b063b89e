import assert from "node:assert/strict";
import { z } from "zod";
import {
  analyzeConversation,
  type AnalyzedMessage,
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

/** Message fields as Slack sends them, including some the analysis ignores. */
type Extra = Partial<AnalyzedMessage> & Record<string, unknown>;

/** A message at an ISO instant; `ts` keeps Slack's `seconds.micros` shape. */
function msg(iso: string, user: string | undefined, extra: Extra = {}): AnalyzedMessage {
  return {
    type: "message",
    ts: `${at(iso)}.000100`,
    user,
    text: "hi",
    ...extra,
  } as AnalyzedMessage;
}

/** A reply in the thread of `parent`. */
function reply(parent: AnalyzedMessage, iso: string, user: string, extra: Extra = {}) {
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
function hours(per_hour: number[]): Record<number, number> {
  return Object.fromEntries(per_hour.flatMap((count, hour) => count > 0 ? [[hour, count]] : []));
}

const zeroHours = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const zeroWeek = Array.from({ length: 7 }, () => zeroHours);

/** Non-empty weekday × hour cells as `"Mon 09": count`. */
function cells(perWeekdayHour: number[][]): Record<string, number> {
  const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  return Object.fromEntries(
    perWeekdayHour.flatMap((row, day) =>
      row.flatMap((count, hour) =>
        count > 0 ? [[`${days[day]} ${String(hour).padStart(2, "0")}`, count]] : []
      )
    ),
  );
}

Deno.test("an empty channel lists every day of the range with zero figures", () => {
  const m = analyze({
    messages: [],
    range: { oldest: at("2024-05-01T00:00:00Z"), latest: at("2024-05-02T23:59:59Z") },
  });
  assert.deepEqual(m, {
    channel_id: "C1",
    range: { oldest: 1714521600, latest: 1714694399, timezone: "UTC", days: 2 },
    truncated: false,
    truncated_reason: null,
    estimated: [],
    partial: null,
    volume: {
      total: 0,
      top_level: 0,
      replies: 0,
      human: 0,
      human_replies: 0,
      bot: 0,
      system: 0,
      per_day: [{ date: "2024-05-01", messages: 0 }, { date: "2024-05-02", messages: 0 }],
      per_hour: zeroHours,
      per_weekday_hour: zeroWeek,
      busiest_day: null,
      busiest_hours: [],
    },
    participant_count: 0,
    participants: [],
    threads: {
      count: 0,
      mean_replies: 0,
      median_replies: 0,
      reply_ratio: 0,
      median_first_reply_seconds: null,
      unread: 0,
    },
    reactions: { total: 0, per_message: 0, top_emoji: [] },
    top_messages: [],
  });
});

Deno.test("one message fills its day, its hour and one participant", () => {
  const m = analyze({ messages: [msg("2024-05-01T09:15:00Z", "U1")] });
  assert.deepEqual(m.volume, {
    total: 1,
    top_level: 1,
    replies: 0,
    human: 1,
    human_replies: 0,
    bot: 0,
    system: 0,
    per_day: [{ date: "2024-05-01", messages: 1 }],
    per_hour: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    // 2024-05-01 was a Wednesday.
    per_weekday_hour: zeroWeek.map((row, day) => day === 2 ? row.with(9, 1) : row),
    busiest_day: { date: "2024-05-01", messages: 1 },
    busiest_hours: [{ hour: 9, messages: 1 }],
  });
  assert.deepEqual(m.participants, [
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 0,
      reactions_received: 0,
    },
  ]);
  assert.equal(m.participant_count, 1);
  assert.deepEqual(m.threads, {
    count: 0,
    mean_replies: 0,
    median_replies: 0,
    reply_ratio: 0,
    median_first_reply_seconds: null,
    unread: 0,
  });
  assert.deepEqual(m.top_messages, []);
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
    [m.volume.total, m.volume.top_level, m.volume.replies, m.volume.human, m.volume.system],
    [3, 1, 2, 3, 0],
  );
  // The deleted parent's surviving replies count, but there is no thread to credit.
  assert.equal(m.threads.count, 0);
  assert.equal(m.threads.reply_ratio, 0);
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
    [m.volume.total, m.volume.top_level, m.volume.replies, m.volume.human, m.volume.human_replies],
    [5, 3, 2, 2, 1],
  );
  assert.deepEqual([m.volume.bot, m.volume.system], [3, 0]);
  assert.deepEqual(hours(m.volume.per_hour), { 9: 2 });
  // A bot's reply does not make a thread; a human reply to a bot post is no human thread.
  assert.equal(m.threads.count, 0);
  assert.equal(m.threads.reply_ratio, 0);
  assert.deepEqual(m.reactions, {
    total: 2,
    per_message: 1,
    top_emoji: [{ name: "+1", count: 2 }],
  });
  assert.equal(m.participant_count, 3);
  assert.deepEqual(m.participants, [
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 0,
      reactions_received: 2,
    },
    {
      id: "U2",
      name: "Bob",
      messages: 1,
      top_level: 0,
      replies: 1,
      reactions_given: 1,
      reactions_received: 0,
    },
    {
      id: "U3",
      name: "Cy",
      messages: 0,
      top_level: 0,
      replies: 0,
      reactions_given: 1,
      reactions_received: 0,
    },
  ]);
  assert.deepEqual(m.top_messages.map((t) => [t.user_id, t.replies, t.reactions]), [["U1", 0, 2]]);
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
    [m.volume.total, m.volume.top_level, m.volume.human, m.volume.bot, m.volume.system],
    [4, 4, 1, 0, 3],
  );
  assert.deepEqual(hours(m.volume.per_hour), { 9: 1 });
  assert.deepEqual(m.participants.map((p) => p.id), ["U1"]);
  assert.equal(m.threads.reply_ratio, 0);
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
    [m.volume.total, m.volume.top_level, m.volume.replies, m.volume.human, m.volume.human_replies],
    [5, 2, 3, 5, 3],
  );
  assert.deepEqual(m.threads, {
    count: 2,
    mean_replies: 1.5,
    median_replies: 1.5,
    reply_ratio: 1,
    median_first_reply_seconds: 1050,
    unread: 0,
  });
  assert.deepEqual(m.reactions, {
    total: 1,
    per_message: 0.2,
    top_emoji: [{ name: "tada", count: 1 }],
  });
  assert.deepEqual(m.participants, [
    {
      id: "U2",
      name: "Bob",
      messages: 2,
      top_level: 0,
      replies: 2,
      reactions_given: 0,
      reactions_received: 0,
    },
    {
      id: "U1",
      name: "Ana",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 1,
      reactions_received: 0,
    },
    {
      id: "U3",
      name: "Cy",
      messages: 1,
      top_level: 0,
      replies: 1,
      reactions_given: 0,
      reactions_received: 1,
    },
    {
      id: "U4",
      name: "Dee",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 0,
      reactions_received: 0,
    },
  ]);
  assert.deepEqual(
    m.top_messages.map((t) => [t.ts, t.thread_ts, t.replies, t.reactions]),
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
    [m.volume.total, m.volume.top_level, m.volume.replies, m.volume.human, m.volume.human_replies],
    [3, 1, 2, 3, 2],
  );
  assert.deepEqual(m.volume.per_day, [{ date: "2024-05-01", messages: 3 }]);
  assert.deepEqual(hours(m.volume.per_hour), { 0: 1, 23: 2 });
  // The author's own reply is not a first reply: U2 answered two hours later.
  assert.deepEqual(m.threads, {
    count: 1,
    mean_replies: 2,
    median_replies: 2,
    reply_ratio: 1,
    median_first_reply_seconds: 7200,
    unread: 0,
  });
  assert.deepEqual(m.participants.map((p) => [p.id, p.top_level, p.replies]), [["U1", 1, 1], [
    "U2",
    0,
    1,
  ]]);
  assert.deepEqual(m.top_messages.map((t) => [t.ts, t.replies]), [[post.ts, 2]]);
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
  assert.deepEqual(utc.volume.per_day, [
    { date: "2024-03-09", messages: 2 },
    { date: "2024-03-10", messages: 3 },
  ]);
  assert.deepEqual(hours(utc.volume.per_hour), { 3: 1, 6: 1, 7: 1, 18: 1, 19: 1 });

  const newYork = analyze({ messages, range, timezone: "America/New_York" });
  assert.deepEqual(newYork.volume.per_day, [
    { date: "2024-03-08", messages: 0 },
    { date: "2024-03-09", messages: 3 },
    { date: "2024-03-10", messages: 2 },
  ]);
  assert.deepEqual(hours(newYork.volume.per_hour), { 1: 1, 3: 1, 13: 1, 14: 1, 22: 1 });
  assert.deepEqual(newYork.volume.busiest_day, { date: "2024-03-09", messages: 3 });
  assert.equal(newYork.range.days, 3);

  const kolkata = analyze({ messages, range, timezone: "Asia/Kolkata" });
  assert.deepEqual(kolkata.volume.per_day, [
    { date: "2024-03-09", messages: 1 },
    { date: "2024-03-10", messages: 4 },
    { date: "2024-03-11", messages: 0 },
  ]);
  assert.deepEqual(hours(kolkata.volume.per_hour), { 0: 1, 8: 1, 12: 1, 13: 1, 23: 1 });
});

Deno.test("weekday × hour counts match a hand count, Monday first, in the timezone", () => {
  // Sunday 2024-03-03 to Monday 2024-03-11, across New York's DST start on Sunday 03-10.
  const messages = [
    msg("2024-03-03T23:30:00Z", "U1"), // Sun 23 UTC; Sun 18 New York
    msg("2024-03-04T03:10:00Z", "U2"), // Mon 03 UTC; Sun 22 New York
    msg("2024-03-04T14:00:00Z", "U1"), // Mon 14 UTC; Mon 09 New York
    msg("2024-03-04T14:59:00Z", "U3"), // Mon 14 UTC; Mon 09 New York
    msg("2024-03-06T09:00:00Z", "U1"), // Wed 09 UTC; Wed 04 New York
    msg("2024-03-09T17:00:00Z", "U2"), // Sat 17 UTC; Sat 12 New York
    msg("2024-03-10T07:30:00Z", "U2"), // Sun 07 UTC; Sun 03 New York (EDT)
    msg("2024-03-11T13:00:00Z", "U1"), // Mon 13 UTC; Mon 09 New York (EDT)
    msg("2024-03-11T13:05:00Z", undefined, { subtype: "bot_message", bot_id: "B1" }),
    msg("2024-03-11T13:06:00Z", "U4", { subtype: "channel_join" }),
  ];
  const range = { oldest: at("2024-03-03T00:00:00Z"), latest: at("2024-03-11T23:59:59Z") };

  const utc = analyze({ messages, range });
  assert.deepEqual(cells(utc.volume.per_weekday_hour), {
    "Mon 03": 1,
    "Mon 13": 1,
    "Mon 14": 2,
    "Wed 09": 1,
    "Sat 17": 1,
    "Sun 07": 1,
    "Sun 23": 1,
  });

  const newYork = analyze({ messages, range, timezone: "America/New_York" });
  const week = newYork.volume.per_weekday_hour;
  assert.equal(week.length, 7);
  assert.ok(week.every((row) => row.length === 24));
  assert.deepEqual(cells(week), {
    "Mon 09": 3,
    "Wed 04": 1,
    "Sat 12": 1,
    "Sun 03": 1,
    "Sun 18": 1,
    "Sun 22": 1,
  });
  // The same human messages as the hour-of-day counts, spread over weekdays.
  assert.deepEqual(
    newYork.volume.per_hour,
    zeroHours.map((_, hour) => week.reduce((sum, row) => sum + row[hour], 0)),
  );
});

Deno.test("the repeated hour of a DST end falls in one bucket", () => {
  const m = analyze({
    messages: [msg("2024-11-03T05:30:00Z", "U1"), msg("2024-11-03T06:30:00Z", "U2")],
    range: { oldest: at("2024-11-03T00:00:00Z"), latest: at("2024-11-03T23:59:59Z") },
    timezone: "America/New_York",
  });
  assert.deepEqual(m.volume.per_day, [
    { date: "2024-11-02", messages: 0 },
    { date: "2024-11-03", messages: 2 },
  ]);
  assert.deepEqual(m.volume.busiest_hours, [{ hour: 1, messages: 2 }]);
});

Deno.test("a DST change in the middle of a UTC hour splits that hour correctly", () => {
  // St. John's moves from -03:30 to -02:30 at 05:30 UTC on 2024-03-10.
  const m = analyze({
    messages: [msg("2024-03-10T05:15:00Z", "U1"), msg("2024-03-10T05:45:00Z", "U1")],
    range: { oldest: at("2024-03-10T04:00:00Z"), latest: at("2024-03-10T06:00:00Z") },
    timezone: "America/St_Johns",
  });
  assert.deepEqual(hours(m.volume.per_hour), { 1: 1, 3: 1 });
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
      top_level: 1,
      replies: 0,
      reactions_given: 1,
      reactions_received: 1,
    },
    {
      id: "U5",
      name: "ben",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 1,
      reactions_received: 0,
    },
    {
      id: "U2",
      name: "Bob",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 1,
      reactions_received: 0,
    },
    {
      id: "U9",
      name: "Bob",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 0,
      reactions_received: 2,
    },
    {
      id: "U3",
      name: "Cy",
      messages: 1,
      top_level: 1,
      replies: 0,
      reactions_given: 1,
      reactions_received: 1,
    },
  ]);
  assert.deepEqual(m.volume.busiest_hours, [
    { hour: 20, messages: 2 },
    { hour: 9, messages: 1 },
    { hour: 12, messages: 1 },
  ]);
  assert.deepEqual(m.top_messages.map((t) => [t.user_id, t.reactions]), [["U9", 2], ["U1", 1], [
    "U3",
    1,
  ]]);
  assert.deepEqual(m.reactions, {
    total: 4,
    per_message: 0.8,
    top_emoji: [{ name: "+1", count: 2 }, { name: "eyes", count: 1 }, { name: "tada", count: 1 }],
  });

  const short = analyze({ messages: [msg("2024-05-01T15:00:00Z", "U3")], topN: 0 });
  assert.deepEqual([short.participant_count, short.participants], [1, []]);
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
  assert.equal(m.participant_count, 4);
  assert.deepEqual(m.participants.map((p) => p.id), ["U1", "U2"]);
  assert.deepEqual(m.reactions.top_emoji, [{ name: "c", count: 3 }, { name: "b", count: 2 }]);
  assert.deepEqual(m.top_messages.map((t) => t.user_id), ["U3", "U2"]);
});

Deno.test("the busiest day is the earliest of equally busy days", () => {
  const m = analyze({
    messages: [msg("2024-05-02T10:00:00Z", "U1"), msg("2024-05-01T10:00:00Z", "U1")],
    range: { oldest: at("2024-05-01T00:00:00Z"), latest: at("2024-05-02T23:59:59Z") },
  });
  assert.deepEqual(m.volume.busiest_day, { date: "2024-05-01", messages: 1 });
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
    [m.volume.total, m.volume.top_level, m.volume.replies, m.volume.human_replies],
    [10, 4, 6, 6],
  );
  // Delays to a first reply by another user: 300 s (P1) and 45 s (P4); P2 only has a self-reply.
  assert.deepEqual(m.threads, {
    count: 3,
    mean_replies: 2,
    median_replies: 2,
    reply_ratio: 0.75,
    median_first_reply_seconds: 173,
    unread: 0,
  });
  assert.deepEqual(m.top_messages.map((t) => [t.user_name, t.replies]), [["Ana", 3], ["Ana", 2], [
    "Bob",
    1,
  ]]);
  const [top] = m.top_messages;
  assert.equal(top.permalink, "https://acme.slack.com/archives/C1/p1714554000000100");
  assert.equal(top.text.length, 200);
  assert.ok(top.text.startsWith("Deploy plan aaa"));
  assert.ok(top.text.endsWith("a…"));
  assert.equal(m.top_messages[1].text, "Lunch?");
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
  assert.deepEqual([m.truncated, m.truncated_reason], [true, "Hit the 5000 message cap"]);
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
  assert.ok(json.required.includes("volume") && json.required.includes("top_messages"));
});

Deno.test("an unread thread is counted from its parent's reply_count, and marked estimated", () => {
  // P1's thread was read: replies by U2 (5 min) and U3. P2's was not: Slack says 4 replies by
  // U3 and U4, one of them a broadcast already in history.
  const p1 = msg("2024-05-01T09:00:00Z", "U1");
  const p2 = msg("2024-05-01T10:00:00Z", "U2", { reply_count: 4, reply_users: ["U3", "U4"] });
  const broadcast = reply(p2, "2024-05-01T10:20:00Z", "U3", { subtype: "thread_broadcast" });
  const m = analyze({
    messages: [broadcast, p2, p1],
    replies: new Map([[p1.ts, [
      reply(p1, "2024-05-01T09:05:00Z", "U2"),
      reply(p1, "2024-05-01T09:30:00Z", "U3"),
    ]]]),
    unreadThreads: new Set([p2.ts]),
  });
  // Read: 2 posts, the broadcast and 2 replies; estimated: the 3 replies of P2 not in history.
  assert.deepEqual(
    [m.volume.total, m.volume.replies, m.volume.human, m.volume.human_replies],
    [8, 6, 8, 6],
  );
  // Per-hour counts hold only what was read.
  assert.deepEqual(hours(m.volume.per_hour), { 9: 3, 10: 2 });
  assert.deepEqual(m.threads, {
    count: 2,
    mean_replies: 3,
    median_replies: 3,
    reply_ratio: 1,
    median_first_reply_seconds: 300,
    unread: 1,
  });
  // U4 replied only in the unread thread: a participant, not ranked without counts.
  assert.equal(m.participant_count, 4);
  assert.deepEqual(m.participants.map((p) => p.id), ["U2", "U3", "U1"]);
  assert.deepEqual(m.top_messages.map((t) => [t.user_id, t.replies]), [["U2", 4], ["U1", 2]]);
  assert.ok(m.estimated.includes("volume.human_replies"));
  assert.ok(m.estimated.includes("threads.mean_replies"));
  assert.ok(!m.estimated.includes("threads.median_first_reply_seconds"));
});

Deno.test("without unread threads nothing is estimated, whatever reply_count says", () => {
  const parent = msg("2024-05-01T09:00:00Z", "U1", { reply_count: 7 });
  const m = analyze({ messages: [parent] });
  assert.deepEqual([m.volume.total, m.threads.count, m.estimated], [1, 0, []]);
});

Deno.test("a partial note is passed through and ends the summary", () => {
  const m = analyze({
    messages: [msg("2024-05-01T09:00:00Z", "U1")],
    partial: { note: "Replies of 3 of 5 threads not read.", retryAfterSeconds: 42 },
  });
  assert.deepEqual(m.partial, {
    note: "Replies of 3 of 5 threads not read.",
    retry_after_seconds: 42,
  });
  assert.equal(
    formatConversationSummary(m).split("\n").at(-1),
    "Partial: Replies of 3 of 5 threads not read.",
  );
  assert.deepEqual(conversationMetricsSchema.parse(m), m);
});
