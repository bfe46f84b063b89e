/**
 * Read tools: channels, history, threads, users, profiles and search. Names and
 * parameters are compatible with `@modelcontextprotocol/server-slack`; results
 * follow the output conventions of `../format.ts`.
 * @module
 */
import { conversationLookup, messageReading, uses } from "./slack_use.ts";
import { z } from "zod";
import { defineTool, type ToolDeps, ToolError } from "../tool.ts";
import { channelParam, cursorParam, timeParam, toSlackTs, tsParam } from "../params.ts";
import {
  asOf,
  asOfLine,
  asOfSchema,
  channelsSchema,
  daySchema,
  detailsSchema,
  formatChannels,
  formatRow,
  formatUsers,
  type LeanMessage,
  type MessageRow,
  messageRows,
  moreLine,
  namesFor,
  partialLine,
  type PartialNote,
  partialSchema,
  present,
  type RawMessage,
  renderDays,
  timezoneSchema,
  toLean,
  usersSchema,
} from "../format.ts";
import type { SlackResponse, SlackUser } from "../../slack/types.ts";
import { cachedPage } from "../../slack/cached_page.ts";
import { cachedPages, type Pages } from "../../slack/cached_pages.ts";
import { describeBudgetStop } from "../errors.ts";
import { channelTypes, isBotId, type ListedChannel } from "../../slack/directory.ts";
import type { CacheResult } from "../../store/cache.ts";
import { cacheKeys, cacheTags } from "../../store/keys.ts";

const readOnly = { readOnlyHint: true, openWorldHint: true } as const;

const channelSchema = z.object({
  id: z.string().describe("Conversation ID, for the other tools"),
  name: z.string().describe("Channel name without #; for a DM, the other person's name"),
  user: z.string().optional().describe("For a DM: the other person's user ID"),
  is_private: z.literal(true).optional().describe("Present when the channel is private"),
  is_member: z.literal(false).optional().describe(
    "Present when the bot is not a member (it cannot read or post there until invited)",
  ),
  num_members: z.number().int().optional().describe("Members"),
  topic: z.string().optional().describe("Topic, when set"),
  purpose: z.string().optional().describe("Purpose, when set"),
});

type Channel = z.infer<typeof channelSchema>;

const conversationKinds = ["public_channel", "private_channel", "mpim", "im"] as const;

/** `types` as Slack wants it: known kinds, deduplicated, in a fixed order (one cache entry per set). */
function normalizeTypes(input: string | undefined): string {
  if (input === undefined) return channelTypes;
  const wanted = input.split(",").map((t) => t.trim()).filter(Boolean);
  const unknown = wanted.filter((t) => !(conversationKinds as readonly string[]).includes(t));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new ToolError(
      `types "${input}" is not a list of conversation kinds: use any of ${
        conversationKinds.join(", ")
      }, comma-separated.`,
    );
  }
  return conversationKinds.filter((k) => wanted.includes(k)).join(",");
}

function toChannel(c: ListedChannel, names: Map<string, string>): Channel {
  const dm = c.is_im && c.user !== undefined;
  return {
    id: c.id,
    name: dm ? names.get(c.user!) ?? c.user! : c.name,
    ...present("user", dm ? c.user : undefined),
    ...(c.is_private && !dm && !c.is_mpim && { is_private: true as const }),
    ...(c.is_member === false && { is_member: false as const }),
    ...present("num_members", c.num_members),
    ...present("topic", c.topic?.value),
    ...present("purpose", c.purpose?.value),
  };
}

function channelLine(c: Channel): string {
  const label = c.user ? `@${c.name} ${c.id} (DM with ${c.user})` : `#${c.name} ${c.id}`;
  const facts = [
    c.is_private && "private",
    c.num_members !== undefined && `${c.num_members} members`,
    c.is_member === false && "bot not a member",
  ].filter(Boolean);
  return `${label}${facts.length ? `, ${facts.join(", ")}` : ""}${
    c.topic ? `. Topic: ${c.topic}` : ""
  }${c.purpose ? `. Purpose: ${c.purpose}` : ""}`;
}

