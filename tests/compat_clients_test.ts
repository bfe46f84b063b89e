/**
 * Clients people run today against `/mcp`: the 2025-era v1 SDK `Client`, and
 * the MCP Inspector 2.12.0 CLI (run from the npm registry with `--no-config`,
 * so it never touches this project's lock file).
 */
import assert from "node:assert/strict";
import { startStack } from "./harness.ts";
import { V1Client, V1StreamableHTTPClientTransport } from "./sdk_client.ts";

const inspector = "npm:@modelcontextprotocol/inspector@2.12.0";

Deno.test("the v1 SDK client lists, calls and reads against /mcp", async () => {
  await using stack = await startStack();
  const client = new V1Client({ name: "v1-client", version: "1.0.0" });
  await client.connect(new V1StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`)));
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "slack_list_channels"));
    const result = await client.callTool({ name: "slack_list_channels", arguments: {} });
    assert.equal(result.isError, undefined);
    assert.ok(result.structuredContent);
    const resource = await client.readResource({ uri: "slack://events/latest" });
    assert.equal(resource.contents[0].mimeType, "application/json");
  } finally {
    await client.close();
  }
});

/** Runs the Inspector CLI against `url`; its parsed JSON output. */
async function inspect(url: string, args: string[]): Promise<Record<string, unknown>> {
  const dir = await Deno.makeTempDir({ prefix: "inspector-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", inspector, "--cli", url, "--transport", "http", ...args],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, `${stdout}\n${new TextDecoder().decode(output.stderr)}`);
    return JSON.parse(stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the MCP Inspector 2.12.0 CLI lists tools and calls one", async () => {
  await using stack = await startStack();
  const url = `${stack.url}/mcp`;
  const listed = await inspect(url, ["--method", "tools/list"]) as { tools: { name: string }[] };
  assert.ok(listed.tools.some((t) => t.name === "slack_get_channel_history"));
  const called = await inspect(url, [
    "--method",
    "tools/call",
    "--tool-name",
    "slack_get_channel_history",
    "--tool-arg",
    "channel_id=#general",
    "--tool-arg",
    "limit=2",
  ]) as { isError?: boolean; structuredContent?: { days: { messages: unknown[] }[] } };
  assert.equal(called.isError, undefined);
  assert.equal(called.structuredContent?.days.flatMap((d) => d.messages).length, 2);
});
