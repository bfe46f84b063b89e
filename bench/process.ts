/**
 * Servers under test run in their own `deno run` process on a free loopback
 * port, so the load generator (this process) never shares their event loop,
 * and their RSS and CPU time are the process's own (`/proc/<pid>/…`, Linux).
 * The parent's slack-mcp settings are blanked out: a child sees only what the
 * bench gives. A child's stderr (its log) goes straight to a file, as a log
 * collector would take it: a pipe drained by this busy process would push
 * back on the server's logger and distort both its speed and its memory.
 * @module
 */
import { settingNames } from "../src/config.ts";

/** The repository root (where `main.ts` and `deno.json` are). */
export const repoRoot = new URL("../", import.meta.url);

/** A server running in a child process. */
export interface ServerProcess {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first `GET /healthz` answering 200. */
  startupMs: number;
  /** Resident set size now, in MiB. */
  rssMiB(): Promise<number>;
  /** CPU time (user + system, all threads) used so far, in seconds. */
  cpuSeconds(): Promise<number>;
  /** The V8 inspector's WebSocket URL, when spawned with `inspect` (see `bench/inspector.ts`). */
  inspectorUrl?: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Options of {@link spawnServer}. */
export interface SpawnOptions {
  /** Script path relative to the repository root, e.g. `main.ts`. */
  script: string;
  /** Arguments before `--port <free port>`. */
  args?: string[];
  /** Flags for `deno run` itself, e.g. `["--cpu-prof"]`. */
  denoFlags?: string[];
  env?: Record<string, string>;
  /** Open the V8 inspector on a free loopback port (`--inspect=127.0.0.1:0`). */
  inspect?: boolean;
  /** Give up waiting for `/healthz` after this long; default 30 s. */
  timeoutMs?: number;
}

const blankSettings = Object.fromEntries(
  [...settingNames, "SLACK_TOKEN"].map((name) => [name, ""]),
);

/** Where children's logs go, one file per child, made with the first (see {@link removeLogs}). */
let logDir: string | undefined;
let children = 0;

/** Deletes the children's logs (tens of MB after a full run); call when nothing failed. */
export async function removeLogs(): Promise<void> {
  if (logDir) await Deno.remove(logDir, { recursive: true });
  logDir = undefined;
}

/** A TCP port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** VmRSS of process `pid`, in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/** User + system CPU time of process `pid`, in seconds (`/proc/<pid>/stat`, 100 ticks/s). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Spawns `deno run [-A] …denoFlags <script> …args --port <free>` and waits
 * until its `/healthz` answers 200 (polled every 2 ms).
 *
 * @example
 * ```ts
 * const server = await spawnServer({ script: "main.ts", args: ["--demo"] });
 * await server.stop();
 * ```
 */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  logDir ??= await Deno.makeTempDir({ prefix: "slack-mcp-bench-" });
  const log = `${logDir}/${++children}-${options.script.replace(/\W+/g, "_")}.log`;
  const deno = [
    Deno.execPath(),
    "run",
    // Everything, unless the flags grant permissions themselves (main.ts as `deno task start` runs it).
    ...(options.denoFlags?.some((flag) => flag.startsWith("--allow-")) ? [] : ["-A"]),
    ...(options.inspect ? ["--inspect=127.0.0.1:0"] : []),
    ...(options.denoFlags ?? []),
    options.script,
    ...(options.args ?? []),
    "--port",
    String(port),
  ];
  const started = performance.now();
  // `exec` keeps the PID: the shell only redirects stderr to the log file.
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", 'log="$1"; shift; exec "$@" 2>"$log"', "sh", log, ...deno],
    cwd: repoRoot,
    env: { ...blankSettings, NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.finally(() => (exited = true));
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => !exited && child.kill("SIGKILL"), 5_000);
    await status;
    clearTimeout(timer);
  };

  const deadline = started + (options.timeoutMs ?? 30_000);
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(async (r) => {
      await r.body?.cancel();
      return r.status === 200;
    }, () => false);
    if (ok) break;
    if (exited || performance.now() > deadline) {
      await stop();
      const tail = (await Deno.readTextFile(log).catch(() => "")).slice(-2000);
      throw new Error(`${options.script} did not become healthy (see ${log}):\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const startupMs = performance.now() - started;
  // Deno prints the inspector's address first thing on stderr, long before /healthz answers.
  const inspectorUrl = options.inspect
    ? /ws:\/\/\S+/.exec(await Deno.readTextFile(log))?.[0]
    : undefined;
  if (options.inspect && !inspectorUrl) {
    await stop();
    throw new Error(`${options.script} printed no inspector address (see ${log})`);
  }
  return {
    url,
    pid: child.pid,
    startupMs,
    inspectorUrl,
    rssMiB: () => rssMiB(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    stop,
  };
}
