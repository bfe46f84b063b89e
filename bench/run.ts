/**
 * `deno task bench`: every benchmark, each next to its baseline measured in
 * the same run, printed as one table and written to `bench/results.json`.
 * Servers under test run as `main.ts --demo` child processes on loopback;
 * the load comes from this process (`fetch`, closed loop).
 *
 * Usage: `deno task bench [--quick] [section …]`, sections being `toolcall`,
 * `webhook`, `coldstart`, `memory`, `session`, `output`, `tokens`, `analysis`
 * (default all). `--quick` shortens every run (a smoke test; figures are
 * noisier).
 * @module
 */
import { benchAnalysis } from "./analysis_bench.ts";
import { benchColdStart, benchMemory } from "./footprint.ts";
import { round } from "./load.ts";
import { removeLogs } from "./process.ts";
import { benchAgentSession, benchOutputSize } from "./session.ts";
import { benchToolCalls, benchWebhook } from "./throughput.ts";
import { benchTokens, tokenRows } from "./tokens.ts";

/** One line of the results table. */
export interface Row {
  benchmark: string;
  metric: string;
  value: number | string;
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  target?: string;
  met?: boolean;
}

const sections = [
  "toolcall",
  "webhook",
  "coldstart",
  "memory",
  "session",
  "output",
  "tokens",
  "analysis",
] as const;
type Section = typeof sections[number];

const quick = Deno.args.includes("--quick");
const chosen = Deno.args.filter((a) => a !== "--quick");
for (const name of chosen) {
  if (!sections.includes(name as Section)) {
    console.error(`Unknown section ${name}: use ${sections.join(", ")}`);
    Deno.exit(2);
  }
}
const selected = (s: Section) => chosen.length === 0 || chosen.includes(s);

const rounds = { rounds: quick ? 1 : 3, durationMs: quick ? 1_000 : 2_000 };
const ratioOf = (value: number, baseline: number) => round(value / baseline, 3);
/** The server's CPU per request next to the baseline's: steadier than requests/s on a busy machine. */
const cpuRow = (benchmark: string, value: number, baseline: number): Row => ({
  benchmark,
  metric: "server CPU µs/request",
  value,
  baseline,
  ratio: ratioOf(value, baseline),
});

