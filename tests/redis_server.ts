/**
 * Throwaway `redis-server` processes for tests: one per test, on a free
 * 127.0.0.1 port, with persistence off so nothing is left on disk.
 * @module
 */

/** A running `redis-server` started by {@link startRedis}. */
export interface RedisServer {
  port: number;
  /** Stops it politely (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 5_000;

const redisServerPath = findOnPath("redis-server");

/**
 * Starts `redis-server` on a free port and resolves once it answers PING;
 * `null` when `redis-server` is not installed.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * if (redis) {
 *   try { await useRedisOn(redis.port); } finally { await redis.stop(); }
 * }
 * ```
 */
export async function startRedis(): Promise<RedisServer | null> {
  if (!redisServerPath) return null;
  const port = freePort();
  const child = new Deno.Command(redisServerPath, {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.then(() => {
    exited = true;
  });

  async function signal(name: Deno.Signal) {
    try {
      if (!exited) child.kill(name);
    } catch {
      // It exited between the check and the signal; `status` settles either way.
    }
    await status;
  }
  const server = { port, stop: () => signal("SIGTERM"), kill: () => signal("SIGKILL") };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!exited) {
    if (await answersPing(port)) return server;
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(
        `redis-server did not answer PING on port ${port} within ${STARTUP_TIMEOUT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await status;
  throw new Error(`redis-server exited before answering PING on port ${port}`);
}

/**
 * Registers a Deno test that gets a fresh Redis, stopped when it ends; where
 * `redis-server` is missing the test is ignored and its name says why.
 *
 * @example
 * ```ts
 * redisTest("counters survive a reconnect", async (redis) => {
 *   await sendCommands(redis.port, [["INCR", "n"]]);
 * });
 * ```
 */
export function redisTest(
  name: string,
  fn: (redis: RedisServer, t: Deno.TestContext) => Promise<void>,
): void {
  Deno.test({
    name: redisServerPath ? name : `${name} (ignored: redis-server is not on PATH)`,
    ignore: !redisServerPath,
    async fn(t) {
      const redis = await startRedis();
      if (!redis) throw new Error("redis-server disappeared from PATH");
      try {
        await fn(redis, t);
      } finally {
        await redis.stop();
      }
    },
  });
}

function findOnPath(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    const candidate = `${dir}/${name}`;
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return null;
}

/** A port nobody listens on right now (the OS picks it; the tiny race is acceptable in tests). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function answersPing(port: number): Promise<boolean> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return false;
  }
  try {
    // An inline command is enough here; the bridge has the real RESP client.
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(64);
    const read = await conn.read(buffer);
    return read !== null && new TextDecoder().decode(buffer.subarray(0, read)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    conn.close();
  }
}
