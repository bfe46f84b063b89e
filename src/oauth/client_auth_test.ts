import assert from "node:assert/strict";
import { readClientCredentials } from "./client_auth.ts";

Deno.test("readClientCredentials() decodes form-encoded Basic credentials (RFC 6749 §2.3.1)", () => {
  const header = `Basic ${
    btoa(`${encodeURIComponent("my client")}:${encodeURIComponent("p:w+d")}`)
  }`;
  assert.deepEqual(readClientCredentials(header, { client_id: "ignored" }), {
    clientId: "my client",
    secret: "p:w+d",
    viaHeader: true,
  });
  assert.deepEqual(readClientCredentials("Basic !!!", {}), {
    clientId: undefined,
    secret: undefined,
    viaHeader: true,
  });
});

Deno.test("readClientCredentials() falls back to the form's client_id and client_secret", () => {
  assert.deepEqual(readClientCredentials(undefined, { client_id: "c", client_secret: "s" }), {
    clientId: "c",
    secret: "s",
    viaHeader: false,
  });
  assert.deepEqual(readClientCredentials("Bearer x", { client_id: "" }), {
    clientId: undefined,
    secret: undefined,
    viaHeader: false,
  });
});
