import assert from "node:assert/strict";
import {
  cleanClientName,
  fetchClientMetadata,
  isClientIdUrl,
  parseClientMetadata,
} from "./client_metadata.ts";

/** Serves `routes` on a loopback port; each answers for its path. */
function serve(routes: Record<string, (base: string) => Response | Promise<Response>>) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request): Response | Promise<Response> => {
      const route = routes[new URL(request.url).pathname];
      return route ? route(base) : new Response("missing", { status: 404 });
    },
  );
  const base: string = `http://127.0.0.1:${server.addr.port}`;
  return { base, [Symbol.asyncDispose]: () => server.shutdown() };
}

const resolve = () => Promise.resolve(["127.0.0.1"]);

Deno.test("isClientIdUrl() wants https with a path, loopback http only when allowed", () => {
  assert.equal(isClientIdUrl("https://app.example/client.json", false), true);
  assert.equal(isClientIdUrl("https://app.example/", false), false);
  assert.equal(isClientIdUrl("https://app.example", false), false);
  assert.equal(isClientIdUrl("https://app.example/a/../client.json", false), false);
  assert.equal(isClientIdUrl("https://app.example/client.json#x", false), false);
  assert.equal(isClientIdUrl("https://u:p@app.example/client.json", false), false);
  assert.equal(isClientIdUrl("http://127.0.0.1:8000/client.json", false), false);
  assert.equal(isClientIdUrl("http://127.0.0.1:8000/client.json", true), true);
  assert.equal(isClientIdUrl("http://app.example/client.json", true), false);
  assert.equal(isClientIdUrl("mcpc_abc", false), false);
});

Deno.test("parseClientMetadata() requires client_id to equal the URL and no secret", () => {
  const url = "https://app.example/client.json";
  const good = { client_id: url, client_name: "App", redirect_uris: ["https://app.example/cb"] };
  const parsed = parseClientMetadata(url, JSON.stringify(good));
  assert.deepEqual(parsed, {
    ok: true,
    document: { clientId: url, clientName: "App", redirectUris: ["https://app.example/cb"] },
  });
  const refusals: [unknown, RegExp][] = [
    [{ ...good, client_id: "https://other.example/client.json" }, /differs from its URL/],
    [{ ...good, token_endpoint_auth_method: "client_secret_post" }, /not supported/],
    [{ ...good, client_secret: "x" }, /must not hold a client_secret/],
    [{ ...good, redirect_uris: [] }, /redirect_uris/],
    [{ ...good, redirect_uris: ["http://evil.example/cb"] }, /must use https/],
    [[good], /not a JSON object/],
  ];
  for (const [doc, problem] of refusals) {
    const result = parseClientMetadata(url, JSON.stringify(doc));
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.problem, problem);
  }
  assert.match(JSON.stringify(parseClientMetadata(url, "{")), /not JSON/);
});

Deno.test("cleanClientName() strips control and bidi characters and caps the length", () => {
  assert.equal(cleanClientName("Good\u202eevil\u0007 App"), "Goodevil App");
  assert.equal(cleanClientName("  "), undefined);
  assert.equal(cleanClientName(42), undefined);
  assert.equal(cleanClientName("x".repeat(500))?.length, 100);
});

Deno.test("fetchClientMetadata() fetches a document from loopback when private hosts are allowed", async () => {
  await using server = serve({
    "/client.json": (base) =>
      Response.json({
        client_id: `${base}/client.json`,
        client_name: "Loopback App",
        redirect_uris: ["http://127.0.0.1/callback"],
      }),
  });
  const url = `${server.base}/client.json`;
  const result = await fetchClientMetadata(url, { fetch, resolve, allowPrivate: true });
  assert.deepEqual(result, {
    ok: true,
    document: {
      clientId: url,
      clientName: "Loopback App",
      redirectUris: ["http://127.0.0.1/callback"],
    },
  });
});

Deno.test("fetchClientMetadata() refuses private addresses without fetching", async () => {
  let fetched = 0;
  const counting: typeof fetch = (input, init) => {
    fetched++;
    return fetch(input, init);
  };
  const https = await fetchClientMetadata("https://127.0.0.1/client.json", {
    fetch: counting,
    resolve,
    allowPrivate: false,
  });
  assert.match(https.ok ? "" : https.problem, /not a public address/);
  const named = await fetchClientMetadata("https://intranet.example/client.json", {
    fetch: counting,
    resolve: () => Promise.resolve(["10.0.0.7"]),
    allowPrivate: false,
  });
  assert.match(named.ok ? "" : named.problem, /non-public address/);
  const http = await fetchClientMetadata("http://127.0.0.1:1/client.json", {
    fetch: counting,
    resolve,
    allowPrivate: false,
  });
  assert.match(http.ok ? "" : http.problem, /not a valid https/);
  assert.equal(fetched, 0);
});

Deno.test("fetchClientMetadata() enforces size, time, status and no redirects", async () => {
  await using server = serve({
    "/big.json": () => new Response(JSON.stringify({ pad: "x".repeat(10_000) })),
    "/chunked.json": () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000).fill(32));
            controller.close();
          },
        }),
      ),
    "/slow.json": () => new Promise((resolve) => setTimeout(() => resolve(Response.json({})), 400)),
    "/moved.json": (base) => Response.redirect(`${base}/client.json`, 302),
    "/gone.json": () => new Response("no", { status: 410 }),
  });
  const options = { fetch, resolve, allowPrivate: true, timeoutMs: 100 };
  const problem = async (path: string) => {
    const result = await fetchClientMetadata(`${server.base}${path}`, options);
    return result.ok ? "" : result.problem;
  };
  assert.match(await problem("/big.json"), /over 5120 bytes/);
  assert.match(await problem("/chunked.json"), /over 5120 bytes/);
  assert.match(await problem("/slow.json"), /did not arrive in time/);
  assert.match(await problem("/moved.json"), /HTTP 302/);
  assert.match(await problem("/gone.json"), /HTTP 410/);
});
