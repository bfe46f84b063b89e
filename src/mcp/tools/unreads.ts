/**
 * `slack_get_unreads`: what the person whose user token it is has not read
 * yet, from Slack's documented methods only: their conversations
 * (`users.conversations`), each one's read cursor and badge count
 * (`conversations.info`), and the messages after the cursor
 * (`conversations.history`). `conversations.info` is one call per
 * conversation, so the checks are rationed (most likely active first) and
 * cached until a message arrives or `slack_mark_read` moves the cursor.
 * @module
 */
import { z } from "zod";
import { defineTool, type ToolDeps, ToolError } from "../tool.ts";
import type { SlackMessage, SlackResponse } from "../../slack/types.ts";
import { SlackApiError } from "../../slack/errors.ts";
import { pageSizeFor } from "../../slack/cached_pages.ts";
import { cacheKeys, cacheTags } from "../../store/keys.ts";
import {
  formatTime,
  formatUsers,
  mentionedIds,
  nameMentions,
  partialLine,
  type PartialNote,
  partialSchema,
  present,
  usersMap,
  usersSchema,
} from "../format.ts";
import { describeBudgetStop } from "../errors.ts";
import { requireUserToken } from "../tool.ts";
import { plural } from "../../util/text.ts";

const conversationTypes = ["public_channel", "private_channel", "mpim", "im"] as const;
type Kind = typeof conversationTypes[number];

/**
 * Fresh `conversations.info` calls one `slack_get_unreads` may make: under
 * half of Slack's Tier 3 (50 a minute), so a second call within the minute
 * and the other tools still fit. Cached read states cost nothing, so each
 * call reaches further down the list.
 */
export const checkBudget = 20;
/** Read states fetched at once. */
const checkBatch = 5;
/** The person's conversations read at most (`users.conversations`, 200 a page). */
const maxConversations = 1000;
/** Events looked at for recent activity (each may cost a membership check in multi-user mode). */
const recentEvents = 200;
/** Unread messages shown per conversation, oldest first. */
const previewCount = 5;
/** Messages read after `last_read` per conversation: one call, enough to count mentions. */
const historyLimit = 100;
/** Messages that are not someone saying something (Slack's badge leaves them out too). */
const quietSubtypes = new Set([
  "channel_join",
  "channel_leave",
  "group_join",
  "group_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
  "tombstone",
]);

/** One of the person's conversations, trimmed for the cache. */
interface Own {
  id: string;
  kind: Kind;
  /** A channel's name. */
  name?: string;
  /** A DM's other person. */
  user?: string;
  created: number;
}

interface RawConversation {
  id: string;
  name?: string;
  user?: string;
  created?: number;
  is_im?: boolean;
  is_mpim?: boolean;
  is_private?: boolean;
}

function toOwn(c: RawConversation): Own {
  const kind: Kind = c.is_im
    ? "im"
    : c.is_mpim
    ? "mpim"
    : c.is_private
    ? "private_channel"
    : "public_channel";
  const own: Own = { id: c.id, kind, created: c.created ?? 0 };
  if (kind === "im") own.user = c.user;
  else if (kind !== "mpim" && c.name) own.name = c.name;
  return own;
}

/** The read state Slack gives a member through `conversations.info`. */
interface ReadState {
  last_read: string;
  /** Slack's badge count (`unread_count_display`, else `unread_count`). */
  unread: number;
}

/** A trimmed unread message; `user` is an ID (or a bot's `B…`). */
interface Unread {
  ts: string;
  user?: string;
  text: string;
  replies?: number;
  subtype?: string;
}

/** The messages after `last_read`, as cached. */
interface UnreadPage {
  /** Others' messages, oldest first. */
  messages: Unread[];
  /** ts of the newest message, anyone's: marking it read clears the conversation. */
  latest?: string;
  /** Names of bots that posted, by bot ID. */
  bots: Record<string, string>;
}

const rowSchema = z.array(z.union([
  z.string(),
  z.object({
    replies: z.number().int().optional().describe("Replies in the thread this message starts"),
    subtype: z.string().optional().describe("Slack's subtype, e.g. thread_broadcast"),
  }).describe("Only what applies"),
])).min(4).max(5).describe(
  "[ts, time, user, text, details?]: ts is the message ID (for replies, reactions, slack_mark_read); time YYYY-MM-DD HH:MM; user the author's name (ID in users); text with mentions as @name",
);

type Row = [string, string, string, string] | [
  string,
  string,
  string,
  string,
  { replies?: number; subtype?: string },
];