/** Our cursor over a listing we hold whole: where the next page starts. */
function pageOf<T extends { id: string }>(items: T[], limit: number, cursor: string | undefined) {
  let start = 0;
  if (cursor) {
    const id = cursor.replace(/^from:/, "");
    start = items.findIndex((item) => item.id === id);
    if (!cursor.startsWith("from:") || start < 0) {
      throw new ToolError(
        `cursor "${cursor}" is not valid here (the list changed, or it came from another call): start again without cursor.`,
      );
    }
  }
  const end = start + limit;
  return {
    items: items.slice(start, end),
    next_cursor: end < items.length ? `from:${items[end].id}` : undefined,
  };
}

/** `slack_list_channels`. */
export const listChannels = defineTool({
  name: "slack_list_channels",
  title: "List channels",
  description:
    "List the conversations the bot can see, with ID, name, member count, topic and purpose (default public and private channels; types adds DMs and group DMs). Use the IDs or names with the other tools. Paged: pass next_cursor back as cursor.",
  input: z.object({
    limit: z.number().int().min(1).max(200).default(100).describe("Channels per page (max 200)"),
    cursor: cursorParam,
    types: z.string().optional().describe(
      "Comma list of public_channel, private_channel, mpim, im; default public_channel,private_channel",
    ),
  }),
  output: z.object({
    channels: z.array(channelSchema),
    next_cursor: z.string().optional().describe("Pass as cursor for the next page"),
    as_of: asOfSchema,
  }),
  annotations: readOnly,
  slack: {
    methods: ["conversations.list", "users.info"],
    bot: ["channels:read", "groups:read", "im:read", "mpim:read", "users:read"],
  },
  async handler({ limit, cursor, types }, { deps }) {
    // The same cached listing the name lookups use: one conversations.list per token.
    const listing = await deps.directory.listing(normalizeTypes(types));
    const page = pageOf(listing.value, limit, cursor);
    const partners = page.items.flatMap((c) => (c.is_im && c.user ? [c.user] : []));
    const names = await deps.directory.userNames(partners);
    const channels = page.items.map((c) => toChannel(c, names));
    const stale = asOf(listing.ageSeconds, deps.now());
    return {
      structured: { channels, ...present("next_cursor", page.next_cursor), ...stale },
      text: `${channels.length} conversations:\n${channels.map(channelLine).join("\n")}${
        moreLine(page.next_cursor)
      }${asOfLine(stale)}`,
    };
  },
});

/** The fields of a result listing messages of one conversation. */
const messagesShape = {
  channel_id: z.string().describe("The conversation's ID"),
  timezone: timezoneSchema,
  days: z.array(daySchema).describe("Messages grouped by UTC day"),
  users: usersSchema,
  next_cursor: z.string().optional().describe("Pass as cursor for the next page"),
  partial: partialSchema,
  as_of: asOfSchema,
};

/** Reads up to `limit` messages through the cache, within the budget, with the names their rows need. */
function messagePages(
  deps: ToolDeps,
  request: {
    method: string;
    /** Every parameter but the page size and cursor, for the cache key. */
    query: string;
    params: Record<string, unknown>;
    channel: string;
    limit: number;
    cursor?: string;
  },
  signal: AbortSignal,
): Promise<CacheResult<Pages<LeanMessage>>> {
  return cachedPages<LeanMessage, RawMessage>(deps, {
    method: request.method,
    key: (size, cursor) =>
      cacheKeys.readPage(request.method, `${request.query}:${size}:${cursor ?? ""}`),
    params: request.params,
    cursor: request.cursor,
    limit: request.limit,
    listKey: "messages",
    tags: [cacheTags.history(request.channel)],
    pick: toLean,
    names: (raw, items) => namesFor(raw, items, deps.directory),
    signal,
  });
}

