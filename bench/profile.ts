/**
 * Where a request spends its time: runs `main.ts` (against the demo emulator)
 * under `--cpu-prof`, loads it like `bench/run.ts` does (32 clients: cached
 * history reads, or signed webhook events), stops it, and prints the V8 CPU
 * profile as a breakdown by owner (our `src/` files, each npm package, Deno's
 * runtime, GC) and the hottest functions by self time.
 *
 * Usage: `deno run -A bench/profile.ts [--stateless | --webhook] [--seconds N]`,
 * or `deno run -A bench/profile.ts --read <file.cpuprofile>` to analyse a profile.
 * @module
 */
import { round, runLoad } from "./load.ts";
import { callTool, openChannel, toolCaller } from "./mcp_client.ts";
import { deliverer, signedEvents } from "./events_client.ts";
import { benchEnv, historyCall, spawnMain } from "./target.ts";
import { removeLogs } from "./process.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** A V8 `.cpuprofile`. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Who a frame belongs to: `src/…` (or `bench/`, `tests/`), an npm package, or `` (Deno's runtime, built-ins). */
export function ownerOf(url: string): string {
  const packages = [...url.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)]
    .map((m) => m[1]).filter((name) => name !== ".deno");
  const npm = packages.at(-1) ?? /registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (npm) return npm;
  return /\/((?:src|bench|tests)\/.+)$/.exec(url)?.[1] ?? "";
}

/** Milliseconds per key, largest first, as `[key, ms, percent of total]`. */
function ranked(totals: Map<string, number>, total: number, top: number) {
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([key, us]) => [key, round(us / 1000, 1), round((100 * us) / total, 1)] as const);
}

/**
 * Busy time (idle excluded) by owner: each sample counts for the innermost
 * frame of ours or of a package, so runtime and built-in work (`JSON.parse`,
 * writes, `TextEncoder`) counts for whoever asked for it; GC and the rest
 * stand alone.
 */
export function breakdown(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") return;
    busy += us;
    let owner = ownerOf(url);
    for (let at = parent.get(id); !owner && at !== undefined; at = parent.get(at)) {
      owner = ownerOf(byId.get(at)!.callFrame.url);
    }
    owner ||= functionName.startsWith("(") ? functionName : "Deno runtime (HTTP, event loop)";
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const where = url
      ? `${ownerOf(url) || url.replace(/^.*\//, "")}:${lineNumber + 1}`
      : "built-in";
    const key = `${functionName || "(anonymous)"} ${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  });
  return {
    busyMs: round(busy / 1000, 1),
    owners: ranked(owners, busy, 30),
    functions: ranked(functions, busy, 30),
  };
}

function print(profile: CpuProfile) {
  const { busyMs, owners, functions } = breakdown(profile);
  console.log(`Busy ${busyMs} ms (idle excluded)\n\nBy owner (built-ins charged to the caller):`);
  for (const [owner, ms, pct] of owners) {
    console.log(`${String(pct).padStart(6)} %  ${String(ms).padStart(9)} ms  ${owner}`);
  }
  console.log("\nHottest functions (self time):");
  for (const [fn, ms, pct] of functions) {
    console.log(`${String(pct).padStart(6)} %  ${String(ms).padStart(9)} ms  ${fn}`);
  }
}

async function newestProfile(dir: string): Promise<CpuProfile> {
  const files: { path: string; mtime: number }[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".cpuprofile")) continue;
    const path = `${dir}/${entry.name}`;
    files.push({ path, mtime: (await Deno.stat(path)).mtime?.getTime() ?? 0 });
  }
  const newest = files.sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) throw new Error(`No .cpuprofile in ${dir}: did the server exit cleanly?`);
  console.log(`Profile: ${newest.path}`);
  return JSON.parse(await Deno.readTextFile(newest.path));
}

if (import.meta.main) {
  const readAt = Deno.args.indexOf("--read");
  if (readAt >= 0) {
    print(JSON.parse(await Deno.readTextFile(Deno.args[readAt + 1])));
  } else {
    const stateless = Deno.args.includes("--stateless");
    const webhook = Deno.args.includes("--webhook");
    const secondsAt = Deno.args.indexOf("--seconds");
    const seconds = secondsAt >= 0 ? Number(Deno.args[secondsAt + 1]) : 10;
    const dir = await Deno.makeTempDir({ prefix: "slack-mcp-profile-" });
    const server = await spawnMain(
      stateless ? { MCP_STATELESS: "true" } : {},
      { denoFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}`] },
    );
    const url = `${server.url}/mcp`;
    const channels = webhook
      ? []
      : await Promise.all(Array.from({ length: 32 }, () => openChannel(url, stateless)));
    let request: (client: number) => Promise<boolean>;
    if (webhook) {
      const events = await signedEvents(benchEnv.SLACK_SIGNING_SECRET, "profile", seconds * 5_000);
      request = deliverer(`${server.url}/slack/events`, events);
    } else {
      await callTool(channels[0], historyCall.name, historyCall.args);
      const callers = channels.map((c) => toolCaller(c, historyCall.name, historyCall.args));
      request = (client) => callers[client]();
    }
    const load = await runLoad({ concurrency: 32, durationMs: seconds * 1000, request });
    const scenario = webhook ? "Webhook" : stateless ? "Stateless" : "Stateful";
    console.log(`${scenario}: ${JSON.stringify(load)}`);
    await Promise.all(channels.map((c) => c.close()));
    await server.stop();
    await removeLogs();
    print(await newestProfile(dir));
  }
}
