/**
 * Fetches what an analysis needs about some channels over a time range,
 * within the Slack budget that is left: every channel's history first (thread
 * parents carry `reply_count`, `reply_users` and `latest_reply`), then the
 * replies of as many threads as the budget allows, largest threads first.
 * What the budget or the time limit leaves out is reported, not thrown: the
 * analysis estimates it and says when a retry can read it.
 *
 * Every page is cached (tag `history:<channel>`), under keys that outlive the
 * call: history pages under the range rounded out to whole minutes (longer
 * for small budgets), so calls close together share pages and a retry
 * continues where the last one stopped; thread pages under the parent's
 * `latest_reply` and `reply_count`, so a new reply changes the key and a
 * thread never disagrees with its parent.
 * @module
 */
import type { CallOptions, SlackClient } from "./client.ts";
import type { Cache } from "../store/cache.ts";
import type { SlackMessage, SlackResponse } from "./types.ts";
import { cachedPage } from "./cached_page.ts";
import { cacheTags } from "../store/keys.ts";
import { SlackApiError, transientCodes } from "./errors.ts";
import { withPacing } from "./pacer.ts";
import { startDeadline } from "../util/deadline.ts";
import type { MethodBudget } from "./client.ts";

/** Options of {@link loadConversations}. */
export interface LoadOptions {
  /** Channel IDs, read in this order. */
  channels: readonly string[];
  /** Unix seconds, included. */
  oldest: number;
  /** Unix seconds, included (a fraction keeps the current second in). */
  latest: number;
  /** Stop a channel after this many messages (history plus replies), default 10,000. */
  maxMessages?: number;
  signal?: AbortSignal;
  /** Stop reading after this long, default 40 s: calls under way are aborted, what was read is kept. */
  timeLimitMs?: number;
  /**
   * What is left of each method's budget (`SlackClient.budget`): the
   * loader spends no more and never waits for budget. Without it, calls are
   * limited by Slack alone, with pages of 200.
   */
  budget?: (method: string) => MethodBudget | undefined;
  /** Called after each Slack page: pages fetched so far and messages collected. */
  onProgress?: (pages: number, messages: number) => void;
}

/** One channel's messages over the range. */
export interface LoadedConversation {
  channel: string;
  /** False when not even the first page of history could be read. */
  read: boolean;
  /** Top-level messages (and thread broadcasts), newest first. */
  messages: SlackMessage[];
  /** Replies by parent `ts`, parent excluded, for the threads that were read. */
  replies: Map<string, SlackMessage[]>;
  /** Parents whose replies were not read: the analysis counts them from `reply_count`. */
  unreadThreads: Set<string>;
  /** Set when the history stops short of `oldest`. */
  truncated?: { reason: string };
}

/** Why reading stopped for one method. */
export interface Refusal {
  method: string;
  /** Whose limit: this server's budget (the pacer) or Slack's (a 429). */
  budget: "ours" | "slack";
  /** When a retry can read more, when known. */
  retryAfterSeconds?: number;
  /** This server's budget for the method, calls a minute, when known. */
  perMinute?: number;
  /** The setting that budget comes from; none for Slack's published tier. */
  setting?: string;
}

/** What was not read, and why. */
export interface Missing {
  /** Channels whose history stops short of `oldest` for want of budget or time. */
  historyChannels: string[];
  /** Threads whose replies were not read, of `threadsTotal`. */
  threads: number;
  threadsTotal: number;
  /** The first refusal of each method. */
  refusals: Refusal[];
  /** Slack failures that may pass on a retry (`internal_error`, …), by code. */
  failures: string[];
  /** True when the time limit stopped reading. */
  timedOut: boolean;
}

/** What {@link loadConversations} read, channel by channel, and what it could not. */
export interface LoadResult {
  conversations: LoadedConversation[];
  /** Undefined when everything in range was read. */
  missing?: Missing;
}

/** Keeps only the fields analyses read: Slack's `blocks` and files are large. */
function slim(m: SlackMessage): SlackMessage {
  return {
    type: "message",
    ts: m.ts,
    user: m.user,
    bot_id: m.bot_id,
    text: m.text,
    subtype: m.subtype,
    thread_ts: m.thread_ts,
    reply_count: m.reply_count,
    reply_users: m.reply_users,
    latest_reply: m.latest_reply,
    reactions: m.reactions,
    edited: m.edited,
  };
}

