/**
 * What the model sees: the shapes tools return and their text renderings.
 *
 * Clients differ in which half of a result they hand the model (Claude Code,
 * VS Code and Codex pass `JSON.stringify(structuredContent)`; Claude Desktop
 * and Cursor pass the text), so both halves carry every fact the model needs
 * and nothing twice. The conventions, measured with `bench/tokens.ts`:
 *
 * - **Names once.** A result that names people has one `users` map (ID →
 *   name). Rows and lines show the name, so the model reads who said what
 *   without a lookup; the map gives the ID for follow-up calls. Slack's
 *   `<@U…>` mentions in message text read `@name`, their IDs in `users` too.
 *   Bot messages have their bot ID (`B…`) there with the bot's name. Results
 *   that name channels by ID have one `channels` map (ID → name) likewise.
 * - **One time form.** Times are UTC, as `YYYY-MM-DD HH:MM`. Message lists
 *   say so once (`timezone: "UTC"`) and are grouped per day
 *   (`days: [{date, messages}]`), so each message carries only `HH:MM`; a
 *   time standing alone reads `YYYY-MM-DD HH:MM:SS UTC` (`as_of`, `post_at`,
 *   `received_at`). A message's `ts` is its ID (for replies, reactions,
 *   edits), never a second time field: no ISO string next to a `ts`. Tools
 *   accept these printed times back wherever they take a time.
 * - **Messages are rows** `[ts, time, user, text, details?]`: a compact table
 *   whose column order is fixed, with `details` only when there is something
 *   to say (`replies`, `reactions` as `{name: count}`, `files` as `{id,
 *   name}`, `edited`, `thread_ts` when it differs from `ts` and from the
 *   thread being read, `subtype` other than `bot_message` and a broadcast's
 *   `thread_broadcast`). Measured on 500 messages, rows cost 16 % fewer
 *   tokens than one object per message (17.8k against 21.2k) and read like a
 *   chat log. Other lists (channels, users) stay objects: short, and sparse.
 * - **Omit what is empty or default.** No `false`, `[]`, `""` or `null`
 *   fields: `is_private` only when true, `is_member` only when false,
 *   `display_name` only when it differs from `name`, `deleted`/`is_bot` only
 *   when true. A field that is absent has its default.
 * - **Cache metadata only when it matters.** A result served from a cache
 *   entry older than {@link staleAfterSeconds} says when it was read
 *   (`as_of`); fresher results say nothing about the cache.
 * - **Partial rather than failed.** A read that a Slack budget stopped part
 *   way returns what it read, with `partial: {note, retry_after_seconds}`
 *   (whose budget, the setting that changes it, when a retry with
 *   `next_cursor` reads on) and a closing `Partial:` line.
 * - **snake_case** field names, like Slack's, in every tool; every field of an
 *   output schema has a `.describe()`.
 * - **Inputs take back what outputs print**: IDs of any length (a bare value
 *   with no lowercase letter is an ID, `#`/`@` a name), a `ts` as a string or
 *   a JSON number (`tsParam`), times as printed (`parseTime`).
 * - **Text**: one header line, then one line per item; a message line is
 *   `ts HH:MM name: text [details]` under a day line (details such as
 *   `3 replies, :tada:2 :eyes:1, edited, file F1 plan.pdf`), and a closing
 *   `Users: name ID, …` line gives the IDs. A paged result ends with the
 *   cursor to pass.
 * @module
 */
import { z } from "zod";
import type { SlackMessage } from "../slack/types.ts";

/** A cache entry older than this is reported with `as_of`. */
export const staleAfterSeconds = 60;

/** What a message from Slack may carry beyond {@link SlackMessage}. */
export interface RawMessage extends SlackMessage {
  files?: { id: string; name?: string; title?: string }[];
  bot_profile?: { name?: string };
}

/** A message trimmed to what the model needs, before names are filled in. */
export interface LeanMessage {
  ts: string;
  /** Author: a user ID, or the bot ID of a bot message. */
  user?: string;
  text: string;
  thread_ts?: string;
  replies?: number;
  reactions?: Record<string, number>;
  files?: { id: string; name: string }[];
  edited?: true;
  subtype?: string;
}

/** `users`: who a result names. */
export const usersSchema = z.record(z.string(), z.string()).describe(
  "Everyone this result names, user or bot ID → name; use the IDs in follow-up calls",
);

/** The time zone every time of a result is in. */
export const timezoneSchema = z.literal("UTC").describe("Time zone of every time in the result");

/** `as_of`: present only when the result comes from a cache entry older than a minute. */
export const asOfSchema = z.string().optional().describe(
  "When Slack was read (YYYY-MM-DD HH:MM:SS UTC); present only if that was over a minute ago",
);

