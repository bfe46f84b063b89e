/**
 * Lifetimes of the OAuth server's records, in one place (their store keys are
 * `oauthKeys` in `src/store/keys.ts`, where every key is named). Secrets
 * (tokens, codes, states, cookie values) appear in keys only as their
 * SHA-256; people as `team:user`.
 * @module
 */

/** Lifetimes in seconds. */
export const ttl = {
  /** Registered clients: a year; clients register again when told the ID is unknown. */
  client: 365 * 86_400,
  /** Fetched metadata documents are reused this long. */
  metadataDocument: 300,
  /** Time to read the consent page and sign in to Slack. */
  pending: 15 * 60,
  /** Our authorization codes (MCP authorization spec: short-lived, single use). */
  code: 60,
  /** Access tokens: one hour. */
  accessToken: 3600,
  /** Refresh tokens, each use rotating to a new one with a fresh lifetime. */
  refreshToken: 30 * 86_400,
  /** Slack user tokens do not expire; they are kept a year after the last sign-in. */
  slackToken: 365 * 86_400,
  /** A sign-in's longest life, refreshes included; also how long a revocation is remembered. */
  family: 90 * 86_400,
  /** Standing approvals of a client. */
  approval: 365 * 86_400,
  /** The sign-in cookie of a browser. */
  browser: 30 * 86_400,
  /** Used-markers outlive what they guard. */
  usedMarker: 30 * 86_400,
} as const;

/** The store's name of a person. */
export function personKey(teamId: string, userId: string): string {
  return `${teamId}:${userId}`;
}
