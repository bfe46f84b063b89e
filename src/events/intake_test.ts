import assert from "node:assert/strict";
import { createIntake, type IntakeOptions, IntakeRefusedError } from "./intake.ts";
import { createEventStream } from "./event_stream.ts";
import type { SlackEvent } from "./event.ts";
import type { EventEnvelope } from "./normalize.ts";
import { faultyStore } from "../../tests/fixtures/faulty_store.ts";

function envelope(id: string, event: Partial<EventEnvelope["event"]> = {}): EventEnvelope {
  return {
    type: "event_callback",
    event_id: id,
    event_time: 1764072000,
    event: {
      type: "message",
      channel: "C0GENERAL",
      user: "U0ALICE01",
      text: id,
      ts: "1764072000.000100",
      ...event,
    },
  };
}

/** An intake over a real stream, with invalidations recorded and appends that can be held. */
function rig(options: Partial<IntakeOptions> = {}) {
  const { store, failing } = faultyStore();
  const stream = createEventStream({ store });
  const invalidated: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const intake = createIntake({
    store,
    cache: { invalidate: (tag) => Promise.resolve(void invalidated.push(tag)) },
    events: { append: async (event) => (await gate, await stream.append(event)) },
    ...options,
  });
  return {
    intake,
    store,
    failing,
    stream,
    invalidated,
    /** Holds every append until the returned function is called. */
    hold() {
      const { promise, resolve } = Promise.withResolvers<void>();
      gate = promise;
      return resolve;
    },
    ids: async () => (await stream.list({ limit: 1000 })).map((e) => e.event_id),
  };
}

async function refusal(promise: Promise<unknown>): Promise<IntakeRefusedError["reason"]> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof IntakeRefusedError, `expected a refusal, got ${error}`);
  return error.reason;
}

Deno.test("an accepted event is normalised and stored in the stream", async () => {
  const { intake, stream } = rig();
  assert.equal(await intake.accept(envelope("Ev1")), "accepted");
  const latest = await stream.latest();
  assert.equal(latest?.event_id, "Ev1");
  assert.equal(latest?.channel, "C0GENERAL");
  assert.equal(latest?.text, "Ev1");
});

Deno.test("a second copy of an event is acknowledged as a duplicate and stored once", async () => {
  const { intake, ids } = rig();
  assert.equal(await intake.accept(envelope("Ev1")), "accepted");
  assert.equal(await intake.accept(envelope("Ev1")), "duplicate");
  assert.deepEqual(await ids(), ["Ev1"]);
});

Deno.test("a retry that arrives while the first copy is still queued is a duplicate, stored once", async () => {
  const { intake, hold, ids } = rig({ ackWithinMs: 20 });
  const release = hold();
  assert.equal(await intake.accept(envelope("Ev1")), "accepted");
  assert.equal(intake.pending, 1);
  assert.equal(await intake.accept(envelope("Ev1")), "duplicate");
  release();
  assert.equal(await intake.drain(1000), true);
  assert.deepEqual(await ids(), ["Ev1"]);
});

Deno.test("concurrent copies of one event store it once", async () => {
  const { intake, ids } = rig();
  const outcomes = await Promise.all([1, 2, 3, 4].map(() => intake.accept(envelope("Ev1"))));
  assert.deepEqual(outcomes.toSorted(), ["accepted", "duplicate", "duplicate", "duplicate"]);
  assert.deepEqual(await ids(), ["Ev1"]);
});

