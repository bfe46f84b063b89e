/**
 * Read tools: channels, history, threads, users, profiles and search. Names and
 * parameters are compatible with `@modelcontextprotocol/server-slack`.
 * @module
 */
import { conversationLookup, messageReading, uses } from "./slack_use.ts";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { channelParam, cursorParam, tsParam } from "../params.ts";
import {
  cacheInfoSchema,
  formatMessage,
  type Message,
  messageSchema,
  moreLine,
  toMessage,
  withNames,
} from "../format.ts";
import type { SlackChannel, SlackMessage, SlackResponse, SlackUser } from "../../slack/types.ts";
import { cachedPage, type Page } from "../../slack/cached_page.ts";
import { displayName } from "../../slack/directory.ts";
import { cacheTags } from "../../store/keys.ts";

const readOnly = { readOnlyHint: true, openWorldHint: true } as const;

const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  is_private: z.boolean(),
  is_member: z.boolean().optional(),
  num_members: z.number().int().optional(),
  topic: z.string().optional(),
  purpose: z.string().optional(),
});

function toChannel(c: SlackChannel): z.infer<typeof channelSchema> {
  return {
    id: c.id,
    name: c.name,
    is_private: c.is_private,
    is_member: c.is_member,
    num_members: c.num_members,
    topic: c.topic?.value || undefined,
    purpose: c.purpose?.value || undefined,
  };
}

/** `slack_list_channels`. */
export const listChannels = defineTool({
  name: "slack_list_channels",
  title: "List channels",
  description:
    "List the workspace's public and private channels the bot can see, with ID, name, member count, topic and purpose. Use the IDs or names with the other tools. Paged: pass next_cursor back as cursor.",
  input: z.object({
    limit: z.number().int().min(1).max(200).default(100).describe("Channels per page (max 200)"),
    cursor: cursorParam,
  }),
  output: z.object({
    channels: z.array(channelSchema),
    next_cursor: z.string().optional(),
    ...cacheInfoSchema,
  }),
  annotations: readOnly,
  slack: {
    methods: ["conversations.list"],
    bot: ["channels:read", "groups:read", "im:read", "mpim:read", "users:read"],
  },
  async handler({ limit, cursor }, { deps, signal }) {
    const { value, cached, ageSeconds } = await cachedPage(deps, {
      method: "conversations.list",
      key: `channels:${limit}:${cursor ?? ""}`,
      params: { limit, cursor, types: "public_channel,private_channel", exclude_archived: true },
      listKey: "channels",
      tags: [cacheTags.channels],
      pick: toChannel,
      signal,
    });
    const lines = value.items.map((c) =>
      `#${c.name} ${c.id}${c.is_private ? " (private)" : ""}${
        c.num_members === undefined ? "" : `, ${c.num_members} members`
      }${c.is_member === false ? ", bot not a member" : ""}${c.topic ? ` — ${c.topic}` : ""}`
    );
    return {
      structured: {
        channels: value.items,
        next_cursor: value.next_cursor,
        cached,
        cache_age_seconds: ageSeconds,
      },
      text: `${value.items.length} channels:\n${lines.join("\n")}${moreLine(value.next_cursor)}`,
    };
  },
});

const historyOutput = z.object({
  channel_id: z.string(),
  messages: z.array(messageSchema),
  next_cursor: z.string().optional(),
  ...cacheInfoSchema,
});

function historyResult(
  channel: string,
  page: { value: Page<Message>; cached: boolean; ageSeconds: number },
  heading: string,
) {
  const messages = page.value.items;
  return {
    structured: {
      channel_id: channel,
      messages,
      next_cursor: page.value.next_cursor,
      cached: page.cached,
      cache_age_seconds: page.ageSeconds,
    },
    text: `${heading} (${messages.length}):\n${messages.map(formatMessage).join("\n")}${
      moreLine(page.value.next_cursor)
    }`,
  };
}

