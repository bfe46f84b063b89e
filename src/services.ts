/**
 * The bundle of long-lived services tools and routes use, built once at
 * startup from the config. Tests build it with their own store, clock or fetch.
 * @module
 */
import { type Config, ratePresets } from "./config.ts";
import { createEventStream, type WritableEventStream } from "./events/event_stream.ts";
import { createSlackClient, type SlackClient } from "./slack/client.ts";
import { createDirectory, type Directory } from "./slack/directory.ts";
import { createPacer } from "./slack/pacer.ts";
import { type Cache, createCache, createParseMemo } from "./store/cache.ts";
import { createMemoryStore } from "./store/memory_store.ts";
import type { Store } from "./store/store.ts";
import { logger } from "./log/logger.ts";
import { fingerprint } from "./util/hash.ts";
import { storeKeys } from "./store/keys.ts";

/** Slack as seen through one set of tokens: the client, its names and its cache. */
export interface SlackAccess {
  slack: SlackClient;
  directory: Directory;
  cache: Cache;
}

/** Everything a tool or route may use. */
export interface Services extends SlackAccess {
  config: Config;
  store: Store;
  events: WritableEventStream;
  now(): number;
  /**
   * Slack through other tokens (multi-user mode: one person's user token):
   * its own cache and Slack budgets, so one person's data never reaches
   * another's results. `onRevoked` runs when Slack says the token is dead.
   */
  slackAccess(tokens: SlackTokens, onRevoked?: () => void): Promise<SlackAccess>;
}

/** The tokens one {@link SlackAccess} calls Slack with. */
export interface SlackTokens {
  botToken?: string;
  userToken?: string;
}

/** What tests may replace. */
export interface ServiceOverrides {
  store?: Store;
  fetch?: typeof fetch;
  now?: () => number;
  /** Multi-user tests: client ID metadata documents served on loopback. */
  allowPrivateClientMetadata?: boolean;
}

/** Slack's answers that mean a token no longer works. */
const revokedCodes = new Set([
  "invalid_auth",
  "token_revoked",
  "account_inactive",
  "token_expired",
]);

/**
 * The setting each method budget override comes from, so a refusal names
 * the one to change: the preset when its value stands, else
 * `SLACK_METHOD_LIMITS`.
 */
function limitSettings(slack: Config["slack"]): Record<string, string> {
  const preset = slack.ratePreset && ratePresets[slack.ratePreset];
  return Object.fromEntries(
    Object.entries(slack.methodLimits).map(([method, perMinute]) => [
      method,
      preset && preset[method] === perMinute
        ? `SLACK_RATE_PRESET=${slack.ratePreset}`
        : "SLACK_METHOD_LIMITS",
    ]),
  );
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
  // In memory, cached Slack pages get a store (and byte budget) of their own: a
  // flood of large pages then evicts other pages, never rate-limit windows,
  // sign-ins or event dedup marks.
  const cacheStore = overrides.store || config.store.upstash ? store : createMemoryStore({ now });
  // One for every token's cache: what they keep is bounded once, not per person.
  const parsed = createParseMemo({ ttlSeconds: config.cacheTtlSeconds, now });
  const log = logger("slack");

  async function slackAccess(tokens: SlackTokens, onRevoked?: () => void): Promise<SlackAccess> {
    // Cache entries and Slack budgets of one token never serve another.
    const id = await fingerprint(
      `${config.slack.apiUrl}|${tokens.botToken ?? ""}|${tokens.userToken ?? ""}`,
      6,
    );
    const slack = createSlackClient({
      apiUrl: config.slack.apiUrl,
      ...tokens,
      appToken: config.slack.appToken,
      fetch: overrides.fetch,
      pacer: createPacer({
        store,
        limits: config.slack.methodLimits,
        settings: limitSettings(config.slack),
        prefix: storeKeys.pace(id),
        now,
      }),
      onCall: ({ method, status, ms, error }) => {
        if (!error) {
          return log.debug("Slack {method} {status} in {ms} ms", {
            method,
            status,
            ms: Math.round(ms),
          });
        }
        log.warn("Slack {method} failed: {error} (HTTP {status})", { method, error, status });
        if (revokedCodes.has(error)) onRevoked?.();
      },
    });
    const cache = createCache({
      store: cacheStore,
      tagStore: store,
      parsed,
      ttlSeconds: config.cacheTtlSeconds,
      prefix: storeKeys.cache(id),
      tagPrefix: storeKeys.cacheTags,
      now,
      onError: (operation, error) =>
        logger("store").warn("Cache {operation} failed, using Slack directly: {error}", {
          operation,
          error: String(error),
        }),
    });
    return { slack, cache, directory: createDirectory({ slack, cache }) };
  }

  const access = await slackAccess({
    botToken: config.slack.botToken,
    userToken: config.slack.userToken,
  });
  const events = createEventStream({ store, now });
  return { config, ...access, store, events, now, slackAccess };
}