/** Threads fetched at once: Tier 3 allows 50/min, and the budget check caps the total. */
const threadConcurrency = 4;
/** Slack's recommended page size, when no budget says otherwise. */
const defaultPageSize = 200;
/** Tier 3's calls a minute: history keys last as long as that many calls take at the budget. */
const tier3PerMinute = 50;
/** The longest a history key lasts, in minutes: also how stale a page read without events gets. */
const maxBucketMinutes = 15;

/** A conversation being loaded: the messages it has collected so far. */
interface Loading extends LoadedConversation {
  count: number;
}

/** Thrown by the metered client when this load's share of a budget is spent. */
class Spent extends SlackApiError {}

/**
 * Loads the history of `channels` over `[oldest, latest]`, then the replies of
 * their threads, spending no more than the budget left.
 *
 * @example
 * ```ts
 * const budget = (method: string) => slack.budget(method);
 * const { conversations, missing } = await loadConversations(
 *   { slack, cache },
 *   { channels: ["C0GENERAL"], oldest, latest, budget },
 * );
 * ```
 */
export async function loadConversations(
  services: { slack: SlackClient; cache: Cache },
  options: LoadOptions,
): Promise<LoadResult> {
  const { oldest, latest } = options;
  const maxMessages = options.maxMessages ?? 10_000;
  // Aborted at the time limit or when a fatal error ends the load, so no call outlives it.
  const stop = startDeadline(
    options.timeLimitMs ?? 40_000,
    options.signal,
    "The analysis ran out of time",
  );
  const { signal } = stop;
  const refusals = new Map<string, Refusal>();
  const historyShort: string[] = [];
  const failures = new Set<string>();
  let pages = 0;
  let collected = 0;

  const budgets = new Map<string, { budget?: MethodBudget; left: number }>();
  function allowance(method: string) {
    let entry = budgets.get(method);
    if (!entry) {
      const budget = options.budget?.(method);
      entry = { budget, left: budget?.remaining ?? Infinity };
      budgets.set(method, entry);
    }
    return entry;
  }
  const pageSize = (method: string) => allowance(method).budget?.pageSize ?? defaultPageSize;

  /**
   * The client as the loader uses it: each call takes one from the method's
   * allowance (refused at once when none is left), never waits for budget,
   * and carries the load's signal.
   */
  const slack: SlackClient = {
    ...services.slack,
    call<T extends SlackResponse>(
      method: string,
      params?: Record<string, unknown>,
      callOptions?: CallOptions,
    ) {
      const entry = allowance(method);
      if (entry.left <= 0) {
        // Our calls used what was left: the next one fits about one interval later.
        const now = options.budget?.(method);
        const retryAfterSeconds = now &&
          (now.retryAfterSeconds || Math.ceil(60 / now.perMinute));
        return Promise.reject(
          new Spent(method, "ratelimited", { retryAfterSeconds, budget: "ours" }),
        );
      }
      entry.left--;
      return withPacing(
        { maxWaitMs: 0 },
        () => services.slack.call<T>(method, params, { ...callOptions, signal }),
      );
    },
  };

  async function page(
    loaded: Loading,
    method: string,
    key: string,
    params: Record<string, unknown>,
  ) {
    const { value } = await cachedPage({ slack, cache: services.cache }, {
      method,
      key,
      params: { channel: loaded.channel, ...params },
      listKey: "messages",
      tags: [cacheTags.history(loaded.channel)],
      pick: slim,
      signal,
    });
    loaded.count += value.items.length;
    options.onProgress?.(++pages, collected += value.items.length);
    return value;
  }

  /**
   * What to do about a failed page: `stop` reading this method (budget or
   * time), `skip` this item (a transient failure), or rethrow.
   */
  function triage(error: unknown, method: string): "stop" | "skip" {
    if (options.signal?.aborted) throw options.signal.reason;
    if (stop.expired) return "stop";
    if (error instanceof SlackApiError && error.code === "ratelimited") {
      if (!refusals.has(method)) {
        const fresh = options.budget?.(method);
        refusals.set(method, {
          method,
          budget: error.budget,
          retryAfterSeconds: error.retryAfterSeconds ?? (fresh?.retryAfterSeconds || undefined),
          perMinute: fresh?.perMinute,
          ...(fresh?.setting && { setting: fresh.setting }),
        });
      }
      return "stop";
    }
    if (error instanceof SlackApiError && transientCodes.has(error.code)) {
      failures.add(error.code);
      return "skip";
    }
    stop.abort(error);
    throw error;
  }

  // A history key lasts as many minutes as Tier 3's 50 calls take at this budget, at most 15.
  const historyMethod = "conversations.history";
  const perMinute = allowance(historyMethod).budget?.perMinute ?? tier3PerMinute;
  const bucket = 60 *
    Math.min(maxBucketMinutes, Math.max(1, Math.ceil(tier3PerMinute / perMinute)));
  const window = {
    oldest: Math.floor(oldest / bucket) * bucket,
    latest: Math.ceil(latest / bucket) * bucket,
  };
  const inRange = (ts: string) => Number(ts) >= oldest && Number(ts) <= latest;

  async function readHistory(channel: string): Promise<Loading> {
    const size = pageSize(historyMethod);
    const messages: SlackMessage[] = [];
    const loaded: Loading = {
      channel,
      read: false,
      messages,
      replies: new Map(),
      unreadThreads: new Set(),
      count: 0,
    };
    let cursor: string | undefined;
    do {
      let result;
      try {
        result = await page(
          loaded,
          historyMethod,
          `analysis:history:${channel}:${window.oldest}:${window.latest}:${size}:${cursor ?? ""}`,
          {
            oldest: window.oldest,
            latest: window.latest,
            inclusive: true,
            limit: size,
            cursor,
          },
        );
      } catch (error) {
        triage(error, historyMethod);
        const since = messages.at(-1)?.ts;
        loaded.truncated = {
          reason: since
            ? `history read back to ${new Date(Number(since) * 1000).toISOString()} only`
            : "no history could be read",
        };
        historyShort.push(channel);
        return loaded;
      }
      loaded.read = true;
      messages.push(...result.items.filter((m) => inRange(m.ts)));
      cursor = result.next_cursor;
      if (cursor && loaded.count >= maxMessages) {
        loaded.truncated = { reason: `stopped at ${maxMessages} messages; narrow the range` };
        break;
      }
    } while (cursor && !stop.expired);
    return loaded;
  }

  async function readThread(loaded: Loading, parent: SlackMessage) {
    const method = "conversations.replies";
    const size = pageSize(method);
    const thread: SlackMessage[] = [];
    let cursor: string | undefined;
    do {
      const result = await page(
        loaded,
        method,
        `analysis:replies:${loaded.channel}:${parent.ts}:${parent.latest_reply ?? ""}:${
          parent.reply_count ?? 0
        }:${size}:${cursor ?? ""}`,
        { ts: parent.ts, limit: size, cursor },
      );
      thread.push(...result.items.filter((m) => m.ts !== parent.ts));
      cursor = result.next_cursor;
    } while (cursor);
    loaded.replies.set(parent.ts, thread);
  }

  const conversations: Loading[] = [];
  try {
    for (const channel of options.channels) {
      if (stop.expired) break;
      conversations.push(await readHistory(channel));
    }
    // Largest threads first: their replies move the figures most; then the newest.
    const wanted = conversations.flatMap((loaded) =>
      loaded.messages
        .filter((m) => (m.reply_count ?? 0) > 0 && m.thread_ts === m.ts)
        .map((parent) => ({ loaded, parent }))
    ).sort((a, b) =>
      (b.parent.reply_count ?? 0) - (a.parent.reply_count ?? 0) ||
      Number(b.parent.ts) - Number(a.parent.ts)
    );
    for (const { loaded, parent } of wanted) loaded.unreadThreads.add(parent.ts);
    let next = 0;
    let stopped = false;
    const worker = async () => {
      while (next < wanted.length && !stopped && !stop.expired) {
        const { loaded, parent } = wanted[next++];
        if (loaded.count >= maxMessages) {
          loaded.truncated ??= {
            reason: `stopped at ${maxMessages} messages; some threads were not read`,
          };
          continue;
        }
        try {
          await readThread(loaded, parent);
          loaded.unreadThreads.delete(parent.ts);
        } catch (error) {
          if (error instanceof SlackApiError && error.code === "thread_not_found") {
            // Deleted since the history was read: nothing left to count.
            loaded.unreadThreads.delete(parent.ts);
            continue;
          }
          if (triage(error, "conversations.replies") === "stop") stopped = true;
        }
      }
    };
    await Promise.all(Array.from({ length: threadConcurrency }, worker));
    const threads = conversations.reduce((n, c) => n + c.unreadThreads.size, 0);
    const incomplete = threads > 0 || historyShort.length > 0 || stop.expired;
    return {
      conversations: conversations.map(({ count: _, ...loaded }) => loaded),
      missing: incomplete
        ? {
          historyChannels: historyShort,
          threads,
          threadsTotal: wanted.length,
          refusals: [...refusals.values()],
          failures: [...failures],
          timedOut: stop.expired,
        }
        : undefined,
    };
  } finally {
    stop.clear();
  }
}