/**
 * The note of a read that stopped before its end: what was read (`read`),
 * why it stopped, and when a retry with the cursor reads on; `rest` is how
 * many messages are known to be left, for how long they take.
 */
function stoppedNote(
  pages: Pages<LeanMessage>,
  options: { read: string; rest?: number },
): PartialNote | undefined {
  const { stopped, next_cursor: cursor, pageSize } = pages;
  if (!stopped || !cursor) return undefined;
  const then = `with cursor "${cursor}" to read on`;
  const why = stopped.code === "ratelimited"
    ? describeBudgetStop(stopped, {
      then,
      calls: options.rest === undefined ? undefined : Math.ceil(options.rest / pageSize),
    })
    : `Slack ${stopped.method} failed on the next page with ${stopped.code}: retry ${then}.`;
  return {
    note: `${options.read} ${why}`,
    ...present("retry_after_seconds", stopped.retryAfterSeconds),
  };
}

/** Messages as the model sees them, and their text under `heading`. */
function messagesResult(
  channel: string,
  page: CacheResult<Pages<LeanMessage>>,
  options: { heading: string; now: number; threadTs?: string; partial?: PartialNote },
) {
  const { days, users, lines } = renderDays(page.value.items, page.value.names, options);
  const stale = asOf(page.ageSeconds, options.now);
  const { next_cursor } = page.value;
  return {
    structured: {
      channel_id: channel,
      timezone: "UTC" as const,
      days,
      users,
      ...present("next_cursor", next_cursor),
      ...present("partial", options.partial),
      ...stale,
    },
    // The note names the cursor already.
    text: `${options.heading} (UTC):\n${lines}${
      options.partial ? partialLine(options.partial) : moreLine(next_cursor)
    }${asOfLine(stale)}`,
  };
}

/** `slack_get_channel_history`. */
export const getChannelHistory = defineTool({
  name: "slack_get_channel_history",
  title: "Read channel history",
  description:
    "Read recent messages of a channel, newest first: one row per message [ts, time, author, text, details], grouped by day, with reply counts, reactions, files and edits. Use oldest/latest (a ts, unix seconds or a time like 2026-11-25 14:00) to pick a range and cursor to page back. A message's ts is its ID: read its thread with slack_get_thread_replies. When a Slack budget cuts a read short, partial says when to call again with next_cursor.",
  input: z.object({
    channel_id: channelParam,
    limit: z.number().int().min(1).max(200).default(20).describe("Messages per page (max 200)"),
    oldest: timeParam("Only messages after this: a ts, unix seconds or a UTC time"),
    latest: timeParam("Only messages before this: a ts, unix seconds or a UTC time"),
    cursor: cursorParam,
  }),
  output: z.object(messagesShape),
  annotations: readOnly,
  slack: uses(conversationLookup, messageReading, { methods: ["conversations.history"], bot: [] }),
  channelArgument: "channel_id",
  async handler(args, { deps, signal }) {
    const oldest = toSlackTs(args.oldest, "oldest");
    const latest = toSlackTs(args.latest, "latest");
    const { limit, cursor } = args;
    return await deps.directory.retryAsName("channel", args.channel_id, async (channel) => {
      const read = await messagePages(deps, {
        method: "conversations.history",
        query: `${channel}:${oldest ?? ""}:${latest ?? ""}`,
        params: { channel, oldest, latest },
        channel,
        limit,
        cursor,
      }, signal);
      const { items } = read.value;
      return messagesResult(channel, read, {
        heading: `${channel}, newest first`,
        now: deps.now(),
        partial: stoppedNote(read.value, {
          read: `Read ${items.length} of the ${limit} messages asked for.`,
          rest: limit - items.length,
        }),
      });
    });
  },
});

/** Messages of a thread one `slack_get_thread_replies` call reads at most. */
const repliesPerCall = 200;

