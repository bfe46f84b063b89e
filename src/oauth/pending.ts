/**
 * Authorization requests between `GET /oauth/authorize` and our code: kept in
 * the store under a random reference (so any instance can carry on), answered
 * once at the consent form, then handed to Slack under a separate random
 * `state` that comes back once.
 * @module
 */
import type { Store } from "../store/store.ts";
import { hashToken, newOpaqueToken } from "./opaque_token.ts";
import { ttl } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

/** A validated authorization request waiting for the person. */
export interface PendingAuthorization {
  clientId: string;
  /** For pages; the client's name or its ID. */
  clientName?: string;
  redirectUri: string;
  /** The client's `state`, returned untouched. */
  state?: string;
  codeChallenge: string;
  resource: string;
  scopes: string[];
  /** SHA-256 of the browser's binding cookie: the callback must come back to the same browser. */
  browserHash: string;
  /** When consent was skipped: the person whose standing approval allowed it. */
  approvedAs?: { teamId: string; userId: string };
}

/** Options of {@link createPendingAuthorizations}. */
export interface PendingOptions {
  store: Store;
}

/** The pending requests. */
export interface PendingAuthorizations {
  /** Keeps `request`; returns its reference for the consent form. */
  create(request: PendingAuthorization): Promise<string>;
  /** The request, while it waits. */
  get(id: string): Promise<PendingAuthorization | undefined>;
  /** Claims the single answer to the consent form; `false` when it was already answered. */
  answer(id: string): Promise<boolean>;
  /** A fresh Slack `state` for the request (random, stored, single use). */
  toSlack(id: string): Promise<string>;
  /** The request a Slack `state` belongs to, once; `undefined` when unknown, used or expired. */
  fromSlack(state: string): Promise<PendingAuthorization | undefined>;
  /** Forgets the request. */
  remove(id: string): Promise<void>;
}

const referenceShape = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * Creates the store of pending requests.
 *
 * @example
 * ```ts
 * const pending = createPendingAuthorizations({ store });
 * const id = await pending.create(request);
 * const state = await pending.toSlack(id);
 * await pending.fromSlack(state); // request; a second call gives undefined
 * ```
 */
export function createPendingAuthorizations(options: PendingOptions): PendingAuthorizations {
  const { store } = options;

  async function get(id: string): Promise<PendingAuthorization | undefined> {
    if (!referenceShape.test(id)) return undefined;
    const text = await store.get(keys.pending(id));
    return text === null ? undefined : JSON.parse(text) as PendingAuthorization;
  }

  return {
    async create(request) {
      const id = newOpaqueToken();
      await store.set(keys.pending(id), JSON.stringify(request), ttl.pending);
      return id;
    },
    get,
    answer: (id) => store.setIfAbsent(keys.pendingAnswered(id), "1", ttl.pending),
    async toSlack(id) {
      const state = newOpaqueToken();
      await store.set(keys.slackState(await hashToken(state)), id, ttl.pending);
      return state;
    },
    async fromSlack(state) {
      if (!referenceShape.test(state)) return undefined;
      const hash = await hashToken(state);
      const id = await store.get(keys.slackState(hash));
      if (id === null || !await store.setIfAbsent(keys.slackStateUsed(hash), "1", ttl.pending)) {
        return undefined;
      }
      await store.del(keys.slackState(hash));
      const request = await get(id);
      await store.del(keys.pending(id));
      return request;
    },
    async remove(id) {
      await store.del(keys.pending(id));
    },
  };
}
