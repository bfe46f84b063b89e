import assert from "node:assert/strict";
import { parseTime } from "./params.ts";
import { ToolError } from "./tool.ts";

Deno.test("parseTime() reads unix seconds, Slack timestamps and ISO 8601", () => {
  assert.equal(parseTime(1767261600, "t"), 1767261600);
  assert.equal(parseTime("1767261600.000200", "t"), 1767261600.0002);
  assert.equal(parseTime("2026-01-01T10:00:00Z", "t"), 1767261600);
  assert.equal(parseTime("2026-01-01T11:00:00+01:00", "t"), 1767261600);
  assert.equal(parseTime("2026-01-01", "t"), 1767225600);
});

Deno.test("parseTime() reads an ISO time without an offset as UTC in any server time zone", async () => {
  const script = `import { parseTime } from "${new URL("./params.ts", import.meta.url)}";
    console.log(parseTime("2026-01-01T10:00:00", "t"));`;
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    env: { TZ: "America/New_York" },
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(stdout).trim(), "1767261600");
});

Deno.test("parseTime() names the parameter when the value is not a time", () => {
  assert.throws(
    () => parseTime("next tuesday", "since"),
    (error) => error instanceof ToolError && /^since "next tuesday" is neither/.test(error.message),
  );
});
