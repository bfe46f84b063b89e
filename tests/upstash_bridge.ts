/**
 * An Upstash-REST-compatible HTTP server in front of a real Redis, so tests
 * run the real `@upstash/redis` and `@upstash/ratelimit` clients end to end.
 * It speaks RESP2 to Redis itself (one connection per request) and mimics
 * Upstash where the clients notice: bearer auth, base64 response encoding,
 * `/pipeline`, `/multi-exec`, and Lua scripts with a `#!lua` shebang.
 * @module
 */

/** A running bridge. */
export interface UpstashBridge {
  /** Base URL to give the Upstash client, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops accepting requests and waits for those in flight. */
  close(): Promise<void>;
}

/** Options of {@link startUpstashBridge}. */
export interface UpstashBridgeOptions {
  /** Port of the Redis on 127.0.0.1 to forward to. */
  redisPort: number;
  /** Bearer token every request must carry. */
  token: string;
}

/** An error reply from Redis (a RESP `-` line). */
export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisReplyError";
  }
}

/** A decoded RESP2 reply: simple strings are `string`, bulk strings stay bytes. */
export type RedisReply = string | Uint8Array | number | null | RedisReplyError | RedisReply[];

type Json = string | number | null | Json[];

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CR = 13;
const LF = 10;

/**
 * Starts the bridge on a free 127.0.0.1 port.
 *
 * @example
 * ```ts
 * const bridge = await startUpstashBridge({ redisPort: redis.port, token: "t" });
 * const store = createUpstashStore({ url: bridge.url, token: "t" });
 * await bridge.close();
 * ```
 */
export function startUpstashBridge(options: UpstashBridgeOptions): Promise<UpstashBridge> {
  const { redisPort, token } = options;
  // Upstash's clients call EVALSHA with the SHA1 of the script as written;
  // Redis knows the script by the SHA1 of what the bridge actually loaded.
  const scriptShas = new Map<string, string>();

  async function forward(commands: string[][]): Promise<RedisReply[]> {
    return sendCommands(
      redisPort,
      await Promise.all(commands.map((c) => rewriteScript(c, scriptShas))),
    );
  }

  async function handle(request: Request): Promise<Response> {
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    const route = new URL(request.url).pathname;
    if (request.method !== "POST" || !["/", "/pipeline", "/multi-exec"].includes(route)) {
      return Response.json({ error: `ERR unsupported request ${request.method} ${route}` }, {
        status: 404,
      });
    }
    const base64 = request.headers.get("upstash-encoding")?.toLowerCase() === "base64";
    let commands: string[][];
    try {
      const body = await request.json();
      commands = route === "/" ? [toCommand(body)] : toCommands(body);
    } catch (error) {
      return Response.json({ error: `ERR ${(error as Error).message}` }, { status: 400 });
    }
    try {
      if (route === "/") {
        const [reply] = await forward(commands);
        return reply instanceof RedisReplyError
          ? Response.json({ error: reply.message }, { status: 400 })
          : Response.json({ result: toJson(reply, base64) });
      }
      if (route === "/pipeline") {
        return Response.json((await forward(commands)).map((reply) => toResult(reply, base64)));
      }
      const replies = await forward([["MULTI"], ...commands, ["EXEC"]]);
      const exec = replies[replies.length - 1];
      if (!Array.isArray(exec)) {
        const error = exec instanceof RedisReplyError
          ? exec.message
          : "EXECABORT Transaction discarded";
        return Response.json({ error }, { status: 400 });
      }
      return Response.json(exec.map((reply) => toResult(reply, base64)));
    } catch (error) {
      return Response.json({ error: `Redis is unreachable: ${(error as Error).message}` }, {
        status: 502,
      });
    }
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `http://127.0.0.1:${port}`, close: () => server.shutdown() }),
    }, handle);
  });
}

/**
 * Sends `commands` to Redis on one fresh connection and resolves with one
 * reply per command, in order. Error replies are values, not rejections;
 * it rejects only when Redis cannot be reached or hangs up.
 *
 * @example
 * ```ts
 * const [pong] = await sendCommands(redis.port, [["PING"]]); // "PONG"
 * ```
 */
export async function sendCommands(port: number, commands: string[][]): Promise<RedisReply[]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = concat(commands.map(encodeCommand));
    for (let written = 0; written < request.length;) {
      written += await conn.write(request.subarray(written));
    }
    const replies: RedisReply[] = [];
    let buffer: Uint8Array = new Uint8Array(0);
    while (replies.length < commands.length) {
      const parsed = parseReply(buffer, 0);
      if (parsed) {
        replies.push(parsed.reply);
        buffer = buffer.subarray(parsed.end);
        continue;
      }
      const chunk = new Uint8Array(64 * 1024);
      const read = await conn.read(chunk);
      if (read === null) throw new Error("Redis closed the connection before replying");
      buffer = concat([buffer, chunk.subarray(0, read)]);
    }
    return replies;
  } finally {
    conn.close();
  }
}