/** The optional last column of a message row. */
export const detailsSchema = z.object({
  replies: z.number().int().optional().describe("Replies in the thread this message starts"),
  reactions: z.record(z.string(), z.number().int()).optional().describe(
    "Reactions: emoji name → count",
  ),
  files: z.array(z.object({
    id: z.string().describe("File ID (F…)"),
    name: z.string().describe("File name or title"),
  })).optional().describe("Files shared with the message"),
  edited: z.literal(true).optional().describe("The message was edited"),
  thread_ts: z.string().optional().describe(
    "ts of the thread's parent, when this message is a reply shown outside its thread",
  ),
  subtype: z.string().optional().describe(
    "Slack's subtype, e.g. channel_join, thread_broadcast, tombstone",
  ),
}).describe("Only what applies");

/** One message: `[ts, time, user, text, details?]`. */
export const messageRowSchema = z.array(z.union([z.string(), detailsSchema])).min(4).max(5)
  .describe(
    "[ts, time, user, text, details?]: ts is the message ID (for replies, reactions, edits); time HH:MM (or YYYY-MM-DD HH:MM outside day groups); user the author's name (ID in users); text with mentions as @name; details only when there is something to add",
  );

/** A message row as a type. */
export type MessageRow = [string, string, string, string] | [
  string,
  string,
  string,
  string,
  z.infer<typeof detailsSchema>,
];

/** Messages of one UTC day. */
export const daySchema = z.object({
  date: z.string().describe("YYYY-MM-DD (UTC)"),
  messages: z.array(messageRowSchema),
});

/** A day of messages as a type. */
export interface Day {
  date: string;
  messages: MessageRow[];
}

function utc(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** `YYYY-MM-DD HH:MM` (UTC) of a Slack ts or unix seconds. */
export function formatTime(ts: string | number): string {
  return utc(Number(ts)).slice(0, 16).replace("T", " ");
}

/** `YYYY-MM-DD HH:MM:SS UTC` of unix seconds or an ISO time: a time standing alone. */
export function formatInstant(time: number | string): string {
  const iso = typeof time === "number" ? utc(time) : new Date(time).toISOString();
  return `${iso.slice(0, 19).replace("T", " ")} UTC`;
}

/** `{as_of}` when a cached value is older than {@link staleAfterSeconds}, else nothing. */
export function asOf(ageSeconds: number, nowMs: number): { as_of?: string } {
  return ageSeconds > staleAfterSeconds
    ? { as_of: formatInstant(Math.floor(nowMs / 1000) - ageSeconds) }
    : {};
}

/** The text line for {@link asOf}, or nothing. */
export function asOfLine(stale: { as_of?: string }): string {
  return stale.as_of ? `\n(Read from Slack at ${stale.as_of}, cached since.)` : "";
}

/** Trims a Slack message; names are added when it is rendered. */
export function toLean(message: RawMessage): LeanMessage {
  const reactions = message.reactions?.length
    ? Object.fromEntries(message.reactions.map((r) => [r.name, r.count]))
    : undefined;
  const files = message.files?.map((f) => ({ id: f.id, name: f.title || f.name || f.id }));
  const lean: LeanMessage = { ts: message.ts, text: message.text ?? "" };
  const user = message.user ?? message.bot_id;
  if (user) lean.user = user;
  if (message.thread_ts && message.thread_ts !== message.ts) lean.thread_ts = message.thread_ts;
  if (message.reply_count) lean.replies = message.reply_count;
  if (reactions) lean.reactions = reactions;
  if (files?.length) lean.files = files;
  if (message.edited) lean.edited = true;
  if (message.subtype && message.subtype !== "bot_message") lean.subtype = message.subtype;
  return lean;
}

const mentionPattern = /<@([A-Z0-9]+)(?:\|[^>]*)?>/g;

/** The IDs Slack's `<@U…>` mentions in `text` name. */
export function mentionedIds(text: string): string[] {
  return [...text.matchAll(mentionPattern)].map((m) => m[1]);
}

/** `text` with each `<@U…>` mention read `@name` (`@U…` when `users` has no name for it). */
export function nameMentions(text: string, users: Record<string, string>): string {
  return text.replace(mentionPattern, (_, id: string) => `@${users[id] ?? id}`);
}

/** The user and bot IDs a message names: its author and its mentions. */
export function idsIn(message: LeanMessage): string[] {
  const ids = mentionedIds(message.text);
  return message.user ? [message.user, ...ids] : ids;
}

/**
 * Names for the IDs messages name, looked up once (then cached with the
 * page): people through the directory, bots by the name on their messages.
 */
export async function namesFor(
  raw: RawMessage[],
  lean: LeanMessage[],
  directory: { userNames(ids: Iterable<string>): Promise<Map<string, string>> },
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const m of raw) {
    if (m.bot_id && !m.user) names[m.bot_id] = m.username || m.bot_profile?.name || m.bot_id;
  }
  const people = new Set(lean.flatMap(idsIn).filter((id) => !(id in names)));
  for (const [id, name] of await directory.userNames(people)) names[id] = name;
  return names;
}

