import assert from "node:assert/strict";
import { clientRedirect, grantedScopes } from "./parts.ts";

Deno.test("grantedScopes() grants the supported scopes asked for, else all of them", () => {
  assert.deepEqual(grantedScopes("slack", ["slack"]), ["slack"]);
  assert.deepEqual(grantedScopes("openid slack slack", ["slack"]), ["slack"]);
  assert.deepEqual(grantedScopes("openid", ["slack"]), ["slack"]);
  assert.deepEqual(grantedScopes(undefined, ["slack"]), ["slack"]);
});

Deno.test("clientRedirect() adds parameters, keeps the URI's own and skips undefined ones", () => {
  assert.equal(
    clientRedirect("https://app.example/cb?keep=1", { code: "c", state: undefined }),
    "https://app.example/cb?keep=1&code=c",
  );
  assert.equal(
    clientRedirect("cursor://anysphere.cursor-mcp/oauth/callback", { error: "access_denied" }),
    "cursor://anysphere.cursor-mcp/oauth/callback?error=access_denied",
  );
});
