/**
 * Every store key and cache tag the server uses, named in one place so that
 * a writer and the reader that must see its change can never drift apart.
 * @module
 */

/** Top-level store keys (shared by every instance on one store). */
export const storeKeys = {
  /** Rate-limit counters: `<limitPrefix>:<key>:<window>` (the Upstash limiter's layout). */
  limitPrefix: "slack-mcp:rl",
  /** The event stream's list and sequence. */
  events: "slack-mcp:events",
  /** A Slack `event_id` already taken in (dedup of Slack's retries). */
  seenEvent: (eventId: string) => `slack-mcp:seen:${eventId}`,
  /** Cached Slack reads of one token (`tokens` is a fingerprint, never the token). */
  cache: (tokens: string) => `slack-mcp:cache:${tokens}`,
  /** Cache tag generations, shared by every token's cache. */
  cacheTags: "slack-mcp:cache",
  /** Slack method budgets of one token. */
  pace: (tokens: string) => `pace:${tokens}`,
} as const;

/** Cache keys of Slack reads, within one token's cache. */
export const cacheKeys = {
  /** Every channel the token can list: the name directory and `slack_list_channels` share it. */
  channels: (types: string) => `channels:${types}`,
  users: "users:all",
  user: (id: string) => `user:${id}`,
  /** The DM with a person, opened on demand. */
  dm: (userId: string) => `dm:${userId}`,
  authTest: "auth.test",
  /**
   * One page of a read tool, trimmed for the model. `v2`: the lean shape of
   * issue 13, so an Upstash store still holding the old shape is not misread.
   */
  readPage: (method: string, query: string) => `page:v2:${method}:${query}`,
  /** The conversations a person belongs to (multi-user mode: which events they may see). */
  memberships: "memberships",
  /** The user token's own identity (`auth.test` as the person): whose unreads. */
  authTestUser: "auth.test:user",
  /** A person found by exact email (`users.lookupByEmail`). */
  userByEmail: (email: string) => `user-email:${email.toLowerCase()}`,
  /** One page of a conversation's members, names resolved. */
  members: (channel: string, limit: number, cursor = "") =>
    `members:${channel}:${limit}:${cursor}`,
  /** The workspace's user groups, with or without their members. */
  usergroups: (withUsers: boolean) => `usergroups:${withUsers}`,
  /** The workspace's custom emoji. */
  emoji: "emoji",
  /** The conversations of the user token's person, of `types` (`users.conversations`). */
  ownConversations: (types: string) => `own-conversations:${types}`,
  /** The user token's read state of one conversation (`conversations.info`). */
  readState: (channel: string) => `read-state:${channel}`,
  /** The messages after `lastRead` in a conversation, read with the user token. */
  unreadMessages: (channel: string, lastRead: string) => `unread:${channel}:${lastRead}`,
  /** A group DM's members as the user token's person sees them. */
  groupMembers: (channel: string) => `group-members:${channel}`,
} as const;

/** Invalidation tags: a write drops every cache entry carrying its tag. */
export const cacheTags = {
  /** Anything listing channels (created, renamed, joined). */
  channels: "channels",
  /** Anything holding a conversation's messages; a `message` event drops it. */
  history: (channel: string) => `history:${channel}`,
  /** A conversation's read cursor: `slack_mark_read` drops it, so unreads show the change at once. */
  readState: (channel: string) => `read:${channel}`,
} as const;
