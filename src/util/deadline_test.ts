import assert from "node:assert/strict";
import { startDeadline } from "./deadline.ts";

Deno.test("a deadline aborts with a TimeoutError when its time is up", async () => {
  const deadline = startDeadline(10, undefined, "Too slow");
  await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve));
  assert.equal(deadline.expired, true);
  assert.equal(deadline.signal.reason.name, "TimeoutError");
  assert.equal(deadline.signal.reason.message, "Too slow");
});

Deno.test("a cleared deadline never aborts, and its parent still can", async () => {
  const parent = new AbortController();
  const deadline = startDeadline(10, parent.signal);
  deadline.clear();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(deadline.signal.aborted, false);
  parent.abort(new Error("cancelled"));
  assert.equal(deadline.signal.aborted, true);
  assert.equal(deadline.expired, false);
});

Deno.test("abort() ends a deadline early with its reason", () => {
  const deadline = startDeadline(60_000);
  const fatal = new Error("fatal");
  deadline.abort(fatal);
  assert.equal(deadline.signal.reason, fatal);
  assert.ok(deadline.expired);
  deadline.clear();
});
