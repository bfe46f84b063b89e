import assert from "node:assert/strict";
import {
  asOf,
  formatDays,
  formatInstant,
  formatTime,
  messageDays,
  messageRows,
  namesFor,
  renderDays,
  toLean,
  uniqueNames,
} from "./format.ts";

const ts = (iso: string, micros = "000100") => `${Date.parse(iso) / 1000}.${micros}`;

Deno.test("toLean() keeps what the model needs and drops defaults and repeats", () => {
  const parent = ts("2026-11-25T14:03:00Z");
  assert.deepEqual(
    toLean({
      type: "message",
      ts: parent,
      user: "U1",
      text: "Ship it?",
      thread_ts: parent,
      reply_count: 2,
      reply_users: ["U2"],
      latest_reply: ts("2026-11-25T15:00:00Z"),
      reactions: [{ name: "tada", count: 2, users: ["U2", "U3"] }],
      edited: { user: "U1", ts: parent },
      team: "T1",
    }),
    { ts: parent, user: "U1", text: "Ship it?", replies: 2, reactions: { tada: 2 }, edited: true },
  );
  assert.deepEqual(
    toLean({
      type: "message",
      ts: parent,
      bot_id: "B1",
      subtype: "bot_message",
      text: "",
      files: [{ id: "F1", name: "a.pdf", title: "Plan" }],
    }),
    { ts: parent, user: "B1", text: "", files: [{ id: "F1", name: "Plan" }] },
  );
});

Deno.test("messageDays() groups rows by UTC day, names authors once and resolves mentions", () => {
  const messages = [
    toLean({ type: "message", ts: ts("2026-11-25T23:59:00Z"), user: "U1", text: "hi <@U2>" }),
    toLean({ type: "message", ts: ts("2026-11-26T00:01:00Z"), user: "U2", text: "hello" }),
  ];
  const { days, users } = messageDays(messages, { U1: "ana", U2: "bo" });
  assert.deepEqual(days, [
    { date: "2026-11-25", messages: [[messages[0].ts, "23:59", "ana", "hi @bo"]] },
    { date: "2026-11-26", messages: [[messages[1].ts, "00:01", "bo", "hello"]] },
  ]);
  assert.deepEqual(users, { U1: "ana", U2: "bo" });
  assert.equal(
    formatDays(days),
    `2026-11-25\n${messages[0].ts} 23:59 ana: hi @bo\n2026-11-26\n${
      messages[1].ts
    } 00:01 bo: hello`,
  );
});

Deno.test("two people with the same name are told apart by their IDs", () => {
  const messages = [
    toLean({ type: "message", ts: ts("2026-11-25T10:00:00Z"), user: "U1", text: "a" }),
    toLean({ type: "message", ts: ts("2026-11-25T10:01:00Z"), user: "U2", text: "b" }),
  ];
  const { rows, users } = messageRows(messages, { U1: "Alex", U2: "Alex" });
  assert.deepEqual(rows.map((r) => r[2]), ["Alex (U1)", "Alex (U2)"]);
  assert.deepEqual(users, { U1: "Alex (U1)", U2: "Alex (U2)" });
  assert.equal(rows[0][1], "2026-11-25 10:00", "rows outside day groups carry the full time");
});

Deno.test("details say replies, reactions, files, edits and a thread only where they apply", () => {
  const parent = ts("2026-11-25T10:00:00Z");
  const broadcast = toLean({
    type: "message",
    ts: ts("2026-11-25T10:05:00Z"),
    user: "U1",
    text: "done",
    thread_ts: parent,
    subtype: "thread_broadcast",
    reactions: [{ name: "+1", count: 3, users: [] }, { name: "eyes", count: 1, users: [] }],
  });
  const { days } = messageDays([broadcast], { U1: "ana" });
  assert.deepEqual(days[0].messages[0][4], {
    reactions: { "+1": 3, eyes: 1 },
    thread_ts: parent,
  });
  assert.match(formatDays(days), /done \[:\+1:3 :eyes:1, in thread \d+\.\d+\]$/);
  const inThread = messageDays([broadcast], { U1: "ana" }, { threadTs: parent });
  assert.equal(inThread.days[0].messages[0][4]?.thread_ts, undefined, "the thread is said once");
});

Deno.test("namesFor() names bots by the name on their message and people through the directory", async () => {
  const raw = [
    { type: "message" as const, ts: "1.000001", bot_id: "B1", username: "Deploy Bot", text: "x" },
    { type: "message" as const, ts: "1.000002", user: "U1", text: "<@U2> look" },
  ];
  const asked: string[] = [];
  const names = await namesFor(raw, raw.map(toLean), {
    userNames(ids) {
      asked.push(...ids);
      return Promise.resolve(new Map([...ids].map((id) => [id, id.toLowerCase()])));
    },
  });
  assert.deepEqual(names, { B1: "Deploy Bot", U1: "u1", U2: "u2" });
  assert.deepEqual(asked.sort(), ["U1", "U2"]);
});

Deno.test("asOf() speaks only when the cached value is over a minute old", () => {
  const now = Date.parse("2026-11-25T14:03:30Z");
  assert.deepEqual(asOf(60, now), {});
  assert.deepEqual(asOf(90, now), { as_of: "2026-11-25 14:02:00 UTC" });
  assert.equal(formatTime("1795604400.000100"), "2026-11-25 11:00");
  assert.equal(formatInstant("2026-11-25T14:03:07.123Z"), "2026-11-25 14:03:07 UTC");
});

Deno.test("renderDays() renders a message list once per thread and names, and freezes it", () => {
  const messages = [
    toLean({ type: "message", ts: ts("2026-11-25T10:00:00Z"), user: "U1", text: "a" }),
  ];
  const names = { U1: "ana" };
  const first = renderDays(messages, names);
  assert.equal(renderDays(messages, names), first);
  assert.equal(first.lines, `2026-11-25\n${messages[0].ts} 10:00 ana: a\nUsers: ana U1`);
  assert.ok(Object.isFrozen(first.days[0].messages[0]));
  assert.notEqual(renderDays(messages, { U1: "ana" }), first, "other names render again");
  assert.notEqual(renderDays(messages, names, { threadTs: messages[0].ts }), first);
  assert.notEqual(renderDays([...messages], names), first, "another list renders again");
});

Deno.test("renderDays() freezes its rendering, not the messages it was given", () => {
  const message = toLean({
    type: "message",
    ts: ts("2026-11-25T10:00:00Z"),
    user: "U1",
    text: "a",
    reactions: [{ name: "tada", count: 1, users: ["U2"] }],
    files: [{ id: "F1", name: "a.pdf" }],
  });
  renderDays([message], { U1: "ana" });
  assert.ok(!Object.isFrozen(message.reactions));
  assert.ok(!Object.isFrozen(message.files![0]));
});

Deno.test("uniqueNames() tells apart two people with one name, and falls back to the ID", () => {
  const names: Record<string, string> = { U1: "Alex", U2: "Alex", U3: "Bo" };
  assert.deepEqual(uniqueNames(["U1", "U2", "U3", "U4", "U1"], (id) => names[id]), {
    U1: "Alex (U1)",
    U2: "Alex (U2)",
    U3: "Bo",
    U4: "U4",
  });
});