/**
 * Parses one RESP2 reply starting at `start`; `undefined` when `buffer`
 * does not hold all of it yet. Bulk lengths are in bytes, so values with
 * multi-byte UTF-8 or embedded CRLF parse correctly.
 *
 * @example
 * ```ts
 * parseReply(new TextEncoder().encode(":42\r\n"), 0); // { reply: 42, end: 5 }
 * ```
 */
export function parseReply(
  buffer: Uint8Array,
  start: number,
): { reply: RedisReply; end: number } | undefined {
  const lineEnd = indexOfCrlf(buffer, start);
  if (lineEnd < 0) return undefined;
  const line = decoder.decode(buffer.subarray(start + 1, lineEnd));
  const next = lineEnd + 2;
  switch (String.fromCharCode(buffer[start])) {
    case "+":
      return { reply: line, end: next };
    case "-":
      return { reply: new RedisReplyError(line), end: next };
    case ":":
      return { reply: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.slice(next, next + length), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
      const items: RedisReply[] = [];
      let end = next;
      while (items.length < count) {
        const item = parseReply(buffer, end);
        if (!item) return undefined;
        items.push(item.reply);
        end = item.end;
      }
      return { reply: items, end };
    }
    default:
      throw new Error(`Unexpected RESP type byte ${buffer[start]} from Redis`);
  }
}

function indexOfCrlf(buffer: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buffer.length; i++) {
    if (buffer[i] === CR && buffer[i + 1] === LF) return i;
  }
  return -1;
}

function encodeCommand(args: string[]): Uint8Array {
  const parts = [encoder.encode(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = encoder.encode(arg);
    parts.push(encoder.encode(`$${bytes.length}\r\n`), bytes, encoder.encode("\r\n"));
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Upstash takes `["SET", "k", 1]`: arguments that are not strings are sent as their JSON. */
function toCommand(body: unknown): string[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new Error(`a command must be a non-empty JSON array, got ${JSON.stringify(body)}`);
  }
  return body.map((arg) => typeof arg === "string" ? arg : JSON.stringify(arg));
}

function toCommands(body: unknown): string[][] {
  if (!Array.isArray(body)) {
    throw new Error(`expected an array of commands, got ${JSON.stringify(body)}`);
  }
  return body.map(toCommand);
}

/**
 * Redis 7.0 rejects the `#!lua flags=allow-key-locking` shebang that
 * `@upstash/ratelimit` scripts start with, so the bridge drops a leading
 * shebang line (the script then runs in plain EVAL mode) and remembers which
 * SHA the client will use for it.
 */
async function rewriteScript(
  command: string[],
  scriptShas: Map<string, string>,
): Promise<string[]> {
  const name = command[0].toUpperCase();
  const scriptAt = name === "EVAL" || name === "EVAL_RO"
    ? 1
    : name === "SCRIPT" && command[1]?.toUpperCase() === "LOAD"
    ? 2
    : -1;
  if (scriptAt >= 0 && command[scriptAt]?.startsWith("#!")) {
    const script = command[scriptAt];
    const stripped = script.slice(script.indexOf("\n") + 1);
    scriptShas.set(await sha1(script), await sha1(stripped));
    return command.with(scriptAt, stripped);
  }
  if ((name === "EVALSHA" || name === "EVALSHA_RO") && command[1]) {
    return command.with(1, scriptShas.get(command[1].toLowerCase()) ?? command[1]);
  }
  return command;
}

async function sha1(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", encoder.encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toResult(reply: RedisReply, base64: boolean): { result: Json } | { error: string } {
  return reply instanceof RedisReplyError
    ? { error: reply.message }
    : { result: toJson(reply, base64) };
}

/**
 * Upstash base64-encodes every string in a result when asked, except the
 * status reply `OK`, which its client special-cases; numbers and nulls stay.
 */
function toJson(reply: RedisReply, base64: boolean): Json {
  if (reply instanceof RedisReplyError) return toJson(reply.message, base64);
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  if (reply instanceof Uint8Array) return base64 ? reply.toBase64() : decoder.decode(reply);
  if (typeof reply === "string") {
    return base64 && reply !== "OK" ? encoder.encode(reply).toBase64() : reply;
  }
  return reply;
}
