import assert from "node:assert/strict";
import { cachedPages } from "./cached_pages.ts";
import type { CallOptions, MethodBudget, SlackClient } from "./client.ts";
import { SlackApiError } from "./errors.ts";
import type { SlackResponse } from "./types.ts";
import { createCache } from "../store/cache.ts";
import { createMemoryStore } from "../store/memory_store.ts";

/** Items `0 … total-1` of one method, a cursor per page, and the first `allowed` calls answered. */
function fakeSlack(options: { total: number; pageSize: number; allowed: number; error?: string }) {
  const calls: Record<string, unknown>[] = [];
  const retries: (number | undefined)[] = [];
  const slack = {
    budget: (method: string): MethodBudget => ({
      method,
      perMinute: 1,
      remaining: 1,
      retryAfterSeconds: 0,
      pageSize: options.pageSize,
    }),
    call<T extends SlackResponse>(
      method: string,
      params: Record<string, unknown> = {},
      callOptions?: CallOptions,
    ): Promise<T> {
      calls.push(params);
      retries.push(callOptions?.maxRetries);
      if (calls.length > options.allowed) {
        return Promise.reject(
          new SlackApiError(method, options.error ?? "ratelimited", {
            budget: "ours",
            retryAfterSeconds: 42,
          }),
        );
      }
      const start = Number(params.cursor ?? 0);
      const end = Math.min(options.total, start + Number(params.limit));
      const items = Array.from({ length: end - start }, (_, i) => start + i);
      return Promise.resolve({
        ok: true,
        items,
        response_metadata: { next_cursor: end < options.total ? String(end) : "" },
      } as unknown as T);
    },
  } as unknown as SlackClient;
  return { slack, calls, retries };
}

function read(
  slack: SlackClient,
  limit: number,
  cursor?: string,
  cache = createCache({ store: createMemoryStore(), ttlSeconds: 60, prefix: "test" }),
) {
  return cachedPages<number, number>({ slack, cache }, {
    method: "conversations.history",
    params: { channel: "C1" },
    key: (size, at) => `test:${size}:${at ?? ""}`,
    listKey: "items",
    pick: (n) => n,
    limit,
    cursor,
  });
}

Deno.test("cachedPages() asks for the budget's page size, and the rest of limit on the last page", async () => {
  const { slack, calls, retries } = fakeSlack({ total: 100, pageSize: 15, allowed: 10 });
  const { value } = await read(slack, 20);
  assert.deepEqual(calls.map((c) => c.limit), [15, 5]);
  // Only the first page waits out Slack's 429s or retries a transient failure.
  assert.deepEqual(retries, [undefined, 0]);
  assert.deepEqual(value.items, [...Array(20).keys()]);
  assert.equal(value.next_cursor, "20");
  assert.equal(value.stopped, undefined);
});

Deno.test("cachedPages() reads one page of limit when the budget allows full pages", async () => {
  const { slack, calls } = fakeSlack({ total: 30, pageSize: 200, allowed: 10 });
  const { value } = await read(slack, 100);
  assert.deepEqual(calls.map((c) => c.limit), [100]);
  assert.equal(value.items.length, 30);
  assert.equal(value.next_cursor, undefined);
});

Deno.test("cachedPages() keeps what it read when a later page is refused, with the cursor to go on", async () => {
  for (const error of ["ratelimited", "internal_error"]) {
    const { slack } = fakeSlack({ total: 100, pageSize: 15, allowed: 1, error });
    const { value } = await read(slack, 40, "10");
    assert.deepEqual(value.items, [...Array(15).keys()].map((i) => i + 10));
    assert.equal(value.next_cursor, "25");
    assert.equal(value.stopped?.code, error);
  }
});

Deno.test("cachedPages() throws when not even the first page could be read, or on a lasting failure", async () => {
  await assert.rejects(
    read(fakeSlack({ total: 100, pageSize: 15, allowed: 0 }).slack, 20),
    (error) => error instanceof SlackApiError && error.code === "ratelimited",
  );
  await assert.rejects(
    read(fakeSlack({ total: 100, pageSize: 15, allowed: 1, error: "channel_not_found" }).slack, 20),
    (error) => error instanceof SlackApiError && error.code === "channel_not_found",
  );
});

Deno.test("cachedPages() passes a single cached page on as it is, so its rendering can be reused", async () => {
  const { slack, calls } = fakeSlack({ total: 30, pageSize: 200, allowed: 10 });
  const cache = createCache({ store: createMemoryStore(), ttlSeconds: 60, prefix: "test" });
  await read(slack, 100, undefined, cache);
  const second = await read(slack, 100, undefined, cache);
  const third = await read(slack, 100, undefined, cache);
  assert.equal(calls.length, 1);
  assert.equal(third.value.items, second.value.items);
  assert.equal(third.value.names, second.value.names);
});
