/**
 * How callers reach conversations in the emulator: Slack's access rules for
 * seeing, reading and writing one, the per-caller conversation objects
 * (a DM names the other person; a person sees their read state), and
 * posting a message with the event it triggers.
 * @module
 */
import { type Body, flag, type MethodContext, param, SlackFailure } from "./method_context.ts";
import {
  addMessage,
  allConversations,
  type Conversation,
  conversationKind,
  findChannel,
  findConversation,
  findMessage,
  findTopLevel,
  findUser,
  nextTs,
  normalizeTs,
  readState,
  type WorkspaceChannel,
  type WorkspaceMessage,
} from "./workspace.ts";
import { messageView } from "./workspace_files.ts";

/** Whether `userId` is in `channel`. */
export function isMember(channel: WorkspaceChannel, userId: string): boolean {
  return channel.members.includes(userId);
}

/**
 * The conversation named by a parameter (`channel` unless `options.name`
 * says otherwise), as the caller may use it: `see` (listed, info), `read`
 * (history: a bot must be a member) or `write` (post: every caller must be
 * a member of an unarchived conversation). A private conversation, DM or
 * group DM does not exist for a non-member.
 */
export function channelParam(
  ctx: MethodContext,
  access: "see" | "read" | "write",
  options: { byName?: boolean; name?: string } = {},
): WorkspaceChannel {
  const id = param(ctx, options.name ?? "channel") ?? "";
  const channel = options.byName
    ? findChannel(ctx.workspace, id)
    : findConversation(ctx.workspace, id);
  if (!channel) throw new SlackFailure("channel_not_found");
  const member = isMember(channel, ctx.actor.userId);
  if (channel.conversation.is_private && !member) throw new SlackFailure("channel_not_found");
  if (access === "write" && channel.conversation.is_archived) throw new SlackFailure("is_archived");
  if (!member && (access === "write" || (access === "read" && ctx.actor.kind === "bot"))) {
    throw new SlackFailure("not_in_channel");
  }
  return channel;
}

/** What a conversation object includes beyond the stored fields. */
export interface ViewOptions {
  /** `num_members`, as `conversations.list` and `include_num_members` add. */
  numMembers?: boolean;
  /** The caller's `last_read` and unread counts, which Slack gives a person (not a bot) in `conversations.info`. */
  readState?: boolean;
  /** `is_member`; default true, `users.conversations` leaves it out. */
  isMember?: boolean;
}

/** A DM as Slack shows it to one of its two people: `user` is the other one. */
function imView(ctx: MethodContext, channel: WorkspaceChannel) {
  const { conversation: c, members } = channel;
  const user = members.find((id) => id !== ctx.actor.userId) ?? members[0];
  return {
    id: c.id,
    created: c.created,
    is_archived: c.is_archived,
    is_im: true,
    is_org_shared: false,
    user,
    is_user_deleted: findUser(ctx.workspace, user)?.deleted ?? false,
    priority: 0,
  };
}

/** The conversation object `channel` is to the caller. */
export function conversationView(
  ctx: MethodContext,
  channel: WorkspaceChannel,
  options: ViewOptions = {},
): Body {
  const member = isMember(channel, ctx.actor.userId);
  const reader = options.readState && ctx.actor.kind === "user" && member
    ? readState(channel, ctx.actor.userId)
    : {};
  if (channel.conversation.is_im) {
    return { ...imView(ctx, channel), ...(options.readState ? { is_open: true } : {}), ...reader };
  }
  const view: Conversation & Body = { ...channel.conversation };
  if (options.isMember ?? true) view.is_member = member;
  if (options.numMembers) view.num_members = channel.members.length;
  return { ...view, ...reader };
}

/** The `channel_type` of message events: `channel`, `group`, `mpim` or `im`. */
export function channelType(channel: WorkspaceChannel): "channel" | "group" | "mpim" | "im" {
  const kind = conversationKind(channel.conversation);
  return kind === "public_channel" ? "channel" : kind === "private_channel" ? "group" : kind;
}

/** The author fields of a message the caller posts. */
export function authorFields(ctx: MethodContext): Partial<WorkspaceMessage> {
  const { app } = ctx.workspace;
  if (ctx.actor.kind !== "bot") return { user: ctx.actor.userId, team: ctx.workspace.team.id };
  return {
    user: app.botUserId,
    bot_id: app.botId,
    app_id: app.appId,
    team: ctx.workspace.team.id,
    bot_profile: app.botProfile,
  };
}

/** A message event payload for `message` as Slack delivers it. */
function messageEvent(
  ctx: MethodContext,
  channel: WorkspaceChannel,
  message: WorkspaceMessage,
): Body {
  const { reactions: _, ...fields } = messageView(ctx.workspace, ctx.host, message);
  const root = message.subtype === "thread_broadcast" && message.thread_ts
    ? findTopLevel(channel, message.thread_ts)
    : undefined;
  return {
    ...fields,
    ...(root ? { root } : {}),
    channel: channel.conversation.id,
    event_ts: message.ts,
    channel_type: channelType(channel),
  };
}

/**
 * Stores a new message from the caller (or a system message) and emits its
 * event. Posting at top level moves the author's read cursor past it, as
 * Slack marks a conversation read for whoever writes in it.
 */
export function post(
  ctx: MethodContext,
  channel: WorkspaceChannel,
  fields: Partial<WorkspaceMessage> & { text: string },
): WorkspaceMessage {
  const message: WorkspaceMessage = {
    type: "message",
    ...fields,
    ts: nextTs(channel, ctx.now),
  };
  addMessage(channel, message);
  const topLevel = !message.thread_ts || message.thread_ts === message.ts ||
    message.subtype === "thread_broadcast";
  if (topLevel && message.user) channel.lastRead.set(message.user, message.ts);
  ctx.emit(channel, messageEvent(ctx, channel, message));
  return message;
}

/** The thread a reply with `thread_ts` joins: the parent's ts (a reply's ts resolves to its parent). */
export function threadParam(ctx: MethodContext, channel: WorkspaceChannel): string | undefined {
  const raw = param(ctx, "thread_ts");
  if (!raw) return undefined;
  const ts = normalizeTs(raw);
  if (!ts) throw new SlackFailure("invalid_thread_ts");
  const message = findMessage(channel, ts);
  if (!message || message.subtype === "tombstone") throw new SlackFailure("thread_not_found");
  return message.thread_ts ?? message.ts;
}

const conversationTypes = ["public_channel", "private_channel", "mpim", "im"];

/**
 * The conversations of the kinds the `types` parameter names (default public
 * channels) that the caller can list: every public channel, and private
 * ones, DMs and group DMs only when the caller is in them; then those `keep`
 * accepts, without archived ones when `exclude_archived` is set.
 */
export function conversationsOfTypes(
  ctx: MethodContext,
  keep: (channel: WorkspaceChannel) => boolean,
): WorkspaceChannel[] {
  const types = (param(ctx, "types") || "public_channel").split(",").map((t) => t.trim());
  if (types.some((t) => !conversationTypes.includes(t))) throw new SlackFailure("invalid_types");
  const excludeArchived = flag(ctx, "exclude_archived");
  return allConversations(ctx.workspace).filter((channel) => {
    const kind = conversationKind(channel.conversation);
    return types.includes(kind) &&
      (kind === "public_channel" || isMember(channel, ctx.actor.userId)) &&
      !(excludeArchived && channel.conversation.is_archived) && keep(channel);
  });
}
