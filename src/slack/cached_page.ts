/**
 * One page of a paginated Web API method, read through the cache: trimmed
 * (and with the names it needs, e.g. its authors') before it is cached, so a
 * hit costs one cache lookup and nothing else.
 * @module
 */
import type { Cache, CacheResult } from "../store/cache.ts";
import type { SlackClient } from "./client.ts";
import type { SlackResponse } from "./types.ts";

/** A trimmed page, the cursor of the next one, and the names its items need. */
export interface Page<T> {
  items: T[];
  next_cursor?: string;
  /** Names of the users and bots the items name, by ID (see {@link PageRequest.names}). */
  names?: Record<string, string>;
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
  /** Looks up what a hit must not look up again: names by ID, from the raw and trimmed items. */
  names?: (raw: R[], items: T[]) => Promise<Record<string, string>>;
  signal?: AbortSignal;
  /** Retries of the Slack call after a 429 or a transient failure; default the client's. */
  maxRetries?: number;
}

/**
 * Reads one page through the cache.
 *
 * @example
 * ```ts
 * const { value } = await cachedPage(services, {
 *   method: "users.list", key: cacheKeys.readPage("users.list", "100:"), params: { limit: 100 },
 *   listKey: "members", pick: toUser,
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
      { signal: request.signal, maxRetries: request.maxRetries },
    );
    const raw = page[request.listKey] as R[] ?? [];
    const items = raw.map(request.pick);
    return {
      items,
      next_cursor: page.response_metadata?.next_cursor || undefined,
      ...(request.names && { names: await request.names(raw, items) }),
    };
  }, request.tags);
}
