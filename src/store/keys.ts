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
  members: (channel: string, limit: number, cursor = "") => `members:${channel}:${limit}:${cursor}`,
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
  /** One page of `files.list` for one filter (conversation, person, types, limit, cursor). */
  files: (query: string) => `files:v1:${query}`,
  /** A canvas read as Markdown with its section IDs. */
  canvas: (id: string) => `canvas:v1:${id}`,
} as const;

/** Invalidation tags: a write drops every cache entry carrying its tag. */
export const cacheTags = {
  /** Anything listing channels (created, renamed, joined). */
  channels: "channels",
  /** Anything holding a conversation's messages; a `message` event drops it. */
  history: (channel: string) => `history:${channel}`,
  /** A conversation's read cursor: `slack_mark_read` drops it, so unreads show the change at once. */
  readState: (channel: string) => `read:${channel}`,
  /** Anything listing files: an upload or a new canvas drops it. */
  files: "files",
  /** A canvas's content: an edit drops it. */
  canvas: (id: string) => `canvas:${id}`,
} as const;

const oauth = "slack-mcp:oauth";

/** Multi-user mode's authorization server: clients, grants, tokens (all by hash), people. */
export const oauthKeys = {
  /** A dynamically registered client, by client ID. */
  client: (clientId: string) => `${oauth}:client:${clientId}`,
  /** A fetched client ID metadata document, by the hash of its URL. */
  metadataDocument: (urlHash: string) => `${oauth}:cimd:${urlHash}`,
  /** An authorization request waiting for consent or for Slack, by its reference. */
  pending: (id: string) => `${oauth}:pending:${id}`,
  /** Set once a pending request was answered, so a form cannot be submitted twice. */
  pendingAnswered: (id: string) => `${oauth}:pending-answered:${id}`,
  /** The pending request a Slack `state` belongs to, by the state's hash. */
  slackState: (stateHash: string) => `${oauth}:slack-state:${stateHash}`,
  /** Set once a Slack `state` came back. */
  slackStateUsed: (stateHash: string) => `${oauth}:slack-state-used:${stateHash}`,
  /** An authorization code of ours, by its hash. */
  code: (codeHash: string) => `${oauth}:code:${codeHash}`,
  /** Set once a code was redeemed (single use under concurrency). */
  codeUsed: (codeHash: string) => `${oauth}:code-used:${codeHash}`,
  /** An access token's grant, by the token's hash. */
  accessToken: (tokenHash: string) => `${oauth}:at:${tokenHash}`,
  /** A refresh token's grant, by the token's hash. */
  refreshToken: (tokenHash: string) => `${oauth}:rt:${tokenHash}`,
  /** Set once a refresh token was used (rotation; a second use is theft). */
  refreshTokenUsed: (tokenHash: string) => `${oauth}:rt-used:${tokenHash}`,
  /** A token family (one sign-in and its refreshes): `live`, or `revoked` for good. */
  family: (familyId: string) => `${oauth}:family:${familyId}`,
  /** Revocation counter of a person: tokens issued under an older value are dead. */
  personGeneration: (person: string) => `${oauth}:gen:person:${person}`,
  /** Revocation counter of a team (app uninstalled). */
  teamGeneration: (teamId: string) => `${oauth}:gen:team:${teamId}`,
  /** A person's encrypted Slack user token. */
  slackToken: (person: string) => `${oauth}:slack-token:${person}`,
  /** The people of a team who signed in, so uninstalling can delete their Slack tokens. */
  teamPeople: (teamId: string) => `${oauth}:team-people:${teamId}`,
  /** A person's standing approval of a client, by the hash of the client ID. */
  approval: (person: string, clientIdHash: string) => `${oauth}:approval:${person}:${clientIdHash}`,
  /** The person a browser signed in as, by the hash of its cookie value. */
  browser: (cookieHash: string) => `${oauth}:browser:${cookieHash}`,
  /** Rate-limit identity of dynamic registration per IP. */
  registrationLimit: (ip: string) => `oauth-register:${ip}`,
} as const;
