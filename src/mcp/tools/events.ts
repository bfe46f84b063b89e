/**
 * Real-time tools over the events this server received from Slack (webhook or
 * Socket Mode): the latest one, a list, and a wait for the next. They read the
 * shared event stream, and name people and channels from the directory's
 * cached lookups (one `users.info` per person and one channel listing per
 * cache lifetime, never a call per event), so they stay cheap to poll.
 * Events keep the IDs follow-up calls need; one `users` and one `channels`
 * map per result give the names, as `../format.ts` describes.
 * @module
 */
import { conversationLookup, uses } from "./slack_use.ts";
import { z } from "zod";
import { defineTool, type ToolDeps } from "../tool.ts";
import type { EventFilter, SlackEvent } from "../../events/event.ts";
import { isBotId } from "../../slack/directory.ts";
import { parseTime } from "../params.ts";
import {
  channelsSchema,
  formatChannels,
  formatInstant,
  formatUsers,
  mentionedIds,
  nameMentions,
  present,
  usersMap,
  usersSchema,
} from "../format.ts";

/** Longest `slack_wait_for_event` waits, in seconds. */
const maxWaitSeconds = 60;
/** How often a waiting call reports progress, so clients that reset timeouts on progress keep waiting. */
const progressEveryMs = 10_000;

/** A received event as the tools return it. */
const eventSchema = z.object({
  event_id: z.string().describe("Slack's event ID"),
  type: z.string().describe("Slack event type, e.g. message, app_mention, reaction_added"),
  subtype: z.string().optional().describe("Message subtype, e.g. message_changed, bot_message"),
  user: z.string().optional().describe("Who acted: user ID (name in users) or bot ID"),
  channel: z.string().optional().describe("Conversation ID (a channel's name in channels)"),
  text: z.string().optional().describe(
    "Message text as Slack sent it: mentions as <@ID>, their names in users",
  ),
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

/** Who and where events name: user ID → name, channel ID → name (without #). */
interface EventNames {
  users: Record<string, string>;
  channels: Record<string, string>;
}

/**
 * Names of the people (authors and mentions; bots have no profile to look
 * up) and channels `events` name, from the directory's cached lookups. A
 * failed lookup leaves the ID standing: names are a convenience here.
 */
async function namesOf(deps: ToolDeps, events: SlackEvent[]): Promise<EventNames> {
  const people = events.flatMap((e) => [
    ...(e.user ? [e.user] : []),
    ...(e.text ? mentionedIds(e.text) : []),
  ]).filter((id) => !isBotId(id));
  const wanted = new Set(events.flatMap((e) => (e.channel ? [e.channel] : [])));
  const channelNames = async () => {
    if (wanted.size === 0) return {};
    try {
      const listed = await deps.directory.channels();
      return Object.fromEntries(listed.filter((c) => wanted.has(c.id)).map((c) => [c.id, c.name]));
    } catch {
      return {};
    }
  };
  const [users, channels] = await Promise.all([usersMap(deps.directory, people), channelNames()]);
  return { users, channels };
}

/** The maps of a result, each only when it names someone or something. */
function namesFields(names: EventNames) {
  return {
    ...present("users", Object.keys(names.users).length ? names.users : undefined),
    ...present("channels", Object.keys(names.channels).length ? names.channels : undefined),
  };
}

/** The `Users:` and `Channels:` lines closing a result's text. */
function namesLines(names: EventNames): string {
  return formatUsers(names.users) + formatChannels(names.channels);
}

/** `2026-11-25 12:03:07 UTC reaction_added :tada: in #general by bruno on 1764…` plus ids. */
function formatEvent(event: EventOutput, names: EventNames): string {
  const parts = [event.received_at, event.type];
  if (event.subtype) parts.push(`(${event.subtype})`);
  if (event.reaction) parts.push(`:${event.reaction}:`);
  if (event.channel) {
    const name = names.channels[event.channel];
    parts.push(`in ${name ? `#${name}` : event.channel}`);
  }
  if (event.user) parts.push(`by ${names.users[event.user] ?? event.user}`);
  if (event.item_ts) parts.push(`on ${event.item_ts}`);
  const text = event.text === undefined ? "" : `: ${nameMentions(event.text, names.users)}`;
  const thread = event.thread_ts ? `, thread ${event.thread_ts}` : "";
  return `${parts.join(" ")}${text} (ts ${event.ts}${thread}, ${event.event_id})`;
}

/** One event (or none) as a result: the event, the names it needs, its line. */
async function oneEventResult(deps: ToolDeps, found: SlackEvent | null, none: string) {
  if (!found) return { structured: { event: null }, text: none };
  const names = await namesOf(deps, [found]);
  const event = toOutput(found);
  return {
    structured: { event, ...namesFields(names) },
    text: formatEvent(event, names) + namesLines(names),
  };
}

/** The people and channels the events of a result name: IDs to names. */
const namesShape = {
  users: usersSchema.optional(),
  channels: channelsSchema.optional(),
};

/** Name lookups (`users.info`, the cached channel listing) on top of resolving `channel_id`. */
const eventSlackUse = uses(conversationLookup, { methods: ["users.info"], bot: ["users:read"] });

/** `slack_get_latest_event`. */
export const getLatestEvent = defineTool({
  name: "slack_get_latest_event",
  title: "Get the latest event",
  description:
    "Get the most recent Slack event this server received (messages, mentions, reactions, joins, channel creations), optionally only of one type or channel. Returns {event: null} when none matched.",
  input: z.object(filterShape),
  output: z.object({
    event: eventSchema.nullable().describe("The newest matching event, or null"),
    ...namesShape,
  }),
  annotations: readLocal,
  slack: eventSlackUse,
  channelArgument: "channel_id",
  async handler(args, { deps }) {
    return await oneEventResult(deps, await deps.events.latest(filterOf(args)), noEventYet);
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
  output: z.object({ events: z.array(eventSchema).describe("Oldest first"), ...namesShape }),
  annotations: readLocal,
  slack: eventSlackUse,
  channelArgument: "channel_id",
  async handler(args, { deps }) {
    const since = args.since === undefined ? undefined : parseTime(args.since, "since");
    const found = await deps.events.list({ ...filterOf(args), since, limit: args.limit });
    const names = await namesOf(deps, found);
    const events = found.map(toOutput);
    const text = events.length === 0
      ? noEventYet
      : `${events.length} events, oldest first:\n${
        events.map((e) => formatEvent(e, names)).join("\n")
      }${namesLines(names)}`;
    return { structured: { events, ...namesFields(names) }, text };
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
    ...namesShape,
    timed_out: z.literal(true).optional().describe("Present when the wait ended without an event"),
  }),
  annotations: readLocal,
  slack: eventSlackUse,
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
      const result = await oneEventResult(deps, found, `No matching event within ${seconds} s.`);
      return found || signal.aborted
        ? result
        : { ...result, structured: { ...result.structured, timed_out: true as const } };
    } finally {
      clearInterval(ticker);
    }
  },
});

/** Every event tool, in listing order. */
export const eventTools = [getLatestEvent, listEvents, waitForEvent];
