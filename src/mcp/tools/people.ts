/**
 * People tools: finding people, a conversation's members, user groups and
 * custom emoji; with the conversation tools (`conversations.ts`: unreads,
 * opening DMs, marking read) they make up the "people and conversations"
 * group.
 * @module
 */
import { z } from "zod";
import { defineTool, type ToolDeps } from "../tool.ts";
import { channelParam, cursorParam } from "../params.ts";
import { conversationLookup, uses } from "./slack_use.ts";
import { conversationTools } from "./conversations.ts";
import { formatUsers, usersMap, usersSchema } from "../format.ts";
import type { SlackResponse, SlackUser } from "../../slack/types.ts";
import { displayName } from "../../slack/directory.ts";
import { SlackApiError } from "../../slack/errors.ts";
import { cacheKeys, cacheTags } from "../../store/keys.ts";

const readOnly = { readOnlyHint: true, openWorldHint: true } as const;

/** Lowercase without accents, so `chloe` finds Chloé. */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

// ---------------------------------------------------------------------------
// slack_find_users

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const personSchema = z.object({
  id: z.string().describe("User ID (U…), for user parameters and <@U…> mentions"),
  name: z.string().describe("Handle: @name"),
  display_name: z.string().optional().describe("Display name, when it differs from the handle"),
  real_name: z.string().optional(),
  title: z.string().optional(),
  email: z.string().optional(),
  is_bot: z.literal(true).optional(),
  deleted: z.literal(true).optional().describe("Deactivated"),
});

type Person = z.infer<typeof personSchema>;

function toPerson(u: SlackUser): Person {
  const person: Person = { id: u.id, name: u.name };
  const shown = displayName(u);
  if (shown !== u.name) person.display_name = shown;
  const real = u.profile.real_name || u.real_name;
  if (real && real !== shown) person.real_name = real;
  if (u.profile.title) person.title = u.profile.title;
  if (u.profile.email) person.email = u.profile.email;
  if (u.is_bot) person.is_bot = true;
  if (u.deleted) person.deleted = true;
  return person;
}

/**
 * How well `user` matches the folded query: 0 exact handle (or display
 * name), 1 a name or one of its words starts with it, 2 it occurs in a
 * name, the title or the email; `undefined` when it does not match.
 */
export function matchRank(user: SlackUser, query: string): number | undefined {
  const names = [
    user.name,
    user.profile.display_name ?? "",
    user.profile.real_name || user.real_name || "",
  ].map(fold).filter(Boolean);
  if (names.slice(0, 2).includes(query)) return 0;
  const words = names.flatMap((n) => n.split(/[\s._-]+/));
  if ([...names, ...words].some((n) => n.startsWith(query))) return 1;
  const fields = [...names, fold(user.profile.title ?? ""), fold(user.profile.email ?? "")];
  return fields.some((f) => f.includes(query)) ? 2 : undefined;
}

/** People matching `query`, best first: rank, then active before deactivated, people before bots, handle. */
export function rankPeople(users: SlackUser[], query: string): SlackUser[] {
  const wanted = fold(query.trim().replace(/^@/, ""));
  return users
    .map((user) => ({ user, rank: matchRank(user, wanted) }))
    .filter((m): m is { user: SlackUser; rank: number } => m.rank !== undefined)
    .sort((a, b) =>
      a.rank - b.rank || Number(a.user.deleted) - Number(b.user.deleted) ||
      Number(a.user.is_bot) - Number(b.user.is_bot) || a.user.name.localeCompare(b.user.name)
    )
    .map((m) => m.user);
}

/** The person with this email, or nobody (`users.lookupByEmail`, cached). */
async function byEmail(deps: ToolDeps, email: string, signal: AbortSignal) {
  const { value } = await deps.cache.getOrLoad(cacheKeys.userByEmail(email), async () => {
    try {
      const { user } = await deps.slack.call<SlackResponse & { user: SlackUser }>(
        "users.lookupByEmail",
        { email },
        { signal },
      );
      return [user];
    } catch (error) {
      if (error instanceof SlackApiError && error.code === "users_not_found") return [];
      throw error;
    }
  });
  return value;
}

function personLine(p: Person): string {
  const about = [p.display_name, p.real_name, p.title, p.email].filter(Boolean).join(", ");
  return `@${p.name} ${p.id}${about ? ` — ${about}` : ""}${p.is_bot ? " (bot)" : ""}${
    p.deleted ? " (deactivated)" : ""
  }`;
}

