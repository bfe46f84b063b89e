/**
 * Start-up time and memory of the server in its own process: `main.ts`, run
 * as `deno task start` runs it against an emulator in the bench, from spawn to the first `/healthz` 200 vs a bare `Deno.serve` script, and
 * the memory of `main.ts`: VmRSS idle, then VmRSS and the V8 heap (read over
 * the inspector, after a forced GC) after a long run of cached tool calls and
 * after a second one as long, which should leave both where they were.
 * @module
 */
import { connectInspector, type Inspector } from "./inspector.ts";
import { type LoadResult, median, round, runLoad } from "./load.ts";
import { openChannel, toolCaller } from "./mcp_client.ts";
import { type ServerProcess, spawnServer } from "./process.ts";
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

/** Calls of `historyCall` from stateful sessions open on one server. */
export interface SessionLoad {
  /** Up to `calls` more calls, spread over the sessions; stops early at `maxMs`. */
  run(calls: number, maxMs: number): Promise<LoadResult>;
  /** Ends the sessions. */
  close(): Promise<void>;
}

/** Opens `concurrency` stateful sessions on `server`, one per virtual client. */
export async function sessionLoad(
  server: ServerProcess,
  concurrency: number,
): Promise<SessionLoad> {
  const sessions = await Promise.all(
    Array.from({ length: concurrency }, () => openChannel(`${server.url}/mcp`, false)),
  );
  const callers = sessions.map((s) => toolCaller(s, historyCall.name, historyCall.args));
  return {
    run: (calls, maxMs) =>
      runLoad({
        concurrency,
        durationMs: maxMs,
        maxRequests: calls,
        warmupPerClient: 0,
        request: (client) => callers[client](),
      }),
    close: async () => void await Promise.all(sessions.map((s) => s.close())),
  };
}

/** Memory after one run of calls. */
export interface MemoryAfter {
  calls: number;
  errors: number;
  seconds: number;
  /** RSS as the run ends: garbage V8 has not collected yet included, as a deployment sees it. */
  rssUnderLoadMiB: number;
  /** RSS and V8 heap in use after a forced full GC: what the run left behind. */
  rssMiB: number;
  heapMiB: number;
}

/** Results of {@link benchMemory}. */
export interface MemoryResults {
  /** RSS of a server ready (runtime loaded, `/readyz` 200) and idle for a second, no inspector. */
  idleMiB: number;
  /** V8 heap in use in the inspected server when idle, after a forced GC. */
  idleHeapMiB: number;
  concurrency: number;
  first: MemoryAfter;
  /** After as many calls again, on the same sessions. */
  second: MemoryAfter;
  /** From after the first run to after the second (both after GC), in percent: flat means no leak. */
  rssGrowthPercent: number;
  heapGrowthPercent: number;
}

/** Waits until `/readyz` answers 200 (the MCP runtime has loaded), then a second more. */
async function settle(server: ServerProcess): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const response = await fetch(`${server.url}/readyz`);
    await response.body?.cancel();
    if (response.status === 200) break;
    if (performance.now() > deadline) throw new Error(`/readyz answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

/**
 * Idle RSS of a fresh server without the inspector (which costs a few MiB),
 * then in a fresh server with it: RSS and heap after `calls` cached history
 * calls from `concurrency` stateful sessions, and again after `calls` more.
 * Each run stops early at `maxMs`; the report says how many calls were made.
 */
export async function benchMemory(
  options: { calls: number; concurrency: number; maxMs: number },
): Promise<MemoryResults> {
  const idle = await spawnMain();
  let idleMiB: number;
  try {
    await settle(idle);
    idleMiB = await idle.rssMiB();
  } finally {
    await idle.stop();
  }
  const server = await spawnMain({}, { inspect: true });
  let inspector: Inspector | undefined;
  try {
    await settle(server);
    inspector = await connectInspector(server.inspectorUrl!);
    const idleHeapMiB = await inspector.heapUsedMiB();
    const load = await sessionLoad(server, options.concurrency);
    const measureRun = async (): Promise<MemoryAfter> => {
      const { requests, errors, seconds } = await load.run(options.calls, options.maxMs);
      const rssUnderLoadMiB = await server.rssMiB();
      const heapMiB = await inspector!.heapUsedMiB();
      return {
        calls: requests,
        errors,
        seconds,
        rssUnderLoadMiB: round(rssUnderLoadMiB, 1),
        rssMiB: round(await server.rssMiB(), 1),
        heapMiB: round(heapMiB, 1),
      };
    };
    const first = await measureRun();
    const second = await measureRun();
    await load.close();
    const growth = (from: number, to: number) => round((to / from - 1) * 100, 1);
    return {
      idleMiB: round(idleMiB, 1),
      idleHeapMiB: round(idleHeapMiB, 1),
      concurrency: options.concurrency,
      first,
      second,
      rssGrowthPercent: growth(first.rssMiB, second.rssMiB),
      heapGrowthPercent: growth(first.heapMiB, second.heapMiB),
    };
  } finally {
    inspector?.close();
    await server.stop();
  }
}
