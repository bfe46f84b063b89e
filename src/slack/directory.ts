/**
 * Resolves channel names and user handles to IDs, and IDs to display names,
 * lazily through the cache: nothing is fetched at startup, because on big
 * workspaces a start-up warm-up of every user is what people complain about.
 * @module
 */
import type { Cache } from "../store/cache.ts";
import type { SlackClient } from "./client.ts";
import type { SlackChannel, SlackUser } from "./types.ts";
import { ToolError } from "../mcp/tool.ts";

const channelIdPattern = /^[CGD][A-Z0-9]{6,}$/;
const userIdPattern = /^[UWB][A-Z0-9]{6,}$/;

/** Name and ID lookups for tools. */
export interface Directory {
  /** `C…` as is; `#name` or `name` looked up among the channels the bot can see. */
  channelId(input: string): Promise<string>;
  /** `U…` as is; `@handle` (user name or display name) looked up among the users. */
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
      "channels:all",
      () =>
        slack.collect<SlackChannel>("conversations.list", "channels", {
          types: "public_channel,private_channel",
          exclude_archived: true,
        }, { pageSize: 999 }),
      ["channels"],
    );
    return value;
  }

  async function users() {
    const { value } = await cache.getOrLoad(
      "users:all",
      () => slack.collect<SlackUser>("users.list", "members", {}, { pageSize: 200 }),
    );
    return value;
  }

  async function user(id: string) {
    const { value } = await cache.getOrLoad(`user:${id}`, async () => {
      const { user } = await slack.call<{ ok: boolean; user: SlackUser }>("users.info", {
        user: id,
      });
      return user;
    });
    return value;
  }

  return {
    channels,
    users,
    user,
    async channelId(input) {
      const name = input.trim().replace(/^#/, "");
      if (channelIdPattern.test(name)) return name;
      const match = (await channels()).find((c) => c.name === name.toLowerCase());
      if (!match) {
        throw new ToolError(
          `No channel named #${name} that the bot can see: check the name with slack_list_channels, or pass the channel ID (C…).`,
        );
      }
      return match.id;
    },
    async userId(input) {
      const handle = input.trim().replace(/^@/, "");
      if (userIdPattern.test(handle)) return handle;
      const wanted = handle.toLowerCase();
      const match = (await users()).find((u) =>
        u.name.toLowerCase() === wanted || u.profile.display_name?.toLowerCase() === wanted
      );
      if (!match) {
        throw new ToolError(
          `No user with handle @${handle}: check it with slack_get_users, or pass the user ID (U…).`,
        );
      }
      return match.id;
    },
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