/** `slack_find_users`. */
export const findUsers = defineTool({
  name: "slack_find_users",
  title: "Find people",
  description:
    "Find people by handle, display or real name, title or email (accents and case ignored), best match first: exact handle, then names starting with the query, then anywhere. An exact email address is looked up directly. Returns user IDs for user parameters and <@U…> mentions.",
  input: z.object({
    query: z.string().trim().min(1).describe(
      "A handle (@alice), name (Alice, chen), title (designer) or email (alice@example.com)",
    ),
    limit: z.number().int().min(1).max(50).default(10).describe("People to return (max 50)"),
  }),
  output: z.object({
    users: z.array(personSchema).describe("Best match first"),
    more: z.number().int().optional().describe("Further matches beyond limit"),
  }),
  annotations: readOnly,
  slack: {
    methods: ["users.list", "users.lookupByEmail"],
    bot: ["users:read", "users:read.email"],
  },
  async handler({ query, limit }, { deps, signal }) {
    const email = emailPattern.test(query) ? query.toLowerCase() : undefined;
    const matches = email
      ? await byEmail(deps, email, signal)
      : rankPeople(await deps.directory.users(), query);
    const users = matches.slice(0, limit).map(toPerson);
    const more = matches.length - users.length;
    const heading = users.length
      ? `${matches.length} ${matches.length === 1 ? "person matches" : "people match"} "${query}"${
        more > 0 ? `, showing ${users.length}` : ""
      }:`
      : `Nobody matches "${query}"${
        email ? " (no active account has that email)" : ""
      }: try part of a name, or slack_get_users.`;
    return {
      structured: { users, ...(more > 0 ? { more } : {}) },
      text: [heading, ...users.map(personLine)].join("\n"),
    };
  },
});

// ---------------------------------------------------------------------------
// slack_get_channel_members

const memberSchema = z.object({
  id: z.string().describe("User ID"),
  name: z.string().describe("Display name"),
  is_bot: z.literal(true).optional(),
  deleted: z.literal(true).optional().describe("Deactivated"),
});

type Member = z.infer<typeof memberSchema>;

/** A member with the name people see (cached `users.info`); the ID alone when the lookup fails. */
async function toMember(deps: ToolDeps, id: string): Promise<Member> {
  try {
    const user = await deps.directory.user(id);
    return {
      id,
      name: displayName(user),
      ...(user.is_bot ? { is_bot: true as const } : {}),
      ...(user.deleted ? { deleted: true as const } : {}),
    };
  } catch {
    return { id, name: id };
  }
}

