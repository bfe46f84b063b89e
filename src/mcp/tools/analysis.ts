/**
 * Analysis tools: one channel's activity and engagement, and a ranking of the
 * channels the bot can read. Fetching is `conversation_loader.ts`; the metrics
 * are the pure `src/analysis/` modules.
 * @module
 */
import { conversationLookup, messageReading, uses } from "./slack_use.ts";
import { z } from "zod";
import { parseTime } from "../params.ts";
import { defineTool, type ToolContext, type ToolDeps, ToolError } from "../tool.ts";
import {
  analyzeConversation,
  type ConversationMetrics,
  conversationMetricsSchema,
  formatConversationSummary,
} from "../../analysis/conversation.ts";
import {
  formatWorkspaceSummary,
  rankChannels,
  workspaceMetricsSchema,
} from "../../analysis/workspace.ts";
import { loadConversation } from "../../slack/conversation_loader.ts";
import type { SlackResponse } from "../../slack/types.ts";
import { cacheKeys } from "../../store/keys.ts";

const timeParam = z.union([z.number(), z.string()]).optional();
const timezoneParam = z.string().default("UTC").refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "an IANA time zone such as Europe/Paris").describe("IANA time zone for days and hours");
const analysisHints = { readOnlyHint: true, openWorldHint: true, idempotentHint: true } as const;

/** The analysis range: explicit bounds, else the last `days` days. */
function rangeOf(
  args: { days: number; oldest?: number | string; latest?: number | string },
  now: number,
) {
  const latest = args.latest === undefined
    ? Math.floor(now / 1000)
    : parseTime(args.latest, "latest");
  const oldest = args.oldest === undefined
    ? latest - args.days * 86_400
    : parseTime(args.oldest, "oldest");
  if (oldest > latest) throw new ToolError("oldest must be before latest.");
  return { oldest, latest };
}

/** The workspace's base URL (`https://acme.slack.com/`), for permalinks. */
async function workspaceUrl(deps: ToolDeps): Promise<string | undefined> {
  try {
    const { value } = await deps.cache.getOrLoad(
      cacheKeys.authTest,
      () => deps.slack.call<SlackResponse & { url?: string }>("auth.test"),
    );
    return value.url;
  } catch {
    return undefined;
  }
}

/** Loads and analyses one channel; shared by both tools and the prompts. */
export async function analyzeChannel(
  deps: ToolDeps,
  options: {
    channel: string;
    range: { oldest: number; latest: number };
    timezone: string;
    context: Pick<ToolContext, "signal" | "progress">;
  },
): Promise<ConversationMetrics> {
  const { channel, range, context } = options;
  const loaded = await loadConversation(deps, {
    channel,
    ...range,
    signal: context.signal,
    onProgress: (pages, messages) =>
      void context.progress(pages, undefined, `${pages} pages, ${messages} messages`),
  });
  const userIds = new Set<string>();
  for (const message of [...loaded.messages, ...[...loaded.replies.values()].flat()]) {
    if (message.user) userIds.add(message.user);
    for (const reaction of message.reactions ?? []) reaction.users.forEach((u) => userIds.add(u));
  }
  const [userNames, base] = await Promise.all([
    deps.directory.userNames(userIds),
    workspaceUrl(deps),
  ]);
  return analyzeConversation({
    channelId: channel,
    messages: loaded.messages,
    replies: loaded.replies,
    range,
    timezone: options.timezone,
    userNames,
    permalink: base ? (ts) => `${base}archives/${channel}/p${ts.replace(".", "")}` : undefined,
    truncated: loaded.truncated,
  });
}

/** `slack_analyze_conversation`. */
export const analyzeConversationTool = defineTool({
  name: "slack_analyze_conversation",
  title: "Analyze a channel",
  description:
    "Analyze a channel's activity and engagement over a time range (default: the last 7 days): message volume per day and hour, participants ranked with replies and reactions, thread count and reply times, top reactions and the most engaged messages. Reads every message and thread in the range, so long ranges take a while; progress is reported.",
  input: z.object({
    channel_id: z.string().min(1).describe("Channel ID (C…) or name (#general)"),
    days: z.number().int().min(1).max(90).default(7).describe("Days back from latest (max 90)"),
    oldest: timeParam.describe("Range start: unix seconds or ISO 8601 (overrides days)"),
    latest: timeParam.describe("Range end: unix seconds or ISO 8601 (default now)"),
    timezone: timezoneParam,
  }),
  output: conversationMetricsSchema,
  annotations: analysisHints,
  slack: uses(conversationLookup, messageReading, {
    methods: ["conversations.history", "conversations.replies", "auth.test"],
    bot: [],
  }),
  channelArgument: "channel_id",
  async handler(args, { deps, signal, progress }) {
    const channel = args.channel_id;
    const metrics = await analyzeChannel(deps, {
      channel,
      range: rangeOf(args, deps.now()),
      timezone: args.timezone,
      context: { signal, progress },
    });
    return { structured: metrics, text: formatConversationSummary(metrics) };
  },
});

/** `slack_analyze_workspace`. */
export const analyzeWorkspaceTool = defineTool({
  name: "slack_analyze_workspace",
  title: "Rank channels by activity",
  description:
    "Rank the channels the bot is a member of by activity (human messages) and engagement ((replies + reactions) per message) over the last N days, for an organisation-wide view. Analyzes up to limit_channels channels, largest first.",
  input: z.object({
    days: z.number().int().min(1).max(30).default(7).describe("Days back from now (max 30)"),
    limit_channels: z.number().int().min(1).max(50).default(10)
      .describe("Most channels to analyze (max 50), largest first"),
    timezone: timezoneParam,
  }),
  output: workspaceMetricsSchema,
  annotations: analysisHints,
  slack: uses(messageReading, {
    methods: ["conversations.list", "conversations.history", "conversations.replies", "auth.test"],
    bot: ["channels:read", "groups:read"],
  }),
  async handler(args, { deps, signal, progress }) {
    const readable = (await deps.directory.channels())
      .filter((c) => c.is_member !== false && !c.is_archived)
      .sort((a, b) => (b.num_members ?? 0) - (a.num_members ?? 0) || a.name.localeCompare(b.name))
      .slice(0, args.limit_channels);
    const range = rangeOf({ days: args.days }, deps.now());
    const channels = [];
    for (const [index, channel] of readable.entries()) {
      const metrics = await analyzeChannel(deps, {
        channel: channel.id,
        range,
        timezone: args.timezone,
        context: { signal, progress: () => Promise.resolve() },
      });
      channels.push({ id: channel.id, name: channel.name, metrics });
      await progress(index + 1, readable.length, `analyzed #${channel.name}`);
    }
    const ranking = rankChannels({ channels, limit: args.limit_channels });
    return { structured: ranking, text: formatWorkspaceSummary(ranking) };
  },
});

/** Every analysis tool, in listing order. */
export const analysisTools = [analyzeConversationTool, analyzeWorkspaceTool];
