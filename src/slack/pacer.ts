/**
 * Keeps Web API calls inside Slack's per-method budgets, shared by every
 * instance through the store, so calls wait for budget instead of collecting
 * 429s. Posts to one channel queue in arrival order, so concurrent posts keep
 * their order. Callers that would rather do without than wait (the analysis
 * loader) ask what is left with {@link Pacer.budget} and cap waits with
 * {@link withPacing}.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Store } from "../store/store.ts";
import { sleep } from "../util/sleep.ts";
import { notice } from "../util/notices.ts";
import { SlackApiError } from "./errors.ts";
import type { MethodBudget, SlackPacer } from "./client.ts";
import { logger } from "../log/logger.ts";

/** Slack's published tiers, in calls per minute (docs.slack.dev/apis/web-api/rate-limits). */
const tier = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

/**
 * Slack's tier of every method this server calls, as calls per minute
 * (`chat.postMessage` is "special": about 1 per second per channel, which
 * {@link createPacer} applies per channel). A method missing here fails
 * `tests/catalog_test.ts`; at run time it would get Tier 3.
 */
export const methodTiers: Readonly<Record<string, number>> = {
  "auth.test": tier[4],
  "canvases.create": tier[2],
  "canvases.edit": tier[3],
  "canvases.sections.lookup": tier[3],
  "chat.delete": tier[3],
  "chat.getPermalink": tier[4],
  "chat.postMessage": 60,
  "chat.scheduleMessage": tier[3],
  "chat.update": tier[3],
  "conversations.canvases.create": tier[2],
  "conversations.create": tier[2],
  "conversations.history": tier[3],
  "conversations.info": tier[3],
  "conversations.invite": tier[3],
  "conversations.list": tier[2],
  "conversations.mark": tier[3],
  "conversations.members": tier[4],
  "conversations.open": tier[3],
  "conversations.replies": tier[3],
  "conversations.setTopic": tier[2],
  "emoji.list": tier[2],
  "files.completeUploadExternal": tier[4],
  "files.getUploadURLExternal": tier[4],
  "files.info": tier[4],
  "files.list": tier[3],
  "reactions.add": tier[3],
  "reactions.remove": tier[2],
  "search.messages": tier[2],
  "usergroups.list": tier[2],
  "users.conversations": tier[3],
  "users.info": tier[4],
  "users.list": tier[2],
  "users.lookupByEmail": tier[3],
  "users.profile.get": tier[4],
};

/** Messages per page normally: Slack's recommended page size. */
const fullPage = 200;

/**
 * Slack caps pages at 15 messages for the apps it holds to 1 call a minute on
 * these methods; a method that slow is taken to be under that regime.
 */
const smallPage = {
  size: 15,
  perMinute: 1,
  methods: ["conversations.history", "conversations.replies"],
};

/** The pacer: waits for budget before each call, and tells what is left. */
export interface Pacer extends SlackPacer {
  budget(method: string): MethodBudget;
}

/** Options of {@link createPacer}. */
export interface PacerOptions {
  store: Store;
  /** Overrides of {@link methodTiers}, e.g. `{"conversations.history": 1}`. */
  limits?: Record<string, number>;
  /**
   * The setting each override comes from, e.g. `{"conversations.history":
   * "SLACK_RATE_PRESET=2025-non-marketplace"}`, named when the budget stops a
   * call; a method without one follows Slack's published tier.
   */
  settings?: Record<string, string>;
  /** Namespaces budgets per workspace token. */
  prefix?: string;
  /** Longest wait for budget before failing, default 30 s. */
  maxWaitMs?: number;
  now?: () => number;
}

/** `chat.postMessage` is limited per channel: about one message per second. */
const perChannelMethods = new Set(["chat.postMessage"]);

/** How often a held per-channel slot is retried. */
const slotPollMs = 50;

/** Waits at least this long are announced to the person watching the client. */
const noticeWaitMs = 5_000;

/** What calls made inside {@link withPacing} agree to. */
interface PacingScope {
  maxWaitMs?: number;
}

const pacingScope = new AsyncLocalStorage<PacingScope>();

/**
 * Runs `fn` with every Slack call made inside it waiting at most `maxWaitMs`
 * for budget (0: only what is left now), instead of the pacer's own longest
 * wait; past it the pacer refuses the call as usual (`ratelimited`, budget
 * `ours`).
 *
 * @example
 * ```ts
 * const page = await withPacing({ maxWaitMs: 0 }, () => slack.call("conversations.replies", params));
 * ```
 */
export function withPacing<T>(options: { maxWaitMs: number }, fn: () => Promise<T>): Promise<T> {
  return pacingScope.run({ maxWaitMs: options.maxWaitMs }, fn);
}

/**
 * Creates the pacer the Slack client consults before each call.
 *
 * @example
 * ```ts
 * const pacer = createPacer({ store, limits: { "conversations.history": 1 } });
 * await pacer.acquire("conversations.history", undefined);
 * ```
 */
