/**
 * Write tools: post, reply, react, edit, delete, schedule, and channel
 * creation, invites and topics. The pipeline hides them in read-only mode and
 * applies the `SLACK_WRITE_CHANNELS` allowlist through `channelArgument`; each
 * handler checks what Slack would refuse before calling it and drops the
 * cached reads its write makes stale. Results follow `../format.ts`: only
 * what the write produced, nothing the caller already said.
 * @module
 */
import { conversationLookup, uses } from "./slack_use.ts";
import { z } from "zod";
import { defineTool, type ToolContext, type ToolDeps, ToolError, writeHints } from "../tool.ts";
import { channelParam, parseTime, tsParam } from "../params.ts";
import { formatInstant, present } from "../format.ts";
import { isBotId } from "../../slack/directory.ts";
import type { SlackChannel, SlackResponse } from "../../slack/types.ts";
import { SlackApiError, unlessSlackRefuses } from "../../slack/errors.ts";
import { cacheTags } from "../../store/keys.ts";

/** Slack's limit on message text (`msg_too_long`). */
const maxTextLength = 40_000;
/** `conversations.setTopic` refuses longer topics with `too_long`. */
const maxTopicLength = 250;
/** `chat.scheduleMessage` refuses `post_at` further ahead with `time_too_far`. */
const maxScheduleDays = 120;
const channelNamePattern = /^[a-z0-9_-]{1,80}$/;

const textParam = z.string()
  .regex(/\S/, "the text is empty: provide some text")
  .max(maxTextLength, {
    error: (issue) =>
      `the text is ${
        (issue.input as string).length.toLocaleString("en")
      } characters, over Slack's ${
        maxTextLength.toLocaleString("en")
      }-character limit: shorten it or split it into several messages`,
  })
  .describe("Message text in Slack mrkdwn (*bold*, _italic_, <@U…> mentions, <url|label> links)");

/** Sends one write as JSON, then drops the cached reads it made stale. */
async function write<T extends SlackResponse>(
  deps: ToolDeps,
  request: {
    method: string;
    params: Record<string, unknown>;
    invalidates: string[];
    signal: AbortSignal;
    /** The channel, for methods Slack limits per channel (`chat.postMessage`). */
    scope?: string;
  },
): Promise<T> {
  const result = await deps.slack.call<T>(request.method, request.params, {
    json: true,
    scope: request.scope,
    signal: request.signal,
  });
  await Promise.all(request.invalidates.map((tag) => deps.cache.invalidate(tag)));
  return result;
}

/**
 * The message's link from `chat.getPermalink`: a cheap Tier 4 call, and
 * Slack's own answer, so it stays right where a built URL would not (Enterprise
 * Grid domains, thread replies). The write has already happened, so a failure
 * here leaves the link out rather than failing the call and tempting the
 * caller to write again.
 */
async function permalinkOf(
  deps: ToolDeps,
  channel: string,
  ts: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const answer = await unlessSlackRefuses(
    deps.slack.call<SlackResponse & { permalink: string }>(
      "chat.getPermalink",
      { channel, message_ts: ts },
      { signal },
    ),
  );
  return answer?.permalink;
}

/**
 * Runs a write on `channel`. When Slack answers `channel_not_found` for an
 * ID-looking value that is also a channel's name (`2024` for `#2024`), the
 * write goes to that channel instead, if `SLACK_WRITE_CHANNELS` allows it.
 */
