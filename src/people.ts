/**
 * Multi-user mode: each signed-in person's Slack access. A person's calls use
 * their own Slack user token (decrypted from the store on first use), their
 * own cache and Slack budgets, and see only events from conversations they
 * belong to. A token Slack calls dead revokes the person's MCP tokens too.
 * @module
 */
import type { OAuthServer } from "./oauth/oauth_server.ts";
import type { Services } from "./services.ts";
import type { ToolDeps } from "./mcp/tool.ts";
import { ToolError } from "./mcp/tool.ts";
import type { EventFilter, EventStream, SlackEvent } from "./events/event.ts";
import type { SlackClient } from "./slack/client.ts";
import type { Cache } from "./store/cache.ts";
import { cacheKeys } from "./store/keys.ts";
import { logger } from "./log/logger.ts";
import { createLru } from "./util/lru.ts";

/** Options of {@link createPeople}. */
export interface PeopleOptions {
  services: Services;
  oauth: Pick<OAuthServer, "slackTokenFor" | "revokePerson">;
  /** People kept ready at once, default 500; one not used lately goes first (util/lru.ts). */
  max?: number;
  /** A person with no call for this long is let go (rebuilt on their next call), default 30 min. */
  idleMs?: number;
}

/** Per-person dependencies, keyed by `teamId:userId`. */
export interface People {
  deps(principal: string): Promise<ToolDeps>;
  /** Drops a person's ready dependencies (after revocation). */
  forget(principal: string): void;
}

/** Conversations a person belongs to: the events they may see. */
function membership(slack: SlackClient, cache: Cache) {
  return async function memberOf(channel: string | undefined): Promise<boolean> {
    if (!channel) return false;
    const { value } = await cache.getOrLoad(
      cacheKeys.memberships,
      async () =>
        (await slack.collect<{ id: string }>("users.conversations", "channels", {
          types: "public_channel,private_channel,mpim,im",
          exclude_archived: true,
        }, { token: "user", pageSize: 999 })).map((c) => c.id),
    );
    return value.includes(channel);
  };
}

/** The event stream as one person may see it. */
export function visibleEvents(
  events: EventStream,
  memberOf: (channel: string | undefined) => Promise<boolean>,
): EventStream {
  /** How far back `latest` looks for an event the person may see. */
  const scan = 200;
  async function visible(list: SlackEvent[]) {
    const seen = await Promise.all(list.map((e) => memberOf(e.channel)));
    return list.filter((_, i) => seen[i]);
  }
  return {
    async latest(filter?: EventFilter) {
      const recent = await visible(await events.list({ ...filter, limit: scan }));
      return recent.at(-1) ?? null;
    },
    async list(filter) {
      const all = await visible(await events.list({ ...filter, limit: undefined }));
      return filter?.limit === undefined ? all : all.slice(-filter.limit);
    },
    async wait(filter, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !signal?.aborted) {
        const event = await events.wait(filter, deadline - Date.now(), signal);
        if (!event || await memberOf(event.channel)) return event;
      }
      return null;
    },
    subscribe(listener) {
      return events.subscribe((event) =>
        void memberOf(event.channel).then((ok) => ok && listener(event), () => {})
      );
    },
  };
}

/**
 * Creates the registry.
 *
 * @example
 * ```ts
 * const people = createPeople({ services, oauth });
 * const deps = await people.deps("T0ACME:U0ALICE");
 * ```
 */
export function createPeople(options: PeopleOptions): People {
  const { services, oauth } = options;
  // Each holds a Slack client, a cache, budgets and a decrypted token: bounded in number and time.
  const ready = createLru<string, Promise<ToolDeps>>({
    maxEntries: options.max ?? 500,
    maxIdleMs: options.idleMs ?? 30 * 60_000,
    now: services.now,
  });
  const log = logger("oauth");

  function forget(principal: string) {
    ready.delete(principal);
  }

  async function build(principal: string): Promise<ToolDeps> {
    const [teamId, userId] = principal.split(":");
    const token = await oauth.slackTokenFor({ teamId, userId });
    if (!token) {
      throw new ToolError("Your Slack sign-in is gone: sign in with Slack again.");
    }
    const access = await services.slackAccess({ botToken: token, userToken: token }, () => {
      log.info("Slack refused the token of {principal}: signing them out", { principal });
      forget(principal);
      oauth.revokePerson(teamId, userId).catch((error) =>
        log.error("Revoking {principal} failed: {error}", { principal, error: String(error) })
      );
    });
    return {
      ...access,
      events: visibleEvents(services.events, membership(access.slack, access.cache)),
      now: services.now,
    };
  }

  return {
    deps(principal) {
      let entry = ready.get(principal);
      if (!entry) {
        entry = build(principal);
        entry.catch(() => forget(principal));
        ready.set(principal, entry);
      }
      return entry;
    },
    forget,
  };
}
