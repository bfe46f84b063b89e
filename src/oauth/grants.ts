/**
 * What the server has granted: single-use authorization codes, access tokens
 * (1 h) and rotating refresh tokens, all opaque and stored only as their
 * SHA-256. One sign-in and its refreshes form a family, revoked as a whole
 * when a code or refresh token is replayed or a client revokes a token; a
 * family lives at most 90 days, then the person signs in again.
 * Revoking a person or a team bumps a generation counter that every grant
 * recorded when it was issued, so all their tokens die at once, on every
 * instance, without an index to walk.
 * @module
 */
import type { Store } from "../store/store.ts";
import { hashToken, newOpaqueToken } from "./opaque_token.ts";
import { verifyPkce } from "./pkce.ts";
import { personKey, ttl } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

/** Who an access token lets act, for whom, where: what the resource server gets. */
export interface Principal {
  /** Slack team (workspace) ID. */
  teamId: string;
  /** Slack user ID of the person. */
  userId: string;
  /** The MCP client the person authorized. */
  clientId: string;
  /** Granted scopes. */
  scopes: string[];
  /** Unix seconds when the access token expires. */
  expiresAt: number;
  /** The resource (audience) the token is bound to: `<PUBLIC_URL>/mcp`. */
  resource: string;
}

/** The generations a grant was issued under. */
interface Generations {
  person: number;
  team: number;
}

/** What a code carries until it is redeemed. */
export interface CodeGrant {
  teamId: string;
  userId: string;
  clientId: string;
  /** Exactly as in the authorization request. */
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  scopes: string[];
}

interface CodeRecord extends CodeGrant {
  familyId: string;
  generations: Generations;
  /** Unix ms. */
  expiresAt: number;
}

interface TokenRecord {
  teamId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  resource: string;
  familyId: string;
  generations: Generations;
  /** Unix ms. */
  expiresAt: number;
}

/** Tokens for a client: the token endpoint's success body, less constants. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  scopes: string[];
}

/** An RFC 6749 §5.2 refusal at the token endpoint. */
export interface GrantError {
  error: "invalid_grant" | "invalid_target" | "invalid_scope";
  description: string;
}

/** Options of {@link createGrants}. */
export interface GrantsOptions {
  store: Store;
  /** Unix ms. */
  now: () => number;
}

/** The grant service. */
export interface Grants {
  /** A new authorization code for `grant`, valid 60 s, once. */
  issueCode(grant: CodeGrant): Promise<string>;
  /** Tokens for a code, after checking client, redirect URI, PKCE verifier and resource. */
  redeemCode(code: string, request: {
    clientId: string;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
    resource: string | undefined;
  }): Promise<TokenSet | GrantError>;
  /** New tokens for a refresh token, which is used up (rotation). */
  refresh(refreshToken: string, request: {
    clientId: string;
    resource: string | undefined;
    scopes: string[] | undefined;
  }): Promise<TokenSet | GrantError>;
  /** The principal of a live access token bound to `resource`, else `undefined`. */
  verify(accessToken: string, resource: string): Promise<Principal | undefined>;
  /**
   * Revokes the family of an access or refresh token (RFC 7009). A token of
   * another client is left alone. Returns whose grant it was, if revoked.
   */
  revokeToken(
    token: string,
    clientId: string | undefined,
  ): Promise<{ teamId: string; userId: string; clientId: string } | undefined>;
  /** Ends every grant of a person. */
  revokePerson(teamId: string, userId: string): Promise<void>;
  /** Ends every grant of a team. */
  revokeTeam(teamId: string): Promise<void>;
  /** The current generations of a person, for records that must die with their grants. */
  generations(teamId: string, userId: string): Promise<Generations>;
}

/** Values of a family's key. */
const live = "live";
const revoked = "revoked";

function parse<T>(text: string | null): T | undefined {
  return text === null ? undefined : JSON.parse(text) as T;
}

function sameGenerations(a: Generations, b: Generations): boolean {
  return a.person === b.person && a.team === b.team;
}

