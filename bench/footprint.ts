/**
 * Start-up time and memory of the server in its own process: `main.ts --demo`
 * from spawn to the first `/healthz` 200 vs a bare `Deno.serve` script, and
 * the VmRSS of `main.ts` idle vs after a long run of cached tool calls.
 * @module
 */
import { median, round, runLoad } from "./load.ts";
import { openChannel, toolCaller } from "./mcp_client.ts";
import { spawnServer } from "./process.ts";
import { historyCall, spawnMain } from "./target.ts";

/** Results of {@link benchColdStart}: every run, in milliseconds. */
export interface ColdStartResults {
  serverMs: number[];
  baselineMs: number[];
  serverMedianMs: number;
  baselineMedianMs: number;
}

/**
 * Spawns the server (`start`) and the `hello` baseline `runs` times each, alternately,
 * after one untimed start of each (so module caches are warm for both).
 */
export async function benchColdStart(runs: number): Promise<ColdStartResults> {
  // `deno task start`, its Slack an emulator in this process: what a deployment starts.
  const server = () => spawnMain();
  const baseline = () => spawnServer({ script: "bench/baselines.ts", args: ["hello"] });
  const serverMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    for (const [start, times] of [[server, serverMs], [baseline, baselineMs]] as const) {
      const process = await start();
      await process.stop();
      if (i > 0) times.push(round(process.startupMs, 1));
    }
  }
  return {
    serverMs,
    baselineMs,
    serverMedianMs: round(median(serverMs), 1),
    baselineMedianMs: round(median(baselineMs), 1),
  };
}

/** Results of {@link benchMemory}. */
export interface MemoryResults {
  idleMiB: number;
  warmCalls: number;
  /** After the first `warmCalls` calls: the JIT, pools and caches have grown. */
  warmMiB: number;
  afterMiB: number;
  calls: number;
  errors: number;
  seconds: number;
  /** Growth from idle, and from warm, to the end, in percent. */
  growthFromIdlePercent: number;
  growthFromWarmPercent: number;
}

/**
 * A fresh server: RSS after it settles, after `warmCalls` cached history
 * calls, and after `calls` in all, from `concurrency` stateful sessions (stops
 * early at `maxMs`; the report says how many calls were made).
 */
export async function benchMemory(
  options: { calls: number; warmCalls: number; concurrency: number; maxMs: number },
): Promise<MemoryResults> {
  const server = await spawnMain();
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleMiB = await server.rssMiB();
    const sessions = await Promise.all(
      Array.from({ length: options.concurrency }, () => openChannel(`${server.url}/mcp`, false)),
    );
    const callers = sessions.map((s) => toolCaller(s, historyCall.name, historyCall.args));
    const load = (maxRequests: number) =>
      runLoad({
        concurrency: options.concurrency,
        durationMs: options.maxMs,
        maxRequests,
        warmupPerClient: 0,
        request: (client) => callers[client](),
      });
    const warm = await load(options.warmCalls);
    const warmMiB = await server.rssMiB();
    const rest = await load(options.calls - warm.requests);
    const afterMiB = await server.rssMiB();
    await Promise.all(sessions.map((s) => s.close()));
    const growth = (from: number) => round((afterMiB / from - 1) * 100, 1);
    return {
      idleMiB: round(idleMiB, 1),
      warmCalls: warm.requests,
      warmMiB: round(warmMiB, 1),
      afterMiB: round(afterMiB, 1),
      calls: warm.requests + rest.requests,
      errors: warm.errors + rest.errors,
      seconds: round(warm.seconds + rest.seconds, 1),
      growthFromIdlePercent: growth(idleMiB),
      growthFromWarmPercent: growth(warmMiB),
    };
  } finally {
    await server.stop();
  }
}
