/**
 * Servers under test run in their own `deno run` process on a free loopback
 * port, so the load generator (this process) never shares their event loop,
 * and their RSS is the process's own (`/proc/<pid>/status`). The parent's
 * slack-mcp settings are blanked out: a child sees only what the bench gives.
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
  /** The last few KiB the process wrote to stderr (for error messages). */
  stderrTail(): string;
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
  /** Give up waiting for `/healthz` after this long; default 30 s. */
  timeoutMs?: number;
}

const blankSettings = Object.fromEntries(
  [...settingNames, "SLACK_TOKEN"].map((name) => [name, ""]),
);

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

/** Keeps the last `max` characters of a byte stream, reading it to the end. */
function tailOf(stream: ReadableStream<Uint8Array>, max = 4096): () => string {
  let tail = "";
  stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (tail = (tail + chunk).slice(-max)) }),
  ).catch(() => {});
  return () => tail;
}

/**
 * Spawns `deno run -A …denoFlags <script> …args --port <free>` and waits until its
 * `/healthz` answers 200 (polled every 2 ms).
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
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(options.denoFlags ?? []),
      options.script,
      ...(options.args ?? []),
      "--port",
      String(port),
    ],
    cwd: repoRoot,
    env: { ...blankSettings, NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderrTail = tailOf(child.stderr);
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
      throw new Error(
        `${options.script} did not become healthy (exit ${(await status).code}): ${stderrTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return {
    url,
    pid: child.pid,
    startupMs: performance.now() - started,
    rssMiB: () => rssMiB(child.pid),
    stderrTail,
    stop,
  };
}
