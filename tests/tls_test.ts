/**
 * HTTPS served directly (TLS_CERT_FILE / TLS_KEY_FILE), end to end, with a
 * self-signed certificate made here and clients that trust only it.
 */
import assert from "node:assert/strict";
import { startStack } from "./harness.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";

const hasOpenssl = await new Deno.Command("openssl", {
  args: ["version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);
if (!hasOpenssl) {
  console.warn("tls_test: skipped, openssl is not on PATH to make a test certificate");
}

/** Runs openssl, failing with its stderr. */
async function openssl(args: string[], stdin?: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const output = await child.output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`openssl ${args[0]} failed: ${text}`);
  return text;
}

/** A P-256 self-signed certificate for 127.0.0.1 and localhost, in a temp dir removed on dispose. */
async function selfSigned() {
  const dir = await Deno.makeTempDir();
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    // A server certificate, not a CA: rustls refuses a CA certificate as the server's own.
    "-addext",
    "basicConstraints=critical,CA:FALSE",
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  return {
    cert,
    key,
    pem: await Deno.readTextFile(cert),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test({
  name: "with TLS files the server speaks HTTPS, and an MCP client that trusts the cert works",
  ignore: !hasOpenssl,
  async fn() {
    await using files = await selfSigned();
    await using stack = await startStack({
      env: { TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key },
    });
    assert.match(stack.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    using client = Deno.createHttpClient({ caCerts: [files.pem] });
    const health = await fetch(`${stack.url}/healthz`, { client });
    assert.deepEqual(await health.json(), { status: "ok" });

    const mcp = new Client({ name: "tls-test", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
        fetch: (url, init) => fetch(url, { ...init, client }),
      }),
    );
    try {
      const { tools } = await mcp.listTools();
      assert.ok(tools.some((t) => t.name === "slack_list_channels"));
    } finally {
      await mcp.close();
    }
  },
});

Deno.test({
  name: "a client that does not trust the certificate, or speaks plain HTTP, gets nothing",
  ignore: !hasOpenssl,
  async fn() {
    await using files = await selfSigned();
    await using stack = await startStack({
      env: { TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key },
    });
    await assert.rejects(fetch(`${stack.url}/healthz`), (error: Error) => {
      assert.match(String(error.cause), /UnknownIssuer/);
      return true;
    });
    await assert.rejects(fetch(`${stack.url.replace("https:", "http:")}/healthz`));
  },
});

Deno.test({
  name: "the server negotiates TLS 1.3",
  ignore: !hasOpenssl,
  async fn() {
    await using files = await selfSigned();
    await using stack = await startStack({
      env: { TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key },
    });
    const output = await openssl(
      ["s_client", "-connect", new URL(stack.url).host, "-tls1_3", "-CAfile", files.cert],
      "Q\n",
    );
    assert.match(output, /Protocol\s*:\s*TLSv1\.3|New, TLSv1\.3/);
    assert.match(output, /Verify return code: 0 \(ok\)/);
  },
});
