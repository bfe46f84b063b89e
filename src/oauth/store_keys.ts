/**
 * Every store key and lifetime of the OAuth server, in one place. Secrets
 * (tokens, codes, states, cookie values) appear in keys only as their
 * SHA-256; people as `team:user`.
 * @module
 */

const prefix = "slack-mcp:oauth";

/** Store keys, by record. */
export const keys = {
  /** A dynamically registered client, by client ID. */
  client: (clientId: string) => `${prefix}:client:${clientId}`,
  /** A fetched client ID metadata document, by the hash of its URL. */
  metadataDocument: (urlHash: string) => `${prefix}:cimd:${urlHash}`,
  /** An authorization request waiting for consent or for Slack, by its reference. */
  pending: (id: string) => `${prefix}:pending:${id}`,
  /** Set once a pending request was answered, so a form cannot be submitted twice. */
  pendingAnswered: (id: string) => `${prefix}:pending-answered:${id}`,
  /** The pending request a Slack `state` belongs to, by the state's hash. */
  slackState: (stateHash: string) => `${prefix}:slack-state:${stateHash}`,
  /** Set once a Slack `state` came back. */
  slackStateUsed: (stateHash: string) => `${prefix}:slack-state-used:${stateHash}`,
  /** An authorization code of ours, by its hash. */
  code: (codeHash: string) => `${prefix}:code:${codeHash}`,
  /** Set once a code was redeemed (single use under concurrency). */
  codeUsed: (codeHash: string) => `${prefix}:code-used:${codeHash}`,
  /** An access token's grant, by the token's hash. */
  accessToken: (tokenHash: string) => `${prefix}:at:${tokenHash}`,
  /** A refresh token's grant, by the token's hash. */
  refreshToken: (tokenHash: string) => `${prefix}:rt:${tokenHash}`,
  /** Set once a refresh token was used (rotation; a second use is theft). */
  refreshTokenUsed: (tokenHash: string) => `${prefix}:rt-used:${tokenHash}`,
  /** A token family (one sign-in and its refreshes): `live`, or `revoked` for good. */
  family: (familyId: string) => `${prefix}:family:${familyId}`,
  /** Revocation counter of a person: tokens issued under an older value are dead. */
  personGeneration: (person: string) => `${prefix}:gen:person:${person}`,
  /** Revocation counter of a team (app uninstalled). */
  teamGeneration: (teamId: string) => `${prefix}:gen:team:${teamId}`,
  /** A person's encrypted Slack user token. */
  slackToken: (person: string) => `${prefix}:slack-token:${person}`,
  /** The people of a team who signed in, so uninstalling can delete their Slack tokens. */
  teamPeople: (teamId: string) => `${prefix}:team-people:${teamId}`,
  /** A person's standing approval of a client, by the hash of the client ID. */
  approval: (person: string, clientIdHash: string) =>
    `${prefix}:approval:${person}:${clientIdHash}`,
  /** The person a browser signed in as, by the hash of its cookie value. */
  browser: (cookieHash: string) => `${prefix}:browser:${cookieHash}`,
  /** Rate-limit identity of dynamic registration per IP. */
  registrationLimit: (ip: string) => `oauth-register:${ip}`,
} as const;

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
