/**
 * The compatibility route `POST /`: a bare JSON-RPC call whose method is a
 * tool name without the `slack_` prefix, answered with the tool's structured
 * result, e.g. `{"jsonrpc":"2.0","method":"get_latest_event","params":{},"id":1}`.
 * @module
 */
import type { CallerInfo, ToolPipeline } from "../mcp/pipeline.ts";
import { retryAfterKey } from "../mcp/pipeline.ts";

type Id = string | number | null;

function reply(id: Id, body: { result: unknown } | { error: unknown }, init?: ResponseInit) {
  return Response.json({ jsonrpc: "2.0", ...body, id }, init);
}

/**
 * Answers one compat request.
 *
 * @example
 * ```ts
 * app.post("/", (c) => handleCompatCall(factory, c.req.raw, caller));
 * ```
 */
export async function handleCompatCall(
  pipeline: ToolPipeline,
  request: Request,
  caller: CallerInfo,
): Promise<Response> {
  let body: { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
  try {
    body = await request.json();
  } catch {
    return reply(null, { error: { code: -32700, message: "Parse error: the body is not JSON" } }, {
      status: 400,
    });
  }
  const id = (typeof body?.id === "string" || typeof body?.id === "number") ? body.id : null;
  if (body?.jsonrpc !== "2.0" || typeof body.method !== "string") {
    return reply(id, {
      error: { code: -32600, message: 'Invalid request: expected {"jsonrpc":"2.0","method":…}' },
    }, { status: 400 });
  }
  const name = body.method.startsWith("slack_") ? body.method : `slack_${body.method}`;
  if (!pipeline.tools.some((t) => t.name === name)) {
    return reply(id, { error: { code: -32601, message: `Method not found: ${body.method}` } });
  }
  const result = await pipeline.call(name, body.params ?? {}, { caller });
  if (result.isError) {
    const message = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    const retryAfter = result._meta?.[retryAfterKey];
    if (typeof retryAfter === "number") {
      return reply(id, { error: { code: -32029, message } }, {
        status: 429,
        headers: { "retry-after": String(retryAfter) },
      });
    }
    return reply(id, { error: { code: -32000, message } });
  }
  return reply(id, { result: result.structuredContent });
}
