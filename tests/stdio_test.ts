import assert from "node:assert/strict";
import { Client, StdioClientTransport } from "./sdk_client.ts";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import { demoTokens, seedNow } from "./harness.ts";

for (const era of ["legacy", "modern"] as const) {
  Deno.test(`deno task stdio serves the same tools over stdin/stdout (${era} era)`, async () => {
    await stdioRoundTrip(era);
  });
}

async function stdioRoundTrip(era: "legacy" | "modern") {
  const slack = await serveEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  const client = new Client(
    { name: "stdio-test", version: "1.0.0" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  try {
    await client.connect(
      new StdioClientTransport({
        command: Deno.execPath(),
        args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname, "--stdio"],
        env: {
          SLACK_BOT_TOKEN: demoTokens.bot,
          SLACK_API_URL: slack.url,
          LOG_LEVEL: "error",
          NO_COLOR: "1",
          PATH: Deno.env.get("PATH") ?? "",
          HOME: Deno.env.get("HOME") ?? "",
          DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
        },
        stderr: "ignore",
      }),
    );
    assert.equal(client.getProtocolEra(), era);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "slack_get_channel_history"));
    const result = await client.callTool({
      name: "slack_get_channel_history",
      arguments: { channel_id: "#general", limit: 3 },
    });
    assert.equal(result.isError, undefined);
    const { days } = result.structuredContent as { days: { messages: unknown[] }[] };
    assert.equal(days.flatMap((d) => d.messages).length, 3);
  } finally {
    await client.close();
    await slack.close();
  }
}
