import assert from "node:assert/strict";
import { plural } from "./text.ts";

Deno.test("plural() uses the singular for exactly one", () => {
  assert.equal(plural(1, "call"), "1 call");
  assert.equal(plural(1, "reply", "replies"), "1 reply");
});

Deno.test("plural() adds an s for any other count unless the plural is given", () => {
  assert.equal(plural(0, "message"), "0 messages");
  assert.equal(plural(2, "call"), "2 calls");
  assert.equal(plural(3, "reply", "replies"), "3 replies");
  assert.equal(plural(2, "conversation was", "conversations were"), "2 conversations were");
});