const unreadConversation = z.object({
  channel_id: z.string().describe("The conversation's ID, for slack_mark_read and history reads"),
  name: z.string().optional().describe("A channel's name (channels only)"),
  with: z.array(z.string()).optional().describe(
    "A DM's or group DM's other people, by name (IDs in users)",
  ),
  unread: z.number().int().describe("Unread messages, as Slack counts them"),
  mentions: z.number().int().optional().describe(
    "Unread messages in a channel or group DM that mention you, @here, @channel or @everyone",
  ),
  last_read: z.string().describe(
    "ts read up to: slack_get_channel_history with oldest=last_read reads on from there",
  ),
  latest_ts: z.string().optional().describe(
    "ts of the newest message: slack_mark_read with it marks the whole conversation read",
  ),
  messages: z.array(rowSchema).describe(
    `The first unread messages (up to ${previewCount}), oldest first`,
  ),
});

type UnreadConversation = z.infer<typeof unreadConversation>;

function parseTypes(input: string): Kind[] {
  const types = [...new Set(input.split(",").map((t) => t.trim()).filter(Boolean))];
  const unknown = types.filter((t) => !(conversationTypes as readonly string[]).includes(t));
  if (unknown.length || types.length === 0) {
    throw new ToolError(
      `types "${input}" is not valid: pass a comma list of ${conversationTypes.join(", ")}.`,
    );
  }
  return types as Kind[];
}

/** The person's own ID (`auth.test` with the user token), cached. */
async function selfId(deps: ToolDeps, signal: AbortSignal): Promise<string> {
  const { value } = await deps.cache.getOrLoad(cacheKeys.authTestUser, async () => {
    const who = await deps.slack.call<SlackResponse & { user_id: string }>("auth.test", {}, {
      token: "user",
      signal,
    });
    return who.user_id;
  });
  return value;
}

/** The conversations of `types` the person is in, cached until a channel changes. */
async function ownConversations(deps: ToolDeps, types: Kind[], signal: AbortSignal) {
  const key = types.join(",");
  const { value } = await deps.cache.getOrLoad(cacheKeys.ownConversations(key), async () => {
    const raw = await deps.slack.collect<RawConversation>("users.conversations", "channels", {
      types: key,
      exclude_archived: true,
    }, { token: "user", pageSize: 200, max: maxConversations, signal });
    return raw.map(toOwn);
  }, [cacheTags.channels]);
  return value;
}

/** Newest activity per conversation among the events this server received. */
async function recentActivity(deps: ToolDeps): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  try {
    for (const event of await deps.events.list({ limit: recentEvents })) {
      if (!event.channel) continue;
      latest.set(event.channel, Math.max(latest.get(event.channel) ?? 0, Number(event.ts)));
    }
  } catch {
    // Only an ordering hint: without it conversations go in kind and age order.
  }
  return latest;
}

const kindRank: Record<Kind, number> = { im: 0, mpim: 1, private_channel: 2, public_channel: 3 };

/**
 * The order to check conversations in, most likely active first: activity
 * seen in events, then DMs, group DMs, private and public channels, then the
 * newest. Slack's documented methods give no last-message time before the
 * per-conversation call this order rations.
 */
function checkOrder(own: Own[], activity: Map<string, number>): Own[] {
  return [...own].sort((a, b) =>
    (activity.get(b.id) ?? 0) - (activity.get(a.id) ?? 0) ||
    kindRank[a.kind] - kindRank[b.kind] ||
    b.created - a.created
  );
}

/** The person's read state of one conversation, cached until a message or `slack_mark_read`. */
async function readState(deps: ToolDeps, channel: string, signal: AbortSignal) {
  return await deps.cache.getOrLoad<ReadState>(cacheKeys.readState(channel), async () => {
    const { channel: info } = await deps.slack.call<
      SlackResponse & {
        channel: { last_read?: string; unread_count?: number; unread_count_display?: number };
      }
    >("conversations.info", { channel }, { token: "user", signal });
    if (info.last_read === undefined) {
      throw new ToolError(
        "slack_get_unreads needs a person's user token, and Slack gave no read state for this one: set SLACK_USER_TOKEN to a user token (xoxp-…), or sign in with Slack.",
      );
    }
    return {
      last_read: info.last_read,
      unread: info.unread_count_display ?? info.unread_count ?? 0,
    };
  }, [cacheTags.history(channel), cacheTags.readState(channel)]);
}

function isBudgetStop(error: unknown): error is SlackApiError {
  return error instanceof SlackApiError && error.code === "ratelimited";
}

/**
 * Read states in check order, within {@link checkBudget} fresh calls; stops
 * early when Slack (or our own budget) rate limits. `checked` counts the
 * conversations settled, including any left since the list was cached.
 */