Deno.test("a full queue refuses new events without marking them seen, so a later retry is stored", async () => {
  const { intake, hold, ids } = rig({ capacity: 2, concurrency: 1, ackWithinMs: 10 });
  const release = hold();
  await intake.accept(envelope("Ev1"));
  await intake.accept(envelope("Ev2"));
  assert.equal(await refusal(intake.accept(envelope("Ev3"))), "busy");
  release();
  while (intake.pending > 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(await intake.accept(envelope("Ev3")), "accepted");
  assert.deepEqual(await ids(), ["Ev1", "Ev2", "Ev3"]);
});

Deno.test("a store that is down when the event arrives refuses it, and the retry is stored once", async () => {
  const { intake, failing, ids } = rig();
  failing.add("setIfAbsent");
  assert.equal(await refusal(intake.accept(envelope("Ev1"))), "unavailable");
  assert.equal(intake.pending, 0);
  failing.clear();
  assert.equal(await intake.accept(envelope("Ev1")), "accepted");
  assert.equal(await intake.accept(envelope("Ev1")), "duplicate");
  assert.deepEqual(await ids(), ["Ev1"]);
});

Deno.test("an event whose append fails is refused and unmarked, so the retry is stored", async () => {
  const { intake, failing, store, ids } = rig();
  failing.add("append");
  assert.equal(await refusal(intake.accept(envelope("Ev1"))), "unavailable");
  assert.equal(await store.get("slack-mcp:seen:Ev1"), null);
  failing.clear();
  assert.equal(await intake.accept(envelope("Ev1")), "accepted");
  assert.deepEqual(await ids(), ["Ev1"]);
});

Deno.test("a retry waiting on a first copy that fails is refused too", async () => {
  const { intake, failing, hold } = rig();
  failing.add("append");
  const release = hold();
  const first = intake.accept(envelope("Ev1"));
  const retry = intake.accept(envelope("Ev1"));
  release();
  assert.equal(await refusal(first), "unavailable");
  assert.equal(await refusal(retry), "unavailable");
});

Deno.test("a message drops its channel's cached history before listeners hear of it", async () => {
  const { intake, stream, invalidated } = rig();
  const seen: string[][] = [];
  const unsubscribe = stream.subscribe(() => seen.push([...invalidated]));
  await intake.accept(envelope("Ev1"));
  await intake.accept(
    envelope("Ev2", {
      type: "reaction_added",
      channel: undefined,
      item: { channel: "C0RANDOM1", ts: "1.2" },
    }),
  );
  await intake.accept(envelope("Ev3", { type: "member_joined_channel" }));
  unsubscribe();
  assert.deepEqual(seen, [
    ["history:C0GENERAL"],
    ["history:C0GENERAL", "history:C0RANDOM1"],
    ["history:C0GENERAL", "history:C0RANDOM1"],
  ]);
});

Deno.test("drain waits for queued events, then refuses new ones", async () => {
  const { intake, hold, ids } = rig({ ackWithinMs: 10 });
  const release = hold();
  await intake.accept(envelope("Ev1"));
  const drained = intake.drain(1000);
  assert.equal(await refusal(intake.accept(envelope("Ev2"))), "closed");
  release();
  assert.equal(await drained, true);
  assert.deepEqual(await ids(), ["Ev1"]);
});

Deno.test("drain gives up after its timeout while an event is stuck", async () => {
  const { intake, hold } = rig({ ackWithinMs: 10 });
  const release = hold();
  await intake.accept(envelope("Ev1"));
  assert.equal(await intake.drain(20), false);
  release();
  assert.equal(await intake.drain(1000), true);
});

Deno.test("something that is not an event envelope is rejected as a type error", async () => {
  const { intake } = rig();
  const error = await intake.accept({ type: "url_verification" }).catch((e) => e);
  assert.ok(error instanceof TypeError);
});

Deno.test("listeners get the normalised event", async () => {
  const { intake, stream } = rig();
  const events: SlackEvent[] = [];
  const unsubscribe = stream.subscribe((event) => events.push(event));
  await intake.accept(envelope("Ev1", { type: "app_mention", text: "<@U0BOT0001> hi" }));
  unsubscribe();
  assert.equal(events.length, 1);
  assert.equal(events[0].type, "app_mention");
  assert.equal(events[0].text, "<@U0BOT0001> hi");
});
