/**
 * What the model sees: a scripted agent session against the embedded
 * emulator, measured in o200k tokens (`gpt-tokenizer`, the GPT-4o/o-series
 * encoding) and UTF-8 bytes for both halves of each tool result — the text
 * (what Claude Desktop and Cursor hand the model) and
 * `JSON.stringify(structuredContent)` (what Claude Code, VS Code and Codex
 * hand it) — next to the raw Slack Web API JSON of the same data, fetched
 * from the same emulator in the same run (what a server passing Slack's
 * answers through would return). It also counts the Slack calls the server
 * made against the distinct resources it read.
 *
 * The emulator trims messages: real Slack adds a `client_msg_id` and `blocks`
 * (the text again, as rich text) to every message a person posts. The
 * targets are set against the emulator's JSON; a second baseline with those
 * fields added, as Slack sends them, is reported for context.
 *
 * The session: list channels; read the history of 5 channels (100 messages
 * each) twice, by `#name` and then by ID; read every thread of #general;
 * read the profile of every author seen. The seed has fewer than 100
 * messages per channel, so a bench-only top-up reposts each channel's own
 * messages (with their reactions and thread replies, by the same people)
 * through the emulator until it has 100, spread over the two days before
 * now.
 *
 * Usage: `deno run -A bench/tokens.ts` (or `deno task bench tokens`).
 * @module
 */
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { call, demoTokens, startStack } from "../tests/harness.ts";
import { type Emulator, type EmulatorCall, serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import type { WorkspaceChannel } from "../src/slack_emulator/workspace.ts";
import type { Row } from "./run.ts";

/** Tokens and bytes of one piece of output. */
export interface Size {
  tokens: number;
  bytes: number;
}

/** What one tool cost over the session: both halves of its results and the raw baseline. */
export interface ToolCost {
  calls: number;
  text: Size;
  structured: Size;
  /** The raw Slack JSON of the same calls (what a pass-through server returns). */
  raw: Size;
  /** {@link ToolCost.raw} with what real Slack adds to people's messages (`client_msg_id`, `blocks`). */
  rawSlackShaped: Size;
}

/** Slack calls of one method. */
export interface SlackCalls {
  calls: number;
  /** Distinct resources: method and parameters, leaving out the token and the page size. */
  distinct: number;
}

/** Results of {@link benchTokens}. */
export interface TokenResults {
  session: string;
  channels: number;
  messagesPerChannel: number;
  /** Messages the top-up posted, in all five channels. */
  postedForBench: number;
  threads: number;
  authors: number;
  toolCalls: number;
  perTool: Record<string, ToolCost>;
  total: ToolCost;
  slack: Record<string, SlackCalls>;
  slackCalls: number;
  distinctResources: number;
}

const messagesPerChannel = 100;
const channelCount = 5;
const encoder = new TextEncoder();

function sizeOf(text: string): Size {
  return { tokens: countTokens(text), bytes: encoder.encode(text).length };
}

function add(a: Size, b: Size): Size {
  return { tokens: a.tokens + b.tokens, bytes: a.bytes + b.bytes };
}

const zero = (): ToolCost => ({
  calls: 0,
  text: { tokens: 0, bytes: 0 },
  structured: { tokens: 0, bytes: 0 },
  raw: { tokens: 0, bytes: 0 },
  rawSlackShaped: { tokens: 0, bytes: 0 },
});

/** A UUID-shaped ID derived from `seed`, so every run measures the same bytes. */
function fakeUuid(seed: string): string {
  const hex = [...seed].map((c) => c.charCodeAt(0).toString(16)).join("").padEnd(32, "a");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20, 32)
  }`;
}

/**
 * A response as real Slack sends it: each message a person posted also has
 * its `client_msg_id` and the `rich_text` `blocks` repeating its text.
 */
function slackShaped(rawText: string): string {
  const body = JSON.parse(rawText) as { messages?: Record<string, unknown>[] };
  if (!body.messages) return rawText;
  const messages = body.messages.map((m) => {
    if (typeof m.user !== "string" || m.bot_id || m.subtype) return m;
    const section = { type: "rich_text_section", elements: [{ type: "text", text: m.text }] };
    return {
      client_msg_id: fakeUuid(String(m.ts)),
      ...m,
      blocks: [{ type: "rich_text", block_id: String(m.ts).slice(-5), elements: [section] }],
    };
  });
  return JSON.stringify({ ...body, messages });
}

/**
 * Tops a channel up to `count` top-level messages: its own human messages
 * posted again by their authors, with the same reactions and thread replies,
 * one every `stepMs` of the emulator's clock.
 */
function topUp(
  emulator: Emulator,
  channel: WorkspaceChannel,
  count: number,
  clock: { ms: number; stepMs: number },
): number {
  const id = channel.conversation.id;
  const originals = channel.messages.filter((m) => m.user && !m.subtype);
  let posted = 0;
  for (let i = 0; channel.messages.length < count && originals.length > 0; i++) {
    const original = originals[i % originals.length];
    clock.ms += clock.stepMs;
    const body = emulator.actAs(original.user!, "chat.postMessage", {
      channel: id,
      text: original.text,
    });
    if (!body.ok) throw new Error(`Bench top-up in ${id} failed: ${body.error}`);
    posted++;
    const ts = String(body.ts);
    for (const reaction of original.reactions ?? []) {
      for (const user of reaction.users) {
        emulator.actAs(user, "reactions.add", { channel: id, timestamp: ts, name: reaction.name });
      }
    }
    for (const reply of channel.threads.get(original.ts) ?? []) {
      if (!reply.user || reply.ts === original.ts) continue;
      clock.ms += 60_000;
      emulator.actAs(reply.user, "chat.postMessage", {
        channel: id,
        text: reply.text,
        thread_ts: ts,
      });
    }
  }
  return posted;
}

/** A call's resource: its method and parameters without the token and page size. */
function resourceOf({ method, params }: EmulatorCall): string {
  const { limit: _limit, ...rest } = params;
  const sorted = Object.entries(rest).map(([k, v]) => [k, String(v)]).sort(([a], [b]) =>
    a.localeCompare(b)
  );
  return `${method} ${JSON.stringify(sorted)}`;
}

/** The raw Web API call a pass-through server makes for a tool call. */
function rawRequest(
  name: string,
  args: Record<string, string | number>,
): [string, Record<string, string | number>] {
  switch (name) {
    case "slack_list_channels":
      return ["conversations.list", {
        types: "public_channel,private_channel",
        exclude_archived: "true",
        limit: 100,
      }];
    case "slack_get_channel_history":
      return ["conversations.history", { channel: args.channel_id, limit: args.limit }];
    case "slack_get_thread_replies":
      return ["conversations.replies", { channel: args.channel_id, ts: args.thread_ts }];
    case "slack_get_user_profile":
      return ["users.info", { user: args.user_id }];
  }
  throw new Error(`No raw baseline for ${name}`);
}

/** The emulator the session runs against: the seed, its first 5 channels topped up to 100 messages. */
export async function benchEmulator() {
  // The seed's week ends at noon UTC three days ago and the top-up fills the two days after it:
  // the same day boundaries, so the same day groups, whenever the bench runs.
  const day = 86_400_000;
  const clock = { ms: Math.floor(Date.now() / day) * day - 3 * day + day / 2, stepMs: 0 };
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: clock.ms }),
    now: () => clock.ms,
  });
  const { workspace } = served.emulator;
  const picked = workspace.channels.filter((c) =>
    !c.conversation.is_archived && c.members.includes(workspace.app.botUserId)
  ).slice(0, channelCount);
  const missing = picked.reduce(
    (sum, c) => sum + Math.max(0, messagesPerChannel - c.messages.length),
    0,
  );
  clock.stepMs = Math.floor(2 * day / Math.max(missing, 1));
  let posted = 0;
  for (const channel of picked) {
    posted += topUp(served.emulator, channel, messagesPerChannel, clock);
  }
  clock.ms = Date.now();
  return { served, clock, picked, posted };
}

/**
 * Runs the session and measures it.
 *
 * @example
 * ```ts
 * const { total } = await benchTokens();
 * console.log(total.structured.tokens / total.raw.tokens);
 * ```
 */
export async function benchTokens(): Promise<TokenResults> {
  const { served, clock, picked, posted: postedForBench } = await benchEmulator();
  const { emulator } = served;
  const stack = await startStack({
    emulatorUrl: served.url,
    env: { RATE_LIMIT_PER_MINUTE: "100000" },
  });
  try {
    clock.ms = Date.now();
    const client = await stack.connect();
    emulator.resetCalls();
    const perTool: Record<string, ToolCost> = {};
    const serverCalls: EmulatorCall[] = [];
    let toolCalls = 0;

    const raw = async (name: string, args: Record<string, string | number>) => {
      const [method, params] = rawRequest(name, args);
      const body = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
      const response = await emulator.handler(
        new Request(`${served.url}${method}`, {
          method: "POST",
          headers: { authorization: `Bearer ${demoTokens.bot}` },
          body,
        }),
      );
      return await response.text();
    };

    /** One tool call: its result's two halves, and the raw JSON of the same call. */
    const tool = async (
      name: string,
      args: Record<string, string | number> = {},
      rawArgs: Record<string, string | number> = args,
    ) => {
      toolCalls++;
      const before = emulator.calls.length;
      const result = await call(client, name, args);
      serverCalls.push(...emulator.calls.slice(before));
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      const rawText = await raw(name, rawArgs);
      const cost = perTool[name] ??= zero();
      cost.calls++;
      const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
      cost.text = add(cost.text, sizeOf(text));
      cost.structured = add(cost.structured, sizeOf(JSON.stringify(result.structuredContent)));
      cost.raw = add(cost.raw, sizeOf(rawText));
      cost.rawSlackShaped = add(cost.rawSlackShaped, sizeOf(slackShaped(rawText)));
      return JSON.parse(rawText) as Record<string, unknown>;
    };

    type RawMessage = { user?: string; ts: string; reply_count?: number };
    const authors = new Set<string>();
    const noteAuthors = (messages: RawMessage[]) => {
      for (const m of messages) if (m.user && /^[UW]/.test(m.user)) authors.add(m.user);
    };

    await tool("slack_list_channels");
    const general = picked.find((c) => c.conversation.is_general) ?? picked[0];
    const threads: string[] = [];
    for (let pass = 0; pass < 2; pass++) {
      for (const channel of picked) {
        // By name first, as an agent starts, then by the IDs the first answers gave.
        const id = channel.conversation.id;
        const body = await tool("slack_get_channel_history", {
          channel_id: pass === 0 ? `#${channel.conversation.name}` : id,
          limit: messagesPerChannel,
        }, { channel_id: id, limit: messagesPerChannel });
        if (pass > 0) continue;
        const messages = body.messages as RawMessage[];
        noteAuthors(messages);
        if (channel === general) {
          threads.push(...messages.filter((m) => m.reply_count).map((m) => m.ts));
        }
      }
    }
    for (const thread_ts of threads) {
      const body = await tool("slack_get_thread_replies", {
        channel_id: general.conversation.id,
        thread_ts,
      });
      noteAuthors(body.messages as RawMessage[]);
    }
    for (const user_id of authors) await tool("slack_get_user_profile", { user_id });

    const byMethod = new Map<string, string[]>();
    for (const c of serverCalls) {
      byMethod.set(c.method, [...byMethod.get(c.method) ?? [], resourceOf(c)]);
    }
    const slack = Object.fromEntries(
      [...byMethod].map(([method, keys]) => [method, {
        calls: keys.length,
        distinct: new Set(keys).size,
      }]),
    );
    const total = Object.values(perTool).reduce((sum, cost) => ({
      calls: sum.calls + cost.calls,
      text: add(sum.text, cost.text),
      structured: add(sum.structured, cost.structured),
      raw: add(sum.raw, cost.raw),
      rawSlackShaped: add(sum.rawSlackShaped, cost.rawSlackShaped),
    }), zero());
    return {
      session:
        `list channels; ${channelCount} histories × ${messagesPerChannel} messages, each read twice; ${threads.length} threads of #${general.conversation.name}; ${authors.size} author profiles`,
      channels: picked.length,
      messagesPerChannel,
      postedForBench,
      threads: threads.length,
      authors: authors.size,
      toolCalls,
      perTool,
      total,
      slack,
      slackCalls: serverCalls.length,
      distinctResources: Object.values(slack).reduce((sum, m) => sum + m.distinct, 0),
    };
  } finally {
    await stack.close();
    await served.close();
  }
}

