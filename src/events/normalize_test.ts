import assert from "node:assert/strict";
import { Ajv } from "ajv";
import {
  type EventEnvelope,
  historyChannel,
  isEventEnvelope,
  normalizeEvent,
} from "./normalize.ts";

const fixtures = new URL("../../tests/fixtures/events/", import.meta.url);
const receivedAt = Date.UTC(2026, 10, 25, 12, 0, 0);
const received_at = "2026-11-25T12:00:00.000Z";

function fixture(name: string): EventEnvelope {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, fixtures)));
}

function normalized(name: string) {
  return normalizeEvent(fixture(name), receivedAt);
}

const eventFixtures = [
  "message",
  "message_thread_broadcast",
  "message_changed",
  "message_deleted",
  "message_bot_message",
  "message_channel_join",
  "app_mention",
  "reaction_added",
  "reaction_removed",
  "member_joined_channel",
  "channel_created",
  "pin_added",
];

Deno.test("every event fixture is a valid envelope by Slack's wrapper schema", () => {
  const schema = JSON.parse(
    Deno.readTextFileSync(new URL("slack_common_event_wrapper_schema.json", fixtures)),
  );
  const validate = new Ajv({ strict: false }).compile(schema);
  for (const name of eventFixtures) {
    const envelope = fixture(name);
    assert.ok(validate(envelope), `${name}: ${JSON.stringify(validate.errors)}`);
    assert.ok(isEventEnvelope(envelope), name);
  }
});

Deno.test("a plain channel message keeps its author, channel, text and ts", () => {
  assert.deepEqual(normalized("message"), {
    event_id: "Ev0MSG00001",
    type: "message",
    user: "U0ALICE01",
    channel: "C0GENERAL",
    text: "Deploy finished, all green",
    ts: "1764072000.000100",
    received_at,
  });
});

Deno.test("a thread broadcast keeps its subtype and thread", () => {
  assert.deepEqual(normalized("message_thread_broadcast"), {
    event_id: "Ev0MSG00002",
    type: "message",
    subtype: "thread_broadcast",
    user: "U0BOB0001",
    channel: "C0GENERAL",
    text: "Also posting this to the channel",
    thread_ts: "1764072000.000100",
    ts: "1764072060.000200",
    received_at,
  });
});

Deno.test("an edit carries the new text, the edited message's author and ts", () => {
  assert.deepEqual(normalized("message_changed"), {
    event_id: "Ev0MSG00003",
    type: "message",
    subtype: "message_changed",
    user: "U0ALICE01",
    channel: "C0GENERAL",
    text: "Deploy finished, all green (v2.4.1)",
    item_ts: "1764072000.000100",
    ts: "1764072120.000300",
    received_at,
  });
});

Deno.test("a deletion names the deleted message's ts and author but not its text", () => {
  assert.deepEqual(normalized("message_deleted"), {
    event_id: "Ev0MSG00004",
    type: "message",
    subtype: "message_deleted",
    user: "U0BOB0001",
    channel: "C0GENERAL",
    item_ts: "1764072060.000200",
    thread_ts: "1764072000.000100",
    ts: "1764072180.000400",
    received_at,
  });
});

Deno.test("a bot message is attributed to its bot id", () => {
  assert.deepEqual(normalized("message_bot_message"), {
    event_id: "Ev0MSG00005",
    type: "message",
    subtype: "bot_message",
    user: "B0CI00001",
    channel: "C0ENGINEER",
    text: "Nightly build #512 passed",
    ts: "1764072240.000500",
    received_at,
  });
});

Deno.test("a channel_join message names who joined", () => {
  assert.deepEqual(normalized("message_channel_join"), {
    event_id: "Ev0MSG00006",
    type: "message",
    subtype: "channel_join",
    user: "U0CAROL01",
    channel: "C0ENGINEER",
    text: "<@U0CAROL01> has joined the channel",
    ts: "1764072300.000600",
    received_at,
  });
});

Deno.test("an app mention keeps its text and thread", () => {
  assert.deepEqual(normalized("app_mention"), {
    event_id: "Ev0MNT00001",
    type: "app_mention",
    user: "U0ALICE01",
    channel: "C0GENERAL",
    text: "<@U0BOT0001> what shipped today?",
    thread_ts: "1764072000.000100",
    ts: "1764072360.000700",
    received_at,
  });
});

Deno.test("reactions take their channel and item ts from the reacted item", () => {
  for (
    const [name, event_id, ts] of [
      ["reaction_added", "Ev0RCT00001", "1764072420.000800"],
      ["reaction_removed", "Ev0RCT00002", "1764072480.000900"],
    ]
  ) {
    assert.deepEqual(normalized(name), {
      event_id,
      type: name,
      user: "U0BOB0001",
      channel: "C0GENERAL",
      reaction: "tada",
      item_ts: "1764072000.000100",
      ts,
      received_at,
    });
  }
});

Deno.test("a member joining a channel names the member and the channel", () => {
  assert.deepEqual(normalized("member_joined_channel"), {
    event_id: "Ev0MJC00001",
    type: "member_joined_channel",
    user: "U0CAROL01",
    channel: "C0ENGINEER",
    ts: "1764072300.000650",
    received_at,
  });
});

Deno.test("a created channel gives its id, creator and name", () => {
  assert.deepEqual(normalized("channel_created"), {
    event_id: "Ev0CHC00001",
    type: "channel_created",
    user: "U0ALICE01",
    channel: "C0LAUNCH01",
    text: "launch-planning",
    ts: "1764072540.001000",
    received_at,
  });
});

Deno.test("an event type without special handling still yields its user, channel and ts", () => {
  assert.deepEqual(normalized("pin_added"), {
    event_id: "Ev0PIN00001",
    type: "pin_added",
    user: "U0ALICE01",
    channel: "C0GENERAL",
    ts: "1764072600.001100",
    received_at,
  });
});

Deno.test("an event without ts or event_ts falls back to the envelope's event_time", () => {
  const envelope: EventEnvelope = {
    type: "event_callback",
    event_id: "Ev0TEAM001",
    event_time: 1764072000,
    event: { type: "team_join", user: { id: "U0DAVE001" } },
  };
  assert.deepEqual(normalizeEvent(envelope, receivedAt), {
    event_id: "Ev0TEAM001",
    type: "team_join",
    user: "U0DAVE001",
    ts: "1764072000.000000",
    received_at,
  });
});

Deno.test("only envelopes with an event id and a typed event are accepted as event callbacks", () => {
  const valid = fixture("message");
  assert.equal(isEventEnvelope(valid), true);
  assert.equal(isEventEnvelope(fixture("url_verification")), false);
  assert.equal(isEventEnvelope({ ...valid, event_id: "" }), false);
  assert.equal(isEventEnvelope({ ...valid, event: null }), false);
  assert.equal(isEventEnvelope({ ...valid, event: { text: "no type" } }), false);
  assert.equal(isEventEnvelope(null), false);
  assert.equal(isEventEnvelope("event_callback"), false);
});

Deno.test("messages and reactions make their channel's history stale, joins and pins do not", () => {
  const stale = eventFixtures.filter((name) => historyChannel(normalized(name)) !== undefined);
  assert.deepEqual(stale, [
    "message",
    "message_thread_broadcast",
    "message_changed",
    "message_deleted",
    "message_bot_message",
    "message_channel_join",
    "app_mention",
    "reaction_added",
    "reaction_removed",
  ]);
});
