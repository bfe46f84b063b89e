/**
 * Each person's Slack user token, encrypted (see `token_cipher.ts`) under the
 * person's key in the shared store, so every instance can act for every
 * person and a copy of the store reveals no token. A list per team records
 * who signed in, so uninstalling the app can delete all of its tokens.
 * @module
 */
import type { Store } from "../store/store.ts";
import type { TokenCipher } from "./token_cipher.ts";
import { personKey, ttl } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

/** Most people remembered per team for uninstall clean-up. */
const maxTeamPeople = 50_000;

/** What is kept for a person. */
export interface SlackCredential {
  /** The user token, `xoxp-…`. */
  accessToken: string;
  /** Scopes Slack granted, comma separated as Slack writes them. */
  scope: string;
}

/** Options of {@link createSlackCredentials}. */
export interface SlackCredentialsOptions {
  store: Store;
  cipher: TokenCipher;
}

/** The encrypted token store. */
export interface SlackCredentials {
  /** Keeps (or replaces) the person's token. */
  save(teamId: string, userId: string, credential: SlackCredential): Promise<void>;
  /** The person's token, or `undefined` when none is kept (or it cannot be decrypted). */
  load(teamId: string, userId: string): Promise<SlackCredential | undefined>;
  /** Deletes the person's token. */
  forget(teamId: string, userId: string): Promise<void>;
  /** Deletes the tokens of everyone in the team who signed in; returns their user IDs. */
  forgetTeam(teamId: string): Promise<string[]>;
}

/**
 * Creates the store of Slack tokens.
 *
 * @example
 * ```ts
 * const credentials = createSlackCredentials({ store, cipher });
 * await credentials.save("T1", "U1", { accessToken: "xoxp-…", scope: "search:read" });
 * (await credentials.load("T1", "U1"))?.accessToken; // "xoxp-…"
 * ```
 */
export function createSlackCredentials(options: SlackCredentialsOptions): SlackCredentials {
  const { store, cipher } = options;
  return {
    async save(teamId, userId, credential) {
      const person = personKey(teamId, userId);
      const sealed = await cipher.encrypt(JSON.stringify(credential), person);
      await store.set(keys.slackToken(person), sealed, ttl.slackToken);
      await store.append(keys.teamPeople(teamId), userId, maxTeamPeople);
    },
    async load(teamId, userId) {
      const person = personKey(teamId, userId);
      const sealed = await store.get(keys.slackToken(person));
      if (!sealed) return undefined;
      const plain = await cipher.decrypt(sealed, person);
      return plain === undefined ? undefined : JSON.parse(plain) as SlackCredential;
    },
    async forget(teamId, userId) {
      await store.del(keys.slackToken(personKey(teamId, userId)));
    },
    async forgetTeam(teamId) {
      const people = [...new Set(await store.tail(keys.teamPeople(teamId), maxTeamPeople))];
      const tokenKeys = people.map((userId) => keys.slackToken(personKey(teamId, userId)));
      // In slices, so one Upstash request stays small.
      for (let i = 0; i < tokenKeys.length; i += 500) {
        await store.del(...tokenKeys.slice(i, i + 500));
      }
      await store.del(keys.teamPeople(teamId));
      return people;
    },
  };
}
