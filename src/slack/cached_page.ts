/**
 * One page of a paginated Web API method, read through the cache: trimmed
 * (and completed, e.g. with author names) before it is cached, so a hit costs
 * one cache lookup and nothing else.
 * @module
 */
import type { Cache, CacheResult } from "../store/cache.ts";
import type { SlackClient } from "./client.ts";
import type { SlackResponse } from "./types.ts";

/** A trimmed page and the cursor of the next one. */
export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

/** What {@link cachedPage} fetches and how it trims it. */
export interface PageRequest<T, R> {
  method: string;
  /** Cache key: must cover every parameter that changes the answer. */
  key: string;
  params: Record<string, unknown>;
  /** The response field holding the list, e.g. `messages`. */
  listKey: string;
  /** Invalidation tags, e.g. `history:<channel>`. */
  tags?: string[];
  /** Trims one raw item. */
  pick: (item: R) => T;
  /** Adds what a hit must not look up again (authors' names). */
  complete?: (items: T[]) => Promise<T[]>;
  signal?: AbortSignal;
}

/**
 * Reads one page through the cache.
 *
 * @example
 * ```ts
 * const { value } = await cachedPage(services, {
 *   method: "users.list", key: "users:100:", params: { limit: 100 }, listKey: "members", pick: toUser,
 * });
 * ```
 */
export async function cachedPage<T, R>(
  { slack, cache }: { slack: SlackClient; cache: Cache },
  request: PageRequest<T, R>,
): Promise<CacheResult<Page<T>>> {
  return await cache.getOrLoad<Page<T>>(request.key, async () => {
    const page = await slack.call<SlackResponse & Record<string, unknown>>(
      request.method,
      request.params,
      { signal: request.signal },
    );
    const items = (page[request.listKey] as R[] ?? []).map(request.pick);
    return {
      items: request.complete ? await request.complete(items) : items,
      next_cursor: page.response_metadata?.next_cursor || undefined,
    };
  }, request.tags);
}
