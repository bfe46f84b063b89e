import assert from "node:assert/strict";
import { Hono } from "hono";
import { isAllowedOrigin, originGuard, type OriginGuardOptions } from "./origin_guard.ts";

async function statusOf(options: OriginGuardOptions, headers: Record<string, string>) {
  const app = new Hono();
  app.use(originGuard(options));
  app.post("/mcp", (c) => c.text("in"));
  const response = await app.request("http://127.0.0.1:8126/mcp", { method: "POST", headers });
  return response.status;
}

const loopback = { host: "127.0.0.1", allowedOrigins: ["https://inspector.example.com"] };

Deno.test("requests without an Origin from a loopback Host get through", async () => {
  for (const host of ["127.0.0.1:8126", "localhost:8126", "[::1]:8126", "localhost"]) {
    assert.equal(await statusOf(loopback, { host }), 200, host);
  }
});

Deno.test("loopback and listed origins are allowed", async () => {
  for (
    const origin of [
      "http://localhost:6274",
      "http://127.0.0.1:3000",
      "http://[::1]:5173",
      "https://inspector.example.com",
    ]
  ) {
    assert.equal(await statusOf(loopback, { host: "127.0.0.1:8126", origin }), 200, origin);
  }
});

Deno.test("foreign, look-alike and opaque origins get 403", async () => {
  for (
    const origin of [
      "https://evil.example",
      "http://127.0.0.1.evil.example",
      "http://localhost.evil.example:8126",
      "https://inspector.example.com.evil.example",
      "null",
      "file://",
      "not a url",
    ]
  ) {
    assert.equal(await statusOf(loopback, { host: "127.0.0.1:8126", origin }), 403, origin);
  }
});

Deno.test("a rebound Host on a loopback bind gets 403 (DNS rebinding)", async () => {
  for (
    const host of [
      "evil.example:8126",
      "127.0.0.1.evil.example:8126",
      "evil.example@127.0.0.1",
      "localhost.evil.example",
    ]
  ) {
    assert.equal(await statusOf(loopback, { host }), 403, host);
  }
});

Deno.test("the hosts of listed origins and PUBLIC_URL are accepted on a loopback bind", async () => {
  const options = { ...loopback, publicUrl: "https://mcp.example.com" };
  assert.equal(await statusOf(options, { host: "inspector.example.com" }), 200);
  assert.equal(await statusOf(options, { host: "mcp.example.com" }), 200);
});

Deno.test("Host is not checked on a non-loopback bind, Origin still is", async () => {
  const options = { host: "0.0.0.0", allowedOrigins: [] };
  assert.equal(await statusOf(options, { host: "mcp.example.com" }), 200);
  assert.equal(
    await statusOf(options, { host: "mcp.example.com", origin: "https://evil.example" }),
    403,
  );
});

Deno.test("isAllowedOrigin accepts only http(s) loopback or listed origins", () => {
  assert.equal(isAllowedOrigin("http://localhost:1"), true);
  assert.equal(isAllowedOrigin("https://a.example", ["https://a.example"]), true);
  assert.equal(isAllowedOrigin("https://a.example"), false);
  assert.equal(isAllowedOrigin("ws://localhost:1"), false);
  assert.equal(isAllowedOrigin("null"), false);
});
