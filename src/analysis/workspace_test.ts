import assert from "node:assert/strict";
import { analyzeConversation, type ConversationMetrics } from "./conversation.ts";
import { formatWorkspaceSummary, rankChannels, workspaceMetricsSchema } from "./workspace.ts";

interface Figures {
  human: number;
  human_replies: number;
  reactions: number;
  threads: number;
  participants: number;
  bot?: number;
  system?: number;
  truncated?: boolean;
}

/** Metrics of an empty channel with the figures `rankChannels` reads set by hand. */
function metrics(f: Figures): ConversationMetrics {
  const base = analyzeConversation({
    channelId: "C0",
    messages: [],
    replies: new Map(),
    range: { oldest: 1714521600, latest: 1714607999 },
    truncated: f.truncated ? { reason: "Message cap" } : undefined,
  });
  const bot = f.bot ?? 0;
  const system = f.system ?? 0;
  return {
    ...base,
    volume: {
      ...base.volume,
      total: f.human + bot + system,
      human: f.human,
      human_replies: f.human_replies,
      bot,
      system,
    },
    participant_count: f.participants,
    threads: { ...base.threads, count: f.threads },
    reactions: { ...base.reactions, total: f.reactions },
  };
}

function channels(truncatedDev = false) {
  return [
    {
      id: "C5",
      name: "quiet",
      metrics: metrics({
        human: 0,
        human_replies: 0,
        reactions: 0,
        threads: 0,
        participants: 0,
        system: 3,
      }),
    },
    {
      id: "C4",
      name: "tiny",
      metrics: metrics({ human: 2, human_replies: 0, reactions: 6, threads: 0, participants: 1 }),
    },
    {
      id: "C2",
      name: "dev",
      metrics: metrics({
        human: 40,
        human_replies: 30,
        reactions: 50,
        threads: 8,
        participants: 6,
        system: 1,
        truncated: truncatedDev,
      }),
    },
    {
      id: "C3",
      name: "alpha",
      metrics: metrics({
        human: 40,
        human_replies: 10,
        reactions: 10,
        threads: 5,
        participants: 4,
      }),
    },
    {
      id: "C1",
      name: "general",
      metrics: metrics({
        human: 100,
        human_replies: 20,
        reactions: 30,
        threads: 10,
        participants: 12,
        bot: 5,
        system: 2,
      }),
    },
  ];
}

const general = {
  id: "C1",
  name: "general",
  human_messages: 100,
  human_replies: 20,
  reactions: 30,
  threads: 10,
  participants: 12,
  engagement_score: 0.5,
};
const dev = {
  id: "C2",
  name: "dev",
  human_messages: 40,
  human_replies: 30,
  reactions: 50,
  threads: 8,
  participants: 6,
  engagement_score: 2,
};
const alpha = {
  id: "C3",
  name: "alpha",
  human_messages: 40,
  human_replies: 10,
  reactions: 10,
  threads: 5,
  participants: 4,
  engagement_score: 0.5,
};
const tiny = {
  id: "C4",
  name: "tiny",
  human_messages: 2,
  human_replies: 0,
  reactions: 6,
  threads: 0,
  participants: 1,
  engagement_score: 3,
};
const quiet = {
  id: "C5",
  name: "quiet",
  human_messages: 0,
  human_replies: 0,
  reactions: 0,
  threads: 0,
  participants: 0,
  engagement_score: 0,
};

Deno.test("channels rank by activity and engagement, with totals across channels", () => {
  assert.deepEqual(rankChannels({ channels: channels() }), {
    channel_count: 5,
    totals: {
      messages: 193,
      human_messages: 182,
      human_replies: 60,
      bot_messages: 5,
      system_messages: 6,
      reactions: 96,
      threads: 23,
      engagement_score: 0.86,
    },
    // alpha and dev tie on 40 messages: by name.
    by_activity: [general, alpha, dev, tiny, quiet],
    // general and alpha tie on 0.5: more messages first; tiny and quiet are below 5 messages.
    by_engagement: [dev, general, alpha],
    min_messages: 5,
    truncated: false,
    truncated_channels: [],
    estimated_channels: [],
    unread_channels: [],
    partial: null,
  });
});

