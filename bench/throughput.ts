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
import { benchEnv, historyCall, spawnMain } from "./target.ts";
import { deliverer, signedEvents } from "./events_client.ts";

/** Median figures of one target over the rounds, plus every round. */
export interface Measured {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The server process's CPU time (user + system) per request, in µs. */
  cpuUsPerRequest: number;
  errors: number;
  rounds: (LoadResult & { cpuUsPerRequest: number })[];
}

function summarize(rounds: Measured["rounds"]): Measured {
  const middle = (pick: (r: Measured["rounds"][number]) => number) => median(rounds.map(pick));
  return {
    perSecond: middle((r) => r.perSecond),
    p50Ms: round(middle((r) => r.p50Ms), 3),
    p99Ms: round(middle((r) => r.p99Ms), 3),
    cpuUsPerRequest: round(middle((r) => r.cpuUsPerRequest), 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    rounds,
  };
}

/** How long and how often each target is loaded. */
export interface RoundOptions {
  rounds: number;
  durationMs: number;
}

/** One server to load: its process (for CPU time) and how to build a round's request function. */
interface Target {
  server: ServerProcess;
  /** A fresh request function for one round. */
  prepare(): Promise<(client: number) => Promise<boolean>>;
}

const warmupPerClient = 20;

/** Runs `rounds` rounds; in each, every target once, in order. */
async function interleaved<T extends string>(
  targets: Record<T, Target>,
  concurrency: number,
  options: RoundOptions & { maxRequests?: number },
): Promise<Record<T, Measured>> {
  const names = Object.keys(targets) as T[];
  const results = new Map<T, Measured["rounds"]>(names.map((t) => [t, []]));
  for (let i = 0; i < options.rounds; i++) {
    for (const name of names) {
      const { server, prepare } = targets[name];
      const request = await prepare();
      const cpuBefore = await server.cpuSeconds();
      const result = await runLoad({ ...options, concurrency, warmupPerClient, request });
      const sent = result.requests + warmupPerClient * concurrency;
      const cpuUsPerRequest = round(((await server.cpuSeconds()) - cpuBefore) * 1e6 / sent, 0);
      results.get(name)!.push({ ...result, cpuUsPerRequest });
    }
  }
  return Object.fromEntries(names.map((t) => [t, summarize(results.get(t)!)])) as Record<
    T,
    Measured
  >;
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
  const stateful = await spawnMain();
  const stateless = await spawnMain({ MCP_STATELESS: "true" });
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
    const each = (callers: (() => Promise<boolean>)[]) => (client: number) =>
      callers[client % callers.length]();
    const oneChannel = (server: ServerProcess) => async () =>
      each([
        toolCaller(
          await openChannel(`${server.url}/mcp`, true),
          historyCall.name,
          historyCall.args,
        ),
      ]);
    const targets = {
      hono: { server: hono, prepare: oneChannel(hono) },
      stateful: {
        server: stateful,
        prepare: () =>
          Promise.resolve(
            each(sessions.map((s) => toolCaller(s, historyCall.name, historyCall.args))),
          ),
      },
      stateless: { server: stateless, prepare: oneChannel(stateless) },
    };
    const byConcurrency: ToolCallResults["byConcurrency"] = {};
    for (const concurrency of concurrencies) {
      byConcurrency[concurrency] = await interleaved(targets, concurrency, options);
    }
    await Promise.all(sessions.map((s) => s.close()));
    return { answerBytes, byConcurrency };
  } finally {
    await Promise.all([stateful.stop(), stateless.stop(), hono?.stop()]);
  }
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
  const server = await spawnMain();
  const hmac = await spawnServer({
    script: "bench/baselines.ts",
    args: ["hmac", "--secret", secret],
  });
  let batch = 0;
  const deliveries = (target: ServerProcess) => async () =>
    deliverer(
      `${target.url}/slack/events`,
      await signedEvents(secret, `${batch++}x`, options.eventsPerRound),
    );
  try {
    return await interleaved(
      {
        hmac: { server: hmac, prepare: deliveries(hmac) },
        server: { server, prepare: deliveries(server) },
      },
      concurrency,
      { ...options, maxRequests: options.eventsPerRound - warmupPerClient * concurrency },
    );
  } finally {
    await Promise.all([server.stop(), hmac.stop()]);
  }
}
