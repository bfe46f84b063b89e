/**
 * Resolves channel names and user handles to IDs, and IDs to display names,
 * lazily through the cache: nothing is fetched at startup, because on big
 * workspaces a start-up warm-up of every user is what people complain about.
 * @module
 */
import type { Cache } from "../store/cache.ts";
import type { SlackClient } from "./client.ts";
import type { SlackChannel, SlackUser } from "./types.ts";
import { NotFoundError } from "./errors.ts";
import { cacheKeys, cacheTags } from "../store/keys.ts";

/**
 * Slack IDs are opaque: any length, uppercase letters and digits. A bare value
 * with no lowercase letter is therefore an ID; `#` and `@` always mean a name.
 */
const idPattern = /^[A-Z0-9]+$/;

/** Whether `input` (already trimmed) is a user ID: `U…` or, on Enterprise Grid, `W…`. */
function isUserId(input: string): boolean {
  return idPattern.test(input) && /^[UW]/.test(input);
}

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
  /** Every channel the bot can list (cached). */
  channels(): Promise<SlackChannel[]>;
  /** Every user (cached); only for handle lookups and `slack_get_users`-style listings. */
  users(): Promise<SlackUser[]>;
  /** One user by ID (cached `users.info`). */
  user(id: string): Promise<SlackUser>;
  /** Display names for IDs; unknown IDs map to themselves. */
  userNames(ids: Iterable<string>): Promise<Map<string, string>>;
}

/** The name people see: display name, else real name, else user name. */
export function displayName(user: SlackUser): string {
  return user.profile.display_name || user.profile.real_name || user.real_name || user.name;
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
  async function channels() {
    const { value } = await cache.getOrLoad(
      cacheKeys.channels("public_channel,private_channel"),
      () =>
        slack.collect<SlackChannel>("conversations.list", "channels", {
          types: "public_channel,private_channel",
          exclude_archived: true,
        }, { pageSize: 999 }),
      [cacheTags.channels],
    );
    return value;
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

  async function userId(input: string) {
    const value = input.trim();
    if (!value.startsWith("@") && idPattern.test(value)) return value;
    const wanted = value.replace(/^@/, "").toLowerCase();
    const match = (await users()).find((u) =>
      u.name.toLowerCase() === wanted || u.profile.display_name?.toLowerCase() === wanted
    );
    if (!match) throw new NotFoundError("user", `@${wanted}`);
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

  return {
    channels,
    users,
    user,
    async channelId(input) {
      const value = input.trim();
      if (value.startsWith("@") || isUserId(value)) return await dm(await userId(value));
      if (!value.startsWith("#") && idPattern.test(value)) return value;
      const name = value.replace(/^#/, "").toLowerCase();
      const match = (await channels()).find((c) => c.name === name);
      if (!match) throw new NotFoundError("channel", `#${name}`);
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
  };
}