async function checkReadStates(deps: ToolDeps, order: Own[], signal: AbortSignal) {
  const states: { own: Own; state: ReadState }[] = [];
  let fresh = 0;
  let next = 0;
  let checked = 0;
  let rateLimited: SlackApiError | undefined;
  while (next < order.length && fresh < checkBudget && !rateLimited) {
    const batch = order.slice(next, next + Math.min(checkBatch, checkBudget - fresh));
    next += batch.length;
    const results = await Promise.allSettled(batch.map((own) => readState(deps, own.id, signal)));
    for (const [i, result] of results.entries()) {
      if (result.status === "fulfilled") {
        if (!result.value.cached) fresh++;
        states.push({ own: batch[i], state: result.value.value });
        checked++;
      } else if (isBudgetStop(result.reason)) {
        rateLimited ??= result.reason;
      } else if (
        result.reason instanceof SlackApiError && result.reason.code === "channel_not_found"
      ) {
        // Left since the list was cached: checked, and nothing unread there.
        checked++;
      } else {
        throw result.reason;
      }
    }
  }
  return { states, checked, rateLimited };
}

function subtypeShown(subtype: string | undefined): boolean {
  return !subtype || !quietSubtypes.has(subtype);
}

/** The messages after `lastRead`, cached under that cursor, so marking read needs no invalidation here. */
async function unreadPage(
  deps: ToolDeps,
  channel: string,
  lastRead: string,
  self: string,
  signal: AbortSignal,
): Promise<UnreadPage> {
  const { value } = await deps.cache.getOrLoad<UnreadPage>(
    cacheKeys.unreadMessages(channel, lastRead),
    async () => {
      const page = await deps.slack.call<
        SlackResponse & { messages: (SlackMessage & { bot_profile?: { name?: string } })[] }
      >("conversations.history", {
        channel,
        oldest: lastRead,
        limit: pageSizeFor(deps.slack, "conversations.history", historyLimit),
      }, {
        token: "user",
        signal,
      });
      const bots: Record<string, string> = {};
      const messages: Unread[] = [];
      for (const m of [...page.messages].reverse()) {
        if (m.user === self || !subtypeShown(m.subtype)) continue;
        const unread: Unread = { ts: m.ts, text: m.text ?? "" };
        const author = m.user ?? m.bot_id;
        if (author) unread.user = author;
        if (m.bot_id && !m.user) bots[m.bot_id] = m.username || m.bot_profile?.name || m.bot_id;
        if (m.reply_count) unread.replies = m.reply_count;
        if (m.subtype && m.subtype !== "bot_message") unread.subtype = m.subtype;
        messages.push(unread);
      }
      return { messages, latest: page.messages[0]?.ts, bots };
    },
    [cacheTags.history(channel)],
  );
  return value;
}

/** A group DM's members as the person sees them. */
async function groupMembers(deps: ToolDeps, channel: string, signal: AbortSignal) {
  const { value } = await deps.cache.getOrLoad(
    cacheKeys.groupMembers(channel),
    async () =>
      await deps.slack.collect<string>("conversations.members", "members", { channel }, {
        token: "user",
        pageSize: 200,
        max: 200,
        signal,
      }),
    [cacheTags.channels],
  );
  return value;
}

function mentions(text: string, self: string): boolean {
  return text.includes(`<@${self}>`) || text.includes(`<@${self}|`) ||
    /<!(here|channel|everyone)(\|[^>]*)?>/.test(text);
}

/** What one shown conversation needs: its page and who it names. */
interface Gathered {
  own: Own;
  state: ReadState;
  page?: UnreadPage;
  people: string[];
}

function renderConversation(g: Gathered, self: string, users: Record<string, string>) {
  const name = (id: string) => users[id] ?? id;
  const messages = g.page?.messages ?? [];
  const rows = messages.slice(0, previewCount).map((m): Row => {
    const text = nameMentions(m.text, users);
    const details = {
      ...(m.replies ? { replies: m.replies } : {}),
      ...(m.subtype ? { subtype: m.subtype } : {}),
    };
    const row: Row = [m.ts, formatTime(m.ts), m.user ? name(m.user) : "?", text];
    return Object.keys(details).length ? [...row, details] : row;
  });
  const mentionCount = g.own.kind === "im"
    ? 0
    : messages.filter((m) => mentions(m.text, self)).length;
  const conversation: UnreadConversation = {
    channel_id: g.own.id,
    ...(g.own.name ? { name: g.own.name } : {}),
    ...(g.people.length ? { with: g.people.map(name) } : {}),
    unread: Math.max(g.state.unread, messages.length),
    ...(mentionCount ? { mentions: mentionCount } : {}),
    last_read: g.state.last_read,
    ...(g.page?.latest ? { latest_ts: g.page.latest } : {}),
    messages: rows,
  };
  return conversation;
}

