/**
 * The baselines each benchmark is measured against, as a script that serves
 * one of them on `--port` (run by `bench/run.ts` in a child process, the same
 * way as the server under test):
 *
 * - `hono --bytes N`: a bare Hono app on `Deno.serve` answering a JSON-RPC
 *   POST on `/mcp` with a result of N bytes (the size of our `tools/call`
 *   answer). No middleware, no validation, no logging.
 * - `hmac --secret S`: a bare `Deno.serve` checking Slack's signature (the
 *   key imported once) and the timestamp, parsing the JSON, answering 200.
 * - `hello`: a bare `Deno.serve` answering 200 to everything (cold start).
 *
 * Every mode answers `GET /healthz` with 200.
 * @module
 */

function flag(name: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  const value = at < 0 ? undefined : Deno.args[at + 1];
  if (value === undefined) throw new Error(`bench/baselines.ts: missing --${name}`);
  return value;
}

/** The `hono` baseline's handler. */
async function honoBaseline(bytes: number): Promise<Deno.ServeHandler> {
  // Imported here, not at the top, so the `hello` cold-start baseline loads nothing.
  const { Hono } = await import("hono");
  const envelope = JSON.stringify({
    jsonrpc: "2.0",
    id: 0,
    result: { content: [{ type: "text", text: "" }] },
  }).length;
  const text = "x".repeat(Math.max(0, bytes - envelope));
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.post("/mcp", async (c) => {
    const request = await c.req.json<{ id: number }>();
    return c.json({
      jsonrpc: "2.0",
      id: request.id,
      result: { content: [{ type: "text", text }] },
    });
  });
  return app.fetch;
}

/** The `hmac` baseline's handler. */
async function hmacBaseline(secret: string): Promise<Deno.ServeHandler> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return async (request) => {
    if (request.method === "GET") return new Response("ok");
    const body = new Uint8Array(await request.arrayBuffer());
    const timestamp = request.headers.get("x-slack-request-timestamp") ?? "";
    const hex = /^v0=([0-9a-f]{64})$/.exec(request.headers.get("x-slack-signature") ?? "")?.[1];
    if (!hex || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) {
      return new Response(null, { status: 401 });
    }
    const prefix = encoder.encode(`v0:${timestamp}:`);
    const signed = new Uint8Array(prefix.length + body.length);
    signed.set(prefix);
    signed.set(body, prefix.length);
    const mac = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
    if (!(await crypto.subtle.verify("HMAC", key, mac, signed))) {
      return new Response(null, { status: 401 });
    }
    JSON.parse(new TextDecoder().decode(body));
    return new Response(null, { status: 200 });
  };
}

if (import.meta.main) {
  const mode = Deno.args[0];
  const handler = mode === "hono"
    ? await honoBaseline(Number(flag("bytes")))
    : mode === "hmac"
    ? await hmacBaseline(flag("secret"))
    : mode === "hello"
    ? () => new Response("ok")
    : undefined;
  if (!handler) {
    throw new Error(`bench/baselines.ts: unknown mode ${mode}; use hono, hmac or hello`);
  }
  Deno.serve({ hostname: "127.0.0.1", port: Number(flag("port")), onListen() {} }, handler);
}
