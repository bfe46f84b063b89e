/**
 * People and direct conversations in the emulator: opening DMs and group
 * DMs, read cursors, a person's conversations, user groups, custom emoji and
 * finding people by email, with Slack's rules, errors and shapes.
 * @module
 */
import {
  botOrUser,
  flag,
  type MethodContext,
  type MethodSpec,
  paginate,
  param,
  requireScope,
  SlackFailure,
} from "./method_context.ts";
import { channelParam, conversationsOfTypes, conversationView, isMember } from "./conversations.ts";
import {
  createChannel,
  findConversation,
  findUser,
  newConversation,
  normalizeTs,
  type WorkspaceChannel,
} from "./workspace.ts";

/** A group DM holds the caller and at most this many others. */
const maxOthers = 8;

/** The people `users` names besides the caller, in order and once each, checked as Slack checks them. */
function othersParam(ctx: MethodContext): string[] {
  const raw = param(ctx, "users");
  const ids = [...new Set((raw ?? "").split(",").map((id) => id.trim()).filter(Boolean))];
  if (ids.length === 0) throw new SlackFailure("not_enough_users");
  for (const id of ids) {
    const user = findUser(ctx.workspace, id);
    if (!user) throw new SlackFailure("user_not_found");
    if (user.deleted) throw new SlackFailure("user_disabled");
    // An app's bot user can message people, not other bots (itself included).
    if (user.is_bot && ctx.actor.kind === "bot") throw new SlackFailure("cannot_dm_bot");
  }
  const others = ids.filter((id) => id !== ctx.actor.userId);
  if (others.length > maxOthers) throw new SlackFailure("too_many_users");
  return others;
}

function sameMembers(channel: WorkspaceChannel, members: readonly string[]): boolean {
  return channel.members.length === members.length &&
    members.every((id) => channel.members.includes(id));
}

/** A new DM (one other person, or none for a note to self) or group DM for the caller and `others`. */
function openNew(ctx: MethodContext, others: string[]): WorkspaceChannel {
  const members = [ctx.actor.userId, ...others];
  const created = Math.floor(ctx.now / 1000);
  if (others.length <= 1) {
    const id = ctx.newId("D");
    const conversation = newConversation({
      id,
      name: id,
      created,
      creator: ctx.actor.userId,
      kind: "im",
    });
    return createChannel(conversation, [...new Set(members)]);
  }
  const handles = members.map((id) => findUser(ctx.workspace, id)!.name);
  const conversation = newConversation({
    id: ctx.newId("G"),
    name: `mpdm-${handles.join("--")}-1`,
    created,
    creator: ctx.actor.userId,
    kind: "mpim",
    purpose: {
      value: `Group messaging with: ${handles.map((h) => `@${h}`).join(" ")}`,
      creator: ctx.actor.userId,
      last_set: created,
    },
  });
  return createChannel(conversation, members);
}

function openByUsers(ctx: MethodContext): { channel: WorkspaceChannel; existed: boolean } {
  const others = othersParam(ctx);
  const members = [...new Set([ctx.actor.userId, ...others])];
  const kind = others.length <= 1 ? "is_im" : "is_mpim";
  const existing = ctx.workspace.dms.find((c) => c.conversation[kind] && sameMembers(c, members));
  if (existing) return { channel: existing, existed: true };
  const channel = openNew(ctx, others);
  ctx.workspace.dms.push(channel);
  return { channel, existed: false };
}

function openByChannel(ctx: MethodContext, id: string): WorkspaceChannel {
  const channel = findConversation(ctx.workspace, id);
  if (!channel || !isMember(channel, ctx.actor.userId)) throw new SlackFailure("channel_not_found");
  if (!channel.conversation.is_im && !channel.conversation.is_mpim) {
    throw new SlackFailure("method_not_supported_for_channel_type");
  }
  return channel;
}

/** Every method of this module, by name. */
export const peopleMethods: Record<string, MethodSpec> = {
  "conversations.open": {
    tokens: botOrUser,
    run(ctx) {
      const channelId = param(ctx, "channel");
      if (!channelId && param(ctx, "users") === undefined) {
        throw new SlackFailure("users_list_not_supplied");
      }
      const { channel, existed } = channelId
        ? { channel: openByChannel(ctx, channelId), existed: true }
        : openByUsers(ctx);
      const view = flag(ctx, "return_im")
        ? conversationView(ctx, channel, { readState: true })
        : { id: channel.conversation.id };
      return { ...(existed ? { no_op: true, already_open: true } : {}), channel: view };
    },
  },

  "conversations.mark": {
    tokens: ["user"],
    run(ctx) {
      const channel = channelParam(ctx, "see");
      if (!isMember(channel, ctx.actor.userId)) throw new SlackFailure("not_in_channel");
      const ts = normalizeTs(param(ctx, "ts") ?? "");
      if (!ts) throw new SlackFailure("invalid_timestamp");
      channel.lastRead.set(ctx.actor.userId, ts);
      return {};
    },
  },

  "users.conversations": {
    tokens: botOrUser,
    run(ctx) {
      const userId = param(ctx, "user") || ctx.actor.userId;
      if (!findUser(ctx.workspace, userId)) throw new SlackFailure("user_not_found");
      const theirs = conversationsOfTypes(ctx, (channel) => isMember(channel, userId));
      const { page, nextCursor } = paginate(ctx, theirs, {
        prefix: "team:",
        keyOf: (c) => c.conversation.id,
        defaultLimit: 100,
        maxLimit: 1000,
      });
      return {
        channels: page.map((c) => conversationView(ctx, c, { isMember: false })),
        response_metadata: { next_cursor: nextCursor },
      };
    },
  },

  "usergroups.list": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "usergroups:read");
      const withUsers = flag(ctx, "include_users");
      const withCount = flag(ctx, "include_count");
      const groups = ctx.workspace.usergroups.filter((g) =>
        g.date_delete === 0 || flag(ctx, "include_disabled")
      );
      return {
        usergroups: groups.map(({ users, ...group }) => ({
          ...group,
          ...(withUsers ? { users } : {}),
          ...(withCount ? { user_count: users.length } : {}),
        })),
      };
    },
  },

  "emoji.list": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "emoji:read");
      return { emoji: ctx.workspace.emoji, cache_ts: `${Math.floor(ctx.now / 1000)}.000000` };
    },
  },

  "users.lookupByEmail": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "users:read.email");
      const email = (param(ctx, "email") ?? "").trim().toLowerCase();
      const user = ctx.workspace.users.find((u) =>
        !u.deleted && email !== "" && u.profile.email?.toLowerCase() === email
      );
      if (!user) throw new SlackFailure("users_not_found");
      return { user };
    },
  },
};
