import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import { createApprovals } from "./approvals.ts";
import { createGrants } from "./grants.ts";

Deno.test("an approval holds per person and client until withdrawn or revoked", async () => {
  const store = createMemoryStore();
  const grants = createGrants({ store, now: Date.now });
  const approvals = createApprovals({ store, generations: grants.generations });
  assert.equal(await approvals.has("T1", "U1", "client-a"), false);
  await approvals.remember("T1", "U1", "client-a");
  assert.equal(await approvals.has("T1", "U1", "client-a"), true);
  assert.equal(await approvals.has("T1", "U1", "client-b"), false);
  assert.equal(await approvals.has("T1", "U2", "client-a"), false);
  await approvals.forget("T1", "U1", "client-a");
  assert.equal(await approvals.has("T1", "U1", "client-a"), false);

  await approvals.remember("T1", "U1", "client-a");
  await grants.revokePerson("T1", "U1");
  assert.equal(await approvals.has("T1", "U1", "client-a"), false);
  await approvals.remember("T1", "U1", "client-a");
  await grants.revokeTeam("T1");
  assert.equal(await approvals.has("T1", "U1", "client-a"), false);
});