/** What a thread read holds, for its note: the parent and how many of its replies. */
function threadRead(items: LeanMessage[], threadTs: string) {
  const [parent] = items;
  if (parent?.ts !== threadTs || parent.replies === undefined) {
    return { read: `Read ${items.length} messages of the thread.` };
  }
  const replies = items.length - 1;
  return {
    read: `Read the parent and ${replies} of its ${parent.replies} replies.`,
    rest: parent.replies - replies,
  };
}

/** `slack_get_thread_replies`. */
export const getThreadReplies = defineTool({
  name: "slack_get_thread_replies",
  title: "Read a thread",
  description:
    "Read a thread: its parent message first, then every reply oldest first, as rows [ts, time, author, text, details] grouped by day. thread_ts is the parent message's ts (from slack_get_channel_history). When a Slack budget cuts a long thread short, partial says when to call again with next_cursor.",
  input: z.object({
    channel_id: channelParam,
    thread_ts: tsParam("ts of the thread's parent message, e.g. 1732546800.000100"),
    cursor: cursorParam,
  }),
  output: z.object(messagesShape),
  annotations: readOnly,
  slack: uses(conversationLookup, messageReading, { methods: ["conversations.replies"], bot: [] }),
  channelArgument: "channel_id",
  async handler({ channel_id, thread_ts, cursor }, { deps, signal }) {
    return await deps.directory.retryAsName("channel", channel_id, async (channel) => {
      const read = await messagePages(deps, {
        method: "conversations.replies",
        query: `${channel}:${thread_ts}`,
        params: { channel, ts: thread_ts },
        channel,
        limit: repliesPerCall,
        cursor,
      }, signal);
      return messagesResult(channel, read, {
        heading: `${channel} thread, oldest first`,
        now: deps.now(),
        threadTs: thread_ts,
        partial: stoppedNote(read.value, threadRead(read.value.items, thread_ts)),
      });
    });
  },
});

const userSchema = z.object({
  id: z.string().describe("User ID, for the other tools"),
  name: z.string().describe("Handle (@name)"),
  display_name: z.string().optional().describe("Display name, when it differs from the handle"),
  real_name: z.string().optional().describe("Full name, when it differs from both"),
  title: z.string().optional().describe("Job title"),
  tz: z.string().optional().describe("IANA time zone"),
  is_bot: z.literal(true).optional().describe("Present for bot users"),
  deleted: z.literal(true).optional().describe("Present for deactivated accounts"),
});

type User = z.infer<typeof userSchema>;

function toUser(u: SlackUser): User {
  const display = u.profile.display_name || undefined;
  const real = u.profile.real_name || u.real_name || undefined;
  return {
    id: u.id,
    name: u.name,
    ...present("display_name", display === u.name ? undefined : display),
    ...present("real_name", real === u.name || real === display ? undefined : real),
    ...present("title", u.profile.title),
    ...present("tz", u.tz),
    ...(u.is_bot && { is_bot: true as const }),
    ...(u.deleted && { deleted: true as const }),
  };
}

/** `Alice Chen @alice U0ALICE01, VP Engineering, America/Los_Angeles`. */
function userLine(u: User): string {
  const names = [u.display_name, u.real_name].filter(Boolean).join(" / ");
  const facts = [
    u.title,
    u.tz,
    u.is_bot && "bot",
    u.deleted && "deactivated",
  ].filter(Boolean);
  return `${names ? `${names} ` : ""}@${u.name} ${u.id}${
    facts.length ? `, ${facts.join(", ")}` : ""
  }`;
}

