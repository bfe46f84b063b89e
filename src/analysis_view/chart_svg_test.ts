import assert from "node:assert/strict";
import { analyzeConversation, type AnalyzedMessage } from "../analysis/conversation.ts";
import { rankChannels } from "../analysis/workspace.ts";
import { activityChartContent, renderActivityChartSvg } from "./chart_svg.ts";

const DAY = 86_400;
const start = Date.UTC(2024, 4, 1) / 1000;

/** `count` messages a day for `days` days, at 09:00, 10:00, … UTC. */
function conversation(days: number, perDay: (day: number) => number) {
  const messages: AnalyzedMessage[] = [];
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < perDay(day); i++) {
      messages.push({ ts: `${start + day * DAY + (9 + i) * 3600}.000100`, user: "U1", text: "x" });
    }
  }
  return analyzeConversation({
    channelId: "C1",
    messages,
    replies: new Map(),
    range: { oldest: start, latest: start + days * DAY - 1 },
  });
}

/**
 * Checks the markup is well-formed XML as far as this renderer goes: quoted
 * attributes, balanced tags, no stray `<`, `>` or `&` in text.
 */
function assertWellFormed(svg: string) {
  const stack: string[] = [];
  let last = 0;
  for (const match of svg.matchAll(/<[^>]*>/g)) {
    const between = svg.slice(last, match.index);
    assert.doesNotMatch(between, /[<>]|&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/, `text: ${between}`);
    last = match.index + match[0].length;
    const tag = match[0];
    const close = tag.match(/^<\/([a-z]+)>$/);
    if (close) {
      assert.equal(stack.pop(), close[1], `unbalanced ${tag}`);
      continue;
    }
    const open = tag.match(/^<([a-z]+)(?:\s+[a-zA-Z0-9:-]+="[^"<>]*")*\s*(\/?)>$/);
    assert.ok(open, `malformed tag ${tag}`);
    if (!open[2]) stack.push(open[1]);
  }
  assert.deepEqual(stack, []);
  assert.equal(svg.slice(last), "");
}

function dayBars(svg: string) {
  return [...svg.matchAll(/class="bar day"[^>]*data-date="([^"]+)" data-count="(\d+)"/g)]
    .map(([, date, count]) => ({ date, messages: Number(count) }));
}

Deno.test("the conversation chart has one bar per day with its count and 24 hour bars", () => {
  const m = conversation(7, (day) => day % 3);
  const svg = renderActivityChartSvg(m);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assertWellFormed(svg);
  assert.deepEqual(dayBars(svg), m.volume.per_day);
  const hours = [...svg.matchAll(/data-hour="(\d+)" data-count="(\d+)"/g)].map((h) => Number(h[2]));
  assert.deepEqual(hours, m.volume.per_hour);
  assert.ok(svg.length < 6_000, `${svg.length} bytes`);
});

Deno.test("the tallest day bar fills the plot and an empty day has no height", () => {
  const svg = renderActivityChartSvg(conversation(3, (day) => [4, 0, 2][day]));
  const heights = [...svg.matchAll(/class="bar day"[^>]*height="([\d.]+)"/g)].map((h) => h[1]);
  assert.deepEqual(heights, ["110", "0", "55"]);
});

Deno.test("a 90-day range and 50 channels stay far under 60 KB", () => {
  const long = renderActivityChartSvg(conversation(91, (day) => day % 7));
  assert.equal(dayBars(long).length, 91);
  assert.ok(long.length < 20_000, `${long.length} bytes`);
  assertWellFormed(long);

  const channels = Array.from({ length: 50 }, (_, i) => ({
    id: `C${i}`,
    name: `channel-with-a-rather-long-name-${i}`,
    metrics: conversation(2, () => i % 5),
  }));
  const wide = renderActivityChartSvg(rankChannels({ channels, limit: 50 }));
  assert.equal([...wide.matchAll(/class="bar channel"/g)].length, 50);
  assert.ok(wide.length < 20_000, `${wide.length} bytes`);
  assertWellFormed(wide);
});

Deno.test("the workspace chart ranks channels by activity and escapes their names", () => {
  const ranking = rankChannels({
    channels: [
      { id: "C1", name: "quiet", metrics: conversation(1, () => 1) },
      { id: "C2", name: "r&d <team>", metrics: conversation(1, () => 3) },
    ],
  });
  const svg = renderActivityChartSvg(ranking);
  assertWellFormed(svg);
  assert.ok(svg.includes("#r&#38;d &#60;team&#62;"));
  const bars = [...svg.matchAll(/data-channel="(\w+)" data-count="(\d+)"/g)].map((b) => b.slice(1));
  assert.deepEqual(bars, [["C2", "3"], ["C1", "1"]]);
});

Deno.test("an empty workspace still gives a well-formed chart", () => {
  const svg = renderActivityChartSvg(rankChannels({ channels: [] }));
  assertWellFormed(svg);
  assert.ok(svg.includes("No channels to rank."));
});

Deno.test("the image content block is the SVG in base64", () => {
  const m = conversation(2, () => 1);
  const block = activityChartContent(m);
  assert.equal(block.type, "image");
  assert.equal(block.mimeType, "image/svg+xml");
  const bytes = Uint8Array.from(atob(block.data), (c) => c.charCodeAt(0));
  assert.equal(new TextDecoder().decode(bytes), renderActivityChartSvg(m));
});