/** Each section's rows and raw figures. */
async function measure(section: Section): Promise<{ rows: Row[]; details: unknown }> {
  switch (section) {
    case "toolcall": {
      const details = await benchToolCalls([1, 32], rounds);
      const rows = Object.entries(details.byConcurrency).flatMap(([concurrency, r]) =>
        (["stateful", "stateless"] as const).flatMap((mode): Row[] => {
          const m = r[mode];
          const at32 = concurrency === "32";
          const ratio = ratioOf(m.perSecond, r.hono.perSecond);
          const benchmark = `cached tools/call, ${mode}, ${concurrency} client(s)`;
          return [
            {
              benchmark,
              metric: "requests/s",
              value: m.perSecond,
              baseline: r.hono.perSecond,
              ratio,
              ...(at32 ? { target: "≥ 25 % of baseline", met: ratio >= 0.25 } : {}),
            },
            { benchmark, metric: "p50 ms", value: m.p50Ms, baseline: r.hono.p50Ms },
            {
              benchmark,
              metric: "p99 ms",
              value: m.p99Ms,
              baseline: r.hono.p99Ms,
              ...(at32 ? { target: "< 10 ms", met: m.p99Ms < 10 } : {}),
            },
            cpuRow(benchmark, m.cpuUsPerRequest, r.hono.cpuUsPerRequest),
            { benchmark, metric: "errors", value: m.errors, target: "0", met: m.errors === 0 },
          ];
        })
      );
      return { rows, details };
    }
    case "webhook": {
      const details = await benchWebhook(32, {
        ...rounds,
        eventsPerRound: quick ? 10_000 : 25_000,
      });
      const { server, hmac } = details;
      const benchmark = "signed webhook intake, 32 clients";
      const ratio = ratioOf(server.perSecond, hmac.perSecond);
      return {
        details,
        rows: [
          {
            benchmark,
            metric: "events/s",
            value: server.perSecond,
            baseline: hmac.perSecond,
            ratio,
            target: "≥ 50 % of baseline",
            met: ratio >= 0.5,
          },
          { benchmark, metric: "p99 ack ms", value: server.p99Ms, baseline: hmac.p99Ms },
          cpuRow(benchmark, server.cpuUsPerRequest, hmac.cpuUsPerRequest),
          {
            benchmark,
            metric: "errors",
            value: server.errors,
            target: "0",
            met: server.errors === 0,
          },
        ],
      };
    }
    case "coldstart": {
      const details = await benchColdStart(quick ? 2 : 5);
      return {
        details,
        rows: [{
          benchmark: "cold start to /healthz 200 (median)",
          metric: "ms",
          value: details.serverMedianMs,
          baseline: details.baselineMedianMs,
          ratio: ratioOf(details.serverMedianMs, details.baselineMedianMs),
          target: "< 200 ms",
          met: details.serverMedianMs < 200,
        }],
      };
    }
    case "memory": {
      const details = await benchMemory({
        calls: quick ? 10_000 : 100_000,
        concurrency: 32,
        maxMs: 240_000,
      });
      const { first, second } = details;
      const benchmark = `memory, ${details.concurrency} sessions, cached calls`;
      const after = `after ${first.calls} calls`;
      const again = `after a second ${second.calls}`;
      return {
        details,
        rows: [
          {
            benchmark,
            metric: "idle RSS MiB",
            value: details.idleMiB,
            target: "< 64 MiB",
            met: details.idleMiB < 64,
          },
          { benchmark, metric: `RSS ${after} MiB (after GC)`, value: first.rssMiB },
          { benchmark, metric: `RSS ${again} MiB (after GC)`, value: second.rssMiB },
          {
            benchmark,
            metric: "RSS growth in the second run % (after GC)",
            value: details.rssGrowthPercent,
            target: "≤ 10 %",
            met: details.rssGrowthPercent <= 10,
          },
          {
            benchmark,
            metric: "RSS under load, end of each run MiB (before GC)",
            value: `${first.rssUnderLoadMiB} / ${second.rssUnderLoadMiB}`,
          },
          { benchmark, metric: "idle V8 heap MiB (after GC)", value: details.idleHeapMiB },
          { benchmark, metric: `V8 heap ${after} MiB (after GC)`, value: first.heapMiB },
          { benchmark, metric: `V8 heap ${again} MiB (after GC)`, value: second.heapMiB },
          {
            benchmark,
            metric: "V8 heap growth in the second run % (after GC)",
            value: details.heapGrowthPercent,
            target: "≤ 10 %",
            met: details.heapGrowthPercent <= 10,
          },
          {
            benchmark,
            metric: "errors",
            value: first.errors + second.errors,
            target: "0",
            met: first.errors + second.errors === 0,
          },
        ],
      };
    }
    case "session": {
      const details = await benchAgentSession();
      const benchmark =
        `agent session (${details.toolCalls} tool calls: ${details.channels} channels ×2, ${details.threads} threads, ${details.authors} authors)`;
      return {
        details,
        rows: Object.entries(details.slack).map(([method, m]) => ({
          benchmark,
          metric: `Slack ${method} calls`,
          value: m.calls,
          baseline: m.distinct,
          target: "= distinct resources",
          met: m.calls === m.distinct,
        })),
      };
    }
    case "output": {
      const details = await benchOutputSize();
      const benchmark = `slack_get_channel_history, ${details.messages} messages`;
      const row = (metric: string, bytes: number, raw: number, limited: boolean): Row => {
        const ratio = ratioOf(bytes, raw);
        return {
          benchmark,
          metric,
          value: bytes,
          baseline: raw,
          ratio,
          ...(limited ? { target: "≤ 40 % of raw Slack JSON", met: ratio <= 0.4 } : {}),
        };
      };
      const { textBytes, structuredBytes, rawSlackBytes, slackShapedBytes } = details;
      const shaped = "vs Slack-shaped raw (+ blocks, client_msg_id)";
      return {
        details,
        rows: [
          row("text bytes", textBytes, rawSlackBytes, true),
          row("structuredContent bytes", structuredBytes, rawSlackBytes, true),
          row("whole result bytes (text + structured)", details.resultBytes, rawSlackBytes, false),
          row(`text bytes ${shaped}`, textBytes, slackShapedBytes, false),
          row(`structuredContent bytes ${shaped}`, structuredBytes, slackShapedBytes, false),
        ],
      };
    }
    case "tokens": {
      const details = await benchTokens();
      return { details, rows: tokenRows(details) };
    }
    case "analysis": {
      const details = benchAnalysis();
      return {
        details,
        rows: [{
          benchmark: `${details.name}, ${details.messages} messages`,
          metric: "mean ms",
          value: details.meanMs,
          target: "< 100 ms",
          met: details.meanMs < 100,
        }, {
          benchmark: `${details.name}, ${details.messages} messages`,
          metric: "p99 ms",
          value: details.p99Ms,
        }],
      };
    }
  }
}

function printTable(rows: Row[]) {
  const header = ["benchmark", "metric", "value", "baseline", "ratio", "target", "met"];
  const cells = rows.map((r) => [
    r.benchmark,
    r.metric,
    String(r.value),
    r.baseline === undefined ? "" : String(r.baseline),
    r.ratio === undefined ? "" : r.ratio.toFixed(3),
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const c of cells) console.log(line(c));
}

if (import.meta.main) {
  const started = performance.now();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  for (const section of sections.filter(selected)) {
    const t0 = performance.now();
    console.error(`bench: ${section}…`);
    const measured = await measure(section);
    rows.push(...measured.rows);
    details[section] = measured.details;
    console.error(`bench: ${section} done in ${round((performance.now() - t0) / 1000, 1)} s`);
  }
  printTable(rows);
  const seconds = round((performance.now() - started) / 1000, 1);
  const missed = rows.filter((r) => r.met === false).length;
  console.log(`\n${rows.length} figures, ${missed} target(s) missed, ${seconds} s in all.`);
  const results = {
    at: new Date().toISOString(),
    quick,
    seconds,
    environment: {
      deno: Deno.version.deno,
      os: Deno.build.os,
      arch: Deno.build.arch,
      cpus: navigator.hardwareConcurrency,
      loadAverage: Deno.loadavg(),
    },
    rows,
    details,
  };
  await Deno.writeTextFile(
    new URL("./results.json", import.meta.url),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  await removeLogs();
}