/** `slack_get_users`. */
export const getUsers = defineTool({
  name: "slack_get_users",
  title: "List users",
  description:
    "List workspace members with ID, @handle, names, title and time zone. Paged: pass next_cursor back as cursor.",
  input: z.object({
    limit: z.number().int().min(1).max(200).default(100).describe("Users per page (max 200)"),
    cursor: cursorParam,
  }),
  output: z.object({
    users: z.array(userSchema),
    next_cursor: z.string().optional().describe("Pass as cursor for the next page"),
    as_of: asOfSchema,
  }),
  annotations: readOnly,
  slack: { methods: ["users.list"], bot: ["users:read"] },
  async handler({ limit, cursor }, { deps, signal }) {
    const page = await cachedPage(deps, {
      method: "users.list",
      key: cacheKeys.readPage("users.list", `${limit}:${cursor ?? ""}`),
      params: { limit, cursor },
      listKey: "members",
      pick: toUser,
      signal,
    });
    const { items, next_cursor } = page.value;
    const stale = asOf(page.ageSeconds, deps.now());
    return {
      structured: { users: items, ...present("next_cursor", next_cursor), ...stale },
      text: `${items.length} users:\n${items.map(userLine).join("\n")}${moreLine(next_cursor)}${
        asOfLine(stale)
      }`,
    };
  },
});

/** `slack_get_user_profile`. */
export const getUserProfile = defineTool({
  name: "slack_get_user_profile",
  title: "Get a user's profile",
  description:
    "Get one person's profile: names, title, email, phone, status and time zone. Accepts a user ID (U… or W…) or @handle; bots (B…) have no profile.",
  input: z.object({ user_id: z.string().min(1).describe("User ID (U… or W…) or @handle") }),
  output: userSchema.extend({
    email: z.string().optional().describe("Email, when visible to the app"),
    phone: z.string().optional().describe("Phone, when set"),
    status: z.string().optional().describe("Status emoji and text, when set"),
  }),
  annotations: readOnly,
  slack: { methods: ["users.info", "users.list"], bot: ["users:read", "users:read.email"] },
  async handler({ user_id }, { deps }) {
    if (isBotId(user_id)) {
      throw new ToolError(
        `${user_id.trim()} is a bot ID (B…), not a user: bots post messages but have no user profile. The name a bot posts under is in the users map of the history that showed it.`,
      );
    }
    const id = await deps.directory.userId(user_id);
    const user = await deps.directory.retryAsName("user", id, deps.directory.user);
    const p = user.profile;
    const status = [p.status_emoji, p.status_text].filter(Boolean).join(" ") || undefined;
    const profile = {
      ...toUser(user),
      ...present("email", p.email),
      ...present("phone", p.phone),
      ...present("status", status),
    };
    const text = [
      `@${profile.name} ${profile.id}${profile.display_name ? ` (${profile.display_name})` : ""}`,
      profile.real_name && `Name: ${profile.real_name}`,
      profile.title && `Title: ${profile.title}`,
      profile.email && `Email: ${profile.email}`,
      profile.phone && `Phone: ${profile.phone}`,
      status && `Status: ${status}`,
      profile.tz && `Time zone: ${profile.tz}`,
      profile.is_bot && "Bot user",
      profile.deleted && "Deactivated",
    ].filter(Boolean).join("\n");
    return { structured: profile, text };
  },
});

interface SearchMatch extends RawMessage {
  channel: { id: string; name?: string };
}

/** One search match: `[channel, ts, time, user, text, details?]`. */
const searchRowSchema = z.array(z.union([z.string(), detailsSchema])).min(5).max(6).describe(
  "[channel, ts, time, user, text, details?]: channel is #name (ID in channels) or the ID of a DM; time YYYY-MM-DD HH:MM UTC; user the author's name (ID in users); text with mentions as @name",
);

/** Slack's last page of search results. */
const maxSearchPage = 100;

/** The results page a search cursor (`page:N`) points to; page 1 without one. */
function searchPage(cursor: string | undefined): number {
  if (cursor === undefined) return 1;
  const page = Number(/^page:(\d+)$/.exec(cursor)?.[1]);
  if (!(page >= 1 && page <= maxSearchPage)) {
    throw new ToolError(
      `cursor "${cursor}" is not a search cursor: pass the next_cursor of slack_search_messages with the same query, count and sort, or start again without cursor.`,
    );
  }
  return page;
}