/** `slack_get_channel_members`. */
export const getChannelMembers = defineTool({
  name: "slack_get_channel_members",
  title: "List a conversation's members",
  description:
    "List the members of a channel, DM or group DM with their names. Paged: pass next_cursor back as cursor.",
  input: z.object({
    channel_id: channelParam,
    limit: z.number().int().min(1).max(200).default(50).describe("Members per page (max 200)"),
    cursor: cursorParam,
  }),
  output: z.object({
    channel_id: z.string(),
    members: z.array(memberSchema),
    next_cursor: z.string().optional().describe("Pass as cursor for the next page"),
  }),
  annotations: readOnly,
  slack: uses(conversationLookup, {
    methods: ["conversations.members", "users.info"],
    bot: ["channels:read", "groups:read", "im:read", "mpim:read", "users:read"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id: channel, limit, cursor }, { deps, signal }) {
    const { value } = await deps.cache.getOrLoad(
      cacheKeys.members(channel, limit, cursor),
      async () => {
        const page = await deps.slack.call<SlackResponse & { members: string[] }>(
          "conversations.members",
          { channel, limit, cursor },
          { signal },
        );
        return {
          members: await Promise.all(page.members.map((id) => toMember(deps, id))),
          next_cursor: page.response_metadata?.next_cursor || undefined,
        };
      },
      // Invites and joins change members; both drop these tags.
      [cacheTags.channels, cacheTags.history(channel)],
    );
    const { members, next_cursor } = value;
    const lines = members.map((m) =>
      `${m.name} ${m.id}${m.is_bot ? " (bot)" : ""}${m.deleted ? " (deactivated)" : ""}`
    );
    return {
      structured: { channel_id: channel, members, ...(next_cursor ? { next_cursor } : {}) },
      text: `${members.length} members of ${channel}${
        next_cursor ? " (more on the next page)" : ""
      }:\n${lines.join("\n")}${next_cursor ? `\nMore: pass cursor "${next_cursor}".` : ""}`,
    };
  },
});

// ---------------------------------------------------------------------------
// slack_list_user_groups

interface RawGroup {
  id: string;
  handle: string;
  name: string;
  description?: string;
  user_count?: number | string;
  users?: string[];
}

interface Group {
  id: string;
  handle: string;
  name: string;
  description?: string;
  user_count: number;
  users?: string[];
}

const groupSchema = z.object({
  id: z.string().describe("User group ID (S…)"),
  handle: z.string().describe("Mention handle: @handle in Slack's composer"),
  name: z.string(),
  description: z.string().optional(),
  user_count: z.number().int().describe("Members"),
  mention: z.string().describe("Text that mentions the group in a message: <!subteam^ID>"),
  members: z.array(z.string()).optional().describe(
    "Members' names (IDs in users), with include_users",
  ),
});

/** `slack_list_user_groups`. */
export const listUserGroups = defineTool({
  name: "slack_list_user_groups",
  title: "List user groups",
  description:
    "List the workspace's user groups (like @engineers) with handle, name, description, member count and the text that mentions the group in a message (<!subteam^ID>); include_users adds the members' names.",
  input: z.object({
    include_users: z.boolean().default(false).describe("Also list each group's members"),
  }),
  output: z.object({ groups: z.array(groupSchema), users: usersSchema.optional() }),
  annotations: readOnly,
  slack: { methods: ["usergroups.list", "users.info"], bot: ["usergroups:read", "users:read"] },
  async handler({ include_users }, { deps, signal }) {
    const { value: groups } = await deps.cache.getOrLoad(
      cacheKeys.usergroups(include_users),
      async () => {
        const { usergroups } = await deps.slack.call<SlackResponse & { usergroups: RawGroup[] }>(
          "usergroups.list",
          { include_count: true, include_users },
          { signal },
        );
        return usergroups.map((g): Group => ({
          id: g.id,
          handle: g.handle,
          name: g.name,
          ...(g.description ? { description: g.description } : {}),
          user_count: Number(g.user_count ?? g.users?.length ?? 0),
          ...(include_users ? { users: g.users ?? [] } : {}),
        }));
      },
    );
    const users = include_users
      ? await usersMap(deps.directory, groups.flatMap((g) => g.users ?? []))
      : {};
    const shown = groups.map(({ users: ids, ...g }) => ({
      ...g,
      mention: `<!subteam^${g.id}>`,
      ...(ids ? { members: ids.map((id) => users[id] ?? id) } : {}),
    }));
    const lines = shown.map((g) =>
      `@${g.handle} ${g.id} ${g.name}${
        g.description ? ` — ${g.description}` : ""
      } (${g.user_count} member${g.user_count === 1 ? "" : "s"}; mention ${g.mention})${
        g.members ? `: ${g.members.join(", ")}` : ""
      }`
    );
    return {
      structured: { groups: shown, ...(Object.keys(users).length ? { users } : {}) },
      text: `${shown.length} user groups:\n${lines.join("\n")}${formatUsers(users)}`,
    };
  },
});

// ---------------------------------------------------------------------------
// slack_list_emoji

/** Names shown at most; a workspace may have thousands. */
const maxEmoji = 500;

/** `slack_list_emoji`. */
export const listEmoji = defineTool({
  name: "slack_list_emoji",
  title: "List custom emoji",
  description:
    "List the workspace's custom emoji names (for reactions and :name: in messages) and their aliases; query filters by part of the name. Slack's standard emoji (thumbsup, tada…) are always available and not listed.",
  input: z.object({
    query: z.string().trim().min(1).optional().describe("Only names containing this, e.g. party"),
  }),
  output: z.object({
    emoji: z.array(z.string()).describe("Custom emoji names, without colons"),
    aliases: z.record(z.string(), z.string()).optional().describe(
      "Alias → the emoji it stands for",
    ),
    more: z.number().int().optional().describe(
      `Names beyond the first ${maxEmoji}: narrow with query`,
    ),
  }),
  annotations: readOnly,
  slack: { methods: ["emoji.list"], bot: ["emoji:read"] },
  async handler({ query }, { deps, signal }) {
    const { value: all } = await deps.cache.getOrLoad(cacheKeys.emoji, async () => {
      const { emoji } = await deps.slack.call<SlackResponse & { emoji: Record<string, string> }>(
        "emoji.list",
        {},
        { signal },
      );
      // The image URLs are of no use to a model: keep names and alias targets.
      return Object.fromEntries(
        Object.entries(emoji).map(([name, url]) => [name, /^alias:(.+)$/.exec(url)?.[1] ?? ""]),
      );
    });
    const wanted = query ? fold(query.replace(/:/g, "")) : "";
    const names: string[] = [];
    const aliases: Record<string, string> = {};
    for (const [name, target] of Object.entries(all).sort(([a], [b]) => a.localeCompare(b))) {
      if (wanted && !fold(name).includes(wanted) && !fold(target).includes(wanted)) continue;
      if (target) aliases[name] = target;
      else names.push(name);
    }
    const shown = names.slice(0, maxEmoji);
    const more = names.length - shown.length;
    const aliasText = Object.entries(aliases).map(([a, t]) => `:${a}: → :${t}:`).join(", ");
    return {
      structured: {
        emoji: shown,
        ...(aliasText ? { aliases } : {}),
        ...(more > 0 ? { more } : {}),
      },
      text: `${names.length} custom emoji${query ? ` matching "${query}"` : ""}${
        shown.length ? `: ${shown.map((n) => `:${n}:`).join(" ")}` : ""
      }${more > 0 ? ` … and ${more} more: narrow with query` : ""}${
        aliasText ? `\nAliases: ${aliasText}` : ""
      }`,
    };
  },
});

/** The people and conversations tools, in listing order. */
export const peopleTools = [
  findUsers,
  getChannelMembers,
  listUserGroups,
  listEmoji,
  ...conversationTools,
];
