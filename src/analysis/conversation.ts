/**
 * Conversation analytics: one channel's messages and thread replies in, metrics
 * out. Pure and synchronous; the caller fetches history and replies.
 *
 * Definitions the README and the tool descriptions rely on:
 * - A message counts when its own `ts` lies in `[oldest, latest]` (both ends
 *   included). `message_deleted` / `tombstone` placeholders and the event-only
 *   `message_changed` / `message_replied` wrappers never count; an edited message
 *   counts once; a thread broadcast, which is both in history and in its thread,
 *   counts once, as a reply.
 * - Kinds: "system" is any subtype other than none, `thread_broadcast`,
 *   `bot_message`, `me_message` and `file_share`; "bot" is a remaining message
 *   with subtype `bot_message`, a `bot_id` or no `user`; every other message is
 *   "human". Only human messages feed activity, participants, threads,
 *   reactions and engagement.
 * - Thread figures describe human top-level messages of the range and count all
 *   their human replies, including those posted after `latest`: engagement
 *   belongs to the message that drew it.
 * - Replies are those of the range's own top-level messages (the caller fetches
 *   threads from history): a reply in the range to an older message counts
 *   only when it was also sent to the channel (a thread broadcast).
 * - A thread in `unreadThreads` (its replies were not fetched) is estimated
 *   from its parent: `reply_count` replies, all taken as human and in range,
 *   minus the broadcasts already counted, and `reply_users` as participants.
 *   Its replies are missing from the per-day and per-hour counts, participants'
 *   reply counts, reactions and first-reply times; `estimated` lists the
 *   figures that include such estimates.
 * @module
 */
import { z } from "zod";
import { formatDuration } from "./duration.ts";
import { plural } from "../util/text.ts";

const countSchema = z.number().int().nonnegative();
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const TEXT_LIMIT = 200;
const DEFAULT_TOP_N = 10;
const HUMAN_SUBTYPES = new Set(["thread_broadcast", "bot_message", "me_message", "file_share"]);
const IGNORED_SUBTYPES = new Set([
  "message_deleted",
  "tombstone",
  "message_changed",
  "message_replied",
]);

/**
 * The fields of a message the metrics read. Slack's own message objects
 * (`conversations.history`, `conversations.replies`) fit it as they are; it is
 * declared here so the analysis depends on no other layer.
 */
export interface AnalyzedMessage {
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  thread_ts?: string;
  /** A thread parent's reply count and repliers, read only for threads in `unreadThreads`. */
  reply_count?: number;
  reply_users?: string[];
  reactions?: { name: string; count: number; users: string[] }[];
}

/** The figures an unread thread's estimate feeds, as dotted paths of the metrics. */
const ESTIMATED_FIELDS = [
  "volume.total",
  "volume.replies",
  "volume.human",
  "volume.human_replies",
  "participant_count",
  "threads.count",
  "threads.mean_replies",
  "threads.median_replies",
  "threads.reply_ratio",
  "reactions.per_message",
  "top_messages.replies",
];

