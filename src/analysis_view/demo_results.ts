/**
 * Real analysis tool results over the emulator's seeded workspace, computed
 * with the analysis functions directly (no MCP, no Slack client), for the
 * view's browser test and its screenshot.
 * @module
 */
import { analyzeConversation, formatConversationSummary } from "../analysis/conversation.ts";
import { formatWorkspaceSummary, rankChannels } from "../analysis/workspace.ts";
import { createSeedWorkspace, DEMO_BOT_USER_ID } from "../slack_emulator/seed.ts";
import { permalink, type Workspace, type WorkspaceChannel } from "../slack_emulator/workspace.ts";

/** The seed's clock: Wednesday 2026-11-25 12:00 UTC, as in the end-to-end tests. */
export const DEMO_NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

/** A tool result as the host receives it: the text summary plus the metrics. */
export interface DemoToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent: Record<string, unknown>;
}

/** Arguments of the analysis tools the demo understands. */
export interface DemoArgs {
  channel_id?: string;
  days?: number;
  timezone?: string;
}

function analyzeSeedChannel(
  workspace: Workspace,
  channel: WorkspaceChannel,
  days: number,
  timezone: string,
) {
  const latest = Math.floor(DEMO_NOW / 1000);
  const names = new Map(workspace.users.map((u) => [u.id, u.profile.display_name || u.real_name]));
  const id = channel.conversation.id;
  return analyzeConversation({
    channelId: id,
    messages: channel.messages,
    replies: channel.threads,
    range: { oldest: latest - days * 86_400, latest },
    timezone,
    userNames: names,
    permalink: (ts) => {
      const message = channel.messages.find((m) => m.ts === ts) ??
        [...channel.threads.values()].flat().find((m) => m.ts === ts);
      return permalink(workspace, id, message ?? { ts });
    },
  });
}

/**
 * `slack_analyze_conversation`'s result for a seeded channel (by name, without `#`).
 *
 * @example
 * ```ts
 * const result = demoConversationResult({ channel_id: "engineering", days: 7 });
 * ```
 */
export function demoConversationResult(args: DemoArgs = {}): DemoToolResult {
  const workspace = createSeedWorkspace({ now: DEMO_NOW });
  const name = (args.channel_id ?? "engineering").replace(/^#/, "");
  const channel = workspace.channels.find((c) =>
    c.conversation.name === name || c.conversation.id === name
  );
  if (!channel) throw new Error(`No seeded channel named "${name}"`);
  const metrics = analyzeSeedChannel(workspace, channel, args.days ?? 7, args.timezone ?? "UTC");
  return {
    content: [{ type: "text", text: formatConversationSummary(metrics) }],
    structuredContent: metrics,
  };
}

/**
 * `slack_analyze_workspace`'s result: the channels the bot is in, largest first.
 *
 * @example
 * ```ts
 * const result = demoWorkspaceResult({ days: 7 });
 * ```
 */
export function demoWorkspaceResult(args: DemoArgs = {}): DemoToolResult {
  const workspace = createSeedWorkspace({ now: DEMO_NOW });
  const readable = workspace.channels
    .filter((c) => c.members.includes(DEMO_BOT_USER_ID) && !c.conversation.is_archived)
    .sort((a, b) => b.members.length - a.members.length);
  const ranking = rankChannels({
    channels: readable.map((channel) => ({
      id: channel.conversation.id,
      name: channel.conversation.name,
      metrics: analyzeSeedChannel(workspace, channel, args.days ?? 7, args.timezone ?? "UTC"),
    })),
  });
  return {
    content: [{ type: "text", text: formatWorkspaceSummary(ranking) }],
    structuredContent: ranking,
  };
}

/** Answers a tool call the view makes through the host, as the server would. */
export function demoToolCall(name: string, args: DemoArgs): DemoToolResult {
  if (name === "slack_analyze_conversation") return demoConversationResult(args);
  if (name === "slack_analyze_workspace") return demoWorkspaceResult(args);
  throw new Error(`Unknown tool ${name}`);
}
