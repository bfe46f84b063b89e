import assert from "node:assert/strict";
import { redirectUriMatches, redirectUriProblem } from "./redirect_uri.ts";

Deno.test("redirectUriProblem() accepts https, loopback http and private-use schemes", () => {
  for (
    const uri of [
      "https://claude.ai/api/mcp/auth_callback",
      "http://127.0.0.1:33418/",
      "http://localhost/callback",
      "http://[::1]:8080/cb",
      "cursor://anysphere.cursor-mcp/oauth/callback",
      "com.example.app:/oauth2redirect",
    ]
  ) {
    assert.equal(redirectUriProblem(uri), undefined, uri);
  }
});

Deno.test("redirectUriProblem() refuses plain http elsewhere, fragments and script schemes", () => {
  for (
    const uri of [
      "http://example.com/cb",
      "http://127.0.0.2.nip.io/cb",
      "https://app.example/cb#frag",
      "https://user:pw@app.example/cb",
      "javascript:alert(1)",
      "data:text/html,hi",
      "ftp://example.com/cb",
      "wss://example.com/cb",
      "/relative/cb",
    ]
  ) {
    assert.notEqual(redirectUriProblem(uri), undefined, uri);
  }
});

Deno.test("redirectUriMatches() is exact except for loopback ports", () => {
  const registered = ["https://app.example/cb", "http://127.0.0.1/callback"];
  assert.equal(redirectUriMatches(registered, "https://app.example/cb"), true);
  assert.equal(redirectUriMatches(registered, "https://app.example/cb/"), false);
  assert.equal(redirectUriMatches(registered, "https://app.example/cb?x=1"), false);
  assert.equal(redirectUriMatches(registered, "https://app.example:8443/cb"), false);
  assert.equal(redirectUriMatches(registered, "http://127.0.0.1:51234/callback"), true);
  assert.equal(redirectUriMatches(registered, "http://127.0.0.1:51234/other"), false);
  assert.equal(redirectUriMatches(registered, "http://localhost:51234/callback"), false);
  assert.equal(redirectUriMatches(["http://[::1]:1/cb"], "http://[::1]:2/cb"), true);
  assert.equal(redirectUriMatches(["http://localhost:3000/cb"], "http://localhost/cb"), true);
  assert.equal(redirectUriMatches(registered, "not a url"), false);
});
