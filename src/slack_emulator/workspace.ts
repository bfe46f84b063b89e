/**
 * The state of the emulated Slack workspace and the pure helpers that keep it
 * consistent: timestamps, message storage per conversation, threads, read
 * cursors and lookups. Objects are stored in the shapes Slack's Web API
 * returns, so the emulator serialises them as they are; what depends on the
 * caller (a DM's other person, read state) or on the host a call came to
 * (file URLs) is added per call.
 * @module
 */
import type { SlackMessage, SlackProfile, SlackUser } from "../slack/types.ts";
import type { PendingUpload, WorkspaceFile } from "./workspace_files.ts";

/** The workspace itself. */
export interface WorkspaceTeam {
  id: string;
  name: string;
  /** Subdomain: `acme-demo` serves `https://acme-demo.slack.com/`. */
  domain: string;
}

/** The installed app: its bot user and the human whose user token it holds. */
export interface WorkspaceApp {
  appId: string;
  botId: string;
  botUserId: string;
  /** The user a user token (`xoxp-`) acts as. */
  installerUserId: string;
  /** The `bot_profile` Slack attaches to messages the bot user posts. */
  botProfile: BotProfile;
  /**
   * The scopes granted to each kind of token; a kind left out holds every
   * scope. Tests narrow them to see Slack's `missing_scope` and the login page
   * Slack serves file downloads without `files:read`.
   */
  scopes?: { bot?: string[]; user?: string[] };
  /**
   * Most messages a page of `conversations.history` or `conversations.replies`
   * holds, whatever `limit` asks: Slack's 15 for commercially distributed apps
   * outside the Marketplace since 2025-05-29. Unset, Slack's usual maximum.
   */
  messagesPerPage?: number;
}

/** A profile with every field Slack's `objs_user_profile` requires. */
export interface WorkspaceProfile extends SlackProfile {
  real_name: string;
  real_name_normalized: string;
  display_name: string;
  display_name_normalized: string;
  first_name: string;
  last_name: string;
  title: string;
  phone: string;
  skype: string;
  status_text: string;
  status_emoji: string;
  status_expiration: number;
  avatar_hash: string;
  fields: null;
  team: string;
  image_24: string;
  image_32: string;
  image_48: string;
  image_72: string;
  image_192: string;
  image_512: string;
  bot_id?: string;
  api_app_id?: string;
  always_active?: boolean;
}

/** A user as `users.info` returns it. */
export interface WorkspaceUser extends SlackUser {
  team_id: string;
  real_name: string;
  color: string;
  tz: string;
  tz_label: string;
  tz_offset: number;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  is_app_user: boolean;
  updated: number;
  profile: WorkspaceProfile;
}

/** A topic or purpose. `creator` is `""` when unset. */
export interface TopicPurpose {
  value: string;
  creator: string;
  last_set: number;
}

/** A conversation as `conversations.info` returns it, before the per-caller fields. */
export interface Conversation {
  id: string;
  name: string;
  name_normalized: string;
  created: number;
  creator: string;
  is_channel: boolean;
  is_group: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_private: boolean;
  is_archived: boolean;
  is_general: boolean;
  is_shared: boolean;
  is_org_shared: boolean;
  is_ext_shared: boolean;
  is_pending_ext_shared: boolean;
  pending_shared: string[];
  parent_conversation: null;
  unlinked: number;
  previous_names: string[];
  topic: TopicPurpose;
  purpose: TopicPurpose;
  /** Where Slack names a channel's canvas, once it has one. */
  properties?: { canvas?: ChannelCanvas };
}

/** `properties.canvas` of a conversation with a channel canvas. */
export interface ChannelCanvas {
  file_id: string;
  is_empty: boolean;
  quip_thread_id: string;
}

/** Bot details Slack attaches to messages a bot user posts. */
export interface BotProfile {
  id: string;
  app_id: string;
  name: string;
  deleted: boolean;
  updated: number;
  team_id: string;
  icons: { image_36: string; image_48: string; image_72: string };
}