/** The output of {@link analyzeConversation}; also the MCP tool's `outputSchema`. */
export const conversationMetricsSchema = z.object({
  channel_id: z.string(),
  range: z.object({
    oldest: z.number().describe("Unix seconds, included"),
    latest: z.number().describe("Unix seconds, included"),
    timezone: z.string().describe("IANA zone used for days and hours"),
    days: countSchema.describe("Calendar days the range touches in the timezone"),
  }),
  truncated: z.boolean().describe("True when the caller stopped fetching before the range's end"),
  truncated_reason: z.string().nullable(),
  estimated: z.array(z.string()).describe(
    "Dotted paths of figures that include estimates (threads whose replies were not read are counted from their parent's reply_count); empty when every figure was read",
  ),
  partial: z.object({
    note: z.string().describe("What was not read, and when a retry can read it"),
    retry_after_seconds: countSchema.nullable()
      .describe("Seconds until a retry can read more; null when unknown"),
  }).nullable().describe("Set when part of the data could not be read (Slack budgets)"),
  volume: z.object({
    total: countSchema.describe("Messages in range: human + bot + system"),
    top_level: countSchema,
    replies: countSchema.describe("Thread replies, thread broadcasts included"),
    human: countSchema,
    human_replies: countSchema,
    bot: countSchema,
    system: countSchema.describe("Joins, leaves, topic and other system subtypes"),
    per_day: z.array(z.object({ date: z.string(), messages: countSchema }))
      .describe("Human messages per calendar date (YYYY-MM-DD), every date of the range"),
    per_hour: z.array(countSchema).describe("24 counts of human messages; index = local hour"),
    per_weekday_hour: z.array(z.array(countSchema))
      .describe("7 rows, Monday first, of 24 counts of human messages by local hour"),
    busiest_day: z.object({ date: z.string(), messages: countSchema }).nullable(),
    busiest_hours: z.array(z.object({ hour: z.number().int(), messages: countSchema }))
      .describe("Up to 3 hours with most human messages, ties by earlier hour"),
  }),
  participant_count: countSchema.describe("Users who posted or reacted to a human message"),
  participants: z.array(z.object({
    id: z.string(),
    name: z.string(),
    messages: countSchema,
    top_level: countSchema,
    replies: countSchema,
    reactions_given: countSchema,
    reactions_received: countSchema,
  })).describe("Top participants by human messages, ties by name then id"),
  threads: z.object({
    count: countSchema.describe("Human top-level messages with at least one human reply"),
    mean_replies: z.number(),
    median_replies: z.number(),
    reply_ratio: z.number().describe("count / human top-level messages, 0 to 1"),
    median_first_reply_seconds: z.number().nullable()
      .describe(
        "Median delay to the first reply by someone other than the author, read threads only",
      ),
    unread: countSchema.describe(
      "Threads whose replies were not read: counted from their parent's reply_count",
    ),
  }),
  reactions: z.object({
    total: countSchema,
    per_message: z.number().describe("Reactions per human message"),
    top_emoji: z.array(z.object({ name: z.string(), count: countSchema })),
  }),
  top_messages: z.array(z.object({
    ts: z.string(),
    thread_ts: z.string().optional(),
    user_id: z.string(),
    user_name: z.string(),
    text: z.string(),
    replies: countSchema,
    reactions: countSchema,
    permalink: z.string().optional(),
  })).describe("Human messages with most replies + reactions, ties by earlier ts"),
});

/** Metrics for one channel over a time range; see the module doc for definitions. */
export type ConversationMetrics = z.infer<typeof conversationMetricsSchema>;

/** What {@link analyzeConversation} needs. */
export interface ConversationInput {
  channelId: string;
  /** Top-level messages as `conversations.history` returns them, in any order. */
  messages: AnalyzedMessage[];
  /** Replies by parent `thread_ts`, as `conversations.replies` returns them minus the parent. */
  replies: Map<string, AnalyzedMessage[]>;
  /** Unix seconds, both ends included. */
  range: { oldest: number; latest: number };
  /** IANA zone for days and hours; `"UTC"` by default. */
  timezone?: string;
  /** User id → display name; unknown ids are shown as themselves. */
  userNames?: Map<string, string>;
  permalink?: (ts: string) => string;
  /** Length of the ranked lists; 10 by default. */
  topN?: number;
  /** Set when fetching stopped early, so the figures cover only part of the range. */
  truncated?: { reason: string };
  /** Parents (by `ts`) whose replies were not fetched: estimated from their `reply_count`. */
  unreadThreads?: ReadonlySet<string>;
  /** What the caller could not read, passed through as `partial`. */
  partial?: { note: string; retryAfterSeconds?: number };
}

type Kind = "human" | "bot" | "system";

interface Entry {
  message: AnalyzedMessage;
  seconds: number;
  kind: Kind;
  threadTs?: string;
}

type Participant = ConversationMetrics["participants"][number];

/**
 * Computes a channel's activity and engagement metrics.
 *
 * @example
 * ```ts
 * const metrics = analyzeConversation({
 *   channelId: "C0123456", messages, replies,
 *   range: { oldest: 1709251200, latest: 1709855999 }, timezone: "Europe/Paris",
 * });
 * ```
 */
