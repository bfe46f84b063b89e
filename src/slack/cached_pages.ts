/**
 * Up to `limit` items of a paginated Web API method, page by page through the
 * cache, within the method's budget: pages as large as the budget allows (15
 * messages under Slack's 2025 non-Marketplace limits, see `pacer.ts`), the
 * first page waiting for budget and retrying as any call does, later ones
 * only taking what is left now: no wait for our budget, no retry after
 * Slack's 429 or a transient failure. When a later page is refused so,
 * reading stops there and the pages read are returned with the refusal and
 * the cursor to continue from.
 * @module
 */
import type { Cache, CacheResult } from "../store/cache.ts";
import type { SlackClient } from "./client.ts";
import { cachedPage, type Page, type PageRequest } from "./cached_page.ts";
import { SlackApiError, transientCodes } from "./errors.ts";
import { withPacing } from "./pacer.ts";

/** What {@link cachedPages} reads. */
export interface PagesRequest<T, R> extends Omit<PageRequest<T, R>, "key" | "params"> {
  /** Parameters of every page, without `limit` and `cursor`. */
  params: Record<string, unknown>;
  /** The cache key of one page: must cover `params`, the page size and the cursor. */
  key(size: number, cursor: string | undefined): string;
  /** Where to start: a cursor from an earlier answer. */
  cursor?: string;
  /** Most items to read. */
  limit: number;
}

/** The items read, in page order, and where reading stopped. */
export interface Pages<T> {
  items: T[];
  /** The cursor after the last page read: more items follow. */
  next_cursor?: string;
  /** Names of the users and bots the items name, by ID, merged over the pages. */
  names: Record<string, string>;
  /** Items per page asked for. */
  pageSize: number;
  /**
   * Why reading stopped before `limit` with more to read: a rate limit (see
   * `SlackApiError.budget`) or a transient failure on a page after the first.
   */
  stopped?: SlackApiError;
}

/** A failure that ends reading with what was read: a rate limit, or one a retry may pass. */
function resumable(error: unknown): error is SlackApiError {
  return error instanceof SlackApiError &&
    (error.code === "ratelimited" || transientCodes.has(error.code));
}

/**
 * The page size to ask `method` for: `limit`, or fewer when the method's
 * budget caps pages (15 messages under Slack's 2025 non-Marketplace limits).
 */
export function pageSizeFor(slack: Pick<SlackClient, "budget">, method: string, limit: number) {
  return Math.min(limit, slack.budget(method)?.pageSize ?? limit);
}

/** The names of a page read without names: one object, shared, so it never changes. */
const noNames: Record<string, string> = Object.freeze({});

/**
 * Reads up to `request.limit` items. A failure of the first page is thrown:
 * nothing was read.
 *
 * @example
 * ```ts
 * const { value } = await cachedPages({ slack, cache }, {
 *   method: "conversations.history", params: { channel }, limit: 20, listKey: "messages",
 *   key: (size, cursor) => cacheKeys.readPage("conversations.history", `${channel}:${size}:${cursor ?? ""}`),
 *   pick: toLean,
 * });
 * ```
 */
export async function cachedPages<T, R>(
  services: { slack: SlackClient; cache: Cache },
  request: PagesRequest<T, R>,
): Promise<CacheResult<Pages<T>>> {
  const { limit } = request;
  const pageSize = pageSizeFor(services.slack, request.method, limit);
  const read: Page<T>[] = [];
  let count = 0;
  let stopped: SlackApiError | undefined;
  let cursor = request.cursor;
  let ageSeconds = 0;
  let cached = true;
  do {
    const size = Math.min(pageSize, limit - count);
    const first = read.length === 0;
    const load = () =>
      cachedPage(services, {
        ...request,
        key: request.key(size, cursor),
        params: { ...request.params, limit: size, cursor },
        ...(!first && { maxRetries: 0 }),
      });
    let page;
    try {
      // A later page takes only the budget left now: the pages read are worth more than a wait.
      page = first ? await load() : await withPacing({ maxWaitMs: 0 }, load);
    } catch (error) {
      if (first || !resumable(error)) throw error;
      stopped = error;
      break;
    }
    read.push(page.value);
    count += page.value.items.length;
    ageSeconds = Math.max(ageSeconds, page.ageSeconds);
    cached &&= page.cached;
    cursor = page.value.next_cursor;
  } while (cursor && count < limit);
  // One page, the usual read, is passed on as cached: its rendering is kept with it (renderDays).
  const only = read.length === 1 ? read[0] : undefined;
  const value: Pages<T> = {
    items: only ? only.items : read.flatMap((page) => page.items),
    names: only ? only.names ?? noNames : Object.assign({}, ...read.map((page) => page.names)),
    pageSize,
  };
  if (stopped) value.stopped = stopped;
  if (cursor) value.next_cursor = cursor;
  return { value, ageSeconds, cached };
}