/** Whether `result` is a refusal. */
export function isGrantError(result: TokenSet | GrantError): result is GrantError {
  return "error" in result;
}

/**
 * Creates the grant service over `store`.
 *
 * @example
 * ```ts
 * const grants = createGrants({ store, now: Date.now });
 * const code = await grants.issueCode({ teamId, userId, clientId, redirectUri,
 *   codeChallenge, resource, scopes: ["slack"] });
 * const tokens = await grants.redeemCode(code, { clientId, redirectUri, codeVerifier,
 *   resource: undefined });
 * ```
 */
export function createGrants(options: GrantsOptions): Grants {
  const { store, now } = options;

  async function generations(teamId: string, userId: string): Promise<Generations> {
    const [person, team] = await store.mget([
      keys.personGeneration(personKey(teamId, userId)),
      keys.teamGeneration(teamId),
    ]);
    return { person: Number(person ?? 0), team: Number(team ?? 0) };
  }

  /** Ends a family for good: the marker outlives every token of it, so nothing revives it. */
  async function revokeFamily(familyId: string): Promise<void> {
    await store.set(keys.family(familyId), revoked, ttl.family);
  }

  async function issueTokens(grant: Omit<TokenRecord, "expiresAt">): Promise<TokenSet> {
    const accessToken = newOpaqueToken("mcp_at_");
    const refreshToken = newOpaqueToken("mcp_rt_");
    const expiresAt = now() + ttl.accessToken * 1000;
    const access: TokenRecord = { ...grant, expiresAt };
    const refresh: TokenRecord = { ...grant, expiresAt: now() + ttl.refreshToken * 1000 };
    await Promise.all([
      store.set(
        keys.accessToken(await hashToken(accessToken)),
        JSON.stringify(access),
        ttl.accessToken,
      ),
      store.set(
        keys.refreshToken(await hashToken(refreshToken)),
        JSON.stringify(refresh),
        ttl.refreshToken,
      ),
    ]);
    return { accessToken, refreshToken, expiresIn: ttl.accessToken, scopes: grant.scopes };
  }

  async function issueCode(grant: CodeGrant): Promise<string> {
    const code = newOpaqueToken("mcp_ac_");
    const record: CodeRecord = {
      ...grant,
      familyId: newOpaqueToken("", 16),
      generations: await generations(grant.teamId, grant.userId),
      expiresAt: now() + ttl.code * 1000,
    };
    await store.set(keys.code(await hashToken(code)), JSON.stringify(record), ttl.code);
    return code;
  }

  const refused = (error: GrantError["error"], description: string): GrantError => ({
    error,
    description,
  });

  async function redeemCode(
    code: string,
    request: Parameters<Grants["redeemCode"]>[1],
  ): Promise<TokenSet | GrantError> {
    const hash = await hashToken(code);
    const record = parse<CodeRecord>(await store.get(keys.code(hash)));
    // The first redemption claims the code; any other, concurrent or later, is a replay.
    const claimed = record !== undefined &&
      await store.setIfAbsent(keys.codeUsed(hash), record.familyId, ttl.pending);
    if (!record || !claimed) {
      // RFC 6749 §4.1.2: a replayed code revokes what it was exchanged for.
      const familyId = await store.get(keys.codeUsed(hash));
      if (familyId) await revokeFamily(familyId);
      return refused("invalid_grant", "The authorization code is unknown, expired or used");
    }
    await store.del(keys.code(hash));
    if (record.expiresAt <= now()) {
      return refused("invalid_grant", "The authorization code has expired");
    }
    if (record.clientId !== request.clientId) {
      return refused("invalid_grant", "The authorization code was issued to another client");
    }
    if (request.redirectUri !== record.redirectUri) {
      return refused(
        "invalid_grant",
        "redirect_uri must be the one of the authorization request",
      );
    }
    if (!request.codeVerifier || !await verifyPkce(request.codeVerifier, record.codeChallenge)) {
      return refused("invalid_grant", "The code_verifier does not match the code_challenge");
    }
    if (request.resource !== undefined && request.resource !== record.resource) {
      return refused("invalid_target", "resource must be the one of the authorization request");
    }
    // Created only if absent: a concurrent replay may already have revoked it.
    if (!await store.setIfAbsent(keys.family(record.familyId), live, ttl.family)) {
      return refused("invalid_grant", "The authorization code was replayed; sign in again");
    }
    return await issueTokens({
      teamId: record.teamId,
      userId: record.userId,
      clientId: record.clientId,
      scopes: record.scopes,
      resource: record.resource,
      familyId: record.familyId,
      generations: record.generations,
    });
  }

  async function refresh(
    refreshToken: string,
    request: Parameters<Grants["refresh"]>[1],
  ): Promise<TokenSet | GrantError> {
    const hash = await hashToken(refreshToken);
    const record = parse<TokenRecord>(await store.get(keys.refreshToken(hash)));
    if (!record || record.expiresAt <= now()) {
      return refused("invalid_grant", "The refresh token is unknown, expired or revoked");
    }
    if (record.clientId !== request.clientId) {
      return refused("invalid_grant", "The refresh token was issued to another client");
    }
    if (!await store.setIfAbsent(keys.refreshTokenUsed(hash), "1", ttl.refreshToken)) {
      // A rotated-out token came back: someone holds a copy. End the whole sign-in.
      await revokeFamily(record.familyId);
      return refused("invalid_grant", "The refresh token was already used; sign in again");
    }
    // The used token's record stays until it expires, so a replay is recognised as one.
    const [alive, current] = await Promise.all([
      store.get(keys.family(record.familyId)),
      generations(record.teamId, record.userId),
    ]);
    if (alive !== live || !sameGenerations(current, record.generations)) {
      return refused("invalid_grant", "The sign-in was revoked or ended; sign in again");
    }
    if (request.resource !== undefined && request.resource !== record.resource) {
      return refused("invalid_target", "resource must be the one of the original grant");
    }
    const scopes = request.scopes ?? record.scopes;
    if (!scopes.every((s) => record.scopes.includes(s))) {
      return refused("invalid_scope", "A refresh cannot add scopes to the grant");
    }
    const { expiresAt: _, ...grant } = record;
    return await issueTokens({ ...grant, scopes });
  }

  async function verify(accessToken: string, resource: string): Promise<Principal | undefined> {
    if (!accessToken || accessToken.length > 200) return undefined;
    const record = parse<TokenRecord>(
      await store.get(keys.accessToken(await hashToken(accessToken))),
    );
    if (!record || record.expiresAt <= now() || record.resource !== resource) return undefined;
    const [alive, person, team] = await store.mget([
      keys.family(record.familyId),
      keys.personGeneration(personKey(record.teamId, record.userId)),
      keys.teamGeneration(record.teamId),
    ]);
    const current = { person: Number(person ?? 0), team: Number(team ?? 0) };
    if (alive !== live || !sameGenerations(current, record.generations)) return undefined;
    return {
      teamId: record.teamId,
      userId: record.userId,
      clientId: record.clientId,
      scopes: record.scopes,
      expiresAt: Math.floor(record.expiresAt / 1000),
      resource: record.resource,
    };
  }

  async function revokeToken(token: string, clientId: string | undefined) {
    if (!token || token.length > 200) return undefined;
    const hash = await hashToken(token);
    for (const key of [keys.accessToken(hash), keys.refreshToken(hash)]) {
      const record = parse<TokenRecord>(await store.get(key));
      if (!record) continue;
      if (clientId !== undefined && record.clientId !== clientId) return undefined;
      await revokeFamily(record.familyId);
      await store.del(key);
      return { teamId: record.teamId, userId: record.userId, clientId: record.clientId };
    }
    return undefined;
  }

  return {
    issueCode,
    redeemCode,
    refresh,
    verify,
    revokeToken,
    async revokePerson(teamId, userId) {
      await store.incr(keys.personGeneration(personKey(teamId, userId)));
    },
    async revokeTeam(teamId) {
      await store.incr(keys.teamGeneration(teamId));
    },
    generations,
  };
}
