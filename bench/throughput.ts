/**
 * Throughput benchmarks, each side by side with its baseline in the same run,
 * rounds interleaved so that noise from the shared machine hits both alike:
 *
 * - cached `tools/call` over Streamable HTTP (stateful sessions and
 *   `MCP_STATELESS=true`) vs a bare Hono app answering the same bytes;
 * - signed Events API webhooks vs a bare `Deno.serve` doing the same HMAC check.
 * @module
 */
import { type LoadResult, median, round, runLoad } from "./load.ts";
import { callTool, messageText, openChannel, toolCaller } from "./mcp_client.ts";
import { type ServerProcess, spawnServer } from "./process.ts";
import { signSlackRequest } from "../src/slack/signature.ts";

/** Settings of the server under test: the demo, with the per-client limit out of the way. */
export const benchEnv = {
  RATE_LIMIT_PER_MINUTE: "1000000000",
  SLACK_SIGNING_SECRET: "bench-signing-secret-0123456789",
};

/** The demo server (`main.ts --demo`) in a child process. */
export function spawnDemo(
  env: Record<string, string> = {},
  denoFlags: string[] = [],
): Promise<ServerProcess> {
  return spawnServer({
    script: "main.ts",
    args: ["--demo"],
    env: { ...benchEnv, ...env },
    denoFlags,
  });
}

/** The cached read every client repeats. */
export const historyCall = {
  name: "slack_get_channel_history",
  args: { channel_id: "general", limit: 20 },
} as const;

/** Median figures of one target over the rounds, plus every round. */
export interface Measured {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  rounds: LoadResult[];
}

function summarize(rounds: LoadResult[]): Measured {
  return {
    perSecond: median(rounds.map((r) => r.perSecond)),
    p50Ms: round(median(rounds.map((r) => r.p50Ms)), 3),
    p99Ms: round(median(rounds.map((r) => r.p99Ms)), 3),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    rounds,
  };
}

/** How long and how often each target is loaded. */
export interface RoundOptions {
  rounds: number;
  durationMs: number;
}

/**
 * Runs `rounds` rounds; in each, every target once, in order. `makeRequest`
 * builds a target's request function for one round (a fresh one each round).
 */
async function interleaved<T extends string>(
  targets: readonly T[],
  concurrency: number,
  options: RoundOptions & { maxRequests?: number },
  makeRequest: (target: T) => Promise<(client: number) => Promise<boolean>>,
): Promise<Record<T, Measured>> {
  const results = Object.fromEntries(targets.map((t) => [t, [] as LoadResult[]])) as Record<
    T,
    LoadResult[]
  >;
  for (let i = 0; i < options.rounds; i++) {
    for (const target of targets) {
      results[target].push(
        await runLoad({ ...options, concurrency, request: await makeRequest(target) }),
      );
    }
  }
  return Object.fromEntries(targets.map((t) => [t, summarize(results[t])])) as Record<T, Measured>;
}

/** Results of {@link benchToolCalls}, per concurrency. */
export interface ToolCallResults {
  /** Bytes of the JSON-RPC answer to one cached history call. */
  answerBytes: number;
  byConcurrency: Record<number, Record<"hono" | "stateful" | "stateless", Measured>>;
}

/**
 * Cached `slack_get_channel_history` (general, 20) at each concurrency, over
 * stateful sessions (one per virtual client) and stateless, vs the Hono baseline.
 */
