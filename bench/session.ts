/**
 * What an agent session costs Slack, and what a history read costs the
 * model's context, both against the demo emulator in-process (the test
 * harness's stack): the emulator logs every Slack Web API call.
 * @module
 */
import { call, demoTokens, startStack } from "../tests/harness.ts";

/** Slack calls of one method: how many were made, and for how many distinct resources. */
export interface MethodCalls {
  calls: number;
  distinct: number;
}

/** Results of {@link benchAgentSession}. */
export interface SessionResults {
  toolCalls: number;
  channels: number;
  threads: number;
  authors: number;
  /** Per Slack method. */
  slack: Record<string, MethodCalls>;
  /** True when no resource was fetched twice (everything else came from the cache). */
  oncePerResource: boolean;
}

/** Parameters naming a resource: everything but the token. */
function resourceKey(params: Record<string, unknown>): string {
  return JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A scripted agent: lists channels, reads the history of the first 5 the bot
 * is in (100 messages each) twice, reads every thread in them, then looks up
 * every author's profile. One tool call at a time, as an agent does.
 */
export async function benchAgentSession(): Promise<SessionResults> {
  await using stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: "100000" } });
  const client = await stack.connect();
  stack.emulator.resetCalls();
  let toolCalls = 0;
  const tool = async (name: string, args: Record<string, unknown> = {}) => {
    toolCalls++;
    const result = await call(client, name, args);
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent!;
  };

  const { channels } = await tool("slack_list_channels");
  type Row = [string, string, string, string, { replies?: number }?];
  const picked = (channels as { id: string; is_member?: boolean }[])
    .filter((c) => c.is_member !== false).slice(0, 5).map((c) => c.id);
  const threads: [string, string][] = [];
  const authors = new Set<string>();
  const rowsOf = (result: Record<string, unknown>) =>
    (result.days as { messages: Row[] }[]).flatMap((day) => day.messages);
  const ids = (result: Record<string, unknown>) => Object.keys(result.users as object);
  for (let pass = 0; pass < 2; pass++) {
    for (const channel_id of picked) {
      const history = await tool("slack_get_channel_history", { channel_id, limit: 100 });
      if (pass > 0) continue;
      for (const id of ids(history)) if (id.startsWith("U")) authors.add(id);
      for (const [ts, , , , details] of rowsOf(history)) {
        if (details?.replies) threads.push([channel_id, ts]);
      }
    }
  }
  for (const [channel_id, thread_ts] of threads) {
    const thread = await tool("slack_get_thread_replies", { channel_id, thread_ts });
    for (const id of ids(thread)) if (id.startsWith("U")) authors.add(id);
  }
  for (const user_id of authors) await tool("slack_get_user_profile", { user_id });

  const byMethod = new Map<string, string[]>();
  for (const { method, params } of stack.emulator.calls) {
    byMethod.set(method, [...byMethod.get(method) ?? [], resourceKey(params)]);
  }
  const slack = Object.fromEntries(
    [...byMethod].map(([method, keys]) => [method, {
      calls: keys.length,
      distinct: new Set(keys).size,
    }]),
  );
  return {
    toolCalls,
    channels: picked.length,
    threads: threads.length,
    authors: authors.size,
    slack,
    oncePerResource: Object.values(slack).every((m) => m.calls === m.distinct),
  };
}

/** Results of {@link benchOutputSize}, in UTF-8 bytes. */
export interface OutputSizeResults {
  messages: number;
  /** Messages of the channel posted for the benchmark (the seed has fewer than 100). */
  posted: number;
  rawSlackBytes: number;
  /** The raw JSON with what real Slack adds to user messages (see {@link slackShaped}). */
  slackShapedBytes: number;
  textBytes: number;
  structuredBytes: number;
  /** The whole `CallToolResult` (text and structured together), as sent. */
  resultBytes: number;
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/**
 * A user's message as Slack's real API returns it, which the emulator trims:
 * with its `client_msg_id` and the `rich_text` `blocks` repeating its text. An
 * estimate of the real payload, for context (bot messages are left as they are).
 */
function slackShaped(message: Record<string, unknown>): Record<string, unknown> {
  if (typeof message.user !== "string" || message.bot_id) return message;
  const section = { type: "rich_text_section", elements: [{ type: "text", text: message.text }] };
  return {
    client_msg_id: crypto.randomUUID(),
    ...message,
    blocks: [{ type: "rich_text", block_id: "bench", elements: [section] }],
  };
}

/**
 * `slack_get_channel_history` for 100 messages of #engineering vs the raw
 * `conversations.history` JSON Slack (the emulator) returns for them. The
 * seed's messages are topped up to 100 by their own authors re-posting their
 * lines through the emulator's `chat.postMessage`.
 */
export async function benchOutputSize(): Promise<OutputSizeResults> {
  const count = 100;
  await using stack = await startStack();
  const { workspace } = stack.emulator;
  const channel = workspace.channels.find((c) => c.conversation.name === "engineering")!;
  const id = channel.conversation.id;
  const originals = channel.messages.filter((m) => m.user && !m.subtype);
  let posted = 0;
  while (channel.messages.length < count) {
    const { user, text } = originals[posted++ % originals.length];
    stack.emulator.actAs(user!, "chat.postMessage", { channel: id, text });
  }

  const raw = await fetch(
    `${stack.server.services.config.slack.apiUrl}conversations.history?channel=${id}&limit=${count}`,
    { headers: { authorization: `Bearer ${demoTokens.bot}` } },
  );
  const rawText = await raw.text();
  const rawJson = JSON.parse(rawText) as { messages: Record<string, unknown>[] };
  const rawMessages = rawJson.messages.length;
  const client = await stack.connect();
  const result = await call(client, "slack_get_channel_history", { channel_id: id, limit: count });
  const messages = (result.structuredContent!.days as { messages: unknown[] }[])
    .flatMap((day) => day.messages).length;
  if (messages !== count || rawMessages !== count) {
    throw new Error(`Expected ${count} messages, got ${messages} (raw ${rawMessages})`);
  }
  return {
    messages,
    posted,
    rawSlackBytes: utf8Length(rawText),
    slackShapedBytes: utf8Length(
      JSON.stringify({ ...rawJson, messages: rawJson.messages.map(slackShaped) }),
    ),
    textBytes: utf8Length(result.content.map((c) => (c.type === "text" ? c.text : "")).join("")),
    structuredBytes: utf8Length(JSON.stringify(result.structuredContent)),
    resultBytes: utf8Length(JSON.stringify(result)),
  };
}
