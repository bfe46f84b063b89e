/**
 * The MCP conformance suite (`@modelcontextprotocol/conformance`, server
 * mode) against the demo stack started here (emulator + `startServer`), once
 * with 2025 sessions and once with `MCP_STATELESS=true`, each time for both
 * protocol eras on the same URL: every applicable scenario is run with
 * `--scenario` and `--spec-version`, and each of its checks must pass, except
 * the named checks that call the suite's own fixtures. Scenarios built on the
 * fixtures of the SDKs' "everything" server are listed with the reason.
 *
 * The suite runs with `--no-config` from a temporary directory, so it never
 * touches this project's `deno.lock` or `node_modules`; after the first
 * download it runs from Deno's npm cache, offline.
 * @module
 */
import assert from "node:assert/strict";
import { startStack } from "./harness.ts";

const suite = "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12";

/** Scenarios that must pass, per protocol revision: generic behaviour this server has. */
const applicable: Record<"2025-11-25" | "2026-07-28", string[]> = {
  "2025-11-25": [
    "server-initialize",
    "server-session-lifecycle",
    "ping",
    "logging-set-level",
    "tools-list",
    "prompts-list",
    "resources-list",
    "completion-complete",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
  ],
  "2026-07-28": [
    "server-stateless",
    "tools-list",
    "prompts-list",
    "resources-list",
    "completion-complete",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
    "caching",
    "http-header-validation",
    "sep-2164-resource-not-found",
  ],
};

/** Checks of applicable scenarios that call the suite's fixtures, and why they cannot pass here. */
const fixtureChecks: Record<string, string> = {
  "sep-2575-server-rejects-undeclared-capability":
    "calls the fixture tool test_missing_capability; no tool of ours needs a client capability",
  "sep-2575-missing-capability-http-400": "the same fixture tool, test_missing_capability",
};

/** Scenarios not run, and why: they call fixtures of the SDKs' "everything" server. */
const notApplicable: Record<string, string> = {
  "tools-call-simple-text": "fixture tool test_simple_text",
  "tools-call-error": "fixture tool test_error_handling",
  "tools-call-image": "fixture tool test_image_content",
  "tools-call-audio": "fixture tool test_audio_content",
  "tools-call-embedded-resource": "fixture tool test_embedded_resource",
  "tools-call-mixed-content": "fixture tool test_multiple_content_types",
  "tools-call-with-progress": "fixture tool test_tool_with_progress",
  "tools-call-with-logging": "fixture tool test_tool_with_logging",
  "tools-call-sampling": "fixture tool test_sampling: the server never asks clients to sample",
  "tools-call-elicitation": "fixture tool test_elicitation: the server never elicits",
  "elicitation-sep1034-defaults": "fixture tool test_elicitation_sep1034_defaults",
  "elicitation-sep1330-enums": "fixture tool test_elicitation_sep1330_enums",
  "json-schema-2020-12": "fixture tool json_schema_2020_12_tool",
  "server-sse-polling": "fixture tool test_reconnection (SSE resumability is gone in 2026-07-28)",
  "resources-read-text": "fixture resource test://static-text (ours are slack://…)",
  "resources-read-binary": "fixture resource test://static-binary",
  "resources-templates-read": "fixture template test://template/{id}/data",
  "resources-subscribe": "fixture resource test://watched-resource",
  "resources-unsubscribe": "fixture resource test://watched-resource",
  "prompts-get-simple": "fixture prompt test_simple_prompt",
  "prompts-get-with-args": "fixture prompt test_prompt_with_arguments",
  "prompts-get-embedded-resource": "fixture prompt test_prompt_with_embedded_resource",
  "prompts-get-with-image": "fixture prompt test_prompt_with_image",
  "http-custom-header-server-validation": "needs a tool with x-mcp-header annotations",
  "input-required-result-*": "fixture tools that return input_required; no tool of ours asks",
};

/** 2025 scenarios that need an MCP session: stateless, the suite only warns and checks nothing. */
const needsSession = new Set(["server-session-lifecycle", "server-sse-multiple-streams"]);

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

/** Runs one scenario against `url`; its checks. */
async function runScenario(url: string, scenario: string, specVersion: string): Promise<Check[]> {
  const dir = await Deno.makeTempDir({ prefix: "conformance-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", suite, "server", "--url", url, "--scenario", scenario]
        .concat(["--spec-version", specVersion, "-o", `${dir}/results`]),
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const checks: Check[] = [];
    const results = `${dir}/results`;
    const written = await Deno.stat(results).then(() => true, () => false);
    for await (const entry of written ? Deno.readDir(results) : []) {
      checks.push(...JSON.parse(await Deno.readTextFile(`${results}/${entry.name}/checks.json`)));
    }
    assert.ok(
      checks.length > 0,
      `${scenario} (${specVersion}) ran no check (exit ${output.code}):\n${
        new TextDecoder().decode(output.stdout)
      }\n${new TextDecoder().decode(output.stderr)}`,
    );
    return checks;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("no scenario is both run and listed as not applicable", () => {
  const run = new Set(Object.values(applicable).flat());
  assert.deepEqual(Object.keys(notApplicable).filter((s) => run.has(s)), []);
});

for (const mode of ["stateful", "stateless"] as const) {
  Deno.test(`MCP conformance suite, ${mode}: every applicable scenario passes in both eras`, async () => {
    await using stack = await startStack({
      env: { MCP_STATELESS: String(mode === "stateless"), RATE_LIMIT_PER_MINUTE: "100000" },
    });
    const runs = Object.entries(applicable).flatMap(([version, scenarios]) =>
      scenarios
        .filter((s) => !(mode === "stateless" && version < "2026" && needsSession.has(s)))
        .map((scenario) => ({ scenario, version }))
    );
    const failed: string[] = [];
    // Two at a time: each run is its own process.
    for (let i = 0; i < runs.length; i += 2) {
      await Promise.all(
        runs.slice(i, i + 2).map(async ({ scenario, version }) => {
          const checks = await runScenario(`${stack.url}/mcp`, scenario, version);
          for (const check of checks) {
            if (check.status === "FAILURE" && !(check.id in fixtureChecks)) {
              failed.push(
                `${scenario} (${version}) ${check.id}: ${check.errorMessage ?? "failed"}`,
              );
            }
          }
          assert.ok(checks.some((c) => c.status === "SUCCESS"), `${scenario} passed nothing`);
        }),
      );
    }
    assert.deepEqual(failed, [], "applicable checks that failed");
  });
}
