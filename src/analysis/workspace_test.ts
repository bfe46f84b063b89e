import assert from "node:assert/strict";
import { analyzeConversation, type ConversationMetrics } from "./conversation.ts";
import { formatWorkspaceSummary, rankChannels, workspaceMetricsSchema } from "./workspace.ts";

interface Figures {
  human: number;
  humanReplies: number;
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
      humanReplies: f.humanReplies,
      bot,
      system,
    },
    participantCount: f.participants,
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
        humanReplies: 0,
        reactions: 0,
        threads: 0,
        participants: 0,
        system: 3,
      }),
    },
    {
      id: "C4",
      name: "tiny",
      metrics: metrics({ human: 2, humanReplies: 0, reactions: 6, threads: 0, participants: 1 }),
    },
    {
      id: "C2",
      name: "dev",
      metrics: metrics({
        human: 40,
        humanReplies: 30,
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
      metrics: metrics({ human: 40, humanReplies: 10, reactions: 10, threads: 5, participants: 4 }),
    },
    {
      id: "C1",
      name: "general",
      metrics: metrics({
        human: 100,
        humanReplies: 20,
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
  humanMessages: 100,
  humanReplies: 20,
  reactions: 30,
  threads: 10,
  participants: 12,
  engagementScore: 0.5,
};
const dev = {
  id: "C2",
  name: "dev",
  humanMessages: 40,
  humanReplies: 30,
  reactions: 50,
  threads: 8,
  participants: 6,
  engagementScore: 2,
};
const alpha = {
  id: "C3",
  name: "alpha",
  humanMessages: 40,
  humanReplies: 10,
  reactions: 10,
  threads: 5,
  participants: 4,
  engagementScore: 0.5,
};
const tiny = {
  id: "C4",
  name: "tiny",
  humanMessages: 2,
  humanReplies: 0,
  reactions: 6,
  threads: 0,
  participants: 1,
  engagementScore: 3,
};
const quiet = {
  id: "C5",
  name: "quiet",
  humanMessages: 0,
  humanReplies: 0,
  reactions: 0,
  threads: 0,
  participants: 0,
  engagementScore: 0,
};

Deno.test("channels rank by activity and engagement, with totals across channels", () => {
  assert.deepEqual(rankChannels({ channels: channels() }), {
    channelCount: 5,
    totals: {
      messages: 193,
      humanMessages: 182,
      humanReplies: 60,
      botMessages: 5,
      systemMessages: 6,
      reactions: 96,
      threads: 23,
      engagementScore: 0.86,
    },
    // alpha and dev tie on 40 messages: by name.
    byActivity: [general, alpha, dev, tiny, quiet],
    // general and alpha tie on 0.5: more messages first; tiny and quiet are below 5 messages.
    byEngagement: [dev, general, alpha],
    minMessages: 5,
    truncated: false,
    truncatedChannels: [],
  });
});

Deno.test("limit shortens both rankings and minMessages admits small channels", () => {
  const short = rankChannels({ channels: channels(), limit: 2 });
  assert.deepEqual(short.byActivity, [general, alpha]);
  assert.deepEqual(short.byEngagement, [dev, general]);
  assert.equal(short.channelCount, 5);

  const all = rankChannels({ channels: channels(), minMessages: 0 });
  assert.deepEqual(all.byEngagement, [tiny, dev, general, alpha, quiet]);
});

Deno.test("channels with the same name and activity rank by id", () => {
  const figures = { human: 3, humanReplies: 1, reactions: 0, threads: 1, participants: 2 };
  const ranking = rankChannels({
    channels: [
      { id: "C9", name: "ops", metrics: metrics(figures) },
      { id: "C7", name: "ops", metrics: metrics(figures) },
    ],
    minMessages: 0,
  });
  assert.deepEqual(ranking.byActivity.map((c) => c.id), ["C7", "C9"]);
  assert.deepEqual(ranking.byEngagement.map((c) => c.id), ["C7", "C9"]);
});

Deno.test("a truncated channel marks the workspace figures as partial", () => {
  const ranking = rankChannels({ channels: channels(true) });
  assert.deepEqual([ranking.truncated, ranking.truncatedChannels], [true, ["dev"]]);
});

Deno.test("no channels give zero totals and empty rankings", () => {
  const ranking = rankChannels({ channels: [] });
  assert.equal(ranking.channelCount, 0);
  assert.equal(ranking.totals.engagementScore, 0);
  assert.deepEqual([ranking.byActivity, ranking.byEngagement], [[], []]);
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