/** A stored message: Slack's message object plus the fields system messages carry. */
export interface WorkspaceMessage extends SlackMessage {
  app_id?: string;
  bot_profile?: BotProfile;
  blocks?: unknown[];
  /** The new topic, on `channel_topic` messages. */
  topic?: string;
  /** Who added the user, on `channel_join` messages. */
  inviter?: string;
  subscribed?: boolean;
  hidden?: boolean;
  /**
   * Files shared with the message. Stored by ID: their URLs name the host a
   * call comes to, so responses expand them into full file objects.
   */
  files?: { id: string }[];
  /** Set on the message that shares an upload. */
  upload?: boolean;
  display_as_bot?: boolean;
}

/** One channel with its members and messages. */
export interface WorkspaceChannel {
  conversation: Conversation;
  /** User IDs, in the order they joined. */
  members: string[];
  /** Top-level messages and thread broadcasts, oldest first. */
  messages: WorkspaceMessage[];
  /** Replies (broadcasts included) keyed by the parent's ts, oldest first. */
  threads: Map<string, WorkspaceMessage[]>;
  /** The newest ts given out here, so the next one is unique and later. */
  lastTs: string;
  /** Each member's read cursor (`last_read`): the ts they have read up to. */
  lastRead: Map<string, string>;
}

/** A user group in `usergroups.list`'s shape; it shows `users` only with `include_users`. */
export interface Usergroup {
  id: string;
  team_id: string;
  is_usergroup: true;
  is_subteam: true;
  name: string;
  description: string;
  handle: string;
  is_external: false;
  date_create: number;
  date_update: number;
  /** Unix seconds when disabled, 0 while enabled. */
  date_delete: number;
  auto_type: null;
  auto_provision: false;
  enterprise_subteam_id: string;
  created_by: string;
  updated_by: string;
  deleted_by: string | null;
  prefs: { channels: string[]; groups: string[] };
  /** Member user IDs. */
  users: string[];
}

/** A message waiting for its `post_at`. */
export interface ScheduledMessage {
  id: string;
  channel: string;
  /** Unix seconds. */
  post_at: number;
  date_created: number;
  text: string;
  user: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
}

/** The whole emulated workspace. The emulator mutates it in place. */
export interface Workspace {
  team: WorkspaceTeam;
  app: WorkspaceApp;
  users: WorkspaceUser[];
  /** Public and private channels (`C…`). */
  channels: WorkspaceChannel[];
  /** Direct messages (`D…`) and group direct messages (`G…`), kept apart as Slack lists them apart. */
  dms: WorkspaceChannel[];
  scheduled: ScheduledMessage[];
  usergroups: Usergroup[];
  /** Custom emoji: name to image URL, or `alias:<name>`. */
  emoji: Record<string, string>;
  /** Files and canvases, oldest first. */
  files: WorkspaceFile[];
  /** Uploads started with `files.getUploadURLExternal` and not completed yet. */
  uploads: PendingUpload[];
}

