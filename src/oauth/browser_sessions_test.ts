import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import { createBrowserSessions } from "./browser_sessions.ts";

Deno.test("a browser session names its person, by a cookie stored only hashed", async () => {
  const store = createMemoryStore();
  const sessions = createBrowserSessions(store);
  const cookie = await sessions.start({ teamId: "T1", userId: "U1" });
  assert.deepEqual(await sessions.who(cookie), { teamId: "T1", userId: "U1" });
  assert.equal(await sessions.who(`${cookie}x`), undefined);
  assert.equal(await sessions.who(undefined), undefined);
  assert.equal(sessions.maxAgeSeconds, 30 * 86_400);
});
