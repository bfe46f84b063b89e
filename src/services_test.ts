import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";
import { createServices } from "./services.ts";

Deno.test("a flood of large cached pages never evicts a rate-limit window (memory store)", async () => {
  const services = await createServices(loadConfig({ SLACK_BOT_TOKEN: "xoxb-test" }));
  assert.equal((await services.store.limit("client", 1, 60_000)).allowed, true);
  // Past the memory store's 64 MiB budget, had pages and windows shared it.
  const page = "x".repeat(1024 * 1024);
  for (let i = 0; i < 80; i++) {
    await services.cache.getOrLoad(`page:${i}`, () => Promise.resolve(page));
  }
  assert.equal((await services.store.limit("client", 1, 60_000)).allowed, false, "still counted");
});
