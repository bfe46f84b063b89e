/**
 * The event stream over the {@link Store}: a capped list of events plus a
 * sequence counter, shared by every instance. Local arrivals notify at once;
 * when the store is shared, a poller (running only while someone listens)
 * picks up events other instances stored.
 * @module
 */
import type { Store } from "../store/store.ts";
import type { EventFilter, EventStream, SlackEvent } from "./event.ts";
import { logger } from "../log/logger.ts";
import { storeKeys } from "../store/keys.ts";

/** Options of {@link createEventStream}. */
export interface EventStreamOptions {
  store: Store;
  /** Events kept, newest first, default 1000. */
  maxEvents?: number;
  /** Events older than this are not returned, default 24 h. */
  retentionMs?: number;
  /** How often a shared store is polled while someone waits, default 250 ms. */
  pollMs?: number;
  now?: () => number;
  prefix?: string;
}

/** How long the poller waits for a taken seq's event before passing it by. */
const gapGraceMs = 2_000;

/** An event as stored: with its place in the stream. */
interface StoredEvent extends SlackEvent {
  seq: number;
}

/** The stream plus the intake's write side. */
export interface WritableEventStream extends EventStream {
  /** Stores an event and notifies listeners; rejects when the store fails. */
  append(event: SlackEvent): Promise<void>;
}

function matches(event: SlackEvent, filter: EventFilter | undefined): boolean {
  return (!filter?.type || event.type === filter.type) &&
    (!filter?.channel || event.channel === filter.channel);
}

function publicEvent({ seq: _seq, ...event }: StoredEvent): SlackEvent {
  return event;
}

/**
 * Creates the stream.
 *
 * @example
 * ```ts
 * const events = createEventStream({ store });
 * const next = await events.wait({ type: "app_mention" }, 30_000);
 * ```
 */
export function createEventStream(options: EventStreamOptions): WritableEventStream {
  const { store } = options;
  const prefix = options.prefix ?? storeKeys.events;
  const listKey = `${prefix}:list`;
  const seqKey = `${prefix}:seq`;
  const maxEvents = options.maxEvents ?? 1000;
  const retentionMs = options.retentionMs ?? 24 * 3600_000;
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? Date.now;
  const listeners = new Set<(event: SlackEvent) => void>();
  const shared = store.kind !== "memory";
  /** Every seq at or below it has been emitted (or given up on). */
  let cursor = 0;
  /** Seqs above the cursor already emitted: local appends, or polled out of order. */
  const emitted = new Set<number>();
  /** When the poller first saw a gap (a seq taken but not yet stored) at the cursor. */
  let gapSince: number | undefined;
  let poller: ReturnType<typeof setInterval> | undefined;
  let started: Promise<void> | undefined;

  async function recent(): Promise<StoredEvent[]> {
    const cutoff = now() - retentionMs;
    const items = await store.tail(listKey, maxEvents);
    return items.map((raw) => JSON.parse(raw) as StoredEvent)
      .filter((e) => Date.parse(e.received_at) >= cutoff);
  }

  function emit(event: StoredEvent) {
    if (event.seq <= cursor || emitted.has(event.seq)) return;
    if (poller !== undefined) emitted.add(event.seq);
    for (const listener of listeners) listener(publicEvent(event));
  }

  /**
   * Emits what other instances stored since the cursor. Instances take seqs
   * and store events concurrently, so a seq may be visible before its event:
   * the cursor only passes a gap once it is filled, or after a grace period
   * (an intake whose append failed leaves a gap for good).
   */
  async function poll() {
    try {
      await started;
      const seq = Number(await store.get(seqKey) ?? 0);
      if (seq <= cursor) return;
      const fresh = (await store.tail(listKey, Math.min(seq - cursor + 16, maxEvents)))
        .map((raw) => JSON.parse(raw) as StoredEvent)
        .filter((e) => e.seq > cursor)
        .sort((a, b) => a.seq - b.seq);
      fresh.forEach(emit);
      const seen = new Set(fresh.map((e) => e.seq));
      while (cursor < seq && (seen.has(cursor + 1) || emitted.has(cursor + 1))) {
        emitted.delete(++cursor);
      }
      if (cursor >= seq) gapSince = undefined;
      else if ((gapSince ??= now()) < now() - gapGraceMs) {
        for (let n = cursor + 1; n <= seq; n++) emitted.delete(n);
        cursor = seq;
        gapSince = undefined;
      }
    } catch (error) {
      logger("events").warn("Event poll failed: {error}", { error: String(error) });
    }
  }

  function updatePoller() {
    if (!shared) return;
    if (listeners.size > 0 && poller === undefined) {
      // Listeners want what arrives from now on, not the stream's history.
      emitted.clear();
      started = store.get(seqKey).then(
        (seq) => void (cursor = Math.max(cursor, Number(seq ?? 0))),
        () => {},
      );
      poller = setInterval(poll, pollMs);
    } else if (listeners.size === 0 && poller !== undefined) {
      clearInterval(poller);
      poller = undefined;
    }
  }

  function subscribe(listener: (event: SlackEvent) => void) {
    listeners.add(listener);
    updatePoller();
    return () => {
      listeners.delete(listener);
      updatePoller();
    };
  }

  return {
    async append(event) {
      const seq = await store.incr(seqKey);
      const stored: StoredEvent = { ...event, seq };
      await store.append(listKey, JSON.stringify(stored), maxEvents);
      emit(stored);
    },
    async latest(filter) {
      const events = await recent();
      for (let i = events.length - 1; i >= 0; i--) {
        if (matches(events[i], filter)) return publicEvent(events[i]);
      }
      return null;
    },
    async list(filter = {}) {
      const since = filter.since ?? 0;
      const selected = (await recent()).filter((e) =>
        matches(e, filter) && Date.parse(e.received_at) > since * 1000
      );
      return selected.slice(-(filter.limit ?? 50)).map(publicEvent);
    },
    wait(filter, timeoutMs, signal) {
      return new Promise((resolve) => {
        const finish = (event: SlackEvent | null) => {
          clearTimeout(timer);
          unsubscribe();
          signal?.removeEventListener("abort", onAbort);
          resolve(event);
        };
        const onAbort = () => finish(null);
        const unsubscribe = subscribe((event) => {
          if (matches(event, filter)) finish(event);
        });
        const timer = setTimeout(() => finish(null), timeoutMs);
        if (signal?.aborted) return finish(null);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    subscribe,
  };
}
