/**
 * The bundle of long-lived services tools and routes use, built once at
 * startup from the config. Tests build it with their own store, clock or fetch.
 * @module
 */
import type { Config } from "./config.ts";
import { createEventStream, type WritableEventStream } from "./events/event_stream.ts";
import { createSlackClient, type SlackClient } from "./slack/client.ts";
import { createDirectory, type Directory } from "./slack/directory.ts";
import { createPacer } from "./slack/pacer.ts";
import { type Cache, createCache } from "./store/cache.ts";
import { createMemoryStore } from "./store/memory_store.ts";
import type { Store } from "./store/store.ts";
import { logger } from "./log/logger.ts";
import { fingerprint } from "./util/hash.ts";
import { storeKeys } from "./store/keys.ts";

/** Everything a tool or route may use. */
export interface Services {
  config: Config;
  slack: SlackClient;
  directory: Directory;
  cache: Cache;
  store: Store;
  events: WritableEventStream;
  now(): number;
}

/** What tests may replace. */
export interface ServiceOverrides {
  store?: Store;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Builds the services for `config`. */
export async function createServices(
  config: Config,
  overrides: ServiceOverrides = {},
): Promise<Services> {
  const now = overrides.now ?? Date.now;
  const store = overrides.store ??
    (config.store.upstash
      // Loaded only when configured: the Upstash clients cost start-up time and memory.
      ? (await import("./store/upstash_store.ts")).createUpstashStore(config.store.upstash)
      : createMemoryStore({ now }));
  // Cache entries and Slack budgets of one workspace token never serve another.
  const tokens = await fingerprint(
    `${config.slack.apiUrl}|${config.slack.botToken ?? ""}|${config.slack.userToken ?? ""}`,
    6,
  );
  const log = logger("slack");
  const slack = createSlackClient({
    apiUrl: config.slack.apiUrl,
    botToken: config.slack.botToken,
    userToken: config.slack.userToken,
    fetch: overrides.fetch,
    pacer: createPacer({
      store,
      limits: config.slack.methodLimits,
      prefix: storeKeys.pace(tokens),
      now,
    }),
    onCall: ({ method, status, ms, error }) =>
      error
        ? log.warn("Slack {method} failed: {error} (HTTP {status})", { method, error, status })
        : log.debug("Slack {method} {status} in {ms} ms", { method, status, ms: Math.round(ms) }),
  });
  const cache = createCache({
    store,
    ttlSeconds: config.cacheTtlSeconds,
    prefix: storeKeys.cache(tokens),
    now,
    onError: (operation, error) =>
      logger("store").warn("Cache {operation} failed, using Slack directly: {error}", {
        operation,
        error: String(error),
      }),
  });
  const directory = createDirectory({ slack, cache });
  const events = createEventStream({ store, now });
  return { config, slack, directory, cache, store, events, now };
}