export function analyzeConversation(input: ConversationInput): ConversationMetrics {
  const { oldest, latest } = input.range;
  if (!Number.isFinite(oldest) || !Number.isFinite(latest) || oldest > latest) {
    throw new RangeError(`Range oldest ${oldest} must not be after latest ${latest}`);
  }
  const topN = input.topN ?? DEFAULT_TOP_N;
  if (!Number.isInteger(topN) || topN < 0) {
    throw new RangeError(`topN must be a non-negative integer, got ${topN}`);
  }
  const timezone = input.timezone ?? "UTC";
  const toLocal = localClock(timezone);
  const nameOf = (id: string) => input.userNames?.get(id) ?? id;

  const { entries, humanReplies, threadReplies } = collectEntries(input);
  const unreadThreads = input.unreadThreads ?? new Set<string>();
  /** Replies of unread threads not already counted (broadcasts), by parent ts. */
  const estimatedReplies = new Map<string, number>();
  const estimatedPeople = new Set<string>();

  const firstDay = Math.floor(toLocal(oldest * 1000) / DAY_MS);
  const dayCounts = new Array<number>(Math.floor(toLocal(latest * 1000) / DAY_MS) - firstDay + 1)
    .fill(0);
  const perHour = new Array<number>(24).fill(0);
  const perWeekdayHour = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const volume = { total: entries.length, top_level: 0, replies: 0, human: 0, bot: 0, system: 0 };
  let humanReplyCount = 0;
  const people = new Map<string, Participant>();
  const person = (id: string) => {
    let p = people.get(id);
    if (!p) {
      p = {
        id,
        name: nameOf(id),
        messages: 0,
        top_level: 0,
        replies: 0,
        reactions_given: 0,
        reactions_received: 0,
      };
      people.set(id, p);
    }
    return p;
  };
  const emoji = new Map<string, number>();
  let reactionTotal = 0;
  const humans: { entry: Entry; replies: number; reactions: number }[] = [];
  const parents: Entry[] = [];

  for (const entry of entries) {
    const isReply = entry.threadTs !== undefined;
    if (isReply) volume.replies++;
    else volume.top_level++;
    volume[entry.kind]++;
    if (!isReply && unreadThreads.has(entry.message.ts)) {
      const { ts, reply_count = 0, reply_users = [] } = entry.message;
      const extra = Math.max(0, reply_count - (threadReplies.get(ts) ?? 0));
      estimatedReplies.set(ts, extra);
      volume.total += extra;
      volume.replies += extra;
      volume.human += extra;
      humanReplyCount += extra;
      reply_users.forEach((user) => estimatedPeople.add(user));
    }
    if (entry.kind !== "human") continue;

    const local = toLocal(entry.seconds * 1000);
    const day = Math.floor(local / DAY_MS);
    const hour = Math.floor((local - day * DAY_MS) / HOUR_MS);
    dayCounts[day - firstDay]++;
    perHour[hour]++;
    perWeekdayHour[mondayIndex(day)][hour]++;

    const author = person(entry.message.user!);
    author.messages++;
    if (isReply) {
      author.replies++;
      humanReplyCount++;
    } else {
      author.top_level++;
      parents.push(entry);
    }

    let reactions = 0;
    for (const reaction of entry.message.reactions ?? []) {
      reactions += reaction.count;
      const name = reaction.name.replace(/::skin-tone-\d$/, "");
      emoji.set(name, (emoji.get(name) ?? 0) + reaction.count);
      for (const user of reaction.users) person(user).reactions_given++;
    }
    author.reactions_received += reactions;
    reactionTotal += reactions;
    const replies = isReply ? 0 : (humanReplies.get(entry.message.ts)?.length ?? 0) +
      (estimatedReplies.get(entry.message.ts) ?? 0);
    humans.push({ entry, replies, reactions });
  }

  const perDay = dayCounts.map((messages, i) => ({ date: isoDate(firstDay + i), messages }));
  const busiest = perDay.reduce((best, day) => day.messages > best.messages ? day : best);
  const busiestHours = perHour
    .map((messages, hour) => ({ hour, messages }))
    .filter((h) => h.messages > 0)
    .sort((a, b) => b.messages - a.messages || a.hour - b.hour)
    .slice(0, 3);

  const participants = [...people.values()].sort((a, b) =>
    b.messages - a.messages || collator.compare(a.name, b.name) || compareText(a.id, b.id)
  );

  const topEmoji = [...emoji].map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || compareText(a.name, b.name))
    .slice(0, topN);

  const topMessages = humans
    .filter((h) => h.replies + h.reactions > 0)
    .sort((a, b) =>
      b.replies + b.reactions - (a.replies + a.reactions) || a.entry.seconds - b.entry.seconds
    )
    .slice(0, topN)
    .map(({ entry, replies, reactions }) => ({
      ts: entry.message.ts,
      ...(entry.threadTs === undefined ? {} : { thread_ts: entry.threadTs }),
      user_id: entry.message.user!,
      user_name: nameOf(entry.message.user!),
      text: clip(entry.message.text.replace(/\s+/g, " ").trim(), TEXT_LIMIT),
      replies,
      reactions,
      ...(input.permalink ? { permalink: input.permalink(entry.message.ts) } : {}),
    }));

  const participantCount = new Set([...people.keys(), ...estimatedPeople]).size;

  return {
    channel_id: input.channelId,
    range: { oldest, latest, timezone, days: perDay.length },
    truncated: input.truncated !== undefined,
    truncated_reason: input.truncated?.reason ?? null,
    estimated: estimatedReplies.size > 0 ? ESTIMATED_FIELDS : [],
    partial: input.partial
      ? { note: input.partial.note, retry_after_seconds: input.partial.retryAfterSeconds ?? null }
      : null,
    volume: {
      ...volume,
      human_replies: humanReplyCount,
      per_day: perDay,
      per_hour: perHour,
      per_weekday_hour: perWeekdayHour,
      busiest_day: busiest.messages > 0 ? busiest : null,
      busiest_hours: busiestHours,
    },
    participant_count: participantCount,
    participants: participants.slice(0, topN),
    threads: threadMetrics(parents, humanReplies, estimatedReplies),
    reactions: {
      total: reactionTotal,
      per_message: volume.human === 0 ? 0 : round2(reactionTotal / volume.human),
      top_emoji: topEmoji,
    },
    top_messages: topMessages,
  };
}

