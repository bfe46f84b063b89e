import assert from "node:assert/strict";
import { loadConfig, settingNames } from "../src/config.ts";
import { createRuntime } from "../src/runtime.ts";
import { listedTool } from "../src/mcp/server.ts";
import { tools as catalogTools } from "../src/mcp/catalog.ts";
import { methodTiers } from "../src/slack/pacer.ts";
import { conversationLookup } from "../src/mcp/tools/slack_use.ts";

const snapshotUrl = new URL("./__snapshots__/tools.json", import.meta.url);

async function listedTools(env: Record<string, string> = {}) {
  const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-test", ...env });
  return (await createRuntime(config)).pipeline.tools.map(listedTool);
}

Deno.test("tools/list matches the committed snapshot (UPDATE_SNAPSHOTS=1 to accept a change)", async () => {
  const tools = await listedTools();
  const current = JSON.stringify(tools, null, 2) + "\n";
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") await Deno.writeTextFile(snapshotUrl, current);
  const committed = await Deno.readTextFile(snapshotUrl);
  assert.deepEqual(JSON.parse(current), JSON.parse(committed));
});

Deno.test("every tool states readOnlyHint explicitly and has an object outputSchema", async () => {
  for (const tool of await listedTools()) {
    assert.equal(typeof tool.annotations?.readOnlyHint, "boolean", tool.name);
    assert.equal(tool.outputSchema?.type, "object", tool.name);
    assert.equal(tool.inputSchema.type, "object", tool.name);
    assert.ok(tool.description && tool.description.length > 40, `${tool.name} needs a description`);
  }
});

Deno.test("read-only mode lists only tools whose readOnlyHint is true", async () => {
  const all = await listedTools();
  const readOnly = await listedTools({ SLACK_READ_ONLY: "true" });
  assert.deepEqual(
    readOnly.map((t) => t.name),
    all.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name),
  );
});

Deno.test("README's tool table lists exactly the server's tools", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const documented = [...readme.matchAll(/^\| `(slack_[a-z_]+)`/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), (await listedTools()).map((t) => t.name).sort());
});

Deno.test("README's configuration table documents every setting", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Connecting"));
  for (const name of settingNames) {
    assert.ok(table.includes(`\`${name}\``), `${name} is undocumented`);
  }
});

Deno.test("README's scope column matches the manifest's scopes for each tool", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  for (const row of readme.matchAll(/^\| `(slack_[a-z_]+)`\s*\|[^|]*\|([^|]*)\|$/gm)) {
    const documented = [
      ...[...row[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]),
      ...(/\blookup\b/.test(row[2]) ? conversationLookup.bot : []),
    ];
    const { bot, user = [] } = catalogTools.find((t) => t.name === row[1])!.slack;
    assert.deepEqual(
      [...new Set(documented)].sort(),
      [...new Set([...bot, ...user])].sort(),
      row[1],
    );
  }
});

Deno.test("every Slack method a tool declares has a known rate tier", () => {
  const unknown = catalogTools.flatMap((t) =>
    t.slack.methods.filter((m) => !(m in methodTiers)).map((m) => `${t.name}: ${m}`)
  );
  assert.deepEqual(unknown, [], "add these methods' tiers to methodTiers in src/slack/pacer.ts");
});
