import assert from "node:assert/strict";
import { redisTest } from "./redis_server.ts";
import { parseReply, RedisReplyError, sendCommands, startUpstashBridge } from "./upstash_bridge.ts";

const TOKEN = "bridge-test-token";
const encoder = new TextEncoder();

function base64(text: string): string {
  return encoder.encode(text).toBase64();
}

async function sha1(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", encoder.encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Posts `body` to the bridge as the Upstash client would. */
async function post(
  url: string,
  body: unknown,
  options: { base64?: boolean; token?: string | null } = {},
) {
  const token = options.token === undefined ? TOKEN : options.token;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (options.base64) headers["Upstash-Encoding"] = "base64";
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

Deno.test("parseReply waits for a whole reply and counts bulk lengths in bytes", () => {
  const reply = encoder.encode("*4\r\n$8\r\nhé\r\nllo\r\n:-3\r\n$-1\r\n*1\r\n+OK\r\n");
  const parsed = parseReply(reply, 0);
  assert.ok(parsed);
  assert.equal(parsed.end, reply.length);
  const [bulk, ...rest] = parsed.reply as [Uint8Array, ...unknown[]];
  assert.equal(new TextDecoder().decode(bulk), "hé\r\nllo");
  assert.deepEqual(rest, [-3, null, ["OK"]]);
  for (let cut = 0; cut < reply.length; cut++) {
    assert.equal(parseReply(reply.subarray(0, cut), 0), undefined, `cut at ${cut}`);
  }
  const error = parseReply(encoder.encode("-WRONGTYPE nope\r\n"), 0)?.reply;
  assert.ok(error instanceof RedisReplyError);
  assert.equal(error.message, "WRONGTYPE nope");
});

redisTest("the bridge answers like Upstash REST", async (redis, t) => {
  const bridge = await startUpstashBridge({ redisPort: redis.port, token: TOKEN });
  const { url } = bridge;
  try {
    await t.step(
      "a single command answers {result}, as plain text without the encoding header",
      async () => {
        assert.deepEqual(await post(url, ["SET", "plain", "héllo 🦕"]), {
          status: 200,
          body: { result: "OK" },
        });
        assert.deepEqual((await post(url, ["GET", "plain"])).body, { result: "héllo 🦕" });
        assert.deepEqual((await post(url, ["GET", "missing"])).body, { result: null });
        assert.deepEqual((await post(url, ["INCRBY", "count", 2])).body, { result: 2 });
      },
    );

    await t.step(
      "with base64 encoding, strings are base64 but integers, nulls and OK are not",
      async () => {
        const asBase64 = { base64: true };
        assert.deepEqual((await post(url, ["SET", "encoded", "héllo 🦕"], asBase64)).body, {
          result: "OK",
        });
        assert.deepEqual((await post(url, ["GET", "encoded"], asBase64)).body, {
          result: base64("héllo 🦕"),
        });
        assert.deepEqual((await post(url, ["MGET", "encoded", "missing"], asBase64)).body, {
          result: [base64("héllo 🦕"), null],
        });
        assert.deepEqual((await post(url, ["INCR", "count"], asBase64)).body, { result: 3 });
        assert.deepEqual((await post(url, ["PING"], asBase64)).body, { result: base64("PONG") });
      },
    );

    await t.step(
      "values are binary-safe, including CRLF and replies larger than one read",
      async () => {
        const value = "a\r\nb".repeat(50_000);
        await post(url, ["SET", "big", value]);
        assert.equal((await post(url, ["GET", "big"])).body.result, value);
      },
    );

    await t.step("a Redis error answers 400 with its message", async () => {
      const { status, body } = await post(url, ["INCR", "plain"]);
      assert.equal(status, 400);
      assert.match(body.error, /^ERR value is not an integer/);
    });

    await t.step("a pipeline answers one {result} or {error} per command", async () => {
      const { status, body } = await post(`${url}/pipeline`, [
        ["SET", "p", "1"],
        ["INCR", "p"],
        ["LPUSH", "p", "x"],
      ]);
      assert.equal(status, 200);
      assert.deepEqual(body.slice(0, 2), [{ result: "OK" }, { result: 2 }]);
      assert.match(body[2].error, /^WRONGTYPE/);
    });

    await t.step("multi-exec runs the commands as one transaction", async () => {
      const { status, body } = await post(`${url}/multi-exec`, [
        ["RPUSH", "list", "a", "b", "c"],
        ["LTRIM", "list", "-2", "-1"],
        ["LRANGE", "list", "0", "-1"],
      ]);
      assert.equal(status, 200);
      assert.deepEqual(body, [{ result: 3 }, { result: "OK" }, { result: ["b", "c"] }]);
    });

    await t.step("a missing or wrong bearer token answers 401", async () => {
      const expected = { status: 401, body: { error: "Unauthorized" } };
      assert.deepEqual(await post(url, ["PING"], { token: null }), expected);
      assert.deepEqual(await post(url, ["PING"], { token: "wrong" }), expected);
      assert.deepEqual(await post(`${url}/pipeline`, [["PING"]], { token: "wrong" }), expected);
    });

    await t.step(
      "scripts with a #!lua shebang run, and EVALSHA takes the SHA of the script as sent",
      async () => {
        const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
        const sha = await sha1(script);
        const unknown = await post(url, ["EVALSHA", sha, 1, "runs"]);
        assert.equal(unknown.status, 400);
        assert.match(unknown.body.error, /^NOSCRIPT/);
        assert.deepEqual((await post(url, ["EVAL", script, 1, "runs"])).body, { result: 1 });
        assert.deepEqual((await post(url, ["EVALSHA", sha, 1, "runs"])).body, { result: 2 });
        assert.deepEqual((await post(url, ["EVALSHA", sha.toUpperCase(), 1, "runs"])).body, {
          result: 3,
        });
      },
    );

    await t.step("SCRIPT LOAD also strips the shebang and makes the SHA known", async () => {
      const script = "#!lua flags=allow-key-locking\nreturn ARGV[1]";
      const loaded = await post(url, ["SCRIPT", "LOAD", script]);
      assert.equal(loaded.status, 200);
      assert.deepEqual((await post(url, ["EVALSHA", await sha1(script), 0, "echo"])).body, {
        result: "echo",
      });
    });

    await t.step("commands reach the real Redis", async () => {
      const [value] = await sendCommands(redis.port, [["GET", "plain"]]);
      assert.equal(new TextDecoder().decode(value as Uint8Array), "héllo 🦕");
    });

    await t.step("with Redis down the bridge answers 502", async () => {
      await redis.kill();
      const { status, body } = await post(url, ["PING"]);
      assert.equal(status, 502);
      assert.match(body.error, /^Redis is unreachable/);
    });
  } finally {
    await bridge.close();
  }
});
