/**
 * Fetches everything an analysis needs about one channel over a time range:
 * every page of history and the replies of every thread in it, each page
 * cached (tag `history:<channel>`) and paced like any other Slack call.
 * @module
 */
import type { SlackClient } from "./client.ts";
import type { Cache } from "../store/cache.ts";
import type { SlackMessage } from "./types.ts";
import { cachedPage } from "./cached_page.ts";
import { cacheTags } from "../store/keys.ts";

/** Options of {@link loadConversation}. */
export interface LoadOptions {
  channel: string;
  /** Unix seconds. */
  oldest: number;
  /** Unix seconds. */
  latest: number;
  /** Stop after this many messages (history plus replies), default 10,000. */
  maxMessages?: number;
  signal?: AbortSignal;
  /** Called after each Slack page: pages fetched so far and messages collected. */
  onProgress?: (pages: number, messages: number) => void;
}

/** A channel's messages over a range. */
export interface LoadedConversation {
  messages: SlackMessage[];
  replies: Map<string, SlackMessage[]>;
  truncated?: { reason: string };
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
    reactions: m.reactions,
    edited: m.edited,
  };
}

/** Threads fetched at once: Tier 3 allows 50/min, the pacer spreads the rest. */
const threadConcurrency = 4;

/**
 * Loads a channel's history and thread replies for `[oldest, latest]`.
 *
 * @example
 * ```ts
 * const { messages, replies } = await loadConversation(services, { channel, oldest, latest });
 * ```
 */
export async function loadConversation(
  services: { slack: SlackClient; cache: Cache },
  options: LoadOptions,
): Promise<LoadedConversation> {
  const { channel, signal } = options;
  const maxMessages = options.maxMessages ?? 10_000;
  let pages = 0;
  let count = 0;

  async function page(method: string, params: Record<string, unknown>) {
    const { value } = await cachedPage(services, {
      method,
      key: `${method}:${channel}:${JSON.stringify(params)}`,
      params: { channel, limit: 200, ...params },
      listKey: "messages",
      tags: [cacheTags.history(channel)],
      pick: slim,
      signal,
    });
    options.onProgress?.(++pages, count += value.items.length);
    return value;
  }

  const messages: SlackMessage[] = [];
  let cursor: string | undefined;
  let truncated: LoadedConversation["truncated"];
  do {
    const result = await page("conversations.history", {
      oldest: options.oldest,
      latest: options.latest,
      inclusive: true,
      cursor,
    });
    messages.push(...result.items);
    cursor = result.next_cursor;
    if (cursor && count >= maxMessages) {
      truncated = { reason: `stopped at ${maxMessages} messages; narrow the range` };
      break;
    }
  } while (cursor);

  const replies = new Map<string, SlackMessage[]>();
  const parents = messages.filter((m) => (m.reply_count ?? 0) > 0 && m.thread_ts === m.ts);
  let next = 0;
  async function worker() {
    while (next < parents.length && !truncated) {
      const parent = parents[next++];
      const thread: SlackMessage[] = [];
      let threadCursor: string | undefined;
      do {
        const result = await page("conversations.replies", { ts: parent.ts, cursor: threadCursor });
        thread.push(...result.items.filter((m) => m.ts !== parent.ts));
        threadCursor = result.next_cursor;
      } while (threadCursor);
      replies.set(parent.ts, thread);
      if (count >= maxMessages && next < parents.length) {
        truncated = { reason: `stopped at ${maxMessages} messages; some threads were not read` };
      }
    }
  }
  await Promise.all(Array.from({ length: threadConcurrency }, worker));
  return { messages, replies, truncated };
}