/** `slack_search_messages`. */
export const searchMessages = defineTool({
  name: "slack_search_messages",
  title: "Search messages",
  description:
    'Search messages across the workspace with Slack\'s search syntax (in:#channel, from:@user, before:/after:YYYY-MM-DD, "exact phrase"); one row per match [channel, ts, time, author, text, details]. Paged: pass next_cursor back as cursor, with the same query, count and sort. Needs SLACK_USER_TOKEN (a xoxp- user token): Slack refuses search to bot tokens.',
  input: z.object({
    query: z.string().min(1).describe("Search query, e.g. `deploy in:#engineering from:@alice`"),
    count: z.number().int().min(1).max(100).default(20).describe("Results per page (max 100)"),
    sort: z.enum(["score", "timestamp"]).default("score").describe("Best match or newest first"),
    cursor: cursorParam,
  }),
  output: z.object({
    total: z.number().int().describe("Matches in all; more than shown when over count"),
    timezone: timezoneSchema,
    matches: z.array(searchRowSchema),
    channels: channelsSchema,
    users: usersSchema,
    next_cursor: z.string().optional().describe("Pass as cursor for the next page"),
    as_of: asOfSchema,
  }),
  annotations: readOnly,
  slack: uses(messageReading, { methods: ["search.messages"], bot: [], user: ["search:read"] }),
  async handler({ query, count, sort, cursor }, { deps, signal }) {
    if (!deps.slack.hasUserToken) {
      throw new ToolError(
        "Search needs a user token: set SLACK_USER_TOKEN (xoxp-…, scope search:read) and restart. Slack refuses search.messages to bot tokens.",
      );
    }
    const page = searchPage(cursor);
    const { value, ageSeconds } = await deps.cache.getOrLoad(
      cacheKeys.readPage("search.messages", `${sort}:${count}:${page}:${query}`),
      async () => {
        const result = await deps.slack.call<
          SlackResponse & {
            messages: { total: number; matches: SearchMatch[]; paging?: { pages?: number } };
          }
        >("search.messages", { query, count, sort, page }, { token: "user", signal });
        const raw = result.messages.matches;
        const items = raw.map(toLean);
        const pages = result.messages.paging?.pages ?? 1;
        return {
          total: result.messages.total,
          items,
          channels: raw.map((m) => [m.channel.id, m.channel.name] as const),
          names: await namesFor(raw, items, deps.directory),
          next: page < Math.min(pages, maxSearchPage) ? `page:${page + 1}` : undefined,
        };
      },
    );
    const { rows, users } = messageRows(value.items, value.names);
    const channels: Record<string, string> = {};
    const matches = rows.map((row, i): MessageRow | [string, ...MessageRow] => {
      const [id, name] = value.channels[i];
      if (name) channels[id] = name;
      return [name ? `#${name}` : id, ...row];
    });
    const stale = asOf(ageSeconds, deps.now());
    const lines = matches.map(([channel, ...row]) => `${channel} ${formatRow(row as MessageRow)}`);
    const first = (page - 1) * count + 1;
    return {
      structured: {
        total: value.total,
        timezone: "UTC" as const,
        matches,
        channels,
        users,
        ...present("next_cursor", value.next),
        ...stale,
      },
      text: `${value.total} matches for "${query}"${
        value.total > matches.length && matches.length > 0
          ? `, showing ${first}–${first + matches.length - 1}`
          : ""
      } (times UTC):\n${lines.join("\n")}${formatUsers(users)}${formatChannels(channels)}${
        moreLine(value.next)
      }${asOfLine(stale)}`,
    };
  },
});

/** Every read tool, in listing order. */
export const readTools = [
  listChannels,
  getChannelHistory,
  getThreadReplies,
  getUsers,
  getUserProfile,
  searchMessages,
];