/** Slack's ts for a time in ms, e.g. `1732546800.123000`. */
export function formatTs(ms: number): string {
  const micros = BigInt(Math.floor(ms)) * 1000n;
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, "0")}`;
}

function micros(ts: string): bigint {
  const [seconds, fraction = ""] = ts.split(".");
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, "0").slice(0, 6));
}

function fromMicros(value: bigint): string {
  return `${value / 1_000_000n}.${String(value % 1_000_000n).padStart(6, "0")}`;
}

/**
 * `value` (unix seconds, with or without a fraction) as a ts with six
 * decimals, or `undefined` when it is not a time. Slack accepts both forms in
 * `oldest`/`latest`.
 */
export function normalizeTs(value: string): string | undefined {
  return /^\d{1,10}(\.\d{0,6})?$/.test(value)
    ? fromMicros(micros(value)).padStart(17, "0")
    : undefined;
}

/**
 * A fresh ts at `ms`, one microsecond past `clock.lastTs` when the clock has
 * not moved on, as Slack keeps ts unique and increasing within a channel.
 */
export function nextTs(clock: { lastTs: string }, ms: number): string {
  const candidate = micros(formatTs(ms));
  const last = clock.lastTs ? micros(clock.lastTs) : -1n;
  clock.lastTs = fromMicros(candidate > last ? candidate : last + 1n);
  return clock.lastTs;
}

/** The first index in `messages` (sorted by ts) whose ts is not below `ts`. */
export function lowerBound(messages: readonly WorkspaceMessage[], ts: string): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid].ts < ts) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index in `messages` (sorted by ts) whose ts is above `ts`. */
export function upperBound(messages: readonly WorkspaceMessage[], ts: string): number {
  const index = lowerBound(messages, ts);
  return messages[index]?.ts === ts ? index + 1 : index;
}

function insertSorted(messages: WorkspaceMessage[], message: WorkspaceMessage): void {
  const last = messages.at(-1);
  if (!last || last.ts < message.ts) messages.push(message);
  else messages.splice(lowerBound(messages, message.ts), 0, message);
}

const threadFields = [
  "thread_ts",
  "reply_count",
  "reply_users_count",
  "latest_reply",
  "reply_users",
  "subscribed",
] as const;

function summariseThread(parent: WorkspaceMessage, replies: WorkspaceMessage[]): void {
  if (replies.length === 0) {
    for (const key of threadFields) delete parent[key];
    return;
  }
  const users = [...new Set(replies.map((reply) => reply.user).filter((u) => u !== undefined))];
  parent.thread_ts = parent.ts;
  parent.reply_count = replies.length;
  parent.reply_users_count = users.length;
  parent.latest_reply = replies[replies.length - 1].ts;
  parent.reply_users = users;
  parent.subscribed ??= false;
}

/** The top-level message at `ts`, if any. */
export function findTopLevel(
  channel: WorkspaceChannel,
  ts: string,
): WorkspaceMessage | undefined {
  const message = channel.messages[lowerBound(channel.messages, ts)];
  return message?.ts === ts ? message : undefined;
}

/** The message at `ts`, top-level or a reply. */
export function findMessage(channel: WorkspaceChannel, ts: string): WorkspaceMessage | undefined {
  const topLevel = findTopLevel(channel, ts);
  if (topLevel) return topLevel;
  for (const replies of channel.threads.values()) {
    const reply = replies[lowerBound(replies, ts)];
    if (reply?.ts === ts) return reply;
  }
  return undefined;
}

/**
 * Stores `message` in `channel`. A reply (its `thread_ts` differs from its
 * `ts`) joins its thread and updates the parent's reply fields; a thread
 * broadcast also shows at top level.
 */
export function addMessage(channel: WorkspaceChannel, message: WorkspaceMessage): void {
  const threadTs = message.thread_ts;
  if (threadTs === undefined || threadTs === message.ts) {
    insertSorted(channel.messages, message);
    return;
  }
  const parent = findTopLevel(channel, threadTs);
  if (!parent) {
    throw new Error(`Thread parent ${threadTs} is not in channel ${channel.conversation.id}`);
  }
  message.parent_user_id ??= parent.user;
  const replies = channel.threads.get(threadTs) ?? [];
  insertSorted(replies, message);
  channel.threads.set(threadTs, replies);
  summariseThread(parent, replies);
  if (message.subtype === "thread_broadcast") insertSorted(channel.messages, message);
}

function removeFrom(messages: WorkspaceMessage[], ts: string): void {
  const index = lowerBound(messages, ts);
  if (messages[index]?.ts === ts) messages.splice(index, 1);
}

/**
 * Deletes `message` from `channel`. A parent that still has replies becomes a
 * tombstone, as in Slack, so the thread stays readable.
 */
export function removeMessage(channel: WorkspaceChannel, message: WorkspaceMessage): void {
  const threadTs = message.thread_ts;
  if (threadTs !== undefined && threadTs !== message.ts) {
    const replies = channel.threads.get(threadTs) ?? [];
    removeFrom(replies, message.ts);
    if (message.subtype === "thread_broadcast") removeFrom(channel.messages, message.ts);
    const parent = findTopLevel(channel, threadTs);
    if (parent) summariseThread(parent, replies);
    if (replies.length === 0) channel.threads.delete(threadTs);
    if (parent?.subtype === "tombstone" && replies.length === 0) {
      removeFrom(channel.messages, parent.ts);
    }
    return;
  }
  if (!channel.threads.get(message.ts)?.length) {
    removeFrom(channel.messages, message.ts);
    return;
  }
  const kept: readonly string[] = ["type", "ts", ...threadFields];
  for (const key of Object.keys(message) as (keyof WorkspaceMessage)[]) {
    if (!kept.includes(key)) delete message[key];
  }
  Object.assign(message, {
    subtype: "tombstone",
    text: "This message was deleted.",
    user: "USLACKBOT",
    hidden: true,
  });
}

/** Every conversation: channels, then direct and group direct messages. */
export function allConversations(workspace: Workspace): WorkspaceChannel[] {
  return [...workspace.channels, ...workspace.dms];
}

/** The conversation with this ID, of any kind. */
export function findConversation(
  workspace: Workspace,
  id: string,
): WorkspaceChannel | undefined {
  return workspace.channels.find((c) => c.conversation.id === id) ??
    workspace.dms.find((c) => c.conversation.id === id);
}

/**
 * The conversation with this ID, or the channel or group DM with this name
 * (`general` or `#general`). A DM has no name of its own.
 */