const ratioOf = (value: number, baseline: number) => Math.round(value / baseline * 1000) / 1000;

/**
 * The figures as rows of `bench/run.ts`'s table: both halves per tool next to
 * the raw JSON, then the session against its targets.
 */
export function tokenRows(results: TokenResults): Row[] {
  const versus = (benchmark: string, metric: string, value: number, baseline: number): Row => ({
    benchmark,
    metric,
    value,
    baseline,
    ratio: ratioOf(value, baseline),
  });
  const perTool = Object.entries(results.perTool).flatMap(([tool, c]) => {
    const benchmark = `what the model sees: ${tool} ×${c.calls}`;
    return [
      versus(benchmark, "text tokens", c.text.tokens, c.raw.tokens),
      versus(benchmark, "structuredContent tokens", c.structured.tokens, c.raw.tokens),
    ];
  });
  const benchmark = `what the model sees: agent session, ${results.toolCalls} tool calls`;
  const limited = (metric: string, value: number, baseline: number): Row => {
    const row = versus(benchmark, metric, value, baseline);
    return { ...row, target: "≤ 40 % of raw Slack JSON", met: row.ratio! <= 0.4 };
  };
  const { text, structured, raw, rawSlackShaped } = results.total;
  const shaped = "vs raw as Slack sends it (+ blocks, client_msg_id)";
  return [
    ...perTool,
    limited("text tokens (o200k)", text.tokens, raw.tokens),
    limited("structuredContent tokens (o200k)", structured.tokens, raw.tokens),
    versus(benchmark, "text bytes", text.bytes, raw.bytes),
    versus(benchmark, "structuredContent bytes", structured.bytes, raw.bytes),
    versus(benchmark, `text tokens ${shaped}`, text.tokens, rawSlackShaped.tokens),
    versus(
      benchmark,
      `structuredContent tokens ${shaped}`,
      structured.tokens,
      rawSlackShaped.tokens,
    ),
    {
      benchmark,
      metric: "Slack calls",
      value: results.slackCalls,
      baseline: results.distinctResources,
      target: "= distinct resources",
      met: results.slackCalls === results.distinctResources,
    },
  ];
}

