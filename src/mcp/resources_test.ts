import assert from "node:assert/strict";
import { historyUri, latestEventUri, trackSubscriptions } from "./resources.ts";
import type { SlackEvent } from "../events/event.ts";
import type { ToolDeps } from "./tool.ts";

Deno.test("a session watches at most maxSubscriptions resources; past that it is told, nothing dropped", async () => {
  let listener: ((event: SlackEvent) => void) | undefined;
  const sent: string[] = [];
  const subscriptions = trackSubscriptions({
    events: {
      subscribe: (l) => (listener = l, () => (listener = undefined)),
    } as ToolDeps["events"],
    channelId: (input) => Promise.resolve(input),
    send: (uri) => sent.push(uri),
    maxSubscriptions: 2,
  });
  await subscriptions.add(latestEventUri);
  await subscriptions.add(historyUri("C1"));
  await subscriptions.add(historyUri("C1"));
  await assert.rejects(subscriptions.add(historyUri("C2")), /already watches 2 resources/);
  listener!({ type: "message", channel: "C1" } as SlackEvent);
  assert.deepEqual(sent, [latestEventUri, historyUri("C1")]);
  subscriptions.remove(latestEventUri);
  await subscriptions.add(historyUri("C2"));
});
