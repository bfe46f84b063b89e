/**
 * Times `analyzeConversation` on 10,000 generated messages (30 days from
 * 2024-03-01, which crosses New York's DST change, 50 users, threads,
 * broadcasts, bots, joins and reactions). The data is seeded, so runs compare.
 * @module
 */
import { analyzeConversation } from "../src/analysis/conversation.ts";
import type { SlackMessage } from "../src/slack/types.ts";

const MESSAGES = 10_000;
const USERS = 50;
const DAYS = 30;
const START = Date.UTC(2024, 2, 1) / 1000;
const EMOJI = ["+1", "tada", "eyes", "heart", "joy", "white_check_mark", "rocket", "pray"];
const WARM_UPS = 5;
const RUNS = 20;

/** One benchmark result; `meanMs` and `p99Ms` are per `analyzeConversation` call. */
export interface BenchResult {
  name: string;
  messages: number;
  meanMs: number;
  p99Ms: number;
}

/** Mulberry32: a tiny seeded generator, so every run analyzes the same data. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generate() {
  const random = seeded(42);
  const pick = (n: number) => Math.floor(random() * n);
  const user = () => `U${String(pick(USERS)).padStart(8, "0")}`;
  const span = DAYS * 86_400;
  let sequence = 0;
  const tsAt = (seconds: number) => `${Math.floor(seconds)}.${String(sequence++).padStart(6, "0")}`;
  const message = (seconds: number): SlackMessage => {
    const roll = random();
    const m: SlackMessage = { type: "message", ts: tsAt(seconds), user: user(), text: "x" };
    if (roll < 0.05) Object.assign(m, { subtype: "bot_message", bot_id: "B1", user: undefined });
    else if (roll < 0.07) Object.assign(m, { subtype: "channel_join" });
    if (random() < 0.3) {
      m.reactions = Array.from({ length: 1 + pick(3) }, (_, i) => {
        const users = Array.from({ length: 1 + pick(4) }, user);
        return { name: EMOJI[(pick(EMOJI.length) + i) % EMOJI.length], count: users.length, users };
      });
    }
    return m;
  };

  const messages: SlackMessage[] = [];
  const replies = new Map<string, SlackMessage[]>();
  let total = 0;
  while (total < MESSAGES) {
    const parent = message(START + random() * span);
    messages.push(parent);
    total++;
    if (parent.subtype || random() > 0.25) continue;
    const thread: SlackMessage[] = [];
    const count = Math.min(1 + pick(8), MESSAGES - total);
    let at = Number(parent.ts);
    for (let i = 0; i < count; i++) {
      at += 30 + random() * 7_200;
      const reply = { ...message(at), thread_ts: parent.ts };
      if (random() < 0.05) {
        reply.subtype = "thread_broadcast";
        messages.push(reply);
      }
      thread.push(reply);
    }
    replies.set(parent.ts, thread);
    total += count;
  }
  return { messages, replies, range: { oldest: START, latest: START + span - 1 } };
}

/** Runs the benchmark: warm-up, then {@link RUNS} timed calls. */
export function benchAnalysis(): BenchResult {
  const { messages, replies, range } = generate();
  const run = () =>
    analyzeConversation({
      channelId: "C0BENCH00",
      messages,
      replies,
      range,
      timezone: "America/New_York",
    });
  for (let i = 0; i < WARM_UPS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const p99 = times[Math.ceil(times.length * 0.99) - 1];
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    name: "analyzeConversation (America/New_York)",
    messages: MESSAGES,
    meanMs: round(mean),
    p99Ms: round(p99),
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(benchAnalysis()));
}