export function createPacer(options: PacerOptions): Pacer {
  const limits = { ...methodTiers, ...options.limits };
  const prefix = options.prefix ?? "pace";
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const now = options.now ?? Date.now;
  const queues = new Map<string, Promise<void>>();
  /** The last budget check of each method on this instance, for {@link Pacer.budget}. */
  const seen = new Map<string, { remaining: number; retryAfterMs: number; at: number }>();
  const log = logger("pacer");
  const perMinuteOf = (method: string) => limits[method] ?? tier[3];

  /** The longest wait for a call made now: the pacer's own, or less inside {@link withPacing}. */
  function longestWait(): number {
    return Math.min(maxWaitMs, pacingScope.getStore()?.maxWaitMs ?? Infinity);
  }

  function refuse(method: string, retryAfterMs: number): never {
    throw new SlackApiError(method, "ratelimited", {
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
      budget: "ours",
      perMinute: perMinuteOf(method),
      setting: options.settings?.[method],
    });
  }

  /** Tier budgets: a sliding window of calls per minute. */
  async function waitForBudget(method: string, key: string, max: number, signal?: AbortSignal) {
    const deadline = now() + longestWait();
    let announced = false;
    while (true) {
      const result = await options.store.limit(key, max, 60_000);
      seen.set(method, {
        remaining: result.remaining,
        retryAfterMs: result.retryAfterMs,
        at: now(),
      });
      if (result.allowed) return;
      if (now() + result.retryAfterMs > deadline) refuse(method, result.retryAfterMs);
      if (!announced && result.retryAfterMs >= noticeWaitMs) {
        announced = true;
        notice(
          "info",
          `Waiting ${
            Math.ceil(result.retryAfterMs / 1000)
          } s for this server's budget for ${method} (${max} calls a minute).`,
        );
      }
      await sleep(Math.max(result.retryAfterMs, 5), signal);
    }
  }

  /**
   * One call per second per channel. A sliding window would let two posts
   * through milliseconds apart at a window edge, so this holds a one-second
   * slot (`SET NX EX 1`) instead: strict spacing, on every instance.
   */
  async function waitForSlot(method: string, key: string, signal?: AbortSignal) {
    const deadline = now() + longestWait();
    while (!(await options.store.setIfAbsent(key, "1", 1))) {
      if (now() + slotPollMs > deadline) refuse(method, slotPollMs);
      await sleep(slotPollMs, signal);
    }
  }

  /** Runs a budget wait; a store failure lets the call through. */
  async function failOpen(wait: Promise<void>, signal?: AbortSignal) {
    try {
      await wait;
    } catch (error) {
      if (error instanceof SlackApiError || signal?.aborted) throw error;
      // Slack's own 429 + Retry-After handling still protects us.
      log.warn("Slack budget check failed, calling without it: {error}", { error: String(error) });
    }
  }

  /**
   * Estimated from this instance's last check: the sliding window gives a
   * call back every `60 / perMinute` seconds, and the whole budget a minute
   * after the last check.
   */
  function budget(method: string): MethodBudget {
    const perMinute = perMinuteOf(method);
    const interval = 60_000 / perMinute;
    const last = seen.get(method);
    const elapsed = last ? now() - last.at : Infinity;
    let remaining = perMinute;
    let retryAfterMs = 0;
    if (last && elapsed < 60_000) {
      if (last.remaining > 0) {
        remaining = Math.min(perMinute, last.remaining + Math.floor(elapsed / interval));
      } else {
        const due = last.retryAfterMs > 0 ? last.retryAfterMs : interval;
        remaining = elapsed >= due
          ? Math.min(perMinute, 1 + Math.floor((elapsed - due) / interval))
          : 0;
        retryAfterMs = Math.max(0, due - elapsed);
      }
    }
    const small = perMinute <= smallPage.perMinute && smallPage.methods.includes(method);
    return {
      method,
      perMinute,
      remaining,
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
      pageSize: small ? smallPage.size : fullPage,
      ...(options.settings?.[method] && { setting: options.settings[method] }),
    };
  }

  const pacer: Pacer = {
    budget,
    acquire(method, scope, signal) {
      // An aborted call never leaves, so it takes no budget.
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (!perChannelMethods.has(method) || scope === undefined) {
        // Limit keys are namespaced by the store (`slack-mcp:rl:`).
        const key = `${prefix}:${method}`;
        return failOpen(waitForBudget(method, key, perMinuteOf(method), signal), signal);
      }
      const slot = `slack-mcp:${prefix}:${method}:${scope}`;
      const previous = queues.get(slot) ?? Promise.resolve();
      const mine = previous.catch(() => {}).then(() =>
        failOpen(waitForSlot(method, slot, signal), signal)
      );
      const settled = mine.catch(() => {});
      queues.set(slot, settled);
      settled.then(() => {
        if (queues.get(slot) === settled) queues.delete(slot);
      });
      return mine;
    },
  };
  return pacer;
}
