import assert from "node:assert/strict";
import { configureLogging, logger, type LoggingOptions, stopLogging } from "./logger.ts";
import { redacted } from "../util/redact.ts";
import { captureLogs } from "./testing.ts";
import { ConfigError } from "../config.ts";

const secrets = {
  signing: "8f14e45fceea167a5a36dedd4bea2543",
  // Quotes and backslashes: JSON and inspect would escape them, and a pattern over the output miss.
  auth: 'mcp"token\\with-quote-0123456789',
  bot: "xoxb-1234-5678-abcdefABCDEF",
};

/** Logs into memory (with {@link secrets} configured) while `body` runs; returns what was written. */
async function capture(
  options: Partial<Omit<LoggingOptions, "stream">>,
  body: () => void | Promise<void>,
): Promise<string> {
  const lines = await captureLogs({
    level: "debug",
    format: "text",
    secrets: Object.values(secrets),
    ...options,
  });
  try {
    await body();
  } finally {
    await stopLogging();
  }
  return lines.join("");
}

function logSecretsEverywhere() {
  const log = logger("test");
  log.info("Message with {value}", { value: `signing ${secrets.signing} inline` });
  log.info(`Interpolated ${secrets.auth} in the template`);
  log.warn("Nested {detail}", { detail: { deeper: [{ text: `auth=${secrets.auth}` }] } });
  log.error("Failed: {error}", { error: new Error(`Slack said no to ${secrets.bot}`) });
  log.info("Headers {headers}", {
    headers: new Headers({ authorization: "Bearer some-other-credential" }),
  });
  log.info("Field names {authorization} {token} {signingSecret}", {
    authorization: "Bearer abc",
    token: "plain-value-no-shape",
    signingSecret: "another-plain-value",
  });
  log.info("Signature {sig} and a stranger token {t}", {
    sig: `v0=${"a".repeat(64)}`,
    t: "xoxp-9999-unconfigured",
  });
}

const leaks = [
  ...Object.values(secrets),
  "some-other-credential",
  "plain-value-no-shape",
  "another-plain-value",
  "a".repeat(64),
  "xoxp-9999-unconfigured",
];

for (const format of ["text", "json"] as const) {
  Deno.test(`no secret survives into ${format} output, in any position`, async () => {
    const output = await capture({ format }, logSecretsEverywhere);
    assert.match(output, /Message with/);
    assert.match(output, new RegExp(escape(redacted)));
    for (const secret of leaks) assert.ok(!output.includes(secret), `leaked ${secret}`);
    // JSON escaping must not smuggle a secret past redaction either.
    for (const secret of leaks) {
      assert.ok(!output.includes(JSON.stringify(secret).slice(1, -1)), `leaked escaped ${secret}`);
    }
  });
}

function escape(text: string) {
  return text.replace(/[[\]]/g, "\\$&");
}

Deno.test("json format writes one JSON object per line", async () => {
  const output = await capture({ format: "json" }, () => {
    logger("test").info("One {n}", { n: 1, requestId: "req-1" });
    logger("test").warn("Two");
  });
  const lines = output.trimEnd().split("\n");
  assert.equal(lines.length, 2);
  const [first, second] = lines.map((line) => JSON.parse(line));
  assert.equal(first.message, "One 1");
  assert.equal(first.properties.requestId, "req-1");
  assert.equal(second.level, "WARN");
});

Deno.test("text lines carry the request id and strings without quotes", async () => {
  const output = await capture({}, () => {
    logger("http").info("Serving on {url}", { url: "http://127.0.0.1:1", requestId: "req-9" });
  });
  assert.match(
    output,
    /\[INF\] slack-mcp·http: Serving on http:\/\/127\.0\.0\.1:1 \(request req-9\)\n$/,
  );
});

Deno.test("records below the level are dropped", async () => {
  const output = await capture({ level: "warning" }, () => {
    logger("test").info("quiet");
    logger("test").warn("loud");
  });
  assert.doesNotMatch(output, /quiet/);
  assert.match(output, /loud/);
});

Deno.test("LOG_FILE gets the same redacted records as the console", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/security.log`;
    const console = await capture({ file }, logSecretsEverywhere);
    const written = await Deno.readTextFile(file);
    assert.equal(written, console);
    for (const secret of leaks) assert.ok(!written.includes(secret), `leaked ${secret}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unwritable LOG_FILE stops startup with a line naming it", async () => {
  await assert.rejects(
    configureLogging({
      level: "info",
      format: "text",
      secrets: [],
      file: "/nonexistent-dir/slack-mcp.log",
    }),
    (error: Error) => error instanceof ConfigError && /^Cannot write LOG_FILE=/.test(error.message),
  );
  // The failed attempt left stderr free for the next one.
  assert.equal(Deno.stderr.writable.locked, false);
});

Deno.test("logging can be configured again and again without closing or locking stderr", async () => {
  for (let i = 0; i < 3; i++) {
    await configureLogging({ level: "info", format: "text", secrets: [] });
    // Console records are written synchronously: the stream is never held.
    assert.equal(Deno.stderr.writable.locked, false);
  }
  await stopLogging();
  assert.equal(Deno.stderr.writable.locked, false);
  // Still open: a writer can write to it.
  const writer = Deno.stderr.writable.getWriter();
  await writer.write(new Uint8Array());
  writer.releaseLock();
});

Deno.test("fields named like secrets go at any depth, in cycles, deep and large records alike", async () => {
  const cyclic: Record<string, unknown> = { note: "loop" };
  cyclic.self = cyclic;
  cyclic.token = "plain-cyclic";
  let deep: Record<string, unknown> = { password: "plain-deep" };
  for (let i = 0; i < 12; i++) deep = { level: deep };
  const large = { rows: Array.from({ length: 500 }, (_, i) => i), apiKey: "plain-large" };
  const written = await capture({ format: "json", secrets: [] }, () => {
    const log = logger("test");
    log.info("Nested {detail}", { detail: { a: { b: [{ token: "plain-nested" }] } } });
    log.info("Cyclic {value}", { value: cyclic });
    log.info("Deep {value}", { value: deep });
    log.info("Large {value}", { value: large });
    log.info("Clean {value}", { value: { a: [1, 2, { b: "plain-clean" }] } });
  });
  for (const value of ["plain-nested", "plain-cyclic", "plain-deep", "plain-large"]) {
    assert.ok(!written.includes(value), `${value} was logged:\n${written}`);
  }
  assert.ok(written.includes("plain-clean"), "a record with no secret field is logged whole");
});