/** `slack_get_channel_history`. */
export const getChannelHistory = defineTool({
  name: "slack_get_channel_history",
  title: "Read channel history",
  description:
    "Read recent messages of a channel, newest first, with author names, reply and reaction counts. Use oldest/latest (Slack timestamps or unix seconds) to pick a time range and cursor to page back. Read a thread's replies with slack_get_thread_replies.",
  input: z.object({
    channel_id: channelParam,
    limit: z.number().int().min(1).max(200).default(20).describe("Messages per page (max 200)"),
    oldest: z.string().optional().describe("Only messages after this Slack timestamp / unix time"),
    latest: z.string().optional().describe("Only messages before this Slack timestamp / unix time"),
    cursor: cursorParam,
  }),
  output: historyOutput,
  annotations: readOnly,
  slack: uses(conversationLookup, messageReading, { methods: ["conversations.history"], bot: [] }),
  channelArgument: "channel_id",
  async handler({ channel_id: channel, limit, oldest, latest, cursor }, { deps, signal }) {
    const page = await cachedPage(deps, {
      method: "conversations.history",
      key: `history:${channel}:${limit}:${oldest ?? ""}:${latest ?? ""}:${cursor ?? ""}`,
      params: { channel, limit, oldest, latest, cursor },
      listKey: "messages",
      tags: [cacheTags.history(channel)],
      pick: toMessage,
      signal,
      complete: (messages) => withNames(messages, deps.directory),
    });
    return historyResult(channel, page, `Messages in ${channel}, newest first`);
  },
});

/** `slack_get_thread_replies`. */
export const getThreadReplies = defineTool({
  name: "slack_get_thread_replies",
  title: "Read a thread",
  description:
    "Read a thread: its parent message first, then every reply oldest first. thread_ts is the parent message's ts (from slack_get_channel_history).",
  input: z.object({
    channel_id: channelParam,
    thread_ts: tsParam("ts of the thread's parent message, e.g. 1732546800.000100"),
    cursor: cursorParam,
  }),
  output: historyOutput,
  annotations: readOnly,
  slack: uses(conversationLookup, messageReading, { methods: ["conversations.replies"], bot: [] }),
  channelArgument: "channel_id",
  async handler({ channel_id: channel, thread_ts, cursor }, { deps, signal }) {
    const page = await cachedPage(deps, {
      method: "conversations.replies",
      key: `replies:${channel}:${thread_ts}:${cursor ?? ""}`,
      params: { channel, ts: thread_ts, limit: 200, cursor },
      listKey: "messages",
      tags: [cacheTags.history(channel)],
      pick: toMessage,
      signal,
      complete: (messages) => withNames(messages, deps.directory),
    });
    return historyResult(channel, page, `Thread ${thread_ts} in ${channel}`);
  },
});

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  display_name: z.string(),
  real_name: z.string().optional(),
  title: z.string().optional(),
  is_bot: z.boolean(),
  deleted: z.boolean(),
  tz: z.string().optional(),
});

function toUser(u: SlackUser): z.infer<typeof userSchema> {
  return {
    id: u.id,
    name: u.name,
    display_name: displayName(u),
    real_name: u.profile.real_name || u.real_name || undefined,
    title: u.profile.title || undefined,
    is_bot: u.is_bot,
    deleted: u.deleted,
    tz: u.tz,
  };
}

/** `slack_get_users`. */
export const getUsers = defineTool({
  name: "slack_get_users",
  title: "List users",
  description:
    "List workspace members with ID, @handle, display name, title and time zone. Paged: pass next_cursor back as cursor.",
  input: z.object({
    limit: z.number().int().min(1).max(200).default(100).describe("Users per page (max 200)"),
    cursor: cursorParam,
  }),
  output: z.object({
    users: z.array(userSchema),
    next_cursor: z.string().optional(),
    ...cacheInfoSchema,
  }),
  annotations: readOnly,
  slack: { methods: ["users.list"], bot: ["users:read"] },
  async handler({ limit, cursor }, { deps, signal }) {
    const { value, cached, ageSeconds } = await cachedPage(deps, {
      method: "users.list",
      key: `users:${limit}:${cursor ?? ""}`,
      params: { limit, cursor },
      listKey: "members",
      pick: toUser,
      signal,
    });
    const lines = value.items.map((u) =>
      `${u.display_name} @${u.name} ${u.id}${u.title ? ` — ${u.title}` : ""}${
        u.is_bot ? " (bot)" : ""
      }${u.deleted ? " (deactivated)" : ""}`
    );
    return {
      structured: {
        users: value.items,
        next_cursor: value.next_cursor,
        cached,
        cache_age_seconds: ageSeconds,
      },
      text: `${value.items.length} users:\n${lines.join("\n")}${moreLine(value.next_cursor)}`,
    };
  },
});

