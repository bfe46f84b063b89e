import assert from "node:assert/strict";
import { signSlackRequest, verifySlackSignature } from "./signature.ts";

// Slack's published example (docs.slack.dev/authentication/verifying-requests-from-slack).
const vector = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const signedAt = Number(vector.timestamp) * 1000;
const body = new TextEncoder().encode(vector.body);

function check(overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) {
  return verifySlackSignature({
    secret: vector.secret,
    timestamp: vector.timestamp,
    signature: vector.signature,
    body,
    now: signedAt,
    ...overrides,
  });
}

Deno.test("signing Slack's example body yields Slack's published signature", async () => {
  assert.equal(await signSlackRequest(vector), vector.signature);
  assert.equal(await signSlackRequest({ ...vector, body }), vector.signature);
});

Deno.test("Slack's published signature verifies", async () => {
  assert.deepEqual(await check(), { ok: true });
});

Deno.test("an upper-case hex signature verifies too", async () => {
  assert.deepEqual(await check({ signature: `v0=${vector.signature.slice(3).toUpperCase()}` }), {
    ok: true,
  });
});

Deno.test("a signature made with another secret is refused", async () => {
  assert.deepEqual(await check({ secret: "another-secret-entirely" }), {
    ok: false,
    reason: "signature mismatch",
  });
});

Deno.test("a body changed by one byte is refused", async () => {
  const tampered = body.slice();
  tampered[tampered.length - 1] ^= 1;
  assert.deepEqual(await check({ body: tampered }), { ok: false, reason: "signature mismatch" });
});

Deno.test("a signature for another timestamp is refused", async () => {
  const timestamp = String(Number(vector.timestamp) + 1);
  assert.deepEqual(await check({ timestamp, now: signedAt + 1000 }), {
    ok: false,
    reason: "signature mismatch",
  });
});

Deno.test("timestamps more than five minutes old or ahead are refused, up to five minutes pass", async () => {
  const stale = await check({ now: signedAt + 301_000 });
  const future = await check({ now: signedAt - 301_000 });
  assert.equal(stale.ok, false);
  assert.equal(future.ok, false);
  assert.match((stale as { reason: string }).reason, /timestamp/);
  assert.deepEqual(await check({ now: signedAt + 300_000 }), { ok: true });
  assert.deepEqual(await check({ now: signedAt - 300_000 }), { ok: true });
});

Deno.test("missing signature or timestamp headers are refused", async () => {
  for (
    const missing of [{ signature: null }, { timestamp: null }, { signature: "" }, {
      timestamp: undefined,
    }]
  ) {
    const verdict = await check(missing);
    assert.equal(verdict.ok, false);
    assert.match((verdict as { reason: string }).reason, /missing/);
  }
});

Deno.test("non-hex, truncated or unversioned signatures are refused as malformed", async () => {
  const hex = vector.signature.slice(3);
  for (
    const signature of [
      `v0=${"z".repeat(64)}`,
      `v0=${hex.slice(2)}`,
      hex,
      `v1=${hex}`,
      `v0=${hex}00`,
    ]
  ) {
    assert.deepEqual(await check({ signature }), { ok: false, reason: "malformed signature" });
  }
});

Deno.test("a timestamp that is not a number is refused", async () => {
  for (const timestamp of ["1531420618.5", "-1531420618", "soon", "1e9"]) {
    assert.deepEqual(await check({ timestamp }), { ok: false, reason: "malformed timestamp" });
  }
});
