import assert from "node:assert/strict";
import { ConfigError, isLoopback, loadConfig } from "../src/config.ts";

const token = "xoxb-test-token";

/** The message `loadConfig` refuses `env` with. */
function refusal(env: Record<string, string>, args: string[] = []): string {
  try {
    loadConfig({ SLACK_BOT_TOKEN: token, ...env }, args);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.doesNotMatch(error.message, /\n/, "one line");
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

Deno.test("each bad setting is refused with one line naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "http" }, /^Invalid PORT: expected a port number from 0 to 65535$/],
    [{ PORT: "70000" }, /^Invalid PORT/],
    [{ CACHE_TTL_SECONDS: "-1" }, /^Invalid CACHE_TTL_SECONDS: expected a whole number/],
    [
      { RATE_LIMIT_PER_MINUTE: "0" },
      /^Invalid RATE_LIMIT_PER_MINUTE: expected a whole number above 0/,
    ],
    [{ SLACK_BOT_TOKEN: "abc" }, /^Invalid SLACK_BOT_TOKEN: a Slack token/],
    [{ SLACK_USER_TOKEN: "xoxb-wrong-kind" }, /^Invalid SLACK_USER_TOKEN/],
    [{ SLACK_API_URL: "ftp://slack" }, /^Invalid SLACK_API_URL/],
    [{ MCP_AUTH_TOKEN: "short" }, /^Invalid MCP_AUTH_TOKEN: at least 16 characters$/],
    [{ MCP_AUTH_TOKEN: "has spaces in the token" }, /^Invalid MCP_AUTH_TOKEN: no spaces$/],
    [{ ALLOWED_ORIGINS: "example.com" }, /^Invalid ALLOWED_ORIGINS: comma-separated origins/],
    [{ ALLOWED_ORIGINS: "https://a.example/path" }, /^Invalid ALLOWED_ORIGINS/],
    [{ LOG_FORMAT: "xml" }, /^Invalid LOG_FORMAT/],
    [{ SLACK_METHOD_LIMITS: "chat.postMessage" }, /^Invalid SLACK_METHOD_LIMITS/],
    [{ TLS_CERT_FILE: "cert.pem" }, /^Missing TLS_KEY_FILE/],
    [{ UPSTASH_REDIS_REST_TOKEN: "t" }, /^Missing UPSTASH_REDIS_REST_URL/],
    [{ HOST: "0.0.0.0" }, /^Refusing to listen on HOST=0\.0\.0\.0 without MCP_AUTH_TOKEN/],
  ];
  for (const [env, expected] of cases) assert.match(refusal(env), expected);
  assert.match(refusal({}, ["--nope"]), /^Unknown flag --nope/);
  assert.match(refusal({}, ["--port"]), /^Flag --port needs a value/);
});

Deno.test("start and stdio need a bot token; demo and manifest do not", () => {
  assert.throws(() => loadConfig({}), /^ConfigError: Missing SLACK_BOT_TOKEN/);
  assert.throws(() => loadConfig({}, ["--stdio"]), /^ConfigError: Missing SLACK_BOT_TOKEN/);
  assert.equal(loadConfig({ SLACK_TOKEN: token }).slack.botToken, token, "SLACK_TOKEN is an alias");
  assert.equal(loadConfig({}, ["--demo"]).mode, "demo");
  assert.equal(loadConfig({}, ["--manifest"]).mode, "manifest");
});

Deno.test("a refused secret is never echoed back", () => {
  const secret = "not-a-slack-token-but-secret";
  assert.doesNotMatch(refusal({ SLACK_BOT_TOKEN: secret }), new RegExp(secret));
  const auth = "secret value with spaces";
  assert.doesNotMatch(refusal({ MCP_AUTH_TOKEN: auth }), new RegExp(auth));
});

Deno.test("a non-loopback HOST is accepted with MCP_AUTH_TOKEN", () => {
  const config = loadConfig({
    SLACK_BOT_TOKEN: token,
    HOST: "0.0.0.0",
    MCP_AUTH_TOKEN: "0123456789abcdef0123",
  });
  assert.equal(config.http.host, "0.0.0.0");
});

Deno.test("allowed origins are normalised the way browsers send them", () => {
  const config = loadConfig({
    SLACK_BOT_TOKEN: token,
    ALLOWED_ORIGINS: "https://Inspector.Example.com/, http://localhost:6274",
  });
  assert.deepEqual(config.http.allowedOrigins, [
    "https://inspector.example.com",
    "http://localhost:6274",
  ]);
});

Deno.test("flags override the environment", () => {
  const config = loadConfig({ SLACK_BOT_TOKEN: token, PORT: "1" }, [
    "--port",
    "2",
    "--log-format=json",
  ]);
  assert.equal(config.http.port, 2);
  assert.equal(config.log.format, "json");
});

Deno.test("only real loopback names count as loopback", () => {
  for (
    const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "localhost."]
  ) {
    assert.equal(isLoopback(host), true, host);
  }
  for (
    const host of [
      "127.0.0.1.evil.example",
      "127.evil.example",
      "localhost.evil.example",
      "0.0.0.0",
      "::",
      "10.0.0.1",
      "",
    ]
  ) {
    assert.equal(isLoopback(host), false, host);
  }
});

Deno.test("an unreadable TLS file stops startup with one line naming the setting", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname, "--demo", "--port", "0"],
    env: { TLS_CERT_FILE: "/nonexistent/cert.pem", TLS_KEY_FILE: "/nonexistent/key.pem" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(stderr).trim().split("\n");
  assert.equal(code, 2);
  assert.match(lines.at(-1)!, /^slack-mcp: Cannot read TLS_CERT_FILE \(\/nonexistent\/cert\.pem\)/);
});
