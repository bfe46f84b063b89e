/**
 * Packaging: the Slack app manifest (scopes for every tool, events, request
 * URL), and the command line's `--help` and `--version`.
 */
import assert from "node:assert/strict";
import { botEventScopes, buildManifest } from "../src/manifest.ts";
import { tools } from "../src/mcp/catalog.ts";
import { serverInfo } from "../src/version.ts";
import { runMain } from "./server_process.ts";

Deno.test("every tool declares the Slack methods it calls and the scopes they need", () => {
  for (const tool of tools) {
    assert.ok(tool.slack.methods.length > 0 || tool.name.includes("event"), tool.name);
    assert.ok(tool.slack.bot.length + (tool.slack.user?.length ?? 0) > 0, tool.name);
  }
});

Deno.test("the manifest asks for every scope the tools and events need, and a person's (search, unreads, read cursor) as user scopes", () => {
  const { manifest } = buildManifest({ tools });
  const bot = manifest.oauth_config.scopes.bot;
  for (const tool of tools) {
    for (const scope of tool.slack.bot) {
      assert.ok(bot.includes(scope), `${tool.name}: ${scope}`);
    }
  }
  for (const scope of Object.values(botEventScopes).flat()) assert.ok(bot.includes(scope), scope);
  const user = manifest.oauth_config.scopes.user ?? [];
  for (
    const scope of [
      "search:read",
      // slack_get_unreads reads as the person; slack_mark_read moves their cursor.
      "channels:read",
      "channels:history",
      "im:history",
      "mpim:read",
      "im:write",
      "mpim:write",
    ]
  ) {
    assert.ok(user.includes(scope), scope);
  }
  assert.deepEqual(user, [...new Set(user)].sort(), "sorted, without duplicates");
  assert.deepEqual(manifest.settings.event_subscriptions.bot_events, [
    "message.channels",
    "message.groups",
    "app_mention",
    "reaction_added",
    "reaction_removed",
    "member_joined_channel",
    "channel_created",
  ]);
  assert.deepEqual(bot, [...new Set(bot)].sort(), "sorted, without duplicates");
});

Deno.test("read-only tools need no write scopes", () => {
  const readOnly = tools.filter((t) => t.annotations.readOnlyHint);
  const { manifest } = buildManifest({ tools: readOnly });
  for (const scope of ["chat:write", "reactions:write", "channels:manage", "groups:write"]) {
    assert.ok(!manifest.oauth_config.scopes.bot.includes(scope), scope);
  }
});

Deno.test("the events request URL is PUBLIC_URL plus /slack/events", () => {
  for (
    const [publicUrl, expected] of [
      ["https://mcp.example.com", "https://mcp.example.com/slack/events"],
      ["https://mcp.example.com/", "https://mcp.example.com/slack/events"],
      ["https://example.com/slack-mcp", "https://example.com/slack-mcp/slack/events"],
    ]
  ) {
    const { manifest, notes } = buildManifest({ tools: tools, publicUrl });
    assert.equal(manifest.settings.event_subscriptions.request_url, expected);
    assert.equal(manifest.settings.socket_mode_enabled, false);
    assert.deepEqual(notes, []);
  }
});

Deno.test("without PUBLIC_URL the request URL is left out, with a note saying so", () => {
  const { manifest, notes } = buildManifest({ tools });
  assert.equal("request_url" in manifest.settings.event_subscriptions, false);
  assert.match(notes.join("\n"), /PUBLIC_URL is unset/);
});

Deno.test("Socket Mode enables it and drops the request URL", () => {
  const { manifest } = buildManifest({
    tools: tools,
    publicUrl: "https://mcp.example.com",
    socketMode: true,
  });
  assert.equal(manifest.settings.socket_mode_enabled, true);
  assert.equal("request_url" in manifest.settings.event_subscriptions, false);
});

Deno.test("deno task manifest prints JSON on stdout with the task's own permissions", async () => {
  const withUrl = await runMain(["--manifest"], { PUBLIC_URL: "https://mcp.example.com" });
  assert.equal(withUrl.code, 0, withUrl.stderr);
  assert.equal(withUrl.stderr, "");
  const manifest = JSON.parse(withUrl.stdout);
  assert.equal(
    manifest.settings.event_subscriptions.request_url,
    "https://mcp.example.com/slack/events",
  );
  assert.equal(manifest.display_information.name, "slack-mcp");

  const withoutUrl = await runMain(["--manifest"]);
  assert.equal(withoutUrl.code, 0, withoutUrl.stderr);
  assert.match(withoutUrl.stderr, /PUBLIC_URL is unset/);
  assert.equal(JSON.parse(withoutUrl.stdout).settings.event_subscriptions.request_url, undefined);

  const socket = await runMain(["--manifest", "--socket-mode"]);
  assert.equal(JSON.parse(socket.stdout).settings.socket_mode_enabled, true);
});

Deno.test("--help and --version work with no configuration at all", async () => {
  const help = await runMain(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^slack-mcp \d+\.\d+\.\d+: /);
  for (const name of ["SLACK_BOT_TOKEN", "MCP_AUTH_TOKEN", "LOG_FILE", "--manifest"]) {
    assert.match(help.stdout, new RegExp(name));
  }
  const version = await runMain(["--version"]);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), serverInfo.version);
});

Deno.test("a bad setting exits 2 with one line naming it", async () => {
  const result = await runMain([], {
    SLACK_BOT_TOKEN: "xoxb-test",
    PORT: "eighty",
  });
  assert.equal(result.code, 2);
  assert.equal(result.stderr, "slack-mcp: Invalid PORT: expected a port number from 0 to 65535\n");
});

Deno.test("in multi-user mode the tools' scopes are asked as user scopes and Slack redirects to the callback", () => {
  const { manifest } = buildManifest({
    tools,
    publicUrl: "https://mcp.example.com",
    multiUser: true,
  });
  assert.deepEqual(manifest.oauth_config.redirect_urls, [
    "https://mcp.example.com/oauth/slack/callback",
  ]);
  const user = manifest.oauth_config.scopes.user ?? [];
  for (const scope of ["channels:history", "chat:write", "search:read", "im:history"]) {
    assert.ok(user.includes(scope), scope);
  }
});
