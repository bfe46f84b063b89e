/**
 * The SDK's `ServerEventBus` for `subscriptions/listen` (2026-07-28) over our
 * event stream: the stream already carries every received Slack event across
 * instances through the store (Upstash when configured), so a listener on
 * instance B hears of an event delivered to instance A. Other change events
 * (list changes, published through `handler.notify`) stay in process: our
 * lists change only with a restart.
 * @module
 */
import { InMemoryServerEventBus, type ServerEventBus } from "@modelcontextprotocol/server";
import type { EventStream } from "../events/event.ts";
import { resourcesUpdatedBy } from "./resources.ts";

/**
 * Creates the bus. The event stream is listened to only while at least one
 * `subscriptions/listen` stream is open.
 *
 * @example
 * ```ts
 * const handler = createMcpHandler(factory, { bus: createEventBus(events) });
 * ```
 */
export function createEventBus(events: EventStream): ServerEventBus {
  const local = new InMemoryServerEventBus();
  let listeners = 0;
  let stop: (() => void) | undefined;
  return {
    publish: (event) => local.publish(event),
    subscribe(listener) {
      const unsubscribe = local.subscribe(listener);
      if (listeners++ === 0) {
        stop = events.subscribe((event) => {
          for (const uri of resourcesUpdatedBy(event)) {
            local.publish({ kind: "resource_updated", uri });
          }
        });
      }
      let done = false;
      return () => {
        if (done) return;
        done = true;
        unsubscribe();
        if (--listeners === 0) {
          stop?.();
          stop = undefined;
        }
      };
    },
  };
}
