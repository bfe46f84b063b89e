import assert from "node:assert/strict";
import { describeBudgetStop, describeSlackError, toProtocolError, userMessage } from "./errors.ts";
import { NotFoundError, SlackApiError } from "../slack/errors.ts";
import { ToolError } from "./tool.ts";

Deno.test("describeSlackError() adds a hint that names the tool or setting that helps", () => {
  const cases: [string, RegExp][] = [
    ["channel_not_found", /slack_list_channels/],
    ["not_in_channel", /\/invite/],
    ["invalid_auth", /SLACK_BOT_TOKEN/],
    ["not_allowed_token_type", /SLACK_USER_TOKEN/],
    ["internal_error", /retrying in a few seconds can help/],
    ["some_new_error", /Slack's documentation/],
  ];
  for (const [code, hint] of cases) {
    const message = describeSlackError(new SlackApiError("conversations.info", code));
    assert.ok(message.startsWith(`Slack conversations.info failed: ${code}. `), message);
    assert.match(message, hint);
  }
});

Deno.test("describeSlackError() names the missing scope", () => {
  const error = new SlackApiError("users.list", "missing_scope", { needed: "users:read" });
  assert.match(describeSlackError(error), /lacks the users:read scope/);
});

Deno.test("describeSlackError() tells Slack's limit from our own budget, naming the setting", () => {
  const slack = new SlackApiError("users.list", "ratelimited", { retryAfterSeconds: 120 });
  assert.match(describeSlackError(slack), /Slack is rate limiting users.list: retry in 120 s/);
  const ours = new SlackApiError("conversations.replies", "ratelimited", {
    retryAfterSeconds: 36,
    budget: "ours",
  });
  const message = describeSlackError(ours);
  assert.match(message, /This server's own budget for conversations.replies/);
  assert.match(message, /retry in 36 s/);
  assert.match(message, /SLACK_METHOD_LIMITS/);
  assert.doesNotMatch(message, /Slack is rate limiting/);
});

Deno.test("describeBudgetStop() says whose budget, when to retry, and which setting changes ours", () => {
  const stop = {
    method: "conversations.history",
    budget: "ours" as const,
    retryAfterSeconds: 42,
    perMinute: 1,
  };
  const tier = describeBudgetStop(stop, { then: "to read more", calls: 3 });
  assert.equal(
    tier,
    "This server's own budget for conversations.history (1 call a minute) is spent: retry in 42 s to read more; the rest needs at least 3 calls, about 3 min of budget. It is Slack's published tier; SLACK_METHOD_LIMITS raises it if your app has a higher limit.",
  );
  assert.match(
    describeBudgetStop({ ...stop, setting: "SLACK_METHOD_LIMITS" }),
    /is spent: retry in 42 s\. SLACK_METHOD_LIMITS sets it: raise it there/,
  );
  assert.match(
    describeBudgetStop({ ...stop, setting: "SLACK_RATE_PRESET=2025-non-marketplace" }),
    /SLACK_RATE_PRESET=2025-non-marketplace sets it; SLACK_METHOD_LIMITS overrides that/,
  );
  assert.equal(
    describeBudgetStop({ method: "users.list", budget: "slack", retryAfterSeconds: 60 }),
    "Slack is rate limiting users.list: retry in 60 s.",
  );
  // A whole call refused by our budget never reads as Slack's failure.
  const refused = new SlackApiError("conversations.history", "ratelimited", {
    ...stop,
    setting: "SLACK_METHOD_LIMITS",
  });
  assert.match(describeSlackError(refused), /^This server's own budget for conversations\.history/);
});

Deno.test("userMessage() renders caller mistakes and lookups, and nothing for a bug", () => {
  assert.equal(userMessage(new ToolError("bad days")), "bad days");
  assert.match(userMessage(new NotFoundError("channel", "#nope"))!, /#nope.*slack_list_channels/);
  assert.match(userMessage(new NotFoundError("user", "@nobody"))!, /@nobody.*slack_find_users/);
  assert.equal(userMessage(new TypeError("x is undefined")), undefined);
});

Deno.test("toProtocolError() hides a bug's details and keeps a Slack hint", () => {
  const bug = toProtocolError("Reading slack://x", new TypeError("secret internals"));
  assert.equal(bug.code, -32603);
  assert.doesNotMatch(bug.message, /secret internals/);
  const slack = toProtocolError(
    "Reading",
    new SlackApiError("conversations.history", "not_in_channel"),
  );
  assert.match(slack.message, /\/invite/);
  assert.equal(toProtocolError("Rendering", new ToolError("days must be…")).code, -32602);
});