function conversationLines(c: UnreadConversation): string[] {
  const title = c.name ? `#${c.name}` : c.with?.length ? c.with.join(", ") : c.channel_id;
  const facts = [
    `${c.unread} unread`,
    ...(c.mentions ? [`${c.mentions} mention${c.mentions === 1 ? "" : "s"}`] : []),
    `read up to ${c.last_read}`,
    // The newest ts is for slack_mark_read; said only when no line below shows it.
    ...(c.latest_ts && c.messages.at(-1)?.[0] !== c.latest_ts ? [`newest ${c.latest_ts}`] : []),
  ];
  const rows = (c.messages as Row[]).map(([ts, time, user, text, details]) =>
    `  ${ts} ${time} ${user}: ${text}${details?.replies ? ` [${details.replies} replies]` : ""}${
      details?.subtype ? ` [${details.subtype}]` : ""
    }`
  );
  const more = c.unread > rows.length && rows.length > 0
    ? [`  … ${c.unread - rows.length} more: slack_get_channel_history oldest=${c.last_read}`]
    : [];
  return [`${title} ${c.channel_id}: ${facts.join(", ")}`, ...rows, ...more];
}

/**
 * The first unread messages and the people of each conversation to show, a
 * few at a time; once Slack's history budget is refused, the rest keep their
 * counts without messages rather than each waiting for budget in turn.
 */
async function gatherShown(
  deps: ToolDeps,
  shown: { own: Own; state: ReadState }[],
  self: string,
  signal: AbortSignal,
) {
  const gathered: Gathered[] = [];
  let historyStopped: SlackApiError | undefined;
  for (let i = 0; i < shown.length; i += checkBatch) {
    const batch = shown.slice(i, i + checkBatch);
    gathered.push(
      ...await Promise.all(batch.map(async ({ own, state }): Promise<Gathered> => {
        let page: UnreadPage | undefined;
        if (!historyStopped) {
          try {
            page = await unreadPage(deps, own.id, state.last_read, self, signal);
          } catch (error) {
            if (!isBudgetStop(error)) throw error;
            historyStopped ??= error;
          }
        }
        const people = own.kind === "im"
          ? [own.user ?? ""].filter(Boolean)
          : own.kind === "mpim"
          ? (await groupMembers(deps, own.id, signal)).filter((id) => id !== self)
          : [];
        return { own, state, page, people };
      })),
    );
  }
  return { gathered, historyStopped };
}

/** What `slack_get_unreads` found, for {@link renderUnreads}. */
interface UnreadsFound {
  self: string;
  gathered: Gathered[];
  checked: number;
  total: number;
  /** The rate limit that stopped the checks, Slack's or this server's own. */
  rateLimited?: SlackApiError;
  moreUnread: number;
  /** The refusal that left the remaining conversations without messages. */
  historyStopped?: SlackApiError;
}

/**
 * What a rate limit left out, or nothing: conversations shown with counts but
 * no messages, and conversations whose read state was not checked; a retry
 * can read more once the sooner of the two budgets frees up.
 */
function partialNote(found: UnreadsFound, unchecked: number): PartialNote | undefined {
  const { historyStopped, rateLimited } = found;
  const parts: string[] = [];
  if (historyStopped) {
    const countsOnly = found.gathered.filter((g) => !g.page).length;
    parts.push(
      `${
        plural(countsOnly, "conversation shows", "conversations show")
      } no messages, only counts: ${
        describeBudgetStop(historyStopped, { then: "to read their messages" })
      }`,
    );
  }
  if (rateLimited && unchecked > 0) {
    parts.push(
      `${
        plural(unchecked, "less active conversation was", "less active conversations were")
      } not checked. ${describeBudgetStop(rateLimited, { then: "to check them" })}`,
    );
  }
  if (parts.length === 0) return undefined;
  const waits = [historyStopped, rateLimited].flatMap((stop) =>
    stop?.retryAfterSeconds === undefined ? [] : [stop.retryAfterSeconds]
  );
  return {
    note: parts.join(" "),
    ...present("retry_after_seconds", waits.length > 0 ? Math.min(...waits) : undefined),
  };
}

