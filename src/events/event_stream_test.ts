import assert from "node:assert/strict";
import { createEventStream } from "./event_stream.ts";
import { createMemoryStore } from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";
import type { SlackEvent } from "./event.ts";

/** A memory store that claims to be shared, so streams on it poll like on Upstash. */
function sharedStore(): Store {
  return { ...createMemoryStore(), kind: "upstash" };
}

function event(id: string, type = "message"): SlackEvent {
  return { event_id: id, type, ts: "1.000001", received_at: new Date().toISOString() };
}

const tick = (ms = 40) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a listener hears local and other instances' events once each, in any interleaving", async () => {
  const store = sharedStore();
  const a = createEventStream({ store, pollMs: 10 });
  const b = createEventStream({ store, pollMs: 10 });
  const heard: string[] = [];
  const stop = a.subscribe((e) => heard.push(e.event_id));
  await tick();
  await b.append(event("Ev1"));
  await a.append(event("Ev2"));
  await b.append(event("Ev3"));
  await tick();
  stop();
  assert.deepEqual(heard.sort(), ["Ev1", "Ev2", "Ev3"]);
});

Deno.test("an event stored after a later seq was stored is still heard", async () => {
  const store = sharedStore();
  const a = createEventStream({ store, pollMs: 10 });
  const heard: string[] = [];
  const stop = a.subscribe((e) => heard.push(e.event_id));
  await tick();
  // Another instance took seq 1 but stores its event only after seq 2 is visible.
  const seq = await store.incr("slack-mcp:events:seq");
  await a.append(event("Ev2"));
  await tick();
  const late = { ...event("Ev1"), seq };
  await store.append("slack-mcp:events:list", JSON.stringify(late), 1000);
  await tick();
  stop();
  assert.deepEqual(heard, ["Ev2", "Ev1"]);
});

Deno.test("wait() ignores events stored before it started", async () => {
  const store = sharedStore();
  const a = createEventStream({ store, pollMs: 10 });
  const b = createEventStream({ store, pollMs: 10 });
  await b.append(event("EvOld", "app_mention"));
  const waiting = a.wait({ type: "app_mention" }, 300);
  await tick();
  await b.append(event("EvNew", "app_mention"));
  assert.equal((await waiting)?.event_id, "EvNew");
  assert.equal(await a.wait({ type: "app_mention" }, 50), null);
});