/**
 * Dedupes history and replies into the in-range entries, and gathers every human
 * reply per thread whatever its date (thread figures need the late ones too).
 */
function collectEntries(input: ConversationInput) {
  const { oldest, latest } = input.range;
  const seen = new Set<string>();
  const entries: Entry[] = [];
  const humanReplies = new Map<string, AnalyzedMessage[]>();
  /** Replies of every kind met per thread, whatever their date: what `reply_count` also counts. */
  const threadReplies = new Map<string, number>();

  function add(message: AnalyzedMessage, threadTs: string | undefined) {
    if (seen.has(message.ts) || IGNORED_SUBTYPES.has(message.subtype ?? "")) return;
    seen.add(message.ts);
    if (threadTs !== undefined) threadReplies.set(threadTs, (threadReplies.get(threadTs) ?? 0) + 1);
    const kind = kindOf(message);
    if (kind === "human" && threadTs !== undefined) {
      const list = humanReplies.get(threadTs);
      if (list) list.push(message);
      else humanReplies.set(threadTs, [message]);
    }
    const seconds = Number(message.ts);
    if (seconds >= oldest && seconds <= latest) entries.push({ message, seconds, kind, threadTs });
  }

  // Replies first, so a broadcast met again in history is already seen as a reply.
  for (const [threadTs, list] of input.replies) {
    for (const reply of list) if (reply.ts !== threadTs) add(reply, threadTs);
  }
  for (const message of input.messages) {
    const threadTs = message.thread_ts;
    add(message, threadTs !== undefined && threadTs !== message.ts ? threadTs : undefined);
  }
  return { entries, humanReplies, threadReplies };
}

function kindOf(message: AnalyzedMessage): Kind {
  if (message.subtype !== undefined && !HUMAN_SUBTYPES.has(message.subtype)) return "system";
  if (message.subtype === "bot_message" || message.bot_id !== undefined || !message.user) {
    return "bot";
  }
  return "human";
}

function threadMetrics(
  parents: Entry[],
  humanReplies: Map<string, AnalyzedMessage[]>,
  estimatedReplies: Map<string, number>,
) {
  const replyCounts: number[] = [];
  const firstReplyDelays: number[] = [];
  let unread = 0;
  for (const parent of parents) {
    const replies = humanReplies.get(parent.message.ts);
    const estimated = estimatedReplies.get(parent.message.ts);
    if (estimated !== undefined) {
      // Only broadcasts of an unread thread are at hand: no first-reply time from them.
      unread++;
      const count = (replies?.length ?? 0) + estimated;
      if (count > 0) replyCounts.push(count);
      continue;
    }
    if (!replies) continue;
    replyCounts.push(replies.length);
    let first = Infinity;
    for (const reply of replies) {
      if (reply.user !== parent.message.user) first = Math.min(first, Number(reply.ts));
    }
    if (first !== Infinity) firstReplyDelays.push(first - parent.seconds);
  }
  const count = replyCounts.length;
  const delay = median(firstReplyDelays);
  return {
    count,
    mean_replies: count === 0 ? 0 : round2(replyCounts.reduce((a, b) => a + b, 0) / count),
    median_replies: median(replyCounts) ?? 0,
    reply_ratio: parents.length === 0 ? 0 : round2(count / parents.length),
    median_first_reply_seconds: delay === null ? null : Math.round(delay),
    unread,
  };
}