async function onChannel<T>(
  { deps, policy }: ToolContext,
  tool: string,
  channel: string,
  use: (channel: string) => Promise<T>,
): Promise<T> {
  return await deps.directory.retryAsName("channel", channel, async (id) => {
    if (id !== channel && policy.writeChannels.length > 0) {
      // The allowlist may name the channel the same way (`2024`), so its names count too.
      const name = (await deps.directory.channels()).find((c) => c.id === id)?.name;
      const allowed = await Promise.all(
        policy.writeChannels.map((c) => deps.directory.channelId(c).catch(() => c)),
      );
      const named = policy.writeChannels.some((c) => c.replace(/^#/, "").toLowerCase() === name);
      if (!allowed.includes(id) && !named) {
        throw new ToolError(
          `${tool} may not write to ${id}: SLACK_WRITE_CHANNELS allows only ${
            policy.writeChannels.join(", ")
          }.`,
        );
      }
    }
    return await use(id);
  });
}

function linkSuffix(permalink: string | undefined): string {
  return permalink ? `: ${permalink}` : "";
}

const messageOutput = z.object({
  channel_id: z.string().describe("The conversation's ID"),
  ts: z.string().describe("The message's ts: its ID for replies, reactions, edits and deletion"),
  thread_ts: z.string().optional().describe("The thread's parent ts, for replies"),
  permalink: z.string().optional().describe("Link to the message in Slack"),
});

interface PostResponse extends SlackResponse {
  channel: string;
  ts: string;
}

/** Posts through `chat.postMessage`, paced per channel, and links the result. */
async function sendMessage(
  deps: ToolDeps,
  params: { channel: string; text: string; thread_ts?: string; reply_broadcast?: boolean },
  signal: AbortSignal,
) {
  const { channel, ts } = await write<PostResponse>(deps, {
    method: "chat.postMessage",
    params,
    invalidates: [cacheTags.history(params.channel)],
    signal,
    scope: params.channel,
  });
  return {
    channel_id: channel,
    ts,
    ...present("thread_ts", params.thread_ts),
    ...present("permalink", await permalinkOf(deps, channel, ts, signal)),
  };
}

/** `slack_post_message`. */
export const postMessage = defineTool({
  name: "slack_post_message",
  title: "Post a message",
  description:
    "Post a message to a channel as the bot. channel_id defaults to the server's SLACK_CHANNEL_ID. The bot must be a member of the channel. Returns the message ts (for replies, reactions, edits) and its permalink. Reply in a thread with slack_reply_to_thread.",
  input: z.object({
    channel_id: channelParam.optional().describe(
      "Channel ID (C…) or name (#general); defaults to SLACK_CHANNEL_ID",
    ),
    text: textParam,
  }),
  output: messageOutput,
  annotations: writeHints(),
  slack: uses(conversationLookup, {
    methods: ["chat.postMessage", "chat.getPermalink"],
    bot: ["chat:write"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id, text }, context) {
    // The pipeline resolved it, falling back to SLACK_CHANNEL_ID.
    const posted = await onChannel(
      context,
      "slack_post_message",
      channel_id!,
      (channel) => sendMessage(context.deps, { channel, text }, context.signal),
    );
    return {
      structured: posted,
      text: `Posted message ${posted.ts} in ${posted.channel_id}${linkSuffix(posted.permalink)}`,
    };
  },
});

/** `slack_reply_to_thread`. */
export const replyToThread = defineTool({
  name: "slack_reply_to_thread",
  title: "Reply in a thread",
  description:
    "Reply in a thread as the bot. thread_ts is the parent message's ts (from slack_get_channel_history or slack_post_message). Set broadcast to also show the reply in the channel.",
  input: z.object({
    channel_id: channelParam,
    thread_ts: tsParam("ts of the thread's parent message, e.g. 1732546800.000100"),
    text: textParam,
    broadcast: z.boolean().default(false).describe(
      "Also send the reply to the channel (Slack's reply_broadcast)",
    ),
  }),
  output: messageOutput.extend({
    broadcast: z.literal(true).optional().describe(
      "Present when the reply was also sent to the channel",
    ),
  }),
  annotations: writeHints(),
  slack: uses(conversationLookup, {
    methods: ["chat.postMessage", "chat.getPermalink"],
    bot: ["chat:write"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id, thread_ts, text, broadcast }, context) {
    const posted = await onChannel(
      context,
      "slack_reply_to_thread",
      channel_id,
      (channel) =>
        sendMessage(context.deps, {
          channel,
          text,
          thread_ts,
          reply_broadcast: broadcast || undefined,
        }, context.signal),
    );
    return {
      structured: { ...posted, ...(broadcast && { broadcast: true as const }) },
      text: `Replied ${posted.ts} in thread ${thread_ts} of ${posted.channel_id}${
        broadcast ? " (also sent to the channel)" : ""
      }${linkSuffix(posted.permalink)}`,
    };
  },
});

/** People write emoji with colons; Slack wants the bare name (`thumbsup::skin-tone-2` keeps its inner `::`). */
const reactionParam = z.string()
  .transform((name) => name.trim().replace(/^:+|:+$/g, ""))
  .pipe(z.string().min(1, "an emoji name like thumbsup"))
  .describe("Emoji name, with or without colons: thumbsup or :thumbsup:");

const reactionOutput = z.object({
  channel_id: z.string().describe("The conversation's ID"),
  ts: z.string().describe("The message's ts"),
  reaction: z.string().describe("The emoji name"),
  changed: z.boolean().describe(
    "False when the message already was in the requested state; nothing was changed",
  ),
});

/** The add and remove tools differ only in method, wording and the code meaning "already so". */
function reactionTool(spec: {
  name: string;
  title: string;
  description: string;
  method: "reactions.add" | "reactions.remove";
  /** Slack's error when the message already is as asked: reported as success. */
  unchanged: "already_reacted" | "no_reaction";
  destructive: boolean;
  done: (reaction: string, where: string) => string;
  alreadyDone: (reaction: string, where: string) => string;
}) {
  return defineTool({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: z.object({
      channel_id: channelParam,
      timestamp: tsParam("ts of the message, e.g. 1732546800.000100"),
      reaction: reactionParam,
    }),
    output: reactionOutput,
    annotations: writeHints({ destructive: spec.destructive, idempotent: true }),
    slack: uses(conversationLookup, { methods: [spec.method], bot: ["reactions:write"] }),
    channelArgument: "channel_id",
    async handler({ channel_id, timestamp, reaction }, context) {
      const { deps, signal } = context;
      const { channel, changed } = await onChannel(context, spec.name, channel_id, async (id) => {
        try {
          await write(deps, {
            method: spec.method,
            params: { channel: id, timestamp, name: reaction },
            invalidates: [cacheTags.history(id)],
            signal,
          });
          return { channel: id, changed: true };
        } catch (error) {
          if (!(error instanceof SlackApiError && error.code === spec.unchanged)) throw error;
          return { channel: id, changed: false };
        }
      });
      const where = `message ${timestamp} in ${channel}`;
      return {
        structured: { channel_id: channel, ts: timestamp, reaction, changed },
        text: changed
          ? spec.done(`:${reaction}:`, where)
          : spec.alreadyDone(`:${reaction}:`, where),
      };
    },
  });
}

/** `slack_add_reaction`. */
export const addReaction = reactionTool({
  name: "slack_add_reaction",
  title: "Add a reaction",
  description:
    "Add an emoji reaction from the bot to a message. Adding one the bot already added succeeds with changed: false.",
  method: "reactions.add",
  unchanged: "already_reacted",
  destructive: false,
  done: (reaction, where) => `Added ${reaction} to ${where}`,
  alreadyDone: (reaction, where) => `${reaction} was already on ${where}; nothing changed`,
});

/** `slack_remove_reaction`. */
export const removeReaction = reactionTool({
  name: "slack_remove_reaction",
  title: "Remove a reaction",
  description:
    "Remove the bot's emoji reaction from a message (only the bot's own). Removing one the bot has not added succeeds with changed: false.",
  method: "reactions.remove",
  unchanged: "no_reaction",
  destructive: true,
  done: (reaction, where) => `Removed ${reaction} from ${where}`,
  alreadyDone: (reaction, where) => `The bot had no ${reaction} on ${where}; nothing to remove`,
});

/** `slack_update_message`. */
export const updateMessage = defineTool({
  name: "slack_update_message",
  title: "Edit a message",
  description:
    "Replace the text of a message the bot posted (Slack lets a bot edit only its own messages), e.g. to fix a mistake. ts is the message's ts.",
  input: z.object({
    channel_id: channelParam,
    ts: tsParam("ts of the bot's message, e.g. 1732546800.000100"),
    text: textParam.describe("The new text, replacing the old (Slack mrkdwn)"),
  }),
  output: messageOutput.omit({ thread_ts: true }),
  annotations: writeHints({ destructive: true }),
  slack: uses(conversationLookup, {
    methods: ["chat.update", "chat.getPermalink"],
    bot: ["chat:write"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id, ts, text }, context) {
    const { deps, signal } = context;
    const channel = await onChannel(context, "slack_update_message", channel_id, async (id) => {
      await write(deps, {
        method: "chat.update",
        params: { channel: id, ts, text },
        invalidates: [cacheTags.history(id)],
        signal,
      });
      return id;
    });
    const permalink = await permalinkOf(deps, channel, ts, signal);
    return {
      structured: { channel_id: channel, ts, ...present("permalink", permalink) },
      text: `Updated message ${ts} in ${channel}${linkSuffix(permalink)}`,
    };
  },
});

/** `slack_delete_message`. */
export const deleteMessage = defineTool({
  name: "slack_delete_message",
  title: "Delete a message",
  description:
    "Delete a message the bot posted (Slack lets a bot delete only its own messages). Cannot be undone.",
  input: z.object({
    channel_id: channelParam,
    ts: tsParam("ts of the bot's message, e.g. 1732546800.000100"),
  }),
  output: z.object({
    channel_id: z.string().describe("The conversation's ID"),
    ts: z.string().describe("The deleted message's ts"),
  }),
  annotations: writeHints({ destructive: true }),
  slack: uses(conversationLookup, { methods: ["chat.delete"], bot: ["chat:write"] }),
  channelArgument: "channel_id",
  async handler({ channel_id, ts }, context) {
    const channel = await onChannel(context, "slack_delete_message", channel_id, async (id) => {
      await write(context.deps, {
        method: "chat.delete",
        params: { channel: id, ts },
        invalidates: [cacheTags.history(id)],
        signal: context.signal,
      });
      return id;
    });
    return {
      structured: { channel_id: channel, ts },
      text: `Deleted message ${ts} in ${channel}`,
    };
  },
});

/** Refuses what `chat.scheduleMessage` would (`time_in_past`, `time_too_far`), naming both times. */
function checkPostAt(postAt: number, nowMs: number) {
  const now = Math.floor(nowMs / 1000);
  const latest = now + maxScheduleDays * 86_400;
  const when = formatInstant(postAt);
  if (postAt <= now) {
    throw new ToolError(
      `post_at ${when} is not in the future (now is ${formatInstant(now)}): pick a later time.`,
    );
  }
  if (postAt > latest) {
    throw new ToolError(
      `post_at ${when} is more than ${maxScheduleDays} days ahead, Slack's scheduling limit: pick a time before ${
        formatInstant(latest)
      }.`,
    );
  }
}

/** `slack_schedule_message`. */
export const scheduleMessage = defineTool({
  name: "slack_schedule_message",
  title: "Schedule a message",
  description:
    "Schedule a message from the bot for a future time, up to 120 days ahead. post_at is unix seconds, an ISO 8601 time or `YYYY-MM-DD HH:MM` (without an offset it is read as UTC).",
  input: z.object({
    channel_id: channelParam,
    text: textParam,
    post_at: z.union([z.number(), z.string().min(1)]).describe(
      "When to post: unix seconds (1767261600) or ISO 8601 (2026-01-01T10:00:00Z)",
    ),
  }),
  output: z.object({
    channel_id: z.string().describe("The conversation's ID"),
    scheduled_message_id: z.string().describe("Slack's ID of the scheduled message"),
    post_at: z.string().describe("When it will be posted: YYYY-MM-DD HH:MM:SS UTC"),
  }),
  annotations: writeHints(),
  slack: uses(conversationLookup, { methods: ["chat.scheduleMessage"], bot: ["chat:write"] }),
  channelArgument: "channel_id",
  async handler({ channel_id, text, post_at }, context) {
    const postAt = Math.floor(parseTime(post_at, "post_at"));
    checkPostAt(postAt, context.deps.now());
    type Scheduled = SlackResponse & {
      channel: string;
      scheduled_message_id: string;
      post_at: number;
    };
    const result = await onChannel(context, "slack_schedule_message", channel_id, (channel) =>
      // Nothing to invalidate: the message joins the history only when posted.
      write<Scheduled>(context.deps, {
        method: "chat.scheduleMessage",
        params: { channel, text, post_at: postAt },
        invalidates: [],
        signal: context.signal,
      }).then((scheduled) => ({ ...scheduled, channel })));
    const time = formatInstant(result.post_at);
    return {
      structured: {
        channel_id: result.channel,
        scheduled_message_id: result.scheduled_message_id,
        post_at: time,
      },
      text: `Scheduled message ${result.scheduled_message_id} in ${result.channel} for ${time}`,
    };
  },
});

/** Slack's channel name rules, checked before the call so the error can suggest a valid name. */
function checkChannelName(input: string): string {
  const name = input.trim().replace(/^#/, "");
  if (channelNamePattern.test(name)) return name;
  const suggestion = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
  throw new ToolError(
    `Channel name "${input}" is not valid: Slack allows only lowercase letters, digits, hyphens and underscores, at most 80 characters.${
      suggestion ? ` Try "${suggestion}".` : ""
    }`,
  );
}

/**
 * A new channel has no ID to check, so with an allowlist set the bot may only
 * create channels whose names are on it.
 */
function checkMayCreate(name: string, writeChannels: readonly string[]) {
  if (writeChannels.length === 0) return;
  if (writeChannels.some((entry) => entry.replace(/^#/, "").toLowerCase() === name)) return;
  throw new ToolError(
    `slack_create_channel may not create #${name}: SLACK_WRITE_CHANNELS allows only ${
      writeChannels.join(", ")
    }; add ${name} to it to allow creating that channel.`,
  );
}

/** `slack_create_channel`. */
export const createChannel = defineTool({
  name: "slack_create_channel",
  title: "Create a channel",
  description:
    "Create a public (default) or private channel; the bot becomes its first member. Names: lowercase letters, digits, hyphens and underscores, at most 80 characters. When SLACK_WRITE_CHANNELS is set, only names on that list may be created.",
  input: z.object({
    name: z.string().min(1).describe("Channel name, e.g. project-x"),
    is_private: z.boolean().default(false).describe("Create a private channel"),
  }),
  output: z.object({
    channel_id: z.string().describe("The new channel's ID"),
    name: z.string().describe("Its name, as Slack stored it"),
    is_private: z.literal(true).optional().describe("Present when the channel is private"),
  }),
  annotations: writeHints(),
  slack: { methods: ["conversations.create"], bot: ["channels:manage", "groups:write"] },
  async handler({ name, is_private }, { deps, policy, signal }) {
    const valid = checkChannelName(name);
    checkMayCreate(valid, policy.writeChannels);
    const { channel } = await write<SlackResponse & { channel: SlackChannel }>(deps, {
      method: "conversations.create",
      params: { name: valid, is_private },
      invalidates: [cacheTags.channels],
      signal,
    });
    return {
      structured: {
        channel_id: channel.id,
        name: channel.name,
        ...(channel.is_private && { is_private: true as const }),
      },
      text: `Created ${
        channel.is_private ? "private " : ""
      }channel #${channel.name} (${channel.id})`,
    };
  },
});

/** IDs for `U…`/`@handle` entries given as an array, a comma string, or both mixed. */
async function userIds(deps: ToolDeps, input: string | string[]): Promise<string[]> {
  const entries = [input].flat().flatMap((entry) => entry.split(","))
    .map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) {
    throw new ToolError("user_ids names no users: pass user IDs (U…) or @handles.");
  }
  const bots = entries.filter(isBotId);
  if (bots.length > 0) {
    throw new ToolError(
      `${bots.join(", ")} ${
        bots.length === 1 ? "is a bot ID" : "are bot IDs"
      } (B…), not users: a bot joins a channel as its bot user, whose ID starts with U.`,
    );
  }
  const ids = await Promise.all(entries.map((entry) => deps.directory.userId(entry)));
  return [...new Set(ids)];
}

/** `slack_invite_to_channel`. */
export const inviteToChannel = defineTool({
  name: "slack_invite_to_channel",
  title: "Invite users to a channel",
  description:
    "Invite users to a channel the bot is a member of. user_ids: user IDs (U…) or @handles, as an array or one comma-separated string.",
  input: z.object({
    channel_id: channelParam,
    user_ids: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).describe(
      'Users to invite: ["U0123ABCD", "@alice"] or "U0123ABCD,@alice"',
    ),
  }),
  output: z.object({
    channel_id: z.string().describe("The conversation's ID"),
    user_ids: z.array(z.string()).describe("The user IDs invited"),
  }),
  // Inviting members again changes nothing (Slack answers already_in_channel).
  annotations: writeHints({ idempotent: true }),
  slack: uses(conversationLookup, {
    methods: ["conversations.invite"],
    bot: ["channels:manage", "groups:write"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id, user_ids }, context) {
    const users = await userIds(context.deps, user_ids);
    const channel = await onChannel(context, "slack_invite_to_channel", channel_id, async (id) => {
      await write(context.deps, {
        method: "conversations.invite",
        params: { channel: id, users: users.join(",") },
        // Member counts change, and Slack posts a join message per user.
        invalidates: [cacheTags.channels, cacheTags.history(id)],
        signal: context.signal,
      });
      return id;
    });
    return {
      structured: { channel_id: channel, user_ids: users },
      text: `Invited ${users.join(", ")} to ${channel}`,
    };
  },
});

/** `slack_set_channel_topic`. */
export const setChannelTopic = defineTool({
  name: "slack_set_channel_topic",
  title: "Set a channel's topic",
  description:
    "Set the topic shown in a channel's header (at most 250 characters; an empty topic clears it). The bot must be a member of the channel.",
  input: z.object({
    channel_id: channelParam,
    topic: z.string().max(maxTopicLength, {
      error: (issue) =>
        `the topic is ${
          (issue.input as string).length
        } characters, over Slack's ${maxTopicLength}-character limit: shorten it`,
    }).describe("The new topic (plain text, at most 250 characters)"),
  }),
  output: z.object({
    channel_id: z.string().describe("The conversation's ID"),
    topic: z.string().describe("The topic now set; empty when cleared"),
  }),
  annotations: writeHints({ destructive: true, idempotent: true }),
  slack: uses(conversationLookup, {
    methods: ["conversations.setTopic"],
    bot: ["channels:manage", "groups:write"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id, topic }, context) {
    const channel = await onChannel(context, "slack_set_channel_topic", channel_id, async (id) => {
      await write(context.deps, {
        method: "conversations.setTopic",
        params: { channel: id, topic },
        // The topic is in the channel list, and Slack posts a channel_topic message.
        invalidates: [cacheTags.channels, cacheTags.history(id)],
        signal: context.signal,
      });
      return id;
    });
    return {
      structured: { channel_id: channel, topic },
      text: topic ? `Set the topic of ${channel} to "${topic}"` : `Cleared the topic of ${channel}`,
    };
  },
});

/** Every write tool, in listing order. */
export const writeTools = [
  postMessage,
  replyToThread,
  addReaction,
  removeReaction,
  updateMessage,
  deleteMessage,
  scheduleMessage,
  createChannel,
  inviteToChannel,
  setChannelTopic,
];
