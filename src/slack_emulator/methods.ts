/**
 * The Slack Web API methods the emulator serves, with Slack's semantics,
 * error codes and response shapes. Each method reads a {@link MethodContext}
 * and returns the body after `ok: true`, or throws {@link SlackFailure}.
 * @module
 */
import {
  type Actor,
  type Body,
  botOrUser,
  decodeCursor,
  encodeCursor,
  flag,
  integer,
  messagePageLimit,
  type MethodContext,
  type MethodSpec,
  paginate,
  param,
  SlackFailure,
  type TokenKind,
} from "./method_context.ts";
import {
  authorFields,
  channelParam,
  channelType,
  conversationsOfTypes,
  conversationView,
  isMember,
  post,
  threadParam,
} from "./conversations.ts";
import {
  allConversations,
  createChannel,
  findChannel,
  findMessage,
  findTopLevel,
  findUser,
  formatTs,
  lowerBound,
  newConversation,
  nextTs,
  normalizeTs,
  permalink,
  removeMessage,
  upperBound,
  type Workspace,
  type WorkspaceChannel,
  type WorkspaceMessage,
} from "./workspace.ts";
import { messageView } from "./workspace_files.ts";
import { searchMessages } from "./search.ts";
import { resolveEmoji } from "./emoji.ts";
import { peopleMethods } from "./methods_people.ts";
import { fileMethods } from "./methods_files.ts";
import { canvasMethods } from "./methods_canvases.ts";

export type { Actor, Body, MethodContext, MethodSpec, TokenKind };
export { SlackFailure };

/** Messages over this many characters get `msg_too_long`. */
const maxTextLength = 40_000;

function blocksParam(ctx: MethodContext): unknown[] | undefined {
  const value = ctx.params.blocks;
  if (value === undefined || value === null || value === "") return undefined;
  try {
    const blocks = typeof value === "string" ? JSON.parse(value) : value;
    if (Array.isArray(blocks)) return blocks.length > 0 ? blocks : undefined;
  } catch {
    // Falls through to Slack's error for malformed blocks.
  }
  throw new SlackFailure("invalid_blocks");
}

function textParam(ctx: MethodContext, blocks: unknown[] | undefined): string {
  const text = param(ctx, "text") ?? "";
  if (text.trim() === "" && !blocks && !param(ctx, "attachments")) {
    throw new SlackFailure("no_text");
  }
  if (text.length > maxTextLength) throw new SlackFailure("msg_too_long");
  return text;
}

function messageParam(ctx: MethodContext, channel: WorkspaceChannel, name: string) {
  const ts = normalizeTs(param(ctx, name) ?? "");
  const message = ts ? findMessage(channel, ts) : undefined;
  if (!message) throw new SlackFailure("message_not_found");
  return message;
}

/** Validates a timestamp parameter (`oldest`, `latest`); `undefined` when absent. */
function tsParam(ctx: MethodContext, name: "oldest" | "latest"): string | undefined {
  const raw = param(ctx, name);
  if (raw === undefined || raw === "") return undefined;
  const ts = normalizeTs(raw);
  if (!ts) throw new SlackFailure(`invalid_ts_${name}`);
  return ts;
}

/** The `[low, high)` range of `messages` inside the `oldest`/`latest` window. */
function timeWindow(ctx: MethodContext, messages: readonly WorkspaceMessage[]): [number, number] {
  const inclusive = flag(ctx, "inclusive");
  const oldest = tsParam(ctx, "oldest");
  const latest = tsParam(ctx, "latest");
  const low = oldest === undefined
    ? 0
    : inclusive
    ? lowerBound(messages, oldest)
    : upperBound(messages, oldest);
  const high = latest === undefined
    ? messages.length
    : inclusive
    ? upperBound(messages, latest)
    : lowerBound(messages, latest);
  return [low, Math.max(low, high)];
}

/** History and replies cursors name the next message's ts, like Slack's `next_ts:`. */
function tsCursor(ts: string): string {
  return encodeCursor(`next_ts:${ts.replace(".", "")}`);
}