/** `slack_get_user_profile`. */
export const getUserProfile = defineTool({
  name: "slack_get_user_profile",
  title: "Get a user's profile",
  description:
    "Get one user's profile: names, title, email, phone, status and time zone. Accepts a user ID (U…) or @handle.",
  input: z.object({ user_id: z.string().min(1).describe("User ID (U…) or @handle") }),
  output: z.object({
    ...userSchema.shape,
    email: z.string().optional(),
    phone: z.string().optional(),
    status: z.string().optional(),
  }),
  annotations: readOnly,
  slack: { methods: ["users.info", "users.list"], bot: ["users:read", "users:read.email"] },
  async handler({ user_id }, { deps }) {
    const user = await deps.directory.user(await deps.directory.userId(user_id));
    const p = user.profile;
    const status = [p.status_emoji, p.status_text].filter(Boolean).join(" ") || undefined;
    const profile = {
      ...toUser(user),
      email: p.email || undefined,
      phone: p.phone || undefined,
      status,
    };
    const text = [
      `${profile.display_name} (@${profile.name}, ${profile.id})`,
      profile.real_name && `Name: ${profile.real_name}`,
      profile.title && `Title: ${profile.title}`,
      profile.email && `Email: ${profile.email}`,
      profile.phone && `Phone: ${profile.phone}`,
      status && `Status: ${status}`,
      profile.tz && `Time zone: ${profile.tz}`,
    ].filter(Boolean).join("\n");
    return { structured: profile, text };
  },
});

interface SearchMatch extends SlackMessage {
  channel: { id: string; name: string };
  permalink: string;
}

/** `slack_search_messages`. */
export const searchMessages = defineTool({
  name: "slack_search_messages",
  title: "Search messages",
  description:
    'Search messages across the workspace with Slack\'s search syntax (in:#channel, from:@user, before:/after:YYYY-MM-DD, "exact phrase"). Needs SLACK_USER_TOKEN (a xoxp- user token): Slack refuses search to bot tokens.',
  input: z.object({
    query: z.string().min(1).describe("Search query, e.g. `deploy in:#engineering from:@alice`"),
    count: z.number().int().min(1).max(100).default(20).describe("Results (max 100)"),
    sort: z.enum(["score", "timestamp"]).default("score").describe("Best match or newest first"),
  }),
  output: z.object({
    total: z.number().int(),
    matches: z.array(messageSchema.extend({
      channel_id: z.string(),
      channel_name: z.string(),
      permalink: z.string(),
    })),
    ...cacheInfoSchema,
  }),
  annotations: readOnly,
  slack: uses(messageReading, { methods: ["search.messages"], bot: [], user: ["search:read"] }),
  async handler({ query, count, sort }, { deps, signal }) {
    if (!deps.slack.hasUserToken) {
      throw new ToolError(
        "Search needs a user token: set SLACK_USER_TOKEN (xoxp-…, scope search:read) and restart. Slack refuses search.messages to bot tokens.",
      );
    }
    const { value, cached, ageSeconds } = await deps.cache.getOrLoad(
      `search:${sort}:${count}:${query}`,
      async () => {
        const result = await deps.slack.call<
          SlackResponse & { messages: { total: number; matches: SearchMatch[] } }
        >("search.messages", { query, count, sort }, { token: "user", signal });
        return {
          total: result.messages.total,
          matches: result.messages.matches.map((m) => ({
            ...toMessage(m),
            channel_id: m.channel.id,
            channel_name: m.channel.name,
            permalink: m.permalink,
          })),
        };
      },
    );
    const matches = await withNames(value.matches, deps.directory) as typeof value.matches;
    return {
      structured: { total: value.total, matches, cached, cache_age_seconds: ageSeconds },
      text: `${value.total} matches for "${query}"${
        value.total > matches.length ? `, showing ${matches.length}` : ""
      }:\n${matches.map((m) => `#${m.channel_name} ${formatMessage(m)}`).join("\n")}`,
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