Deno.test("limit shortens both rankings and minMessages admits small channels", () => {
  const short = rankChannels({ channels: channels(), limit: 2 });
  assert.deepEqual(short.by_activity, [general, alpha]);
  assert.deepEqual(short.by_engagement, [dev, general]);
  assert.equal(short.channel_count, 5);

  const all = rankChannels({ channels: channels(), minMessages: 0 });
  assert.deepEqual(all.by_engagement, [tiny, dev, general, alpha, quiet]);
});

Deno.test("channels with the same name and activity rank by id", () => {
  const figures = { human: 3, human_replies: 1, reactions: 0, threads: 1, participants: 2 };
  const ranking = rankChannels({
    channels: [
      { id: "C9", name: "ops", metrics: metrics(figures) },
      { id: "C7", name: "ops", metrics: metrics(figures) },
    ],
    minMessages: 0,
  });
  assert.deepEqual(ranking.by_activity.map((c) => c.id), ["C7", "C9"]);
  assert.deepEqual(ranking.by_engagement.map((c) => c.id), ["C7", "C9"]);
});

Deno.test("a truncated channel marks the workspace figures as partial", () => {
  const ranking = rankChannels({ channels: channels(true) });
  assert.deepEqual([ranking.truncated, ranking.truncated_channels], [true, ["dev"]]);
});

Deno.test("no channels give zero totals and empty rankings", () => {
  const ranking = rankChannels({ channels: [] });
  assert.equal(ranking.channel_count, 0);
  assert.equal(ranking.totals.engagement_score, 0);
  assert.deepEqual([ranking.by_activity, ranking.by_engagement], [[], []]);
  assert.equal(
    formatWorkspaceSummary(ranking),
    [
      "0 channels: 0 messages, 0 human (0 replies), 0 reactions, 0 threads; engagement 0 per human message",
      "Most active: none",
      "Most engaged (at least 5 messages): none",
    ].join("\n"),
  );
});

Deno.test("the workspace summary names the leading channels", () => {
  assert.equal(
    formatWorkspaceSummary(rankChannels({ channels: channels(true) })),
    [
      "5 channels: 193 messages, 182 human (60 replies), 96 reactions, 23 threads; " +
      "engagement 0.86 per human message",
      "Most active: #general 100, #alpha 40, #dev 40, #tiny 2, #quiet 0",
      "Most engaged (at least 5 messages): #dev 2, #general 0.5, #alpha 0.5",
      "Partial data for: #dev",
    ].join("\n"),
  );
});

Deno.test("a negative limit is rejected naming the value", () => {
  assert.throws(() => rankChannels({ channels: [], limit: -1 }), {
    name: "RangeError",
    message: "limit must be a non-negative integer, got -1",
  });
});

Deno.test("workspace metrics satisfy their schema", () => {
  const ranking = rankChannels({ channels: channels(true) });
  assert.deepEqual(workspaceMetricsSchema.parse(ranking), ranking);
});

Deno.test("channels with estimates, unread channels and the partial note are reported", () => {
  const estimated = analyzeConversation({
    channelId: "C8",
    messages: [{ ts: "1714554000.000100", user: "U1", text: "hi", reply_count: 2 }],
    replies: new Map(),
    unreadThreads: new Set(["1714554000.000100"]),
    range: { oldest: 1714521600, latest: 1714607999 },
  });
  const ranking = rankChannels({
    channels: [...channels(), { id: "C8", name: "ops", metrics: estimated }],
    unread: ["sales"],
    partial: { note: "History not read: #sales.", retryAfterSeconds: 60 },
  });
  assert.deepEqual(ranking.estimated_channels, ["ops"]);
  assert.deepEqual(ranking.unread_channels, ["sales"]);
  assert.deepEqual(ranking.partial, { note: "History not read: #sales.", retry_after_seconds: 60 });
  assert.equal(
    formatWorkspaceSummary(ranking).split("\n").at(-1),
    "Partial: History not read: #sales.",
  );
  assert.deepEqual(workspaceMetricsSchema.parse(ranking), ranking);
});