export async function benchToolCalls(
  concurrencies: number[],
  options: RoundOptions,
): Promise<ToolCallResults> {
  const stateful = await spawnDemo();
  const stateless = await spawnDemo({ MCP_STATELESS: "true" });
  let hono: ServerProcess | undefined;
  try {
    // Warm the cache (and measure the answer) on both servers.
    let answerBytes = 0;
    for (const server of [stateful, stateless]) {
      const channel = await openChannel(`${server.url}/mcp`, server === stateless);
      const answer = await callTool(channel, historyCall.name, historyCall.args);
      answerBytes = new TextEncoder().encode(JSON.stringify(answer)).length;
      await channel.close();
    }
    hono = await spawnServer({
      script: "bench/baselines.ts",
      args: ["hono", "--bytes", String(answerBytes)],
    });
    const check = await fetch(`${hono.url}/mcp`, {
      method: "POST",
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/call"}',
    });
    const baselineBytes = messageText(await check.text(), check.headers.get("content-type")).length;
    if (Math.abs(baselineBytes - answerBytes) > 2) {
      throw new Error(`Baseline answers ${baselineBytes} bytes, the server ${answerBytes}`);
    }

    const sessions = await Promise.all(
      Array.from(
        { length: Math.max(...concurrencies) },
        () => openChannel(`${stateful.url}/mcp`, false),
      ),
    );
    const servers = { hono, stateful, stateless };
    const byConcurrency: ToolCallResults["byConcurrency"] = {};
    for (const concurrency of concurrencies) {
      byConcurrency[concurrency] = await interleaved(
        ["hono", "stateful", "stateless"] as const,
        concurrency,
        options,
        async (target) => {
          const url = `${servers[target].url}/mcp`;
          const callers = target === "stateful"
            ? sessions.map((s) => toolCaller(s, historyCall.name, historyCall.args))
            : [toolCaller(await openChannel(url, true), historyCall.name, historyCall.args)];
          return (client) => callers[client % callers.length]();
        },
      );
    }
    await Promise.all(sessions.map((s) => s.close()));
    return { answerBytes, byConcurrency };
  } finally {
    await Promise.all([stateful.stop(), stateless.stop(), hono?.stop()]);
  }
}

/** One pre-signed webhook delivery. */
interface SignedEvent {
  body: string;
  headers: Record<string, string>;
}

/** `count` distinct `message` events (unique `event_id`s), signed now. */
async function signedEvents(secret: string, prefix: string, count: number) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return await Promise.all(Array.from({ length: count }, async (_, i): Promise<SignedEvent> => {
    const ts = `${timestamp}.${String(i).padStart(6, "0")}`;
    const body = JSON.stringify({
      token: "bench",
      team_id: "T0BENCH00",
      api_app_id: "A0BENCH00",
      type: "event_callback",
      event_id: `Ev${prefix}${i}`,
      event_time: Number(timestamp),
      event: {
        type: "message",
        channel: "C0BENCH00",
        user: "U0BENCH00",
        text: "a benchmark event",
        ts,
        event_ts: ts,
        channel_type: "channel",
      },
    });
    return {
      body,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": await signSlackRequest({ secret, timestamp, body }),
      },
    };
  }));
}

/** Results of {@link benchWebhook}. */
export type WebhookResults = Record<"hmac" | "server", Measured>;

/**
 * Signed webhook deliveries (pre-signed, distinct events, so none is a
 * duplicate) to the demo server's `/slack/events` vs the HMAC baseline.
 */
export async function benchWebhook(
  concurrency: number,
  options: RoundOptions & { eventsPerRound: number },
): Promise<WebhookResults> {
  const secret = benchEnv.SLACK_SIGNING_SECRET;
  const server = await spawnDemo();
  const hmac = await spawnServer({
    script: "bench/baselines.ts",
    args: ["hmac", "--secret", secret],
  });
  let round = 0;
  try {
    const warmupPerClient = 20;
    return await interleaved(
      ["hmac", "server"] as const,
      concurrency,
      { ...options, maxRequests: options.eventsPerRound - warmupPerClient * concurrency },
      async (target) => {
        const url = `${(target === "hmac" ? hmac : server).url}/slack/events`;
        const events = await signedEvents(secret, `${round++}x`, options.eventsPerRound);
        let next = 0;
        return async () => {
          const event = events[next++];
          if (!event) return false;
          const response = await fetch(url, { method: "POST", ...event });
          await response.body?.cancel();
          return response.status === 200;
        };
      },
    );
  } finally {
    await Promise.all([server.stop(), hmac.stop()]);
  }
}
