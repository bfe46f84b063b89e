import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import {
  type CodeGrant,
  createGrants,
  type GrantError,
  isGrantError,
  type TokenSet,
} from "./grants.ts";
import { s256Challenge } from "./pkce.ts";

const resource = "https://mcp.example/mcp";
const verifier = "a-verifier-long-enough-to-satisfy-rfc-7636-rules";

async function setup() {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const store = createMemoryStore({ now: () => clock.ms });
  const grants = createGrants({ store, now: () => clock.ms });
  const grant: CodeGrant = {
    teamId: "T1",
    userId: "U1",
    clientId: "mcpc_client",
    redirectUri: "http://127.0.0.1:5000/cb",
    codeChallenge: await s256Challenge(verifier),
    resource,
    scopes: ["slack"],
  };
  const redeem = (code: string, overrides: Partial<Parameters<typeof grants.redeemCode>[1]> = {}) =>
    grants.redeemCode(code, {
      clientId: grant.clientId,
      redirectUri: grant.redirectUri,
      codeVerifier: verifier,
      resource: undefined,
      ...overrides,
    });
  const signIn = async () => {
    const result = await redeem(await grants.issueCode(grant));
    assert.ok(!isGrantError(result), JSON.stringify(result));
    return result;
  };
  return { clock, store, grants, grant, redeem, signIn };
}

function tokens(result: TokenSet | GrantError): TokenSet {
  assert.ok(!isGrantError(result), JSON.stringify(result));
  return result;
}

function refusal(result: TokenSet | GrantError): string {
  assert.ok(isGrantError(result), "expected a refusal");
  return result.error;
}

Deno.test("a code redeems once for tokens the resource server accepts", async () => {
  const { grants, grant, redeem, clock } = await setup();
  const code = await grants.issueCode(grant);
  const set = tokens(await redeem(code));
  assert.equal(set.expiresIn, 3600);
  assert.match(set.accessToken, /^mcp_at_/);
  assert.match(set.refreshToken, /^mcp_rt_/);
  assert.deepEqual(await grants.verify(set.accessToken, resource), {
    teamId: "T1",
    userId: "U1",
    clientId: "mcpc_client",
    scopes: ["slack"],
    expiresAt: clock.ms / 1000 + 3600,
    resource,
  });
  assert.equal(refusal(await redeem(code)), "invalid_grant");
});

Deno.test("redeemCode() refuses a wrong verifier, client, redirect URI or resource", async () => {
  const { grants, grant, redeem } = await setup();
  const cases: [Parameters<typeof redeem>[1], string][] = [
    [{ codeVerifier: `${verifier}x` }, "invalid_grant"],
    [{ codeVerifier: undefined }, "invalid_grant"],
    [{ clientId: "mcpc_other" }, "invalid_grant"],
    [{ redirectUri: "http://127.0.0.1:5001/cb" }, "invalid_grant"],
    [{ redirectUri: undefined }, "invalid_grant"],
    [{ resource: "https://other.example/mcp" }, "invalid_target"],
  ];
  for (const [overrides, error] of cases) {
    const code = await grants.issueCode(grant);
    assert.equal(refusal(await redeem(code, overrides)), error, JSON.stringify(overrides));
    // A failed attempt used the code up.
    assert.equal(refusal(await redeem(code)), "invalid_grant");
  }
});

Deno.test("a code expires after 60 seconds", async () => {
  const { grants, grant, redeem, clock } = await setup();
  const code = await grants.issueCode(grant);
  clock.ms += 61_000;
  assert.equal(refusal(await redeem(code)), "invalid_grant");
});

Deno.test("concurrent redemptions of one code: one wins, the replay revokes its tokens", async () => {
  const { grants, grant, redeem } = await setup();
  const code = await grants.issueCode(grant);
  const results = await Promise.all([redeem(code), redeem(code), redeem(code)]);
  const won = results.filter((r) => !isGrantError(r)) as TokenSet[];
  assert.ok(won.length <= 1);
  for (const set of won) assert.equal(await grants.verify(set.accessToken, resource), undefined);
  // A replay later also kills what the code gave.
  const second = await grants.issueCode(grant);
  const set = tokens(await redeem(second));
  assert.ok(await grants.verify(set.accessToken, resource));
  assert.equal(refusal(await redeem(second)), "invalid_grant");
  assert.equal(await grants.verify(set.accessToken, resource), undefined);
  assert.equal(
    refusal(
      await grants.refresh(set.refreshToken, {
        clientId: grant.clientId,
        resource: undefined,
        scopes: undefined,
      }),
    ),
    "invalid_grant",
  );
});

