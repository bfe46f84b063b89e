/**
 * Analysis tools: one channel's activity and engagement, and a ranking of the
 * channels the bot can read. Fetching is `conversation_loader.ts`; the metrics
 * are the pure `src/analysis/` modules.
 * @module
 */
import { activityChartContent } from "../../analysis_view/chart_svg.ts";
import { analysisViewToolMeta } from "../../analysis_view/resource.ts";
import { conversationLookup, messageReading, uses } from "./slack_use.ts";
import { z } from "zod";
import { parseTime } from "../params.ts";
import { defineTool, type ToolContext, type ToolDeps, ToolError } from "../tool.ts";
import {
  analyzeConversation,
  conversationMetricsSchema,
  formatConversationSummary,
} from "../../analysis/conversation.ts";
import {
  formatWorkspaceSummary,
  rankChannels,
  workspaceMetricsSchema,
} from "../../analysis/workspace.ts";
import {
  loadConversations,
  type LoadedConversation,
  type Missing,
} from "../../slack/conversation_loader.ts";
import type { SlackResponse } from "../../slack/types.ts";
import { cacheKeys } from "../../store/keys.ts";
import { notice } from "../../util/notices.ts";
import { plural } from "../../util/text.ts";
import { describeBudgetStop } from "../errors.ts";

const timeParam = z.union([z.number(), z.string()]).optional();
/** For clients without MCP Apps: the activity chart as an image block too (SVG, a few KB). */
const chartParam = z.boolean().default(false).describe(
  "Also return the activity chart as an SVG image (for clients that show images)",
);
const timezoneParam = z.string().default("UTC").refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "an IANA time zone such as Europe/Paris").describe("IANA time zone for days and hours");
const analysisHints = { readOnlyHint: true, openWorldHint: true, idempotentHint: true } as const;

/**
 * The analysis range: explicit bounds, else the last `days` days up to the
 * end of the current second, so a message posted just before the call counts.
 */