/** The result: conversations newest first, one `users` map, and what was left out and why. */
async function renderUnreads(deps: ToolDeps, found: UnreadsFound) {
  const { gathered, checked, total, moreUnread } = found;
  const ids = gathered.flatMap((g) => [
    ...g.people,
    ...(g.page?.messages.slice(0, previewCount) ?? []).flatMap((m) => [
      ...(m.user ? [m.user] : []),
      ...mentionedIds(m.text),
    ]),
  ]);
  const bots = Object.assign({}, ...gathered.map((g) => g.page?.bots ?? {}));
  const users = await usersMap(deps.directory, ids, bots);
  const conversations = gathered.map((g) => renderConversation(g, found.self, users))
    .sort((a, b) => Number(b.latest_ts ?? b.last_read) - Number(a.latest_ts ?? a.last_read));
  const unchecked = total - checked;
  const notes = [
    // Left by the check budget, not stopped: a rate limit's stop is in the partial note.
    unchecked > 0 && !found.rateLimited &&
    `${
      plural(unchecked, "less active conversation was", "less active conversations were")
    } not checked (to stay within Slack's rate limits): call again to check them.`,
    moreUnread > 0 &&
    `${
      plural(moreUnread, "more conversation has", "more conversations have")
    } unread messages: raise limit to see them.`,
  ].filter(Boolean);
  const partial = partialNote(found, unchecked);
  const heading = conversations.length
    ? `${
      plural(conversations.length, "conversation", "conversations")
    } with unread messages, newest first (checked ${checked} of ${total}; times UTC):`
    : `Nothing unread (checked ${checked} of ${total} conversations).`;
  return {
    structured: {
      conversations,
      ...(Object.keys(users).length ? { users } : {}),
      timezone: "UTC" as const,
      checked,
      total,
      ...(unchecked > 0 ? { unchecked } : {}),
      ...(moreUnread > 0 ? { more_unread: moreUnread } : {}),
      ...present("partial", partial),
    },
    text: [heading, ...conversations.flatMap(conversationLines), ...notes].join("\n") +
      partialLine(partial) + formatUsers(users),
  };
}

/** `slack_get_unreads`. */
export const getUnreads = defineTool({
  name: "slack_get_unreads",
  title: "What did I miss?",
  description:
    "The conversations with unread messages for the person whose user token the server uses (SLACK_USER_TOKEN, or the signed-in person), newest first: unread count, mentions of them, the first unread messages, and the ts to pass to slack_mark_read. Checks DMs and group DMs first, then channels, within Slack's rate limits: the result says how many conversations were checked; call again to check the rest.",
  input: z.object({
    limit: z.number().int().min(1).max(25).default(10).describe(
      "Conversations with unread messages to show (max 25)",
    ),
    types: z.string().default("public_channel,private_channel,mpim,im").describe(
      "Comma list of conversation kinds: public_channel, private_channel, mpim (group DMs), im (DMs)",
    ),
  }),
  output: z.object({
    conversations: z.array(unreadConversation).describe("Newest unread message first"),
    users: usersSchema.optional(),
    timezone: z.literal("UTC").describe("Time zone of every time in the result"),
    checked: z.number().int().describe("Conversations whose read state was checked"),
    total: z.number().int().describe("Conversations of these types the person is in"),
    unchecked: z.number().int().optional().describe(
      "Conversations not checked this time (Slack's rate limits): call again to check them",
    ),
    more_unread: z.number().int().optional().describe(
      "Further conversations with unread messages beyond limit",
    ),
    partial: partialSchema,
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  slack: {
    methods: [
      "auth.test",
      "users.conversations",
      "conversations.info",
      "conversations.history",
      "conversations.members",
      "users.info",
    ],
    bot: ["users:read"],
    user: [
      "channels:read",
      "groups:read",
      "im:read",
      "mpim:read",
      "channels:history",
      "groups:history",
      "im:history",
      "mpim:history",
    ],
  },
  async handler({ limit, types }, { deps, signal }) {
    requireUserToken(deps, "slack_get_unreads", "unread messages");
    const kinds = parseTypes(types);
    const [self, own, activity] = await Promise.all([
      selfId(deps, signal),
      ownConversations(deps, kinds, signal),
      recentActivity(deps),
    ]);
    const order = checkOrder(own, activity);
    const checks = await checkReadStates(deps, order, signal);
    const unread = checks.states.filter(({ state }) => state.unread > 0);
    const { gathered, historyStopped } = await gatherShown(
      deps,
      unread.slice(0, limit),
      self,
      signal,
    );
    return await renderUnreads(deps, {
      self,
      gathered,
      checked: checks.checked,
      total: order.length,
      rateLimited: checks.rateLimited,
      moreUnread: unread.length - gathered.length,
      historyStopped,
    });
  },
});
