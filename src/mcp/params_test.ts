import assert from "node:assert/strict";
import { normalizeTs, parseTime, toSlackTs, tsParam } from "./params.ts";
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

Deno.test("parseTime() reads back the times tools print, as UTC", () => {
  assert.equal(parseTime("2026-01-01 10:00", "t"), 1767261600);
  assert.equal(parseTime("2026-01-01 10:00:30 UTC", "t"), 1767261630);
});

Deno.test("normalizeTs() keeps six decimals, from a string or a JSON number", () => {
  assert.equal(normalizeTs(1796511062.454647), "1796511062.454647");
  assert.equal(normalizeTs(1795024586.962), "1795024586.962000");
  assert.equal(normalizeTs(1796511062), "1796511062.000000");
  assert.equal(normalizeTs("1796511062.454647"), "1796511062.454647");
  assert.equal(normalizeTs("1796511062.4"), "1796511062.400000");
  assert.equal(normalizeTs("yesterday"), undefined);
  assert.equal(normalizeTs("1796511062.4546471"), undefined);
  assert.equal(normalizeTs(-1), undefined);
});

Deno.test("tsParam() turns a JSON number into the ts string and refuses what is not a ts", () => {
  const schema = tsParam("ts");
  assert.equal(schema.parse(1796511062.454647), "1796511062.454647");
  assert.equal(schema.parse("1732546800.000100"), "1732546800.000100");
  const refused = schema.safeParse("yesterday");
  assert.equal(refused.success, false);
  assert.match(refused.error!.issues[0].message, /"yesterday" is not a Slack timestamp/);
});

Deno.test("toSlackTs() turns any time a tool takes into the ts Slack wants", () => {
  assert.equal(toSlackTs(undefined, "oldest"), undefined);
  assert.equal(toSlackTs("1732546800.000100", "oldest"), "1732546800.000100");
  assert.equal(toSlackTs(1732546800, "oldest"), "1732546800.000000");
  assert.equal(toSlackTs("2026-01-01 10:00", "oldest"), "1767261600.000000");
  assert.throws(() => toSlackTs("soon", "oldest"), /oldest "soon" is neither/);
});
