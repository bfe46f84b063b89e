import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import { createPendingAuthorizations, type PendingAuthorization } from "./pending.ts";

const request: PendingAuthorization = {
  clientId: "mcpc_x",
  redirectUri: "http://127.0.0.1/cb",
  state: "client-state",
  codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  resource: "https://mcp.example/mcp",
  scopes: ["slack"],
  browserHash: "abc",
};

Deno.test("a pending request is answered once and comes back from Slack once", async () => {
  const pending = createPendingAuthorizations({ store: createMemoryStore() });
  const id = await pending.create(request);
  assert.deepEqual(await pending.get(id), request);
  assert.equal(await pending.answer(id), true);
  assert.equal(await pending.answer(id), false);
  const state = await pending.toSlack(id);
  assert.notEqual(state, id);
  assert.deepEqual(await pending.fromSlack(state), request);
  assert.equal(await pending.fromSlack(state), undefined);
  assert.equal(await pending.get(id), undefined);
});

Deno.test("unknown, malformed and concurrent states get nothing or one answer", async () => {
  const pending = createPendingAuthorizations({ store: createMemoryStore() });
  assert.equal(await pending.fromSlack("x".repeat(43)), undefined);
  assert.equal(await pending.fromSlack("../../etc"), undefined);
  assert.equal(await pending.get("../../etc"), undefined);
  const state = await pending.toSlack(await pending.create(request));
  const answers = await Promise.all([pending.fromSlack(state), pending.fromSlack(state)]);
  assert.equal(answers.filter(Boolean).length, 1);
});

Deno.test("a pending request expires after 15 minutes", async () => {
  const clock = { ms: 0 };
  const pending = createPendingAuthorizations({
    store: createMemoryStore({ now: () => clock.ms }),
  });
  const id = await pending.create(request);
  const state = await pending.toSlack(id);
  clock.ms += 15 * 60_000;
  assert.equal(await pending.get(id), undefined);
  assert.equal(await pending.fromSlack(state), undefined);
});
