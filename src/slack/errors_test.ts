import assert from "node:assert/strict";
import { SlackApiError, unlessSlackRefuses } from "./errors.ts";

Deno.test("unlessSlackRefuses() passes values on and turns only Slack's refusals into undefined", async () => {
  assert.equal(await unlessSlackRefuses(Promise.resolve(42)), 42);
  const refused = Promise.reject(new SlackApiError("chat.getPermalink", "channel_not_found"));
  assert.equal(await unlessSlackRefuses(refused), undefined);
  await assert.rejects(unlessSlackRefuses(Promise.reject(new TypeError("bug"))), TypeError);
});
