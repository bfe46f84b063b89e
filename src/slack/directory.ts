/**
 * Resolves channel names and user handles to IDs, and IDs to display names,
 * lazily through the cache: nothing is fetched at startup, because on big
 * workspaces a start-up warm-up of every user is what people complain about.
 * @module
 */
import type { Cache, CacheResult } from "../store/cache.ts";
import type { SlackClient } from "./client.ts";
import type { SlackChannel, SlackUser } from "./types.ts";
import { NotFoundError, SlackApiError } from "./errors.ts";
import { cacheKeys, cacheTags } from "../store/keys.ts";

/**
 * Slack IDs are opaque: any length, uppercase letters and digits. A bare value
 * with no lowercase letter is therefore an ID; `#` and `@` always mean a name.
 */
const idPattern = /^[A-Z0-9]+$/;

/** The conversations name lookups see: public and private channels. */
export const channelTypes = "public_channel,private_channel";

/** Whether `input` (already trimmed) is a user ID: `U…` or, on Enterprise Grid, `W…`. */
function isUserId(input: string): boolean {
  return idPattern.test(input) && /^[UW]/.test(input);
}

/** Whether `input` is a bot ID (`B…`): bots post messages but are not users and have no profile. */
export function isBotId(input: string): boolean {
  const value = input.trim();
  return idPattern.test(value) && value.startsWith("B");
}

/** A conversation as `conversations.list` lists it, DMs included. */
export type ListedChannel = SlackChannel & { is_mpim?: boolean; user?: string };

/** Name and ID lookups for tools. */
export interface Directory {
  /**
   * A conversation ID: an ID as is; `#name` or `name` looked up among the
   * channels; `@handle` or a user ID → the direct message with that person,
   * opened on demand (`conversations.open`, cached).
   */
  channelId(input: string): Promise<string>;
  /** A user ID as is; `@handle` (user name or display name) looked up among the users. */
  userId(input: string): Promise<string>;
  /**
   * Every conversation of `types` the token can list (default public and
   * private channels), cached: the one listing behind name lookups and
   * `slack_list_channels`.
   */
  channels(types?: string): Promise<ListedChannel[]>;
  /** {@link Directory.channels} with where it came from (the cache, and how old). */
  listing(types?: string): Promise<CacheResult<ListedChannel[]>>;
  /** Every user (cached); only for handle lookups and `slack_get_users`-style listings. */
  users(): Promise<SlackUser[]>;
  /** One user by ID (cached `users.info`). */
  user(id: string): Promise<SlackUser>;
  /** Display names for IDs; unknown IDs map to themselves. */
  userNames(ids: Iterable<string>): Promise<Map<string, string>>;
  /**
   * Runs `use(id)`; when Slack answers `channel_not_found` (or
   * `user_not_found`) for a value that looks like an ID but also names a
   * channel (or person) — `#2024` typed as `2024`, `@ana` as `ANA` — runs it
   * again with that ID. Otherwise Slack's error stands.
   */
  retryAsName<T>(kind: "channel" | "user", id: string, use: (id: string) => Promise<T>): Promise<T>;
}

/** The name people see: display name, else real name, else user name. */
export function displayName(user: SlackUser): string {
  return user.profile.display_name || user.profile.real_name || user.real_name || user.name;
}

function notFound(error: unknown, kind: "channel" | "user"): boolean {
  return error instanceof SlackApiError &&
    error.code === (kind === "channel" ? "channel_not_found" : "user_not_found");
}

/**
 * Creates the directory.
 *
 * @example
 * ```ts
 * const id = await createDirectory({ slack, cache }).channelId("#general");
 * ```
 */
export function createDirectory({ slack, cache }: { slack: SlackClient; cache: Cache }): Directory {
  function listing(types = channelTypes) {
    return cache.getOrLoad(
      cacheKeys.channels(types),
      () =>
        slack.collect<ListedChannel>("conversations.list", "channels", {
          types,
          exclude_archived: true,
        }, { pageSize: 999 }),
      [cacheTags.channels],
    );
  }

  async function channels(types = channelTypes) {
    return (await listing(types)).value;
  }

  async function users() {
    const { value } = await cache.getOrLoad(
      cacheKeys.users,
      () => slack.collect<SlackUser>("users.list", "members", {}, { pageSize: 200 }),
    );
    return value;
  }

  async function user(id: string) {
    const { value } = await cache.getOrLoad(cacheKeys.user(id), async () => {
      const { user } = await slack.call<{ ok: boolean; user: SlackUser }>("users.info", {
        user: id,
      });
      return user;
    });
    return value;
  }

  /** The person with this handle (user name or display name, any case). */
  async function handle(name: string) {
    const wanted = name.replace(/^@/, "").toLowerCase();
    return (await users()).find((u) =>
      u.name.toLowerCase() === wanted || u.profile.display_name?.toLowerCase() === wanted
    );
  }

  /** The channel with this name (any case). */
  async function named(name: string) {
    const wanted = name.replace(/^#/, "").toLowerCase();
    return (await channels()).find((c) => c.name === wanted);
  }

  async function userId(input: string) {
    const value = input.trim();
    if (!value.startsWith("@") && idPattern.test(value)) return value;
    const match = await handle(value);
    if (!match) throw new NotFoundError("user", `@${value.replace(/^@/, "").toLowerCase()}`);
    return match.id;
  }

  async function dm(user: string) {
    const { value } = await cache.getOrLoad(cacheKeys.dm(user), async () => {
      const opened = await slack.call<{ ok: boolean; channel: { id: string } }>(
        "conversations.open",
        { users: user, return_im: true },
      );
      return opened.channel.id;
    });
    return value;
  }

  async function retryAsName<T>(
    kind: "channel" | "user",
    id: string,
    use: (id: string) => Promise<T>,
  ): Promise<T> {
    try {
      return await use(id);
    } catch (error) {
      if (!notFound(error, kind) || !idPattern.test(id)) throw error;
      const match = kind === "channel" ? await named(id) : await handle(id);
      if (!match || match.id === id) throw error;
      return await use(match.id);
    }
  }

  return {
    channels,
    listing,
    users,
    user,
    async channelId(input) {
      const value = input.trim();
      if (value.startsWith("@")) return await dm(await userId(value));
      if (isUserId(value)) {
        // `UX` may be a user ID, a person's handle or a channel's name, in that order.
        try {
          return await retryAsName("user", value, dm);
        } catch (error) {
          const channel = notFound(error, "user") ? await named(value) : undefined;
          if (!channel) throw error;
          return channel.id;
        }
      }
      if (!value.startsWith("#") && idPattern.test(value)) return value;
      const match = await named(value);
      if (!match) throw new NotFoundError("channel", `#${value.replace(/^#/, "").toLowerCase()}`);
      return match.id;
    },
    userId,
    async userNames(ids) {
      const unique = [...new Set(ids)];
      const names = await Promise.all(unique.map(async (id) => {
        try {
          return [id, displayName(await user(id))] as const;
        } catch {
          return [id, id] as const;
        }
      }));
      return new Map(names);
    },
    retryAsName,
  };
}
