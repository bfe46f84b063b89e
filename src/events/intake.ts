/**
 * Event intake: dedup, normalise, store. Shared by the webhook and Socket Mode.
 *
 * Order matters so that nothing is lost and nothing is stored twice:
 * 1. a copy of an event still in flight here is answered like the first copy;
 * 2. the event is marked seen with `setIfAbsent` (one winner across instances);
 *    a store failure here refuses the event, so Slack retries it;
 * 3. a bounded queue does the work off the caller's path: invalidate the
 *    channel's cached history (before anyone is told), then append to the
 *    stream, which notifies listeners;
 * 4. if the append fails, the seen mark is removed again and the caller is
 *    refused, so Slack's retry is stored instead of being dropped as a duplicate.
 *
 * The caller waits for its event's outcome up to `ackWithinMs` (well inside
 * Slack's 3 s); after that it is acknowledged while the queue finishes it.
 * @module
 */
import type { Store } from "../store/store.ts";
import type { Cache } from "../store/cache.ts";
import type { SlackEvent } from "./event.ts";
import {
  type EventEnvelope,
  historyChannel,
  isEventEnvelope,
  normalizeEvent,
} from "./normalize.ts";
import { logger } from "../log/logger.ts";
import { cacheTags, storeKeys } from "../store/keys.ts";

/** Options of {@link createIntake}. */
export interface IntakeOptions {
  store: Store;
  /** Where stored events go (the write side of the event stream). */
  events: { append(event: SlackEvent): Promise<void> };
  cache: Pick<Cache, "invalidate">;
  now?: () => number;
  /** Events in flight (queued or being stored) before new ones are refused, default 1000. */
  capacity?: number;
  /** Events stored at the same time, default 4. */
  concurrency?: number;
  /** How long `accept` waits for its event to be stored before acknowledging anyway, default 2000 ms. */
  ackWithinMs?: number;
  /** How long an `event_id` is remembered, default 3600 s (Slack retries for about 5 min). */
  dedupTtlSeconds?: number;
  /** Sees every new envelope first (multi-user mode: `tokens_revoked`, `app_uninstalled`). */
  observe?: (envelope: EventEnvelope) => Promise<unknown>;
}

/** Why an event was refused; the webhook answers 503 so Slack retries. */
export class IntakeRefusedError extends Error {
  override name = "IntakeRefusedError";
  constructor(message: string, readonly reason: "busy" | "unavailable" | "closed") {
    super(message);
  }
}

/** The intake. */
export interface Intake {
  /**
   * Takes one `event_callback` envelope: `"duplicate"` when this `event_id` was
   * already taken. Rejects with {@link IntakeRefusedError} when the event could
   * not be taken (queue full, store down, shutting down): the sender should
   * retry later. Rejects with a `TypeError` for something not an envelope.
   */
  accept(envelope: unknown): Promise<"accepted" | "duplicate">;
  /** Stops taking events and waits for those in flight; false if `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Events in flight. */
  readonly pending: number;
}

interface Job {
  envelope: EventEnvelope;
  receivedAt: number;
  done: PromiseWithResolvers<void>;
}

/** Resolves true when `promise` settles within `ms` (rethrowing its error), false otherwise. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the intake.
 *
 * @example
 * ```ts
 * const intake = createIntake({ store, events, cache });
 * await intake.accept(envelope); // "accepted" | "duplicate"
 * await intake.drain(5_000);
 * ```
 */
export function createIntake(options: IntakeOptions): Intake {
  const { store, events, cache } = options;
  const now = options.now ?? Date.now;
  const capacity = options.capacity ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const ackWithinMs = options.ackWithinMs ?? 2000;
  const ttl = options.dedupTtlSeconds ?? 3600;
  const log = logger("events");
  /** Every event between its arrival and the end of its storing, by `event_id`. */
  const inFlight = new Map<string, Promise<void>>();
  const queue: Job[] = [];
  let running = 0;
  let closed = false;
  const seenKey = storeKeys.seenEvent;

  async function storeEvent(job: Job) {
    await options.observe?.(job.envelope).catch((error) =>
      log.error("Event {eventId} could not be acted on: {error}", {
        eventId: job.envelope.event_id,
        error: String(error),
      })
    );
    const event = normalizeEvent(job.envelope, job.receivedAt);
    const channel = historyChannel(event);
    // Before the append: a listener told about the event may read the history at once.
    if (channel) await cache.invalidate(cacheTags.history(channel));
    try {
      await events.append(event);
    } catch (error) {
      log.error("Event {eventId} could not be stored: {error}", {
        eventId: event.event_id,
        error: String(error),
      });
      await store.del(seenKey(event.event_id)).catch((undo) =>
        log.error("Event {eventId} was not stored and stays marked seen: {error}", {
          eventId: event.event_id,
          error: String(undo),
        })
      );
      throw error;
    }
    log.debug("Stored event {eventId} ({type})", { eventId: event.event_id, type: event.type });
  }

  function pump() {
    while (running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      storeEvent(job).then(job.done.resolve, job.done.reject).finally(() => {
        running--;
        inFlight.delete(job.envelope.event_id);
        pump();
      });
    }
  }

  function unavailable(error: unknown): IntakeRefusedError {
    log.warn("Event store unavailable, refusing the event: {error}", { error: String(error) });
    return new IntakeRefusedError("The event store is unavailable; retry later.", "unavailable");
  }

  /** Waits for an event's outcome, up to the acknowledgement deadline. */
  async function outcome(done: Promise<void>) {
    try {
      await settlesWithin(done, ackWithinMs);
    } catch (error) {
      throw error instanceof IntakeRefusedError ? error : unavailable(error);
    }
  }

  async function accept(envelope: unknown): Promise<"accepted" | "duplicate"> {
    if (!isEventEnvelope(envelope)) {
      throw new TypeError("Not an Events API event_callback envelope");
    }
    if (closed) throw new IntakeRefusedError("The server is shutting down; retry later.", "closed");
    const id = envelope.event_id;
    const earlier = inFlight.get(id);
    if (earlier) {
      await outcome(earlier);
      return "duplicate";
    }
    if (inFlight.size >= capacity) {
      log.warn("Event queue full ({capacity}), refusing {eventId}", { capacity, eventId: id });
      throw new IntakeRefusedError(`The event queue is full (${capacity}); retry later.`, "busy");
    }
    // Claimed before the first await, so a copy arriving meanwhile waits for this one.
    const done = Promise.withResolvers<void>();
    done.promise.catch(() => {});
    inFlight.set(id, done.promise);
    let first: boolean;
    try {
      first = await store.setIfAbsent(seenKey(id), String(now()), ttl);
    } catch (error) {
      inFlight.delete(id);
      const refused = unavailable(error);
      done.reject(refused);
      throw refused;
    }
    if (!first) {
      inFlight.delete(id);
      done.resolve();
      return "duplicate";
    }
    queue.push({ envelope, receivedAt: now(), done });
    pump();
    await outcome(done.promise);
    return "accepted";
  }

  return {
    accept,
    async drain(timeoutMs) {
      closed = true;
      const all = Promise.allSettled([...inFlight.values()]).then(() => {});
      return await settlesWithin(all, timeoutMs);
    },
    get pending() {
      return inFlight.size;
    },
  };
}
