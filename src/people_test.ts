import assert from "node:assert/strict";
import { createPeople } from "./people.ts";
import type { Services, SlackAccess } from "./services.ts";

/** People over fake services: counts how often a person's access is built. */
function setup(options: { max?: number; idleMs?: number } = {}) {
  const clock = { time: 0, now: () => clock.time };
  const built: string[] = [];
  const services = {
    now: clock.now,
    events: {},
    slackAccess: (tokens) => {
      built.push(tokens.userToken!);
      return Promise.resolve({ slack: {}, cache: {}, directory: {} } as SlackAccess);
    },
  } as Services;
  const people = createPeople({
    services,
    oauth: {
      slackTokenFor: ({ userId }) => Promise.resolve(`xoxp-${userId}`),
      revokePerson: () => Promise.resolve(),
    },
    ...options,
  });
  return { people, built, clock };
}

Deno.test("a person's access is built once and reused", async () => {
  const { people, built } = setup();
  const first = await people.deps("T1:U1");
  assert.equal(await people.deps("T1:U1"), first);
  assert.deepEqual(built, ["xoxp-U1"]);
});

Deno.test("past max people one not used lately is let go", async () => {
  const { people, built } = setup({ max: 2 });
  await people.deps("T1:U1");
  await people.deps("T1:U2");
  await people.deps("T1:U1");
  await people.deps("T1:U3");
  await people.deps("T1:U1");
  await people.deps("T1:U2");
  assert.deepEqual(built, ["xoxp-U1", "xoxp-U2", "xoxp-U3", "xoxp-U2"]);
});

Deno.test("a person idle for idleMs is let go and rebuilt on their next call", async () => {
  const { people, built, clock } = setup({ idleMs: 60_000 });
  await people.deps("T1:U1");
  clock.time += 59_000;
  await people.deps("T1:U1");
  clock.time += 59_000;
  await people.deps("T1:U1");
  assert.deepEqual(built, ["xoxp-U1"], "each call restarts the idle time");
  clock.time += 60_000;
  await people.deps("T1:U1");
  assert.deepEqual(built, ["xoxp-U1", "xoxp-U1"]);
});
