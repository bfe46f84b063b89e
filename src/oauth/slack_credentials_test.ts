import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";
import { createSlackCredentials } from "./slack_credentials.ts";
import { createTokenCipher } from "./token_cipher.ts";
import { personKey } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";
import { toBase64Url } from "./opaque_token.ts";

const key = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

async function setup() {
  const store: Store = createMemoryStore();
  const credentials = createSlackCredentials({ store, cipher: await createTokenCipher(key) });
  return { store, credentials };
}

Deno.test("save() keeps the token encrypted; load() gives it back", async () => {
  const { store, credentials } = await setup();
  await credentials.save("T1", "U1", { accessToken: "xoxp-1-2-3-secret", scope: "search:read" });
  const raw = await store.get(keys.slackToken(personKey("T1", "U1")));
  assert.ok(raw && !raw.includes("xoxp") && !raw.includes("secret"));
  assert.deepEqual(await credentials.load("T1", "U1"), {
    accessToken: "xoxp-1-2-3-secret",
    scope: "search:read",
  });
  assert.equal(await credentials.load("T1", "U2"), undefined);
});

Deno.test("a sealed token moved to another person's key does not open", async () => {
  const { store, credentials } = await setup();
  await credentials.save("T1", "U1", { accessToken: "xoxp-a", scope: "" });
  const raw = await store.get(keys.slackToken(personKey("T1", "U1")));
  await store.set(keys.slackToken(personKey("T1", "U2")), raw!, 60);
  assert.equal(await credentials.load("T1", "U2"), undefined);
});

Deno.test("forget() deletes one person; forgetTeam() everyone of the team only", async () => {
  const { credentials } = await setup();
  for (const [team, user] of [["T1", "U1"], ["T1", "U2"], ["T1", "U1"], ["T2", "U9"]]) {
    await credentials.save(team, user, { accessToken: `xoxp-${team}-${user}`, scope: "" });
  }
  await credentials.forget("T1", "U2");
  assert.equal(await credentials.load("T1", "U2"), undefined);
  assert.ok(await credentials.load("T1", "U1"));
  assert.deepEqual((await credentials.forgetTeam("T1")).sort(), ["U1", "U2"]);
  assert.equal(await credentials.load("T1", "U1"), undefined);
  assert.ok(await credentials.load("T2", "U9"));
});
