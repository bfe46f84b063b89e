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
} as const;

/** Invalidation tags: a write drops every cache entry carrying its tag. */
export const cacheTags = {
  /** Anything listing channels (created, renamed, joined). */
  channels: "channels",
  /** Anything holding a conversation's messages; a `message` event drops it. */
  history: (channel: string) => `history:${channel}`,
} as const;
