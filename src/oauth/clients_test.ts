import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import type { ClientMetadataResult } from "./client_metadata.ts";
import { createClientRegistry, registrationResponse } from "./clients.ts";

function setup(documents: Record<string, ClientMetadataResult> = {}) {
  const store = createMemoryStore();
  const fetched: string[] = [];
  const clients = createClientRegistry({
    store,
    now: () => Date.UTC(2026, 0, 1),
    allowPrivate: false,
    fetchMetadata: (url) => {
      fetched.push(url);
      return Promise.resolve(documents[url] ?? { ok: false, problem: "HTTP 404" });
    },
  });
  return { store, clients, fetched };
}

Deno.test("register() stores a public client with defaults and finds it again", async () => {
  const { clients } = setup();
  const result = await clients.register({
    client_name: "Inspector",
    redirect_uris: ["http://localhost:6274/oauth/callback"],
  });
  assert.ok(result.ok);
  assert.match(result.client.clientId, /^mcpc_[\w-]{24}$/);
  assert.equal(result.secret, undefined);
  assert.deepEqual(registrationResponse(result.client), {
    client_id: result.client.clientId,
    client_id_issued_at: Date.UTC(2026, 0, 1) / 1000,
    client_name: "Inspector",
    redirect_uris: ["http://localhost:6274/oauth/callback"],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  });
  const found = await clients.find(result.client.clientId);
  assert.deepEqual(found, { ok: true, client: result.client });
  assert.equal(await clients.authenticate(result.client, undefined), true);
});

Deno.test("register() gives a confidential client a secret it must present", async () => {
  const { clients } = setup();
  const result = await clients.register({
    redirect_uris: ["https://app.example/cb"],
    token_endpoint_auth_method: "client_secret_post",
  });
  assert.ok(result.ok && result.secret);
  assert.ok(!JSON.stringify(result.client).includes(result.secret));
  assert.equal(await clients.authenticate(result.client, result.secret), true);
  assert.equal(await clients.authenticate(result.client, `${result.secret}x`), false);
  assert.equal(await clients.authenticate(result.client, undefined), false);
});

Deno.test("register() refuses bad redirect URIs and unsupported metadata", async () => {
  const { clients } = setup();
  const cases: [unknown, string][] = [
    [{}, "invalid_redirect_uri"],
    [{ redirect_uris: [] }, "invalid_redirect_uri"],
    [{ redirect_uris: ["http://app.example/cb"] }, "invalid_redirect_uri"],
    [{ redirect_uris: ["javascript:alert(1)"] }, "invalid_redirect_uri"],
    [
      { redirect_uris: ["https://a.example/cb"], token_endpoint_auth_method: "private_key_jwt" },
      "invalid_client_metadata",
    ],
    [
      { redirect_uris: ["https://a.example/cb"], grant_types: ["client_credentials"] },
      "invalid_client_metadata",
    ],
    [
      { redirect_uris: ["https://a.example/cb"], response_types: ["token"] },
      "invalid_client_metadata",
    ],
    ["not an object", "invalid_client_metadata"],
  ];
  for (const [body, error] of cases) {
    const result = await clients.register(body);
    assert.equal(result.ok ? "ok" : result.error, error, JSON.stringify(body));
  }
});

Deno.test("find() fetches a metadata document once and serves it from the store after", async () => {
  const url = "https://app.example/client.json";
  const { clients, fetched } = setup({
    [url]: {
      ok: true,
      document: { clientId: url, clientName: "App", redirectUris: ["https://app.example/cb"] },
    },
  });
  const first = await clients.find(url);
  const second = await clients.find(url);
  assert.deepEqual(first, second);
  assert.ok(first.ok);
  assert.equal(first.client.source, "metadata_document");
  assert.equal(first.client.tokenEndpointAuthMethod, "none");
  assert.deepEqual(fetched, [url]);
});

Deno.test("find() explains an unknown client and a refused document", async () => {
  const { clients } = setup();
  assert.deepEqual(await clients.find("mcpc_unknown"), {
    ok: false,
    problem: "this client is not registered with this server",
  });
  assert.deepEqual(await clients.find("https://app.example/missing.json"), {
    ok: false,
    problem: "HTTP 404",
  });
  assert.equal((await clients.find("")).ok, false);
  assert.equal((await clients.find("../../etc")).ok, false);
});
