/**
 * Standing approvals: a person who approved a client is not asked again for
 * that client. An approval records the person's revocation generations, so
 * revoking the person (or the team) withdraws every approval too; a client
 * revoking its token withdraws its own.
 * @module
 */
import type { Store } from "../store/store.ts";
import { hashToken } from "./opaque_token.ts";
import { personKey, ttl } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

/** Revocation generations of a person, as the grant service reports them. */
export type CurrentGenerations = (
  teamId: string,
  userId: string,
) => Promise<{ person: number; team: number }>;

/** Options of {@link createApprovals}. */
export interface ApprovalsOptions {
  store: Store;
  generations: CurrentGenerations;
}

/** The approvals. */
export interface Approvals {
  /** Records that the person approved the client. */
  remember(teamId: string, userId: string, clientId: string): Promise<void>;
  /** Whether the person approved the client and has not been revoked since. */
  has(teamId: string, userId: string, clientId: string): Promise<boolean>;
  /** Withdraws the person's approval of the client. */
  forget(teamId: string, userId: string, clientId: string): Promise<void>;
}

/**
 * Creates the approvals store.
 *
 * @example
 * ```ts
 * const approvals = createApprovals({ store, generations: grants.generations });
 * await approvals.remember("T1", "U1", clientId);
 * await approvals.has("T1", "U1", clientId); // true
 * ```
 */
export function createApprovals(options: ApprovalsOptions): Approvals {
  const { store } = options;
  const key = async (teamId: string, userId: string, clientId: string) =>
    keys.approval(personKey(teamId, userId), await hashToken(clientId));
  return {
    async remember(teamId, userId, clientId) {
      const generations = await options.generations(teamId, userId);
      await store.set(
        await key(teamId, userId, clientId),
        JSON.stringify(generations),
        ttl.approval,
      );
    },
    async has(teamId, userId, clientId) {
      const [stored, current] = await Promise.all([
        store.get(await key(teamId, userId, clientId)),
        options.generations(teamId, userId),
      ]);
      if (stored === null) return false;
      const at = JSON.parse(stored) as { person: number; team: number };
      return at.person === current.person && at.team === current.team;
    },
    async forget(teamId, userId, clientId) {
      await store.del(await key(teamId, userId, clientId));
    },
  };
}
