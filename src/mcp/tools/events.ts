/**
 * Real-time tools over the events this server received from Slack (webhook or
 * Socket Mode): the latest one, a list, and a wait for the next. They read the
 * shared event stream only, never Slack, so they are cheap to poll; people and
 * channels therefore appear as IDs. Results follow `../format.ts`.
 * @module
 */
import { conversationLookup } from "./slack_use.ts";
import { z } from "zod";
import { defineTool } from "../tool.ts";
import type { EventFilter, SlackEvent } from "../../events/event.ts";
import { parseTime } from "../params.ts";
import { formatInstant } from "../format.ts";

/** Longest `slack_wait_for_event` waits, in seconds. */
const maxWaitSeconds = 60;
/** How often a waiting call reports progress, so clients that reset timeouts on progress keep waiting. */
const progressEveryMs = 10_000;

/** A received event as the tools return it. */
const eventSchema = z.object({
  event_id: z.string().describe("Slack's event ID"),
  type: z.string().describe("Slack event type, e.g. message, app_mention, reaction_added"),
  subtype: z.string().optional().describe("Message subtype, e.g. message_changed, bot_message"),
  user: z.string().optional().describe("Who acted (user or bot ID)"),
  channel: z.string().optional().describe("Conversation ID"),
  text: z.string().optional().describe("Message text, as Slack sent it"),
  reaction: z.string().optional().describe("Emoji name, for reaction events"),
  item_ts: z.string().optional().describe("ts of the message reacted to, edited or deleted"),
  thread_ts: z.string().optional().describe(
    "ts of the thread's parent, when the message is a reply",
  ),
  ts: z.string().describe("The event's ts; for a message, its ID (reply with it as thread_ts)"),
  received_at: z.string().describe("When this server received it: YYYY-MM-DD HH:MM:SS UTC"),
});

type EventOutput = z.infer<typeof eventSchema>;

/** An event without empty fields, its time readable. */
function toOutput(event: SlackEvent): EventOutput {
  const out = Object.fromEntries(
    Object.entries(event).filter(([, value]) =>
      value !== undefined && value !== null && value !== ""
    ),
  ) as unknown as EventOutput;
  return { ...out, received_at: formatInstant(event.received_at) };
}

const filterShape = {
  type: z.string().min(1).optional().describe(
    "Only this event type: message, app_mention, reaction_added, reaction_removed, member_joined_channel, channel_created, …",
  ),
  channel_id: z.string().min(1).optional().describe(
    "Only this channel: ID (C…) or name (#general)",
  ),
};
const readLocal = { readOnlyHint: true, openWorldHint: false } as const;
const noEventYet =
  "No matching event received yet. Events arrive once Slack delivers them to this server's /slack/events webhook (SLACK_SIGNING_SECRET) or over Socket Mode.";

/** The filter of a call; the pipeline already resolved `channel_id` to an ID. */
function filterOf(args: { type?: string; channel_id?: string }): EventFilter {
  return { type: args.type, channel: args.channel_id };
}

/** `2026-11-25 12:03:07 UTC reaction_added :tada: in C0GENERAL by U0BOB0001 on 1764…` plus ids. */
function formatEvent(event: EventOutput): string {
  const parts = [event.received_at, event.type];
  if (event.subtype) parts.push(`(${event.subtype})`);
  if (event.reaction) parts.push(`:${event.reaction}:`);
  if (event.channel) parts.push(`in ${event.channel}`);
  if (event.user) parts.push(`by ${event.user}`);
  if (event.item_ts) parts.push(`on ${event.item_ts}`);
  const text = event.text === undefined ? "" : `: ${event.text}`;
  const thread = event.thread_ts ? `, thread ${event.thread_ts}` : "";
  return `${parts.join(" ")}${text} (ts ${event.ts}${thread}, ${event.event_id})`;
}

/** `slack_get_latest_event`. */
export const getLatestEvent = defineTool({
  name: "slack_get_latest_event",
  title: "Get the latest event",
  description:
    "Get the most recent Slack event this server received (messages, mentions, reactions, joins, channel creations), optionally only of one type or channel. Returns {event: null} when none matched.",
  input: z.object(filterShape),
  output: z.object({
    event: eventSchema.nullable().describe("The newest matching event, or null"),
  }),
  annotations: readLocal,
  slack: conversationLookup,
  channelArgument: "channel_id",
  async handler(args, { deps }) {
    const found = await deps.events.latest(filterOf(args));
    const event = found && toOutput(found);
    return { structured: { event }, text: event ? formatEvent(event) : noEventYet };
  },
});

/** `slack_list_events`. */
export const listEvents = defineTool({
  name: "slack_list_events",
  title: "List recent events",
  description:
    "List Slack events this server received, oldest first, optionally only of one type or channel and after a time (since: unix seconds or ISO 8601). The server keeps the last 1000 events of the past 24 hours.",
  input: z.object({
    ...filterShape,
    since: z.union([z.number(), z.string()]).optional().describe(
      "Only events received after this time: unix seconds, ISO 8601 or YYYY-MM-DD HH:MM:SS (UTC)",
    ),
    limit: z.number().int().min(1).max(200).default(50).describe(
      "Newest events to return (max 200)",
    ),
  }),
  output: z.object({ events: z.array(eventSchema).describe("Oldest first") }),
  annotations: readLocal,
  slack: conversationLookup,
  channelArgument: "channel_id",
  async handler(args, { deps }) {
    const since = args.since === undefined ? undefined : parseTime(args.since, "since");
    const events = (await deps.events.list({
      ...filterOf(args),
      since,
      limit: args.limit,
    })).map(toOutput);
    const text = events.length === 0
      ? noEventYet
      : `${events.length} events, oldest first:\n${events.map(formatEvent).join("\n")}`;
    return { structured: { events }, text };
  },
});

/** `slack_wait_for_event`. */
export const waitForEvent = defineTool({
  name: "slack_wait_for_event",
  title: "Wait for an event",
  description:
    `Wait until a matching Slack event arrives (e.g. the next app_mention, or any message in #support) and return it at once as {event}; returns {event: null, timed_out: true} after timeout_seconds (default 30, at most ${maxWaitSeconds}). Only events arriving after the call count: use slack_get_latest_event for past ones.`,
  input: z.object({
    ...filterShape,
    timeout_seconds: z.number().positive().default(30).describe(
      `Seconds to wait (default 30; longer values are capped at ${maxWaitSeconds})`,
    ),
  }),
  output: z.object({
    event: eventSchema.nullable().describe("The event, or null when none came in time"),
    timed_out: z.literal(true).optional().describe("Present when the wait ended without an event"),
  }),
  annotations: readLocal,
  slack: conversationLookup,
  channelArgument: "channel_id",
  async handler(args, { deps, signal, progress }) {
    const filter = filterOf(args);
    const seconds = Math.min(args.timeout_seconds, maxWaitSeconds);
    const started = Date.now();
    const ticker = setInterval(() => {
      const waited = Math.round((Date.now() - started) / 1000);
      progress(waited, seconds, `Waiting for an event (${waited} of ${seconds} s)`).catch(() => {});
    }, progressEveryMs);
    try {
      const found = await deps.events.wait(filter, seconds * 1000, signal);
      const event = found && toOutput(found);
      return {
        structured: {
          event,
          ...(event === null && !signal.aborted && { timed_out: true as const }),
        },
        text: event ? formatEvent(event) : `No matching event within ${seconds} s.`,
      };
    } finally {
      clearInterval(ticker);
    }
  },
});

/** Every event tool, in listing order. */
export const eventTools = [getLatestEvent, listEvents, waitForEvent];
