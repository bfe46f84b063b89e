/**
 * Workspace analytics: ranks channels already analyzed by `analyzeConversation`
 * and adds up their figures.
 *
 * Engagement score = (human replies + reactions on human messages) / human
 * messages, all within the range, rounded to 2 decimals: the interactions an
 * average human message drew. Channels with fewer than `minMessages` human
 * messages are left out of the engagement ranking, where one message with three
 * reactions would otherwise come first.
 *
 * Channels whose figures include estimates (threads counted from their
 * parents' `reply_count`) are listed in `estimated_channels`; channels the
 * caller could not read at all are left out of the rankings and listed in
 * `unread_channels`.
 * @module
 */
import { z } from "zod";
import type { ConversationMetrics } from "./conversation.ts";

const countSchema = z.number().int().nonnegative();
const DEFAULT_LIMIT = 10;
const DEFAULT_MIN_MESSAGES = 5;

const channelRankSchema = z.object({
  id: z.string(),
  name: z.string(),
  human_messages: countSchema,
  human_replies: countSchema,
  reactions: countSchema,
  threads: countSchema,
  participants: countSchema,
  engagement_score: z.number().describe("(human replies + reactions) / human messages"),
});

/** The output of {@link rankChannels}; also the MCP tool's `outputSchema`. */
export const workspaceMetricsSchema = z.object({
  channel_count: countSchema,
  totals: z.object({
    messages: countSchema.describe("Human + bot + system messages"),
    human_messages: countSchema,
    human_replies: countSchema,
    bot_messages: countSchema,
    system_messages: countSchema,
    reactions: countSchema,
    threads: countSchema,
    engagement_score: z.number().describe("(human replies + reactions) / human messages"),
  }),
  by_activity: z.array(channelRankSchema)
    .describe("Channels by human messages, ties by name then id"),
  by_engagement: z.array(channelRankSchema)
    .describe("Channels by engagement score, ties by human messages, name, id"),
  min_messages: countSchema.describe("Human messages a channel needs to be ranked by engagement"),
  truncated: z.boolean().describe("True when any channel's figures cover only part of the range"),
  truncated_channels: z.array(z.string()),
  estimated_channels: z.array(z.string())
    .describe("Channels whose figures include estimates (threads whose replies were not read)"),
  unread_channels: z.array(z.string())
    .describe("Channels that could not be read at all, left out of the rankings"),
  partial: z.object({
    note: z.string().describe("What was not read, and when a retry can read it"),
    retry_after_seconds: countSchema.nullable()
      .describe("Seconds until a retry can read more; null when unknown"),
  }).nullable().describe("Set when part of the data could not be read (Slack budgets)"),
});

/** Channel rankings and totals; see the module doc for the engagement score. */
export type WorkspaceMetrics = z.infer<typeof workspaceMetricsSchema>;

/** What {@link rankChannels} needs. */
export interface WorkspaceInput {
  channels: { id: string; name: string; metrics: ConversationMetrics }[];
  /** Length of each ranking; 10 by default. */
  limit?: number;
  /** Minimum human messages for the engagement ranking; 5 by default. */
  minMessages?: number;
  /** Names of channels that could not be read at all. */
  unread?: string[];
  /** What the caller could not read, passed through as `partial`. */
  partial?: { note: string; retryAfterSeconds?: number };
}

type ChannelRank = z.infer<typeof channelRankSchema>;

const collator = new Intl.Collator("en");

/**
 * Ranks channels by activity and by engagement and totals their figures.
 *
 * @example
 * ```ts
 * const ranking = rankChannels({ channels: [{ id, name, metrics }], limit: 5 });
 * ```
 */
export function rankChannels(input: WorkspaceInput): WorkspaceMetrics {
  const limit = nonNegativeInteger("limit", input.limit ?? DEFAULT_LIMIT);
  const minMessages = nonNegativeInteger("minMessages", input.minMessages ?? DEFAULT_MIN_MESSAGES);
  const totals = {
    messages: 0,
    human_messages: 0,
    human_replies: 0,
    bot_messages: 0,
    system_messages: 0,
    reactions: 0,
    threads: 0,
  };
  const ranks: ChannelRank[] = [];
  for (
    const { id, name, metrics: { volume, reactions, threads, participant_count } } of input.channels
  ) {
    totals.messages += volume.total;
    totals.human_messages += volume.human;
    totals.human_replies += volume.human_replies;
    totals.bot_messages += volume.bot;
    totals.system_messages += volume.system;
    totals.reactions += reactions.total;
    totals.threads += threads.count;
    ranks.push({
      id,
      name,
      human_messages: volume.human,
      human_replies: volume.human_replies,
      reactions: reactions.total,
      threads: threads.count,
      participants: participant_count,
      engagement_score: engagementScore(volume.human_replies + reactions.total, volume.human),
    });
  }

  const byName = (a: ChannelRank, b: ChannelRank) =>
    collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byActivity = ranks.toSorted((a, b) => b.human_messages - a.human_messages || byName(a, b));
  const byEngagement = byActivity
    .filter((rank) => rank.human_messages >= minMessages)
    .sort((a, b) =>
      b.engagement_score - a.engagement_score || b.human_messages - a.human_messages || byName(a, b)
    );

  return {
    channel_count: ranks.length,
    totals: {
      ...totals,
      engagement_score: engagementScore(
        totals.human_replies + totals.reactions,
        totals.human_messages,
      ),
    },
    by_activity: byActivity.slice(0, limit),
    by_engagement: byEngagement.slice(0, limit),
    min_messages: minMessages,
    truncated: input.channels.some((c) => c.metrics.truncated),
    truncated_channels: input.channels.filter((c) => c.metrics.truncated).map((c) => c.name),
    estimated_channels: input.channels.filter((c) => c.metrics.estimated.length > 0)
      .map((c) => c.name),
    unread_channels: input.unread ?? [],
    partial: input.partial
      ? { note: input.partial.note, retry_after_seconds: input.partial.retryAfterSeconds ?? null }
      : null,
  };
}

function engagementScore(interactions: number, messages: number): number {
  return messages === 0 ? 0 : Math.round((interactions / messages) * 100) / 100;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/**
 * Renders the ranking as a short text a model can quote.
 *
 * @example
 * ```ts
 * console.log(formatWorkspaceSummary(rankChannels({ channels })));
 * ```
 */
export function formatWorkspaceSummary(m: WorkspaceMetrics): string {
  const { totals } = m;
  const list = (ranks: ChannelRank[], value: (rank: ChannelRank) => number) =>
    ranks.slice(0, 5).map((rank) => `#${rank.name} ${value(rank)}`).join(", ") || "none";
  const lines = [
    `${m.channel_count} channels: ${totals.messages} messages, ${totals.human_messages} human ` +
    `(${totals.human_replies} replies), ${totals.reactions} reactions, ${totals.threads} threads; ` +
    `engagement ${totals.engagement_score} per human message`,
    `Most active: ${list(m.by_activity, (rank) => rank.human_messages)}`,
    `Most engaged (at least ${m.min_messages} messages): ${
      list(m.by_engagement, (rank) => rank.engagement_score)
    }`,
  ];
  if (m.truncated) {
    lines.push(`Partial data for: ${m.truncated_channels.map((n) => `#${n}`).join(", ")}`);
  }
  if (m.partial) lines.push(`Partial: ${m.partial.note}`);
  return lines.join("\n");
}
