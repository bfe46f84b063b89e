/**
 * Which person a browser signed in as: a random cookie value, stored hashed,
 * set after Slack confirmed who the person is. It only lets the consent page
 * be skipped for clients the person approved; the person still signs in
 * with Slack, which decides who they are.
 * @module
 */
import type { Store } from "../store/store.ts";
import { hashToken, newOpaqueToken } from "./opaque_token.ts";
import { ttl } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

/** A person, by Slack team and user ID. */
export interface Person {
  teamId: string;
  userId: string;
}

/** The browser sessions. */
export interface BrowserSessions {
  /** A new cookie value naming `person`. */
  start(person: Person): Promise<string>;
  /** The person a cookie value names, if any. */
  who(cookie: string | undefined): Promise<Person | undefined>;
  /** How long a session lasts, in seconds (the cookie's Max-Age). */
  readonly maxAgeSeconds: number;
}

/**
 * Creates the browser sessions over `store`.
 *
 * @example
 * ```ts
 * const sessions = createBrowserSessions(store);
 * const cookie = await sessions.start({ teamId: "T1", userId: "U1" });
 * await sessions.who(cookie); // { teamId: "T1", userId: "U1" }
 * ```
 */
export function createBrowserSessions(store: Store): BrowserSessions {
  return {
    async start(person) {
      const cookie = newOpaqueToken();
      await store.set(keys.browser(await hashToken(cookie)), JSON.stringify(person), ttl.browser);
      return cookie;
    },
    async who(cookie) {
      if (!cookie || cookie.length > 100) return undefined;
      const text = await store.get(keys.browser(await hashToken(cookie)));
      return text === null ? undefined : JSON.parse(text) as Person;
    },
    maxAgeSeconds: ttl.browser,
  };
}
