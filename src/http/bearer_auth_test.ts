import assert from "node:assert/strict";
import { Hono } from "hono";
import { bearerAuth, bearerToken } from "./bearer_auth.ts";

const token = "s3cret-token-0123456789";

function appWith(options: Parameters<typeof bearerAuth>[0]) {
  const app = new Hono();
  app.use(bearerAuth(options));
  app.post("/mcp", (c) => c.text("in"));
  return app;
}

function call(app: Hono, authorization?: string) {
  return app.request("/mcp", {
    method: "POST",
    headers: authorization === undefined ? {} : { authorization },
  });
}

Deno.test("a request with the right bearer token gets through", async () => {
  const response = await call(appWith({ token }), `Bearer ${token}`);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "in");
});

Deno.test("the auth scheme is matched without regard to case", async () => {
  assert.equal((await call(appWith({ token }), `bearer ${token}`)).status, 200);
});

Deno.test("a request without a token gets 401 and a bearer challenge", async () => {
  const response = await call(appWith({ token }));
  assert.equal(response.status, 401);
  assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="slack-mcp"');
});

Deno.test("a wrong token gets 401 with error=invalid_token", async () => {
  for (const header of [`Bearer ${token}x`, `Bearer ${token.slice(1)}`, "Bearer x"]) {
    const response = await call(appWith({ token }), header);
    assert.equal(response.status, 401, header);
    assert.equal(
      response.headers.get("www-authenticate"),
      'Bearer realm="slack-mcp", error="invalid_token"',
    );
  }
});

Deno.test("other schemes and malformed headers are refused", async () => {
  for (const header of [`Basic ${btoa(`u:${token}`)}`, token, `Bearer ${token} extra`, "Bearer "]) {
    assert.equal((await call(appWith({ token }), header)).status, 401, header);
  }
});

Deno.test("without a configured token every request gets through", async () => {
  assert.equal((await call(appWith({}))).status, 200);
});

Deno.test("bearerToken extracts only a single bearer credential", () => {
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("BEARER abc"), "abc");
  assert.equal(bearerToken("Bearer abc, Bearer def"), undefined);
  assert.equal(bearerToken("Token abc"), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