const collator = new Intl.Collator("en");
/** Per timezone: its formatter and the offsets of the UTC hours met so far. */
const zones = new Map<string, { format: Intl.DateTimeFormat; hourOffsets: Map<number, number> }>();
/** About five years of hours per zone; past that the cache starts afresh. */
const MAX_CACHED_HOURS = 45_000;

/**
 * Returns a function mapping UTC milliseconds to "local milliseconds" (the wall
 * clock read as if it were UTC), so days and hours fall out of plain division.
 * Offsets are looked up once per UTC hour; an hour whose start and end offsets
 * differ holds a transition and is resolved per message.
 */
function localClock(timezone: string): (ms: number) => number {
  let zone = zones.get(timezone);
  if (!zone) {
    try {
      zone = {
        format: new Intl.DateTimeFormat("en-US", {
          timeZone: timezone,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        }),
        hourOffsets: new Map(),
      };
    } catch {
      throw new RangeError(`Unknown timezone "${timezone}"`);
    }
    zones.set(timezone, zone);
  }
  const { format, hourOffsets } = zone;
  if (hourOffsets.size > MAX_CACHED_HOURS) hourOffsets.clear();
  const offsetAtHour = (hour: number) => {
    let offset = hourOffsets.get(hour);
    if (offset === undefined) {
      offset = offsetAt(format, hour * HOUR_MS);
      hourOffsets.set(hour, offset);
    }
    return offset;
  };
  return (ms) => {
    const hour = Math.floor(ms / HOUR_MS);
    const offset = offsetAtHour(hour);
    return ms + (offset === offsetAtHour(hour + 1) ? offset : offsetAt(format, ms));
  };
}

function offsetAt(format: Intl.DateTimeFormat, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(whole)) fields[part.type] = Number(part.value);
  const local = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  return local - whole;
}

/** 0 for Monday: day 0 of the epoch, 1970-01-01, was a Thursday. */
function mondayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Renders metrics as a short text a model can quote (at most 15 lines).
 *
 * @example
 * ```ts
 * console.log(formatConversationSummary(analyzeConversation(input)));
 * ```
 */
export function formatConversationSummary(m: ConversationMetrics): string {
  const { volume, threads, reactions } = m;
  const first = volume.per_day[0].date;
  const last = volume.per_day[volume.per_day.length - 1].date;
  const posts = volume.human - volume.human_replies;
  const lines = [
    `Channel ${m.channel_id}, ${first} to ${last} (${m.range.timezone}, ${
      plural(m.range.days, "day")
    })`,
    `Messages: ${volume.total}: ${volume.human} human (${posts} posts, ` +
    `${volume.human_replies} replies), ${volume.bot} bot, ${volume.system} system`,
  ];
  if (volume.busiest_day) {
    const hours = volume.busiest_hours
      .map((h) => `${String(h.hour).padStart(2, "0")}:00 (${h.messages})`).join(", ");
    lines.push(
      `Busiest day: ${volume.busiest_day.date} (${volume.busiest_day.messages}); busiest hours: ${hours}`,
    );
  }
  if (m.participant_count > 0) {
    const top = m.participants.slice(0, 5).map((p) => `${p.name} ${p.messages}`).join(", ");
    lines.push(`Participants: ${m.participant_count}; most active: ${top}`);
  }
  const firstReply = threads.median_first_reply_seconds === null
    ? "no replies by others"
    : `median first reply ${formatDuration(threads.median_first_reply_seconds)}`;
  lines.push(
    `Threads: ${threads.count} (${Math.round(threads.reply_ratio * 100)}% of posts answered), ` +
      `replies per thread mean ${threads.mean_replies}, median ${threads.median_replies}; ${firstReply}`,
  );
  const emoji = reactions.top_emoji.slice(0, 5).map((e) => `:${e.name}: ${e.count}`).join(", ");
  lines.push(
    `Reactions: ${reactions.total} (${reactions.per_message} per message)` +
      (emoji ? `; top ${emoji}` : ""),
  );
  for (const message of m.top_messages.slice(0, 3)) {
    lines.push(
      `Top: ${message.user_name} "${clip(message.text, 60)}" ` +
        `(${plural(message.replies, "reply", "replies")}, ${
          plural(message.reactions, "reaction")
        })` +
        (message.permalink ? ` ${message.permalink}` : ` ts ${message.ts}`),
    );
  }
  if (m.truncated) lines.push(`Truncated: ${m.truncated_reason}`);
  if (m.partial) lines.push(`Partial: ${m.partial.note}`);
  return lines.join("\n");
}

/** Cuts by code point, so an emoji is never split in half. */
function clip(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : chars.slice(0, limit - 1).join("") + "…";
}