Deno.test("verify() refuses another resource, an expired token and garbage", async () => {
  const { grants, signIn, clock } = await setup();
  const set = await signIn();
  assert.equal(await grants.verify(set.accessToken, "https://other.example/mcp"), undefined);
  assert.equal(await grants.verify("mcp_at_nonsense", resource), undefined);
  assert.equal(await grants.verify("", resource), undefined);
  assert.equal(await grants.verify(set.refreshToken, resource), undefined);
  clock.ms += 3600_000;
  assert.equal(await grants.verify(set.accessToken, resource), undefined);
});

Deno.test("refresh() rotates: the old refresh token is dead, a replay ends the sign-in", async () => {
  const { grants, grant, signIn } = await setup();
  const request = { clientId: grant.clientId, resource: undefined, scopes: undefined };
  const first = await signIn();
  const second = tokens(await grants.refresh(first.refreshToken, request));
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.ok(await grants.verify(second.accessToken, resource));
  const third = tokens(await grants.refresh(second.refreshToken, request));
  assert.ok(await grants.verify(third.accessToken, resource));
  // The first token again: theft suspected, the family goes.
  assert.equal(refusal(await grants.refresh(first.refreshToken, request)), "invalid_grant");
  assert.equal(await grants.verify(third.accessToken, resource), undefined);
  assert.equal(refusal(await grants.refresh(third.refreshToken, request)), "invalid_grant");
});

Deno.test("refresh() checks client, resource and scopes", async () => {
  const { grants, grant, signIn } = await setup();
  const set = await signIn();
  const base = { clientId: grant.clientId, resource: undefined, scopes: undefined };
  assert.equal(
    refusal(await grants.refresh(set.refreshToken, { ...base, clientId: "mcpc_other" })),
    "invalid_grant",
  );
  assert.equal(
    refusal(await grants.refresh(set.refreshToken, { ...base, scopes: ["slack", "admin"] })),
    "invalid_scope",
  );
  const other = await signIn();
  assert.equal(
    refusal(await grants.refresh(other.refreshToken, { ...base, resource: "https://x/mcp" })),
    "invalid_target",
  );
  const third = await signIn();
  assert.deepEqual(
    tokens(await grants.refresh(third.refreshToken, { ...base, resource })).scopes,
    ["slack"],
  );
});

Deno.test("revokePerson() and revokeTeam() end every grant, and new sign-ins work after", async () => {
  const { grants, grant, signIn } = await setup();
  const a = await signIn();
  const b = await signIn();
  await grants.revokePerson("T1", "U1");
  for (const set of [a, b]) {
    assert.equal(await grants.verify(set.accessToken, resource), undefined);
    assert.equal(
      refusal(
        await grants.refresh(set.refreshToken, {
          clientId: grant.clientId,
          resource: undefined,
          scopes: undefined,
        }),
      ),
      "invalid_grant",
    );
  }
  const c = await signIn();
  assert.ok(await grants.verify(c.accessToken, resource));
  await grants.revokeTeam("T1");
  assert.equal(await grants.verify(c.accessToken, resource), undefined);
  assert.ok(await grants.verify((await signIn()).accessToken, resource));
});

Deno.test("a code issued before a revocation gives dead tokens", async () => {
  const { grants, grant, redeem } = await setup();
  const code = await grants.issueCode(grant);
  await grants.revokePerson("T1", "U1");
  const set = tokens(await redeem(code));
  assert.equal(await grants.verify(set.accessToken, resource), undefined);
});

Deno.test("revokeToken() ends the family of either token, only for its own client", async () => {
  const { grants, signIn } = await setup();
  const a = await signIn();
  assert.equal(await grants.revokeToken(a.accessToken, "mcpc_other"), undefined);
  assert.ok(await grants.verify(a.accessToken, resource));
  assert.deepEqual(await grants.revokeToken(a.refreshToken, "mcpc_client"), {
    teamId: "T1",
    userId: "U1",
    clientId: "mcpc_client",
  });
  assert.equal(await grants.verify(a.accessToken, resource), undefined);
  const b = await signIn();
  assert.ok(await grants.revokeToken(b.accessToken, undefined));
  assert.equal(await grants.verify(b.accessToken, resource), undefined);
  assert.equal(await grants.revokeToken("mcp_at_unknown", undefined), undefined);
});
