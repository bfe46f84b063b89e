import assert from "node:assert/strict";
import { createSlackClient } from "./client.ts";
import { SlackApiError } from "./errors.ts";
import { serveEmulator } from "../slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../slack_emulator/seed.ts";
import type { SlackChannel, SlackResponse } from "./types.ts";

const now = Date.UTC(2026, 10, 25, 12);

async function withSlack(
  fn: (
    slack: Awaited<ReturnType<typeof serveEmulator>>,
    client: ReturnType<typeof createSlackClient>,
  ) => Promise<void>,
  options: { timeoutMs?: number; maxRetryWaitMs?: number } = {},
) {
  const slack = await serveEmulator({ workspace: createSeedWorkspace({ now }) });
  try {
    await fn(
      slack,
      createSlackClient({
        apiUrl: slack.url,
        botToken: "xoxb-demo-bot-token",
        userToken: "xoxp-demo-user-token",
        ...options,
      }),
    );
  } finally {
    await slack.close();
  }
}

async function slackError(promise: Promise<unknown>): Promise<SlackApiError> {
  const error = await promise.catch((e) => e);
  assert.ok(error instanceof SlackApiError, `expected a SlackApiError, got ${error}`);
  return error;
}

Deno.test("call() sends the bot token and returns the body when ok", async () => {
  await withSlack(async (slack, client) => {
    const body = await client.call<SlackResponse & { user_id: string }>("auth.test");
    assert.equal(body.user_id, "U0BOT0001");
    assert.equal(slack.emulator.calls[0].token, "xoxb-demo-bot-token");
  });
});

Deno.test("call() with token: user sends the user token", async () => {
  await withSlack(async (slack, client) => {
    await client.call("search.messages", { query: "deploy" }, { token: "user" });
    assert.equal(slack.emulator.calls[0].token, "xoxp-demo-user-token");
  });
});

Deno.test("collect() follows next_cursor to the last page", async () => {
  await withSlack(async (slack, client) => {
    const channels = await client.collect<SlackChannel>("conversations.list", "channels", {}, {
      pageSize: 2,
    });
    const pages = slack.emulator.calls.filter((c) => c.method === "conversations.list").length;
    assert.ok(pages >= 3, `walked ${pages} pages`);
    assert.equal(new Set(channels.map((c) => c.id)).size, channels.length);
  });
});

Deno.test("collect() stops at max items", async () => {
  await withSlack(async (_slack, client) => {
    const users = await client.collect("users.list", "members", {}, { pageSize: 2, max: 3 });
    assert.equal(users.length, 3);
  });
});

Deno.test("Slack error codes become SlackApiErrors carrying the code and method", async () => {
  await withSlack(async (slack, client) => {
    for (const code of ["channel_not_found", "not_in_channel", "some_new_error"]) {
      slack.emulator.failNext("conversations.info", { error: code });
      const error = await slackError(client.call("conversations.info", { channel: "C0GENERAL" }));
      assert.equal(error.code, code);
      assert.equal(error.method, "conversations.info");
    }
  });
});

Deno.test("missing_scope keeps the scope Slack says is needed", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("users.list", {
      error: "missing_scope",
      extra: { needed: "users:read", provided: "chat:write" },
    });
    const error = await slackError(client.call("users.list"));
    assert.equal(error.needed, "users:read");
  });
});

Deno.test("a 429 is retried after Retry-After seconds", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("users.list", { status: 429, retryAfter: 1 });
    const started = performance.now();
    await client.call("users.list");
    assert.ok(performance.now() - started >= 950);
    assert.equal(slack.emulator.calls.length, 2);
  });
});

Deno.test("a Retry-After longer than the longest wait fails at once with the wait", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("users.list", { status: 429, retryAfter: 120 });
    const error = await slackError(client.call("users.list"));
    assert.equal(error.code, "ratelimited");
    assert.equal(error.retryAfterSeconds, 120);
    assert.equal(error.budget, "slack");
  }, { maxRetryWaitMs: 5_000 });
});

Deno.test("a hung request times out with request_timeout", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("users.list", { delayMs: 5_000 });
    const started = performance.now();
    const error = await slackError(client.call("users.list"));
    assert.equal(error.code, "request_timeout");
    assert.ok(performance.now() - started < 2_000);
  }, { timeoutMs: 200 });
});

Deno.test("without a token the call fails before any request", async () => {
  const client = createSlackClient({ apiUrl: "http://127.0.0.1:9/" });
  const error = await slackError(client.call("auth.test"));
  assert.equal(error.code, "not_authed");
});

Deno.test("an unreachable Slack is retried, then reported as service_unavailable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const client = createSlackClient({
    apiUrl: `http://127.0.0.1:${port}/api/`,
    botToken: "xoxb-x",
    maxRetries: 1,
  });
  const error = await slackError(client.call("auth.test"));
  assert.equal(error.code, "service_unavailable");
});

Deno.test("a read that gets a JSON 500 internal_error is retried once and then succeeds", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("conversations.info", { status: 500, error: "internal_error" });
    const info = await client.call<SlackResponse & { channel: SlackChannel }>(
      "conversations.info",
      { channel: "C0GENERAL" },
    );
    assert.equal(info.channel.id, "C0GENERAL");
    assert.equal(slack.emulator.calls.filter((c) => c.method === "conversations.info").length, 2);
  });
});

Deno.test("a read failing twice with fatal_error fails after one retry", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("users.list", { error: "fatal_error", times: 2 });
    const error = await slackError(client.call("users.list"));
    assert.equal(error.code, "fatal_error");
    assert.equal(slack.emulator.calls.filter((c) => c.method === "users.list").length, 2);
  });
});

Deno.test("a write that gets a transient failure is not retried: it may have happened", async () => {
  await withSlack(async (slack, client) => {
    slack.emulator.failNext("chat.postMessage", { status: 500, error: "internal_error" });
    const error = await slackError(
      client.call("chat.postMessage", { channel: "C0GENERAL", text: "once" }, { json: true }),
    );
    assert.equal(error.code, "internal_error");
    assert.equal(slack.emulator.calls.filter((c) => c.method === "chat.postMessage").length, 1);
  });
});

Deno.test("the app token is used for apps.connections.open", async () => {
  const slack = await serveEmulator({ workspace: createSeedWorkspace({ now }) });
  try {
    const client = createSlackClient({ apiUrl: slack.url, appToken: "xapp-demo-app-token" });
    const body = await client.call<SlackResponse & { url: string }>("apps.connections.open", {}, {
      token: "app",
    });
    assert.match(body.url, /^wss?:\/\//);
    assert.equal(slack.emulator.calls.at(-1)?.token, "xapp-demo-app-token");
  } finally {
    await slack.close();
  }
});