/**
 * ID → name for `ids` (the ID itself when there is no name), a name that two
 * of them share told apart as `name (ID)`.
 *
 * @example
 * ```ts
 * uniqueNames(["U1", "U2"], (id) => "Alex"); // {U1: "Alex (U1)", U2: "Alex (U2)"}
 * ```
 */
export function uniqueNames(
  ids: Iterable<string>,
  nameOf: (id: string) => string | undefined,
): Record<string, string> {
  const named = [...new Set(ids)].map((id) => [id, nameOf(id) ?? id] as const);
  const counts = new Map<string, number>();
  for (const [, name] of named) counts.set(name, (counts.get(name) ?? 0) + 1);
  return Object.fromEntries(
    named.map(([id, name]) => [id, (counts.get(name) ?? 0) > 1 ? `${name} (${id})` : name]),
  );
}

/**
 * Renders messages for the model: names in place of IDs (made unique within
 * the result), mentions as `@name`, and the `users` map of every ID shown.
 */
export function nameMessages(messages: LeanMessage[], names: Record<string, string>) {
  const users = uniqueNames(new Set(messages.flatMap(idsIn)), (id) => names[id]);
  const named = messages.map((m) => ({
    ...m,
    name: m.user ? users[m.user] : "?",
    text: nameMentions(m.text, users),
  }));
  return { named, users };
}

/** A message with its author's name and its mentions resolved. */
type NamedMessage = ReturnType<typeof nameMessages>["named"][number];

function detailsOf(m: NamedMessage, threadTs?: string) {
  const details: z.infer<typeof detailsSchema> = {};
  if (m.replies) details.replies = m.replies;
  // Copies: a rendering is frozen (renderDays), the cached message it came from is not.
  if (m.reactions) details.reactions = { ...m.reactions };
  if (m.files) details.files = m.files.map((file) => ({ ...file }));
  if (m.edited) details.edited = true;
  if (m.thread_ts && m.thread_ts !== threadTs) details.thread_ts = m.thread_ts;
  // A reply shown outside its thread is a broadcast: thread_ts already says so.
  if (m.subtype && !(m.subtype === "thread_broadcast" && details.thread_ts)) {
    details.subtype = m.subtype;
  }
  return details;
}

/** A message's row; `time` is `HH:MM` inside a day group, else the full time. */
function rowOf(m: NamedMessage, time: string, threadTs?: string): MessageRow {
  const details = detailsOf(m, threadTs);
  return Object.keys(details).length > 0
    ? [m.ts, time, m.name, m.text, details]
    : [m.ts, time, m.name, m.text];
}

/** Messages as rows grouped by UTC day, in the order given. */
export function messageDays(
  messages: LeanMessage[],
  names: Record<string, string>,
  options: { threadTs?: string } = {},
): { days: Day[]; users: Record<string, string> } {
  const { named, users } = nameMessages(messages, names);
  const days: Day[] = [];
  for (const m of named) {
    const [date, time] = formatTime(m.ts).split(" ");
    if (days.at(-1)?.date !== date) days.push({ date, messages: [] });
    days.at(-1)!.messages.push(rowOf(m, time, options.threadTs));
  }
  return { days, users };
}

/** Messages as rows with their full time, for results not in time order (search). */
export function messageRows(
  messages: LeanMessage[],
  names: Record<string, string>,
): { rows: MessageRow[]; users: Record<string, string> } {
  const { named, users } = nameMessages(messages, names);
  return { rows: named.map((m) => rowOf(m, formatTime(m.ts))), users };
}

/** `[3 replies, :tada:2 :eyes:1, edited, file F1 plan.pdf]`, or nothing. */
function formatDetails(details: z.infer<typeof detailsSchema> | undefined): string {
  if (!details) return "";
  const parts: string[] = [];
  if (details.replies) {
    parts.push(`${details.replies} ${details.replies === 1 ? "reply" : "replies"}`);
  }
  const reactions = Object.entries(details.reactions ?? {});
  // `:tada:2 :eyes:1`, as Slack shows them under a message.
  if (reactions.length) parts.push(reactions.map(([name, n]) => `:${name}:${n}`).join(" "));
  for (const file of details.files ?? []) parts.push(`file ${file.id} ${file.name}`);
  if (details.edited) parts.push("edited");
  if (details.thread_ts) parts.push(`in thread ${details.thread_ts}`);
  if (details.subtype) parts.push(details.subtype);
  return parts.length > 0 ? ` [${parts.join(", ")}]` : "";
}