function cursorTs(ctx: MethodContext): string | undefined {
  const cursor = param(ctx, "cursor");
  if (!cursor) return undefined;
  const digits = decodeCursor(cursor, "next_ts:");
  if (!/^\d{11,}$/.test(digits)) throw new SlackFailure("invalid_cursor");
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/** A message as responses show it, its files expanded. */
function view(ctx: MethodContext, message: WorkspaceMessage) {
  return messageView(ctx.workspace, ctx.host, message);
}

function channelJoin(ctx: MethodContext, channel: WorkspaceChannel, userId: string): void {
  channel.members.push(userId);
  const inviter = userId === ctx.actor.userId ? undefined : ctx.actor.userId;
  post(ctx, channel, {
    subtype: "channel_join",
    user: userId,
    text: `<@${userId}> has joined the channel`,
    ...(inviter ? { inviter } : {}),
  });
  ctx.emit(channel, {
    type: "member_joined_channel",
    user: userId,
    channel: channel.conversation.id,
    channel_type: channel.conversation.is_private ? "G" : "C",
    team: ctx.workspace.team.id,
    ...(inviter ? { inviter } : {}),
    event_ts: formatTs(ctx.now),
  });
}

const channelName = /^[\p{Ll}\p{Lo}\p{N}_-]+$/u;

function validateChannelName(ctx: MethodContext, name: string): void {
  if (name === "") throw new SlackFailure("invalid_name_required");
  if (name.length > 80) throw new SlackFailure("invalid_name_maxlength");
  if (!channelName.test(name)) throw new SlackFailure("invalid_name_specials");
  if (/^[-_]+$/.test(name)) throw new SlackFailure("invalid_name_punctuation");
  if (ctx.workspace.channels.some((c) => c.conversation.name === name)) {
    throw new SlackFailure("name_taken");
  }
}

function reactionTarget(ctx: MethodContext): {
  channel: WorkspaceChannel;
  message: WorkspaceMessage;
  name: string;
} {
  if (!param(ctx, "channel") || !param(ctx, "timestamp")) {
    throw new SlackFailure("no_item_specified");
  }
  const channel = channelParam(ctx, "read");
  const message = messageParam(ctx, channel, "timestamp");
  const [base, skinTone] = (param(ctx, "name") ?? "").split("::");
  const name = resolveEmoji(ctx.workspace, base);
  if (!name || (skinTone !== undefined && !/^skin-tone-[2-6]$/.test(skinTone))) {
    throw new SlackFailure("invalid_name");
  }
  return { channel, message, name: skinTone ? `${name}::${skinTone}` : name };
}

function reactionEvent(
  ctx: MethodContext,
  type: "reaction_added" | "reaction_removed",
  target: ReturnType<typeof reactionTarget>,
): void {
  ctx.emit(target.channel, {
    type,
    user: ctx.actor.userId,
    reaction: target.name,
    item: { type: "message", channel: target.channel.conversation.id, ts: target.message.ts },
    ...(target.message.user ? { item_user: target.message.user } : {}),
    event_ts: formatTs(ctx.now),
  });
}

function ownMessage(
  ctx: MethodContext,
  refusal: "cant_update_message" | "cant_delete_message",
) {
  const channel = channelParam(ctx, "read");
  const message = messageParam(ctx, channel, "ts");
  if (message.user !== ctx.actor.userId || message.subtype === "tombstone") {
    throw new SlackFailure(refusal);
  }
  return { channel, message };
}

/**
 * Posts the scheduled messages whose `post_at` has come, as their authors.
 * Ones whose channel or thread went away are dropped, as Slack does.
 */
export function deliverScheduled(
  workspace: Workspace,
  now: number,
  contextFor: (userId: string) => MethodContext,
): void {
  const due = workspace.scheduled.filter((s) => s.post_at * 1000 <= now);
  if (due.length === 0) return;
  workspace.scheduled = workspace.scheduled.filter((s) => s.post_at * 1000 > now);
  for (const scheduled of due) {
    const ctx = contextFor(scheduled.user);
    const channel = findChannel(workspace, scheduled.channel);
    if (!channel || channel.conversation.is_archived) continue;
    if (scheduled.thread_ts && !findTopLevel(channel, scheduled.thread_ts)) continue;
    post(ctx, channel, {
      ...authorFields(ctx),
      text: scheduled.text,
      ...(scheduled.thread_ts ? { thread_ts: scheduled.thread_ts } : {}),
      ...(scheduled.reply_broadcast ? { subtype: "thread_broadcast" } : {}),
    });
  }
}

/** Every method the emulator serves, by name. */
export const methods: Record<string, MethodSpec> = {
  "auth.test": {
    tokens: botOrUser,
    run(ctx) {
      const { team, app } = ctx.workspace;
      return {
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: findUser(ctx.workspace, ctx.actor.userId)?.name,
        team_id: team.id,
        user_id: ctx.actor.userId,
        ...(ctx.actor.kind === "bot" ? { bot_id: app.botId } : {}),
        is_enterprise_install: false,
      };
    },
  },

  "conversations.list": {
    tokens: botOrUser,
    run(ctx) {
      const visible = conversationsOfTypes(ctx, () => true);
      const { page, nextCursor } = paginate(ctx, visible, {
        prefix: "team:",
        keyOf: (c) => c.conversation.id,
        defaultLimit: 100,
        maxLimit: 1000,
      });
      return {
        channels: page.map((c) => conversationView(ctx, c, { numMembers: true })),
        response_metadata: { next_cursor: nextCursor },
      };
    },
  },

  "conversations.info": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "see");
      return {
        channel: conversationView(ctx, channel, {
          numMembers: flag(ctx, "include_num_members"),
          readState: true,
        }),
      };
    },
  },

  "conversations.history": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "read");
      const { messages } = channel;
      const limit = messagePageLimit(ctx, 100, 999);
      const [low, windowHigh] = timeWindow(ctx, messages);
      const from = cursorTs(ctx);
      const high = from === undefined
        ? windowHigh
        : Math.min(windowHigh, upperBound(messages, from));
      const start = Math.max(low, high - limit);
      const hasMore = start > low;
      return {
        messages: messages.slice(start, high).reverse().map((m) => view(ctx, m)),
        has_more: hasMore,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        response_metadata: { next_cursor: hasMore ? tsCursor(messages[start - 1].ts) : "" },
      };
    },
  },

  "conversations.replies": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "read");
      const ts = normalizeTs(param(ctx, "ts") ?? "");
      const found = ts ? findMessage(channel, ts) : undefined;
      const parent = found && findTopLevel(channel, found.thread_ts ?? found.ts);
      if (!parent) throw new SlackFailure("thread_not_found");
      const replies = channel.threads.get(parent.ts) ?? [];
      const limit = messagePageLimit(ctx, 1000, 1000);
      const [low, high] = timeWindow(ctx, replies);
      const from = cursorTs(ctx);
      // The parent leads the first page and takes one of its slots.
      const start = from === undefined ? low : Math.max(low, lowerBound(replies, from));
      const end = Math.min(high, start + (from === undefined ? limit - 1 : limit));
      const page = replies.slice(start, end);
      const hasMore = end < high;
      return {
        messages: (from === undefined ? [parent, ...page] : page).map((m) => view(ctx, m)),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? tsCursor(replies[end].ts) : "" },
      };
    },
  },

  "conversations.members": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "see");
      const { page, nextCursor } = paginate(ctx, channel.members, {
        prefix: "user:",
        keyOf: (id) => id,
        defaultLimit: 100,
        maxLimit: 1000,
      });
      return { members: page, response_metadata: { next_cursor: nextCursor } };
    },
  },

  "conversations.create": {
    tokens: botOrUser,
    run(ctx) {
      const name = param(ctx, "name") ?? "";
      validateChannelName(ctx, name);
      const created = Math.floor(ctx.now / 1000);
      const isPrivate = flag(ctx, "is_private");
      const channel = createChannel(
        newConversation({
          id: ctx.newId("C"),
          name,
          created,
          creator: ctx.actor.userId,
          isPrivate,
        }),
        [],
      );
      ctx.workspace.channels.push(channel);
      if (!isPrivate) {
        const { id, created: at, creator } = channel.conversation;
        ctx.emit(undefined, {
          type: "channel_created",
          channel: {
            id,
            name,
            name_normalized: name,
            created: at,
            creator,
            is_channel: true,
            is_private: false,
          },
          event_ts: formatTs(ctx.now),
        });
      }
      channelJoin(ctx, channel, ctx.actor.userId);
      return { channel: conversationView(ctx, channel) };
    },
  },

  "conversations.invite": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "write");
      if (channel.conversation.is_im || channel.conversation.is_mpim) {
        throw new SlackFailure("method_not_supported_for_channel_type");
      }
      const ids = (param(ctx, "users") ?? "").split(",").map((id) => id.trim()).filter(Boolean);
      if (ids.length === 0) throw new SlackFailure("no_user");
      for (const id of ids) {
        const user = findUser(ctx.workspace, id);
        if (!user) throw new SlackFailure("user_not_found");
        if (id === ctx.actor.userId) throw new SlackFailure("cant_invite_self");
        if (user.deleted) throw new SlackFailure("cant_invite");
        if (isMember(channel, id)) throw new SlackFailure("already_in_channel");
      }
      for (const id of new Set(ids)) channelJoin(ctx, channel, id);
      return { channel: conversationView(ctx, channel) };
    },
  },

  "conversations.setTopic": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "write");
      const topic = param(ctx, "topic") ?? "";
      if (topic.length > 250) throw new SlackFailure("too_long");
      channel.conversation.topic = {
        value: topic,
        creator: ctx.actor.userId,
        last_set: Math.floor(ctx.now / 1000),
      };
      post(ctx, channel, {
        subtype: "channel_topic",
        user: ctx.actor.userId,
        topic,
        text: topic ? `set the channel topic: ${topic}` : "cleared the channel topic",
      });
      return { channel: conversationView(ctx, channel) };
    },
  },

  "conversations.join": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "see");
      if (channel.conversation.is_private) {
        throw new SlackFailure("method_not_supported_for_channel_type");
      }
      if (channel.conversation.is_archived) throw new SlackFailure("is_archived");
      if (isMember(channel, ctx.actor.userId)) {
        return {
          channel: conversationView(ctx, channel),
          warning: "already_in_channel",
          response_metadata: { warnings: ["already_in_channel"] },
        };
      }
      channelJoin(ctx, channel, ctx.actor.userId);
      return { channel: conversationView(ctx, channel) };
    },
  },

  "users.list": {
    tokens: botOrUser,
    run(ctx) {
      const { users } = ctx.workspace;
      const { page, nextCursor } = paginate(ctx, users, {
        prefix: "user:",
        keyOf: (user) => user.id,
        defaultLimit: Math.max(users.length, 1),
        maxLimit: 1000,
      });
      return {
        members: page,
        cache_ts: Math.floor(ctx.now / 1000),
        response_metadata: { next_cursor: nextCursor },
      };
    },
  },

  "users.info": {
    tokens: botOrUser,
    run(ctx) {
      const user = findUser(ctx.workspace, param(ctx, "user") ?? "");
      if (!user) throw new SlackFailure("user_not_found");
      return { user };
    },
  },

  "users.profile.get": {
    tokens: botOrUser,
    run(ctx) {
      const user = findUser(ctx.workspace, param(ctx, "user") || ctx.actor.userId);
      if (!user) throw new SlackFailure("user_not_found");
      return { profile: user.profile };
    },
  },

  "search.messages": {
    tokens: ["user"],
    run(ctx) {
      const query = param(ctx, "query") ?? "";
      if (query.trim() === "") throw new SlackFailure("no_query");
      const sortDir = param(ctx, "sort_dir") === "asc" ? "asc" : "desc";
      // DMs and group DMs are searched too: Slack searches everything the person can read.
      const everywhere = { ...ctx.workspace, channels: allConversations(ctx.workspace) };
      return searchMessages(everywhere, {
        query,
        userId: ctx.actor.userId,
        sort: param(ctx, "sort") === "timestamp" ? "timestamp" : "score",
        sortDir,
        count: Math.min(Math.max(integer(ctx, "count") || 20, 1), 100),
        page: Math.max(integer(ctx, "page") || 1, 1),
      });
    },
  },

  "chat.postMessage": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "write", { byName: true });
      const blocks = blocksParam(ctx);
      const text = textParam(ctx, blocks);
      const threadTs = threadParam(ctx, channel);
      const message = post(ctx, channel, {
        ...authorFields(ctx),
        text,
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(threadTs && flag(ctx, "reply_broadcast") ? { subtype: "thread_broadcast" } : {}),
      });
      return { channel: channel.conversation.id, ts: message.ts, message };
    },
  },

  "chat.update": {
    tokens: botOrUser,
    run(ctx) {
      const { channel, message } = ownMessage(ctx, "cant_update_message");
      const blocks = blocksParam(ctx);
      const text = textParam(ctx, blocks);
      const previous = structuredClone(message);
      message.text = text;
      if (blocks) message.blocks = blocks;
      message.edited = { user: ctx.actor.userId, ts: formatTs(ctx.now) };
      const eventTs = nextTs(channel, ctx.now);
      ctx.emit(channel, {
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel: channel.conversation.id,
        ts: eventTs,
        event_ts: eventTs,
        message: view(ctx, message),
        previous_message: view(ctx, previous),
        channel_type: channelType(channel),
      });
      return { channel: channel.conversation.id, ts: message.ts, text, message };
    },
  },

  "chat.delete": {
    tokens: botOrUser,
    run(ctx) {
      const { channel, message } = ownMessage(ctx, "cant_delete_message");
      const previous = structuredClone(message);
      removeMessage(channel, message);
      const eventTs = nextTs(channel, ctx.now);
      ctx.emit(channel, {
        type: "message",
        subtype: "message_deleted",
        hidden: true,
        channel: channel.conversation.id,
        ts: eventTs,
        deleted_ts: previous.ts,
        event_ts: eventTs,
        previous_message: previous,
        channel_type: channelType(channel),
      });
      return { channel: channel.conversation.id, ts: previous.ts };
    },
  },

  "chat.scheduleMessage": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "write", { byName: true });
      const postAt = integer(ctx, "post_at");
      if (postAt === undefined || postAt <= 0) throw new SlackFailure("invalid_time");
      if (postAt * 1000 <= ctx.now) throw new SlackFailure("time_in_past");
      if (postAt * 1000 > ctx.now + 120 * 86_400_000) throw new SlackFailure("time_too_far");
      const text = textParam(ctx, blocksParam(ctx));
      const threadTs = threadParam(ctx, channel);
      const id = ctx.newId("Q");
      ctx.workspace.scheduled.push({
        id,
        channel: channel.conversation.id,
        post_at: postAt,
        date_created: Math.floor(ctx.now / 1000),
        text,
        user: ctx.actor.userId,
        ...(threadTs ? { thread_ts: threadTs, reply_broadcast: flag(ctx, "reply_broadcast") } : {}),
      });
      const { user, bot_id, app_id, team, bot_profile } = authorFields(ctx);
      return {
        channel: channel.conversation.id,
        scheduled_message_id: id,
        post_at: postAt,
        message: { type: "message", text, user, bot_id, app_id, team, bot_profile },
      };
    },
  },

  "chat.getPermalink": {
    tokens: botOrUser,
    run(ctx) {
      const channel = channelParam(ctx, "see");
      const message = messageParam(ctx, channel, "message_ts");
      return {
        channel: channel.conversation.id,
        permalink: permalink(ctx.workspace, channel.conversation.id, message),
      };
    },
  },

  "reactions.add": {
    tokens: botOrUser,
    run(ctx) {
      const target = reactionTarget(ctx);
      const reactions = target.message.reactions ??= [];
      const existing = reactions.find((r) => r.name === target.name);
      if (existing?.users.includes(ctx.actor.userId)) throw new SlackFailure("already_reacted");
      if (existing) {
        existing.users.push(ctx.actor.userId);
        existing.count++;
      } else {
        reactions.push({ name: target.name, users: [ctx.actor.userId], count: 1 });
      }
      reactionEvent(ctx, "reaction_added", target);
      return {};
    },
  },

  "reactions.remove": {
    tokens: botOrUser,
    run(ctx) {
      const target = reactionTarget(ctx);
      const reactions = target.message.reactions ?? [];
      const existing = reactions.find((r) => r.name === target.name);
      if (!existing?.users.includes(ctx.actor.userId)) throw new SlackFailure("no_reaction");
      existing.users = existing.users.filter((id) => id !== ctx.actor.userId);
      existing.count--;
      if (existing.count === 0) reactions.splice(reactions.indexOf(existing), 1);
      if (reactions.length === 0) delete target.message.reactions;
      reactionEvent(ctx, "reaction_removed", target);
      return {};
    },
  },

  "apps.connections.open": {
    tokens: ["app"],
    run(ctx) {
      // Slack's shape (`wss://wss-primary.slack.com/link/?ticket=…`), served by the emulator.
      return {
        url: `ws://${ctx.host}/link/?ticket=${ctx.issueTicket()}&app_id=${ctx.workspace.app.appId}`,
      };
    },
  },

  ...peopleMethods,
  ...fileMethods,
  ...canvasMethods,
};
