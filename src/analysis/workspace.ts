/**
 * Workspace analytics: ranks channels already analyzed by `analyzeConversation`
 * and adds up their figures.
 *
 * Engagement score = (human replies + reactions on human messages) / human
 * messages, all within the range, rounded to 2 decimals: the interactions an
 * average human message drew. Channels with fewer than `minMessages` human
 * messages are left out of the engagement ranking, where one message with three
 * reactions would otherwise come first.
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
  humanMessages: countSchema,
  humanReplies: countSchema,
  reactions: countSchema,
  threads: countSchema,
  participants: countSchema,
  engagementScore: z.number().describe("(human replies + reactions) / human messages"),
});

/** The output of {@link rankChannels}; also the MCP tool's `outputSchema`. */
export const workspaceMetricsSchema = z.object({
  channelCount: countSchema,
  totals: z.object({
    messages: countSchema.describe("Human + bot + system messages"),
    humanMessages: countSchema,
    humanReplies: countSchema,
    botMessages: countSchema,
    systemMessages: countSchema,
    reactions: countSchema,
    threads: countSchema,
    engagementScore: z.number().describe("(human replies + reactions) / human messages"),
  }),
  byActivity: z.array(channelRankSchema)
    .describe("Channels by human messages, ties by name then id"),
  byEngagement: z.array(channelRankSchema)
    .describe("Channels by engagement score, ties by human messages, name, id"),
  minMessages: countSchema.describe("Human messages a channel needs to be ranked by engagement"),
  truncated: z.boolean().describe("True when any channel's figures cover only part of the range"),
  truncatedChannels: z.array(z.string()),
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
    humanMessages: 0,
    humanReplies: 0,
    botMessages: 0,
    systemMessages: 0,
    reactions: 0,
    threads: 0,
  };
  const ranks: ChannelRank[] = [];
  for (
    const { id, name, metrics: { volume, reactions, threads, participantCount } } of input.channels
  ) {
    totals.messages += volume.total;
    totals.humanMessages += volume.human;
    totals.humanReplies += volume.humanReplies;
    totals.botMessages += volume.bot;
    totals.systemMessages += volume.system;
    totals.reactions += reactions.total;
    totals.threads += threads.count;
    ranks.push({
      id,
      name,
      humanMessages: volume.human,
      humanReplies: volume.humanReplies,
      reactions: reactions.total,
      threads: threads.count,
      participants: participantCount,
      engagementScore: engagementScore(volume.humanReplies + reactions.total, volume.human),
    });
  }

  const byName = (a: ChannelRank, b: ChannelRank) =>
    collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byActivity = ranks.toSorted((a, b) => b.humanMessages - a.humanMessages || byName(a, b));
  const byEngagement = byActivity
    .filter((rank) => rank.humanMessages >= minMessages)
    .sort((a, b) =>
      b.engagementScore - a.engagementScore || b.humanMessages - a.humanMessages || byName(a, b)
    );

  return {
    channelCount: ranks.length,
    totals: {
      ...totals,
      engagementScore: engagementScore(
        totals.humanReplies + totals.reactions,
        totals.humanMessages,
      ),
    },
    byActivity: byActivity.slice(0, limit),
    byEngagement: byEngagement.slice(0, limit),
    minMessages,
    truncated: input.channels.some((c) => c.metrics.truncated),
    truncatedChannels: input.channels.filter((c) => c.metrics.truncated).map((c) => c.name),
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
    `${m.channelCount} channels: ${totals.messages} messages, ${totals.humanMessages} human ` +
    `(${totals.humanReplies} replies), ${totals.reactions} reactions, ${totals.threads} threads; ` +
    `engagement ${totals.engagementScore} per human message`,
    `Most active: ${list(m.byActivity, (rank) => rank.humanMessages)}`,
    `Most engaged (at least ${m.minMessages} messages): ${
      list(m.byEngagement, (rank) => rank.engagementScore)
    }`,
  ];
  if (m.truncated) {
    lines.push(`Partial data for: ${m.truncatedChannels.map((n) => `#${n}`).join(", ")}`);
  }
  return lines.join("\n");
}