export function findChannel(workspace: Workspace, idOrName: string): WorkspaceChannel | undefined {
  const name = idOrName.replace(/^#/, "");
  return findConversation(workspace, idOrName) ??
    workspace.channels.find((c) => c.conversation.name === name) ??
    workspace.dms.find((c) => c.conversation.is_mpim && c.conversation.name === name);
}

/** The kind of conversation, as `conversations.list` `types` names it. */
export type ConversationKind = "public_channel" | "private_channel" | "mpim" | "im";

/** What kind of conversation this is. */
export function conversationKind(conversation: Conversation): ConversationKind {
  if (conversation.is_im) return "im";
  if (conversation.is_mpim) return "mpim";
  return conversation.is_private ? "private_channel" : "public_channel";
}

/** `last_read` with Slack's zero value for a member who has read nothing. */
const neverRead = "0000000000.000000";

/**
 * `userId`'s read state in `channel`, as `conversations.info` gives a member:
 * `unread_count` counts every top-level message after `last_read`;
 * `unread_count_display` leaves out the reader's own and join messages, as
 * Slack's badge does.
 */
export function readState(channel: WorkspaceChannel, userId: string) {
  const lastRead = channel.lastRead.get(userId) ?? neverRead;
  const unread = channel.messages.slice(upperBound(channel.messages, lastRead));
  return {
    last_read: lastRead,
    unread_count: unread.length,
    unread_count_display:
      unread.filter((m) => m.user !== userId && m.subtype !== "channel_join" && !m.hidden).length,
  };
}

/** The user with this ID. */
export function findUser(workspace: Workspace, id: string): WorkspaceUser | undefined {
  return workspace.users.find((user) => user.id === id);
}

/** The permalink Slack gives a message (replies link into their thread). */
export function permalink(
  workspace: Workspace,
  channelId: string,
  message: Pick<WorkspaceMessage, "ts" | "thread_ts">,
): string {
  const base = `https://${workspace.team.domain}.slack.com/archives/${channelId}/p${
    message.ts.replace(".", "")
  }`;
  return message.thread_ts && message.thread_ts !== message.ts
    ? `${base}?thread_ts=${message.thread_ts}&cid=${channelId}`
    : base;
}

/**
 * A conversation object with Slack's defaults for a plain channel, or for a
 * DM (`kind: "im"`) or group DM (`kind: "mpim"`), which are always private;
 * topic and purpose empty unless given.
 */
export function newConversation(fields: {
  id: string;
  name: string;
  created: number;
  creator: string;
  kind?: "im" | "mpim";
  isPrivate?: boolean;
  isArchived?: boolean;
  isGeneral?: boolean;
  topic?: TopicPurpose;
  purpose?: TopicPurpose;
}): Conversation {
  const empty = { value: "", creator: "", last_set: 0 };
  return {
    id: fields.id,
    name: fields.name,
    name_normalized: fields.name,
    created: fields.created,
    creator: fields.creator,
    is_channel: fields.kind === undefined,
    is_group: false,
    is_im: fields.kind === "im",
    is_mpim: fields.kind === "mpim",
    is_private: fields.kind !== undefined || (fields.isPrivate ?? false),
    is_archived: fields.isArchived ?? false,
    is_general: fields.isGeneral ?? false,
    is_shared: false,
    is_org_shared: false,
    is_ext_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    parent_conversation: null,
    unlinked: 0,
    previous_names: [],
    topic: fields.topic ?? { ...empty },
    purpose: fields.purpose ?? { ...empty },
  };
}

/** An empty channel for `conversation`. */
export function createChannel(conversation: Conversation, members: string[]): WorkspaceChannel {
  return {
    conversation,
    members,
    messages: [],
    threads: new Map(),
    lastTs: "",
    lastRead: new Map(),
  };
}