function rangeOf(
  args: { days: number; oldest?: number | string; latest?: number | string },
  now: number,
) {
  const second = Math.floor(now / 1000);
  const latest = args.latest === undefined ? second + 0.999999 : parseTime(args.latest, "latest");
  const oldest = args.oldest === undefined
    ? Math.floor(latest) - args.days * 86_400
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

/**
 * The note of a partial result: what was not read, what the figures do
 * instead, and when a retry can read the rest (cached pages are kept).
 */
function describeMissing(
  missing: Missing,
  loaded: LoadedConversation[],
  nameOf: (channel: string) => string,
): { note: string; retryAfterSeconds?: number } {
  const parts: string[] = [];
  const unread = loaded.filter((c) => !c.read).map((c) => nameOf(c.channel));
  const short = loaded.filter((c) => c.read && missing.historyChannels.includes(c.channel));
  if (unread.length > 0) {
    parts.push(
      loaded.length === 1 ? "History not read." : `History not read: ${unread.join(", ")}.`,
    );
  }
  for (const c of short) parts.push(`${nameOf(c.channel)}: ${c.truncated?.reason}.`);
  if (missing.threads > 0) {
    parts.push(
      `Replies of ${missing.threads} of ${
        plural(missing.threadsTotal, "thread")
      } not read: they are counted from each parent's reply_count (fields listed in estimated), ` +
        "and first-reply times use only the threads read.",
    );
  }
  const callsFor = (method: string) =>
    method === "conversations.replies" ? missing.threads : missing.historyChannels.length;
  for (const refusal of missing.refusals) {
    parts.push(
      describeBudgetStop(refusal, { then: "to read more", calls: callsFor(refusal.method) }),
    );
  }
  if (missing.timedOut) {
    parts.push("Reading stopped at the time limit: a retry continues from the pages read.");
  }
  if (missing.failures.length > 0) {
    parts.push(`Slack failed with ${missing.failures.join(", ")}: a retry can help.`);
  }
  const waits = missing.refusals.flatMap((r) =>
    r.retryAfterSeconds === undefined ? [] : [r.retryAfterSeconds]
  );
  const retryAfterSeconds = waits.length > 0
    ? Math.min(...waits)
    : missing.timedOut || missing.failures.length > 0
    ? 0
    : undefined;
  return { note: parts.join(" "), retryAfterSeconds };
}

/**
 * Reads `channels` within the Slack budget left and analyses each one read;
 * what could not be read becomes a note, also sent to the client as a notice.
 */
async function analyzeChannels(
  deps: ToolDeps,
  options: {
    channels: { id: string; name?: string }[];
    range: { oldest: number; latest: number };
    timezone: string;
    context: Pick<ToolContext, "signal" | "progress">;
  },
) {
  const { range, context } = options;
  const { conversations, missing } = await loadConversations(deps, {
    channels: options.channels.map((c) => c.id),
    ...range,
    signal: context.signal,
    budget: (method) => deps.slack.budget(method),
    onProgress: (pages, messages) =>
      void context.progress(pages, undefined, `${pages} pages, ${messages} messages`),
  });
  const userIds = new Set<string>();
  for (const loaded of conversations) {
    for (const message of [...loaded.messages, ...[...loaded.replies.values()].flat()]) {
      if (message.user) userIds.add(message.user);
      for (const reaction of message.reactions ?? []) reaction.users.forEach((u) => userIds.add(u));
    }
  }
  const [userNames, base] = await Promise.all([
    deps.directory.userNames(userIds),
    workspaceUrl(deps),
  ]);
  const names = new Map(options.channels.map((c) => [c.id, c.name ? `#${c.name}` : c.id]));
  const partial = missing &&
    describeMissing(missing, conversations, (id) => names.get(id) ?? id);
  if (partial) notice("warning", partial.note);
  const analyses = conversations.map((loaded) => ({
    loaded,
    metrics: analyzeConversation({
      channelId: loaded.channel,
      messages: loaded.messages,
      replies: loaded.replies,
      unreadThreads: loaded.unreadThreads,
      range,
      timezone: options.timezone,
      userNames,
      permalink: base
        ? (ts) => `${base}archives/${loaded.channel}/p${ts.replace(".", "")}`
        : undefined,
      truncated: loaded.truncated,
      partial,
    }),
  }));
  return { analyses, partial };
}

/** `slack_analyze_conversation`. */
export const analyzeConversationTool = defineTool({
  name: "slack_analyze_conversation",
  title: "Analyze a channel",
  description:
    "Analyze a channel's activity and engagement over a time range (default: the last 7 days): message volume per day and hour, participants ranked with replies and reactions, thread count and reply times, top reactions and the most engaged messages. Reads the range's history, then as many threads as the Slack budget left allows: threads not read are counted from their parent's reply_count (fields listed in estimated), and partial says what is missing and when a retry reads more. Progress is reported.",
  input: z.object({
    channel_id: z.string().min(1).describe(
      "Channel ID (C…), name (#general), or @person for the direct message with them",
    ),
    days: z.number().int().min(1).max(90).default(7).describe("Days back from latest (max 90)"),
    oldest: timeParam.describe("Range start: unix seconds or ISO 8601 (overrides days)"),
    latest: timeParam.describe("Range end: unix seconds or ISO 8601 (default now)"),
    timezone: timezoneParam,
    chart: chartParam,
  }),
  output: conversationMetricsSchema,
  annotations: analysisHints,
  meta: analysisViewToolMeta,
  slack: uses(conversationLookup, messageReading, {
    methods: ["conversations.history", "conversations.replies", "auth.test"],
    bot: [],
  }),
  channelArgument: "channel_id",
  async handler(args, { deps, signal, progress }) {
    const { analyses: [{ metrics }] } = await analyzeChannels(deps, {
      channels: [{ id: args.channel_id }],
      range: rangeOf(args, deps.now()),
      timezone: args.timezone,
      context: { signal, progress },
    });
    return {
      structured: metrics,
      text: formatConversationSummary(metrics),
      extra: args.chart ? [activityChartContent(metrics)] : undefined,
    };
  },
});

/** `slack_analyze_workspace`. */
export const analyzeWorkspaceTool = defineTool({
  name: "slack_analyze_workspace",
  title: "Rank channels by activity",
  description:
    "Rank the channels the bot is a member of by activity (human messages) and engagement ((replies + reactions) per message) over the last N days, for an organisation-wide view. Analyzes up to limit_channels channels, largest first, within the Slack budget left: partial says what was not read (unread_channels, estimated_channels) and when a retry reads more.",
  input: z.object({
    days: z.number().int().min(1).max(30).default(7).describe("Days back from now (max 30)"),
    limit_channels: z.number().int().min(1).max(50).default(10)
      .describe("Most channels to analyze (max 50), largest first"),
    timezone: timezoneParam,
    chart: chartParam,
  }),
  output: workspaceMetricsSchema,
  annotations: analysisHints,
  meta: analysisViewToolMeta,
  slack: uses(messageReading, {
    methods: ["conversations.list", "conversations.history", "conversations.replies", "auth.test"],
    bot: ["channels:read", "groups:read"],
  }),
  async handler(args, { deps, signal, progress }) {
    const readable = (await deps.directory.channels())
      .filter((c) => c.is_member !== false && !c.is_archived)
      .sort((a, b) => (b.num_members ?? 0) - (a.num_members ?? 0) || a.name.localeCompare(b.name))
      .slice(0, args.limit_channels);
    const { analyses, partial } = await analyzeChannels(deps, {
      channels: readable,
      range: rangeOf({ days: args.days }, deps.now()),
      timezone: args.timezone,
      context: { signal, progress },
    });
    const name = new Map(readable.map((c) => [c.id, c.name]));
    const ranking = rankChannels({
      channels: analyses.filter((a) => a.loaded.read).map(({ loaded, metrics }) => ({
        id: loaded.channel,
        name: name.get(loaded.channel)!,
        metrics,
      })),
      unread: analyses.filter((a) => !a.loaded.read).map((a) => name.get(a.loaded.channel)!),
      limit: args.limit_channels,
      partial,
    });
    return {
      structured: ranking,
      text: formatWorkspaceSummary(ranking),
      extra: args.chart ? [activityChartContent(ranking)] : undefined,
    };
  },
});

/** Every analysis tool, in listing order. */
export const analysisTools = [analyzeConversationTool, analyzeWorkspaceTool];