/** A share as a percentage with one decimal. */
export function percent(part: number, whole: number): number {
  return Math.round(part / whole * 1000) / 10;
}

/** The figures as a Markdown table, one row per tool and one for the session. */
export function tokenTable(results: TokenResults): string {
  const rows = [...Object.entries(results.perTool), ["session", results.total] as const];
  const lines = [
    "| tool | calls | text tokens | text bytes | structured tokens | structured bytes | raw tokens | raw bytes | text / raw | structured / raw | raw as Slack sends it, tokens |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(([name, c]) =>
      `| ${name} | ${c.calls} | ${c.text.tokens} | ${c.text.bytes} | ${c.structured.tokens} | ${c.structured.bytes} | ${c.raw.tokens} | ${c.raw.bytes} | ${
        percent(c.text.tokens, c.raw.tokens)
      } % | ${percent(c.structured.tokens, c.raw.tokens)} % | ${c.rawSlackShaped.tokens} |`
    ),
  ];
  const calls = Object.entries(results.slack).map(([m, s]) => `${m} ${s.calls}/${s.distinct}`);
  lines.push(
    "",
    `Slack calls: ${results.slackCalls} for ${results.distinctResources} distinct resources (${
      calls.join(", ")
    })`,
  );
  return lines.join("\n");
}

/**
 * Run alone: prints the table and puts this section's figures into
 * `bench/results.json` in place of the previous ones, leaving the rest.
 */
if (import.meta.main) {
  const results = await benchTokens();
  console.log(results.session);
  console.log(tokenTable(results));
  const file = new URL("./results.json", import.meta.url);
  const saved = JSON.parse(await Deno.readTextFile(file)) as {
    rows: Row[];
    details: Record<string, unknown>;
  };
  const ours = (row: Row) => row.benchmark.startsWith("what the model sees:");
  saved.rows = [...saved.rows.filter((row) => !ours(row)), ...tokenRows(results)];
  saved.details.tokens = results;
  await Deno.writeTextFile(file, `${JSON.stringify(saved, null, 2)}\n`);
}
