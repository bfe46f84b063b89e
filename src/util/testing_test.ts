import assert from "node:assert/strict";
import { until } from "./testing.ts";

Deno.test("until() resolves once the check holds, sync or async", async () => {
  let n = 0;
  await until(() => ++n >= 3);
  assert.equal(n, 3);
  await until(() => Promise.resolve(true));
});

Deno.test("until() rejects naming what it waited for", async () => {
  await assert.rejects(until(() => false, "pigs fly", 20), /Timed out waiting until pigs fly/);
});
