import assert from "node:assert/strict";
import { clientRedirectUri, startOAuthTestbed } from "./testbed.ts";
import { pkcePair } from "./testing.ts";

/** A fresh code for `clientId`, through the browser, with its verifier. */
async function codeFor(bed: Awaited<ReturnType<typeof startOAuthTestbed>>, clientId: string) {
  const { verifier, challenge } = await pkcePair();
  let page = await bed.browser.open(
    bed.authorizeUrl({ client_id: clientId, code_challenge: challenge }),
  );
  if (page.html.includes("<form")) page = await bed.browser.submit(page, { decision: "approve" });
  return { code: page.url.searchParams.get("code")!, verifier };
}

Deno.test("the token endpoint answers JSON that no cache keeps", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const { code, verifier } = await codeFor(bed, clientId);
  const result = await bed.token({
    grant_type: "authorization_code",
    code,
    redirect_uri: clientRedirectUri,
    code_verifier: verifier,
    client_id: clientId,
    resource: bed.oauth.urls.resource,
  });
  assert.equal(result.status, 200);
  assert.match(result.headers.get("content-type")!, /^application\/json/);
  assert.equal(result.headers.get("cache-control"), "no-store");
  assert.deepEqual(Object.keys(result.body).sort(), [
    "access_token",
    "expires_in",
    "refresh_token",
    "scope",
    "token_type",
  ]);
});

Deno.test("a wrong verifier, a reused code and an expired code get invalid_grant", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    bed.token({
      grant_type: "authorization_code",
      code,
      redirect_uri: clientRedirectUri,
      code_verifier: verifier,
      client_id: clientId,
      ...extra,
    });

  const wrong = await codeFor(bed, clientId);
  const refused = await exchange(wrong.code, `${wrong.verifier}x`);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error, "invalid_grant");
  assert.match(refused.body.error_description, /code_verifier/);

  const used = await codeFor(bed, clientId);
  const first = await exchange(used.code, used.verifier);
  assert.equal(first.status, 200);
  const second = await exchange(used.code, used.verifier);
  assert.equal(second.body.error, "invalid_grant");
  // The replay also revoked what the code gave.
  assert.equal(await bed.oauth.verifyAccessToken(first.body.access_token), undefined);

  const late = await codeFor(bed, clientId);
  bed.clock.ms += 61_000;
  assert.equal((await exchange(late.code, late.verifier)).body.error, "invalid_grant");

  const other = await codeFor(bed, clientId);
  const mismatch = await exchange(other.code, other.verifier, {
    redirect_uri: "http://127.0.0.1:9999/elsewhere",
  });
  assert.equal(mismatch.body.error, "invalid_grant");

  const target = await codeFor(bed, clientId);
  const foreign = await exchange(target.code, target.verifier, {
    resource: "https://other.example/mcp",
  });
  assert.equal(foreign.body.error, "invalid_target");
});

Deno.test("a code issued to one client cannot be redeemed by another", async () => {
  await using bed = await startOAuthTestbed();
  const owner = await bed.register();
  const thief = await bed.register();
  const { code, verifier } = await codeFor(bed, owner);
  const result = await bed.token({
    grant_type: "authorization_code",
    code,
    redirect_uri: clientRedirectUri,
    code_verifier: verifier,
    client_id: thief,
  });
  assert.equal(result.body.error, "invalid_grant");
});

Deno.test("an unknown client gets invalid_client; malformed requests get invalid_request", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const unknown = await bed.token({
    grant_type: "authorization_code",
    code: "x",
    client_id: "mcpc_nope",
  });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error, "invalid_client");
  const anonymous = await bed.token({ grant_type: "authorization_code", code: "x" });
  assert.equal(anonymous.body.error, "invalid_client");
  const grant = await bed.token({ grant_type: "password", client_id: clientId });
  assert.equal(grant.body.error, "unsupported_grant_type");
  const noGrant = await bed.token({ client_id: clientId });
  assert.equal(noGrant.body.error, "invalid_request");
  const noCode = await bed.token({ grant_type: "authorization_code", client_id: clientId });
  assert.equal(noCode.body.error, "invalid_request");
  const json = await bed.oauth.routes.request("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "authorization_code", client_id: clientId }),
  });
  assert.equal(json.status, 400);
  assert.equal((await json.json()).error, "invalid_request");
  const twice = await bed.oauth.routes.request("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=refresh_token&client_id=${clientId}&refresh_token=a&refresh_token=b`,
  });
  assert.equal((await twice.json()).error, "invalid_request");
});

Deno.test("a confidential client authenticates with client_secret_post or Basic", async () => {
  await using bed = await startOAuthTestbed();
  const registered = await bed.oauth.routes.request("/oauth/register", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      redirect_uris: [clientRedirectUri],
      token_endpoint_auth_method: "client_secret_basic",
    }),
  }, bed.env);
  const { client_id: clientId, client_secret: secret } = await registered.json();
  assert.ok(secret);
  const basic = (id: string, password: string) =>
    `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(password)}`)}`;

  const one = await codeFor(bed, clientId);
  const viaBasic = await bed.token({
    grant_type: "authorization_code",
    code: one.code,
    redirect_uri: clientRedirectUri,
    code_verifier: one.verifier,
  }, { authorization: basic(clientId, secret) });
  assert.equal(viaBasic.status, 200, JSON.stringify(viaBasic.body));

  const two = await codeFor(bed, clientId);
  const viaPost = await bed.token({
    grant_type: "authorization_code",
    code: two.code,
    redirect_uri: clientRedirectUri,
    code_verifier: two.verifier,
    client_id: clientId,
    client_secret: secret,
  });
  assert.equal(viaPost.status, 200);

  const wrong = await bed.token({
    grant_type: "refresh_token",
    refresh_token: viaPost.body.refresh_token,
  }, { authorization: basic(clientId, "wrong") });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, "invalid_client");
  assert.match(wrong.headers.get("www-authenticate")!, /^Basic/);
  const missing = await bed.token({
    grant_type: "refresh_token",
    refresh_token: viaPost.body.refresh_token,
    client_id: clientId,
  });
  assert.equal(missing.status, 401);
});

Deno.test("revoking a token ends its grant and the standing approval; unknown tokens get 200", async () => {
  await using bed = await startOAuthTestbed();
  const clientId = await bed.register();
  const { tokens } = await bed.signIn({ clientId });
  const revoke = (form: Record<string, string>) =>
    bed.oauth.routes.request("/oauth/revoke", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    }, bed.env);
  assert.equal((await revoke({ token: "mcp_rt_unknown", client_id: clientId })).status, 200);
  // Another client cannot revoke it.
  assert.equal(
    (await revoke({ token: tokens.refresh_token, client_id: await bed.register() })).status,
    200,
  );
  assert.ok(await bed.oauth.verifyAccessToken(tokens.access_token));
  const response = await revoke({
    token: tokens.refresh_token,
    token_type_hint: "refresh_token",
    client_id: clientId,
  });
  assert.equal(response.status, 200);
  assert.equal(await bed.oauth.verifyAccessToken(tokens.access_token), undefined);
  const refresh = await bed.token({
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  assert.equal(refresh.body.error, "invalid_grant");
  // The next sign-in of this client asks again.
  assert.equal((await bed.signIn({ clientId })).consentShown, true);
  assert.equal((await revoke({ client_id: clientId })).status, 400);
});
