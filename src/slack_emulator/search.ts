/**
 * `search.messages` for the emulator: Slack's query syntax (words, quoted
 * phrases, `in:`, `from:`, `before:`, `after:`, `on:`), scoring, sorting and
 * page-numbered results in Slack's response shape.
 * @module
 */
import {
  findUser,
  permalink,
  type Workspace,
  type WorkspaceChannel,
  type WorkspaceMessage,
} from "./workspace.ts";
import { escapeRegExp } from "../util/redact.ts";

/** What to search for and how to page it. */
export interface SearchOptions {
  query: string;
  /** The searching user: only channels they can see are searched. */
  userId: string;
  sort: "score" | "timestamp";
  sortDir: "asc" | "desc";
  count: number;
  page: number;
}

interface ParsedQuery {
  terms: RegExp[];
  channels: string[];
  users: string[];
  /** Unix seconds bounds, as ts strings compare. */
  after?: number;
  before?: number;
}

/** System messages Slack leaves out of search results. */
const unsearchable = new Set(["channel_join", "channel_topic", "tombstone"]);

const DAY_SECONDS = 86_400;

function dayStart(date: string): number | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** Splits `query` into words, phrases and modifiers. */
function parseQuery(query: string, userId: string): ParsedQuery {
  const parsed: ParsedQuery = { terms: [], channels: [], users: [] };
  for (const token of query.match(/"[^"]*"|\S+/g) ?? []) {
    const modifier = /^(in|from|before|after|on):(.+)$/i.exec(token);
    const [key, value] = modifier ? [modifier[1].toLowerCase(), modifier[2]] : ["", token];
    if (key === "in") {
      parsed.channels.push(value.replace(/^<#(\w+)(\|[^>]*)?>$/, "$1").replace(/^#/, ""));
    } else if (key === "from") {
      const user = value.replace(/^<@(\w+)(\|[^>]*)?>$/, "$1").replace(/^@/, "");
      parsed.users.push(user === "me" ? userId : user);
    } else if (key) {
      const start = dayStart(value);
      if (start === undefined) continue;
      if (key === "before") parsed.before = start;
      if (key === "after") parsed.after = start + DAY_SECONDS;
      if (key === "on") [parsed.after, parsed.before] = [start, start + DAY_SECONDS];
    } else {
      const words = value.replace(/^"|"$/g, "").trim();
      // A term matches at the start of a word, so "deploy" finds "deployed".
      if (words) parsed.terms.push(new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(words)}`, "giu"));
    }
  }
  return parsed;
}

function score(message: WorkspaceMessage, terms: RegExp[]): number {
  let total = 0;
  for (const term of terms) {
    const hits = message.text.match(term)?.length ?? 0;
    if (hits === 0) return 0;
    total += hits;
  }
  return terms.length === 0 ? 1 : total;
}

function* searchable(channel: WorkspaceChannel): Generator<WorkspaceMessage> {
  for (const message of channel.messages) {
    // Broadcasts are also thread replies: yield them once, from the thread.
    if (message.subtype !== "thread_broadcast") yield message;
  }
  for (const replies of channel.threads.values()) yield* replies;
}

/**
 * Runs a search as `options.userId` and returns Slack's `search.messages`
 * body (without `ok`).
 */
export function searchMessages(workspace: Workspace, options: SearchOptions) {
  const parsed = parseQuery(options.query, options.userId);
  const userIds = new Set(
    workspace.users
      .filter((u) =>
        parsed.users.some((name) => [u.id, u.name, u.profile.display_name].includes(name))
      )
      .map((u) => u.id),
  );
  const hits: { channel: WorkspaceChannel; message: WorkspaceMessage; score: number }[] = [];
  for (const channel of workspace.channels) {
    const { conversation } = channel;
    if (conversation.is_private && !channel.members.includes(options.userId)) continue;
    if (
      parsed.channels.length > 0 &&
      !parsed.channels.some((c) => c === conversation.id || c === conversation.name)
    ) continue;
    for (const message of searchable(channel)) {
      if (message.subtype && unsearchable.has(message.subtype)) continue;
      if (parsed.users.length > 0 && !(message.user && userIds.has(message.user))) continue;
      const seconds = Number(message.ts);
      if (parsed.after !== undefined && seconds < parsed.after) continue;
      if (parsed.before !== undefined && seconds >= parsed.before) continue;
      const points = score(message, parsed.terms);
      if (points > 0) hits.push({ channel, message, score: points });
    }
  }
  const direction = options.sortDir === "asc" ? 1 : -1;
  hits.sort((a, b) =>
    options.sort === "score" && a.score !== b.score
      ? b.score - a.score
      : direction * (a.message.ts < b.message.ts ? -1 : a.message.ts > b.message.ts ? 1 : 0)
  );
  const { count, page } = options;
  const total = hits.length;
  const pages = Math.max(1, Math.ceil(total / count));
  const matches = hits.slice((page - 1) * count, page * count).map(
    ({ channel, message, score }) => {
      const { conversation: c } = channel;
      return {
        iid: `${c.id}-${message.ts}`,
        team: workspace.team.id,
        type: "message",
        channel: {
          id: c.id,
          name: c.name,
          is_channel: c.is_channel,
          is_group: c.is_group,
          is_im: c.is_im,
          is_mpim: c.is_mpim,
          is_private: c.is_private,
          is_shared: c.is_shared,
          is_org_shared: c.is_org_shared,
          is_ext_shared: c.is_ext_shared,
          is_pending_ext_shared: c.is_pending_ext_shared,
          pending_shared: c.pending_shared,
        },
        user: message.user,
        username: message.user
          ? findUser(workspace, message.user)?.name ?? message.user
          : message.username ?? "",
        ...(message.bot_id ? { bot_id: message.bot_id } : {}),
        ts: message.ts,
        text: message.text,
        permalink: permalink(workspace, c.id, message),
        score,
      };
    },
  );
  return {
    query: options.query,
    messages: {
      total,
      pagination: {
        total_count: total,
        page,
        per_page: count,
        page_count: pages,
        first: Math.min((page - 1) * count + 1, total),
        last: Math.min(page * count, total),
      },
      paging: { count, total, page, pages },
      matches,
    },
  };
}
