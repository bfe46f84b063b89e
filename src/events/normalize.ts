/**
 * Events API envelopes → {@link SlackEvent}. Each Slack event type keeps its
 * interesting fields in a different place (an edit's text is under `message`,
 * a reaction's channel under `item`, `channel_created` has an object for
 * `channel`); this flattens them into one shape, with a generic fallback so
 * event types added later still arrive with what can be found.
 * @module
 */
import type { SlackEvent } from "./event.ts";

/** The inner `event` of an envelope, as Slack sends it (only the fields read here are typed). */
export interface SlackEventPayload {
  type: string;
  subtype?: string;
  user?: string | { id?: string };
  channel?: string | { id?: string; name?: string; creator?: string };
  text?: string;
  reaction?: string;
  ts?: string;
  thread_ts?: string;
  event_ts?: string;
  bot_id?: string;
  deleted_ts?: string;
  item?: { type?: string; channel?: string; ts?: string };
  message?: { user?: string; bot_id?: string; text?: string; ts?: string; thread_ts?: string };
  previous_message?: { user?: string; bot_id?: string; ts?: string; thread_ts?: string };
  [field: string]: unknown;
}

/** An Events API `event_callback` envelope (HTTP body or Socket Mode payload). */
export interface EventEnvelope {
  type: "event_callback";
  event_id: string;
  event_time?: number;
  team_id?: string;
  api_app_id?: string;
  event: SlackEventPayload;
  [field: string]: unknown;
}

/** Event types that change what a channel's history shows (messages, their reactions). */
const historyTypes = new Set(["message", "app_mention", "reaction_added", "reaction_removed"]);

/** True when `value` has the fields every `event_callback` envelope carries. */
export function isEventEnvelope(value: unknown): value is EventEnvelope {
  const envelope = value as Partial<EventEnvelope> | null;
  return typeof envelope === "object" && envelope !== null &&
    envelope.type === "event_callback" &&
    typeof envelope.event_id === "string" && envelope.event_id.length > 0 &&
    typeof envelope.event === "object" && envelope.event !== null &&
    typeof envelope.event.type === "string";
}

/** The channel whose cached history `event` makes stale, if any. */
export function historyChannel(event: SlackEvent): string | undefined {
  return historyTypes.has(event.type) ? event.channel : undefined;
}

function idOf(value: string | { id?: string } | undefined): string | undefined {
  return typeof value === "string" ? value : value?.id;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The fields most event types keep at the top level. */
function generic(event: SlackEventPayload): Partial<SlackEvent> {
  return {
    subtype: text(event.subtype),
    user: idOf(event.user) ?? text(event.bot_id),
    channel: idOf(event.channel) ?? text(event.channel_id) ?? text(event.item?.channel),
    text: text(event.text),
    reaction: text(event.reaction),
    item_ts: text(event.item?.ts),
    thread_ts: text(event.thread_ts),
  };
}

/** Where a type hides its fields, as overrides of {@link generic}. */
function specific(event: SlackEventPayload): Partial<SlackEvent> {
  if (event.type === "message" && event.subtype === "message_changed") {
    const edited = event.message ?? {};
    return {
      user: edited.user ?? edited.bot_id,
      text: edited.text,
      item_ts: edited.ts,
      thread_ts: edited.thread_ts,
    };
  }
  if (event.type === "message" && event.subtype === "message_deleted") {
    const deleted = event.previous_message ?? {};
    return {
      user: deleted.user ?? deleted.bot_id,
      item_ts: event.deleted_ts ?? deleted.ts,
      thread_ts: deleted.thread_ts,
    };
  }
  if (event.type === "channel_created" && typeof event.channel === "object") {
    // The name is what a reader wants; the event has nowhere else to put it.
    return { user: event.channel.creator, text: event.channel.name };
  }
  return {};
}

/**
 * Flattens one envelope.
 *
 * @example
 * ```ts
 * const event = normalizeEvent(envelope, Date.now());
 * // { event_id: "Ev1", type: "reaction_added", reaction: "tada", channel: "C1", item_ts: "…", … }
 * ```
 */
export function normalizeEvent(envelope: EventEnvelope, receivedAt: number): SlackEvent {
  const { event } = envelope;
  const eventTime = envelope.event_time === undefined ? undefined : `${envelope.event_time}.000000`;
  const merged: SlackEvent = {
    event_id: envelope.event_id,
    type: event.type,
    ...generic(event),
    ...specific(event),
    ts: text(event.ts) ?? text(event.event_ts) ?? eventTime ?? (receivedAt / 1000).toFixed(6),
    received_at: new Date(receivedAt).toISOString(),
  };
  // Absent fields are left out rather than undefined: compact JSON, exact comparisons.
  return Object.fromEntries(
    Object.entries(merged).filter(([, value]) => value !== undefined),
  ) as unknown as SlackEvent;
}
