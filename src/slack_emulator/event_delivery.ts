/**
 * Plays Slack's part for the demo: each event the emulator emits is signed
 * with the signing secret and POSTed to our webhook as the Events API would,
 * with Slack's retry headers when a delivery fails; and now and then a seeded
 * user posts, replies or reacts, so the real-time tools have something to see.
 * @module
 */
import { type Emulator, type EventEnvelope, simulateActivity } from "./emulator.ts";
import { signSlackRequest } from "../slack/signature.ts";
import { sleep } from "../util/sleep.ts";
import { logger } from "../log/logger.ts";

/** Options of {@link startEventDelivery}. */
export interface EventDeliveryOptions {
  emulator: Emulator;
  /** Our webhook, e.g. `http://127.0.0.1:8126/slack/events`. */
  webhookUrl: string;
  signingSecret: string;
  /** How often a seeded user acts; 0 turns it off. Default 20 s. */
  activityEveryMs?: number;
  /**
   * Waits before retries 1, 2, 3. Slack waits about 0 s, 1 min and 5 min;
   * the demo default is 1 s, 5 s, 15 s so a hiccup heals while you watch.
   */
  retryDelaysMs?: number[];
  /** Slack gives up on an answer after 3 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Clock in unix milliseconds, for the signature timestamp. */
  now?: () => number;
}

/** A running delivery. */
export interface EventDelivery {
  /** Stops listening and acting, abandons pending retries, waits for deliveries in flight. */
  stop(): Promise<void>;
}

/** Why an attempt failed, in Slack's `X-Slack-Retry-Reason` words; null when delivered. */
type Failure = "http_timeout" | "connection_failed" | "http_error" | null;

/**
 * Starts delivering.
 *
 * @example
 * ```ts
 * const delivery = startEventDelivery({ emulator, webhookUrl, signingSecret });
 * await delivery.stop();
 * ```
 */
export function startEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { emulator, webhookUrl, signingSecret } = options;
  const send = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 15_000];
  const timeoutMs = options.timeoutMs ?? 3_000;
  const activityEveryMs = options.activityEveryMs ?? 20_000;
  const stopped = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const log = logger("demo");

  async function attempt(body: string, retryNum: number, lastFailure: Failure): Promise<Failure> {
    const timestamp = String(Math.floor(now() / 1000));
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": await signSlackRequest({ secret: signingSecret, timestamp, body }),
    };
    if (retryNum > 0) {
      headers["x-slack-retry-num"] = String(retryNum);
      headers["x-slack-retry-reason"] = lastFailure ?? "http_error";
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await send(webhookUrl, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.any([stopped.signal, timeout]),
      });
      await response.body?.cancel();
      if (response.ok || response.headers.get("x-slack-no-retry") === "1") return null;
      if (response.status < 500) {
        // A 4xx will not get better by retrying (wrong secret, bad URL): say so once.
        log.warn("Webhook refused a demo event with HTTP {status}", { status: response.status });
        return null;
      }
      return "http_error";
    } catch (error) {
      if (stopped.signal.aborted) throw error;
      return timeout.aborted ? "http_timeout" : "connection_failed";
    }
  }

  async function deliver(envelope: EventEnvelope) {
    const body = JSON.stringify(envelope);
    let failure: Failure = null;
    for (let retryNum = 0; retryNum <= retryDelaysMs.length; retryNum++) {
      if (retryNum > 0) await sleep(retryDelaysMs[retryNum - 1], stopped.signal);
      failure = await attempt(body, retryNum, failure);
      if (failure === null) return;
    }
    log.warn("Gave up delivering event {eventId}: {reason}", {
      eventId: envelope.event_id,
      reason: failure,
    });
  }

  const unsubscribe = emulator.onEvent((envelope) => {
    if (stopped.signal.aborted) return;
    // Only stop() makes a delivery throw: abandoning it is the point.
    const delivery = deliver(envelope).catch(() => {}).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  });

  const stopActivity = startSimulatedActivity(emulator, activityEveryMs);

  return {
    async stop() {
      unsubscribe();
      stopActivity();
      stopped.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * Makes a seeded user act every `everyMs` ({@link simulateActivity}); 0 does
 * nothing. Returns the function that stops it.
 *
 * @example
 * ```ts
 * const stop = startSimulatedActivity(emulator, 20_000);
 * ```
 */
export function startSimulatedActivity(emulator: Emulator, everyMs: number): () => void {
  if (everyMs <= 0) return () => {};
  const log = logger("demo");
  const timer = setInterval(() => {
    try {
      simulateActivity(emulator);
    } catch (error) {
      log.warn("Simulated activity failed: {error}", { error: String(error) });
    }
  }, everyMs);
  return () => clearInterval(timer);
}
