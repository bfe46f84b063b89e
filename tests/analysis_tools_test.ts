import assert from "node:assert/strict";
import { call, seedNow, startStack, textOf } from "./harness.ts";
import type { WorkspaceMessage } from "../src/slack_emulator/workspace.ts";

const latest = Math.floor(seedNow / 1000);
const oldest = latest - 7 * 86_400;

/** A hand count over the emulator's own data, written independently of src/analysis. */
function handCount(messages: WorkspaceMessage[], threads: Map<string, WorkspaceMessage[]>) {
  const inRange = (m: WorkspaceMessage) => Number(m.ts) >= oldest && Number(m.ts) <= latest;
  const isHuman = (m: WorkspaceMessage) =>
    m.user !== undefined && !m.bot_id &&
    (m.subtype === undefined || m.subtype === "thread_broadcast");
  const topLevel = messages.filter((m) =>
    inRange(m) && isHuman(m) && m.subtype !== "thread_broadcast"
  );
  const replies = [...threads.values()].flat().filter((m) => inRange(m) && isHuman(m));
  const human = [...topLevel, ...replies];
  const threadCount = topLevel.filter((m) => (threads.get(m.ts) ?? []).some(isHuman)).length;
  const reactions = human.reduce(
    (sum, m) => sum + (m.reactions ?? []).reduce((s, r) => s + r.count, 0),
    0,
  );
  const byUser = new Map<string, number>();
  for (const m of human) byUser.set(m.user!, (byUser.get(m.user!) ?? 0) + 1);
  return { topLevel: topLevel.length, replies: replies.length, threadCount, reactions, byUser };
}

Deno.test("slack_analyze_conversation matches a hand count of the seeded channel", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const channel = stack.emulator.workspace.channels.find((c) =>
    c.conversation.name === "engineering"
  )!;
  const expected = handCount(channel.messages, channel.threads);
  const result = await call(client, "slack_analyze_conversation", {
    channel_id: "#engineering",
    oldest,
    latest,
  });
  assert.equal(result.isError, undefined, textOf(result));
  const m = result.structuredContent!;
  assert.equal(m.channel_id, "C0ENGINRG");
  assert.equal(m.volume.human, expected.topLevel + expected.replies);
  assert.equal(m.volume.human_replies, expected.replies);
  assert.equal(m.threads.count, expected.threadCount);
  assert.equal(m.reactions.total, expected.reactions);
  assert.equal(m.truncated, false);
  const per_dayTotal = m.volume.per_day.reduce(
    (s: number, d: { messages: number }) => s + d.messages,
    0,
  );
  assert.equal(per_dayTotal, m.volume.human);
  assert.equal(m.volume.per_hour.reduce((s: number, n: number) => s + n, 0), m.volume.human);
  const top = m.participants[0];
  assert.equal(top.messages, Math.max(...expected.byUser.values()));
  assert.ok(top.name !== top.id, "participant names are resolved");
  assert.match(m.top_messages[0].permalink, /^https:\/\/.*\/archives\/C0ENGINRG\/p\d+$/);
  assert.match(textOf(result), new RegExp(`Messages: ${m.volume.total}: ${m.volume.human} human`));
});

Deno.test("slack_analyze_conversation reports progress when the client asks for it", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const progress: number[] = [];
  await client.callTool(
    { name: "slack_analyze_conversation", arguments: { channel_id: "general", oldest, latest } },
    { onprogress: (p) => progress.push(p.progress) },
  );
  assert.ok(progress.length >= 2, `got ${progress.length} progress notifications`);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
});

Deno.test("slack_analyze_conversation refuses a range that ends before it starts", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const result = await call(client, "slack_analyze_conversation", {
    channel_id: "general",
    oldest: "2026-11-20T00:00:00Z",
    latest: "2026-11-19T00:00:00Z",
  });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /oldest must be before latest/);
});

Deno.test("slack_analyze_workspace ranks the bot's channels by human messages", async () => {
  await using stack = await startStack({ now: seedNow });
  const client = await stack.connect();
  const result = await call(client, "slack_analyze_workspace", { days: 7 });
  assert.equal(result.isError, undefined, textOf(result));
  const ranking = result.structuredContent!.by_activity;
  const counts = ranking.map((c: { human_messages: number }) => c.human_messages);
  assert.deepEqual(counts, [...counts].sort((a: number, b: number) => b - a));
  const names = ranking.map((c: { name: string }) => c.name);
  assert.ok(!names.includes("support"), "the bot cannot read #support");
  assert.ok(names.includes("engineering"));
});

Deno.test("prompts are listed, rendered with channel data, and channel names complete", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const { prompts } = await client.listPrompts();
  assert.deepEqual(prompts.map((p) => p.name).sort(), [
    "catch_up",
    "engagement_report",
    "summarize_channel",
  ]);
  const prompt = await client.getPrompt({
    name: "summarize_channel",
    arguments: { channel: "design" },
  });
  const text = (prompt.messages[0].content as { text: string }).text;
  assert.match(text, /Summarize the last 7 days of design\./);
  assert.match(text, /C0DESIGN0/);
  const completion = await client.complete({
    ref: { type: "ref/prompt", name: "summarize_channel" },
    argument: { name: "channel", value: "eng" },
  });
  assert.deepEqual(completion.completion.values, ["engineering"]);
  await assert.rejects(
    client.getPrompt({ name: "summarize_channel", arguments: {} }),
    /Missing argument channel for summarize_channel/,
  );
});

Deno.test("only the analysis tools declare the MCP Apps view, and its resource reads as the app's HTML", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const { tools } = await client.listTools();
  const withView = tools.filter((t) => t._meta?.ui).map((t) => t.name).sort();
  assert.deepEqual(withView, ["slack_analyze_conversation", "slack_analyze_workspace"]);
  const uri = (tools.find((t) => t.name === "slack_analyze_workspace")!._meta!.ui as {
    resourceUri: string;
  }).resourceUri;
  const { contents: [view] } = await client.readResource({ uri });
  assert.equal(view.mimeType, "text/html;profile=mcp-app");
  assert.match((view as { text: string }).text, /^<!doctype html>/);
});

Deno.test("chart: true adds a small SVG image of the activity; without it the result is text and data only", async () => {
  await using stack = await startStack();
  const client = await stack.connect();
  const plain = await call(client, "slack_analyze_conversation", {
    channel_id: "#engineering",
    oldest,
    latest,
  });
  assert.deepEqual(plain.content.map((c) => c.type), ["text"]);
  const charted = await call(client, "slack_analyze_conversation", {
    channel_id: "#engineering",
    oldest,
    latest,
    chart: true,
  });
  const image = charted.content.find((c) => c.type === "image") as
    | { data: string; mimeType: string }
    | undefined;
  assert.equal(image?.mimeType, "image/svg+xml");
  const svg = atob(image!.data);
  assert.ok(svg.length <= 60 * 1024, `${svg.length} bytes`);
  assert.match(svg, /^<svg[\s>]/);
  assert.deepEqual(charted.structuredContent, plain.structuredContent);
  assert.ok(plain.structuredContent!.participant_count > 0);
  const workspace = await call(client, "slack_analyze_workspace", { chart: true });
  assert.ok(workspace.content.some((c) => c.type === "image"));
});