/** `ts time name: text [details]`. */
export function formatRow(row: MessageRow): string {
  const [ts, time, name, text, details] = row;
  return `${ts} ${time} ${name}: ${text}${formatDetails(details)}`;
}

/** Day lines, each followed by its messages' lines. */
export function formatDays(days: Day[]): string {
  return days.flatMap((day) => [day.date, ...day.messages.map(formatRow)]).join("\n");
}

/** {@link messageDays} with its text: the day lines and the users line. */
export interface RenderedDays {
  days: Day[];
  users: Record<string, string>;
  lines: string;
}

/** Per message list, per thread being read: the names it was rendered with, and the result. */
const rendered = new WeakMap<
  LeanMessage[],
  Map<string, { names: Record<string, string>; value: RenderedDays }>
>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * {@link messageDays} and its lines ({@link formatDays}, {@link formatUsers}),
 * rendered once per message list and kept as long as the list lives: a cached
 * page is parsed once and shared by every read of it, so a repeated read skips
 * the rendering (a fifth of a cached call's CPU). The result is frozen, as it
 * is shared.
 */
export function renderDays(
  messages: LeanMessage[],
  names: Record<string, string>,
  options: { threadTs?: string } = {},
): RenderedDays {
  const key = options.threadTs ?? "";
  const byThread = rendered.get(messages) ?? new Map();
  const known = byThread.get(key);
  if (known?.names === names) return known.value;
  const { days, users } = messageDays(messages, names, options);
  const value = deepFreeze({ days, users, lines: `${formatDays(days)}${formatUsers(users)}` });
  byThread.set(key, { names, value });
  rendered.set(messages, byThread);
  return value;
}

/**
 * ID → name for `ids`, plus `known` names (bots' names from their messages).
 * An ID without a name (a failed lookup) is left out rather than mapped to
 * itself.
 */
export async function usersMap(
  directory: { userNames(ids: Iterable<string>): Promise<Map<string, string>> },
  ids: Iterable<string>,
  known: Record<string, string> = {},
): Promise<Record<string, string>> {
  const wanted = [...new Set(ids)].filter((id) => !(id in known));
  const names = await directory.userNames(wanted);
  const map: Record<string, string> = {};
  for (const id of new Set([...Object.keys(known), ...wanted])) {
    const name = known[id] ?? names.get(id);
    if (name && name !== id) map[id] = name;
  }
  return map;
}

/** `Users: alice U0ALICE01, Deploy Bot B0DEPLOY1`, or nothing when nobody is named. */
export function formatUsers(users: Record<string, string>): string {
  const entries = Object.entries(users);
  return entries.length > 0
    ? `\nUsers: ${entries.map(([id, name]) => `${name} ${id}`).join(", ")}`
    : "";
}

/** `channels`: the conversations a result names. */
export const channelsSchema = z.record(z.string(), z.string()).describe(
  "Channel ID → name (without #) of the channels this result names",
);

/** `Channels: #general C0GENERAL, …`, or nothing when no channel is named. */
export function formatChannels(channels: Record<string, string>): string {
  const entries = Object.entries(channels);
  return entries.length > 0
    ? `\nChannels: ${entries.map(([id, name]) => `#${name} ${id}`).join(", ")}`
    : "";
}

/** `partial`: present only when a result is incomplete. */
export const partialSchema = z.object({
  note: z.string().describe(
    "What was not read, why, and when a retry (with next_cursor, if given) reads it",
  ),
  retry_after_seconds: z.number().int().min(0).optional().describe(
    "Seconds until a retry can read more, when known",
  ),
}).optional().describe("Present only when the result is incomplete (Slack budgets)");

/** What a result lacks, as {@link partialSchema} says it. */
export type PartialNote = NonNullable<z.infer<typeof partialSchema>>;

/** The text line for a {@link PartialNote}, or nothing. */
export function partialLine(partial: PartialNote | undefined): string {
  return partial ? `\nPartial: ${partial.note}` : "";
}

/** A footer line for paged results. */
export function moreLine(nextCursor: string | undefined): string {
  return nextCursor ? `\nMore: pass cursor "${nextCursor}".` : "";
}

/** `{key: value}` when `value` is set and not `""`, else nothing: for spreading. */
export function present<K extends string, V>(
  key: K,
  value: V | undefined | null | "",
): { [P in K]?: V } {
  return value === undefined || value === null || value === ""
    ? {}
    : { [key]: value } as { [P in K]?: V };
}
