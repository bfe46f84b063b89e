/**
 * The normalised Slack event the real-time tools return, and the stream that
 * keeps them. Implemented in `event_stream.ts`.
 * @module
 */

/** One Slack event, trimmed to what agents need. */
export interface SlackEvent {
  event_id: string;
  type: string;
  subtype?: string;
  user?: string;
  channel?: string;
  text?: string;
  reaction?: string;
  item_ts?: string;
  thread_ts?: string;
  ts: string;
  /** ISO 8601 time this server received it. */
  received_at: string;
}

/** Which events a reader wants. */
export interface EventFilter {
  type?: string;
  channel?: string;
}

/** The stream of received events, shared by every instance through the store. */
export interface EventStream {
  /** The newest event matching `filter`, or null. */
  latest(filter?: EventFilter): Promise<SlackEvent | null>;
  /** Events matching `filter`, oldest first, received after `since` (ISO or unix seconds). */
  list(filter?: EventFilter & { since?: number; limit?: number }): Promise<SlackEvent[]>;
  /** Resolves with the next matching event, or null after `timeoutMs` or on abort. */
  wait(filter: EventFilter, timeoutMs: number, signal?: AbortSignal): Promise<SlackEvent | null>;
  /** Calls `listener` for each event this instance stores or sees arrive; returns unsubscribe. */
  subscribe(listener: (event: SlackEvent) => void): () => void;
}
