/**
 * A small static SVG chart of an analysis result, for clients without MCP
 * Apps: messages per day and per hour of day for a channel, channels ranked by
 * activity for a workspace. Pure: metrics in, markup out, a few KB.
 *
 * The SVG paints its own background and switches palette with
 * `prefers-color-scheme`, so it stays readable in light and dark clients;
 * renderers that ignore media queries get the light palette.
 * @module
 */
import type { ConversationMetrics } from "../analysis/conversation.ts";
import type { WorkspaceMetrics } from "../analysis/workspace.ts";

const WIDTH = 640;
const PAD = 16;
const FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const STYLE = [
  `text{font-family:${FONT};font-size:11px;fill:#616061}`,
  ".bg{fill:#fff}.title{font-size:14px;font-weight:600;fill:#1d1c1d}",
  ".head{font-size:12px;font-weight:600;fill:#1d1c1d}",
  ".bar{fill:#1264a3}.axis{stroke:#e3e3e6}",
  "@media (prefers-color-scheme:dark){.bg{fill:#1a1d21}text{fill:#a0a3a7}" +
  ".title,.head{fill:#e8e8e8}.bar{fill:#4aa3df}.axis{stroke:#35383d}}",
].join("");

/** `content` item of a tool result carrying the chart. */
export interface ChartImageContent {
  type: "image";
  data: string;
  mimeType: "image/svg+xml";
}

/**
 * Renders a conversation's activity (one bar per day, one per hour of day) or
 * a workspace's channels ranked by human messages.
 *
 * @example
 * ```ts
 * const svg = renderActivityChartSvg(analyzeConversation(input));
 * ```
 */
export function renderActivityChartSvg(metrics: ConversationMetrics | WorkspaceMetrics): string {
  return "channel_id" in metrics ? conversationChart(metrics) : workspaceChart(metrics);
}

/**
 * The chart as an MCP image content block (`image/svg+xml`, base64), for a
 * tool result's `content` when the caller asked for `chart: true`.
 *
 * @example
 * ```ts
 * return { content: [{ type: "text", text }, activityChartContent(metrics)] };
 * ```
 */
export function activityChartContent(
  metrics: ConversationMetrics | WorkspaceMetrics,
): ChartImageContent {
  return {
    type: "image",
    data: base64(renderActivityChartSvg(metrics)),
    mimeType: "image/svg+xml",
  };
}

function conversationChart(m: ConversationMetrics): string {
  const days = m.volume.per_day;
  const hours = m.volume.per_hour;
  const plotWidth = WIDTH - 2 * PAD;
  const parts: string[] = [];
  const first = days[0]?.date ?? "";
  const last = days[days.length - 1]?.date ?? "";
  parts.push(
    text(
      PAD,
      24,
      `${m.channel_id}: ${m.volume.human} human messages, ${first} to ${last}`,
      "title",
    ),
  );

  // Messages per day: bars from y=62 down to the axis at y=172.
  const dayTop = 62;
  const dayHeight = 110;
  const dayMax = Math.max(1, ...days.map((d) => d.messages));
  parts.push(text(PAD, 48, `Messages per day (max ${dayMax})`, "head"));
  const slot = plotWidth / Math.max(1, days.length);
  const gap = slot > 6 ? Math.min(4, slot * 0.2) : 0;
  const labelEvery = days.length <= 14 ? 1 : 7;
  days.forEach((day, i) => {
    const height = (day.messages / dayMax) * dayHeight;
    const x = PAD + i * slot + gap / 2;
    parts.push(
      `<rect class="bar day" x="${n(x)}" y="${n(dayTop + dayHeight - height)}" width="${
        n(slot - gap)
      }" height="${n(height)}" data-date="${day.date}" data-count="${day.messages}"/>`,
    );
    if ((days.length - 1 - i) % labelEvery === 0) {
      parts.push(
        text(x + (slot - gap) / 2, dayTop + dayHeight + 14, day.date.slice(5), "", "middle"),
      );
    }
  });
  parts.push(axis(dayTop + dayHeight));

  // Hour of day: 24 bars from y=222 to the axis at y=302.
  const hourTop = 222;
  const hourHeight = 80;
  const hourMax = Math.max(1, ...hours);
  parts.push(
    text(PAD, 208, `Messages by hour of day, ${m.range.timezone} (max ${hourMax})`, "head"),
  );
  const hourSlot = plotWidth / 24;
  hours.forEach((count, hour) => {
    const height = (count / hourMax) * hourHeight;
    const x = PAD + hour * hourSlot + 2;
    parts.push(
      `<rect class="bar hour" x="${n(x)}" y="${n(hourTop + hourHeight - height)}" width="${
        n(hourSlot - 4)
      }" height="${n(height)}" data-hour="${hour}" data-count="${count}"/>`,
    );
    if (hour % 3 === 0) {
      parts.push(text(x + (hourSlot - 4) / 2, hourTop + hourHeight + 14, `${hour}h`, "", "middle"));
    }
  });
  parts.push(axis(hourTop + hourHeight));
  return svg(hourTop + hourHeight + 28, parts);
}

function workspaceChart(m: WorkspaceMetrics): string {
  const rows = m.by_activity;
  const parts = [
    text(
      PAD,
      24,
      `${m.channel_count} channels: ${m.totals.human_messages} human messages, ` +
        `engagement ${m.totals.engagement_score}`,
      "title",
    ),
    text(PAD, 48, "Channels by human messages", "head"),
  ];
  const labelWidth = 140;
  const valueWidth = 48;
  const barWidth = WIDTH - 2 * PAD - labelWidth - valueWidth;
  const max = Math.max(1, ...rows.map((r) => r.human_messages));
  rows.forEach((row, i) => {
    const y = 60 + i * 24;
    const width = (row.human_messages / max) * barWidth;
    parts.push(
      text(PAD, y + 13, `#${clip(row.name, 20)}`),
      `<rect class="bar channel" x="${PAD + labelWidth}" y="${y + 3}" width="${
        n(width)
      }" height="14" rx="3" data-channel="${
        escapeXml(row.id)
      }" data-count="${row.human_messages}"/>`,
      text(WIDTH - PAD, y + 13, String(row.human_messages), "", "end"),
    );
  });
  if (rows.length === 0) parts.push(text(PAD, 74, "No channels to rank."));
  return svg(60 + Math.max(1, rows.length) * 24 + 12, parts);
}

function svg(height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" role="img"><style>${STYLE}</style>` +
    `<rect class="bg" width="${WIDTH}" height="${height}" rx="8"/>${parts.join("")}</svg>`;
}

function axis(y: number): string {
  return `<line class="axis" x1="${PAD}" x2="${WIDTH - PAD}" y1="${y + 0.5}" y2="${y + 0.5}"/>`;
}

function text(x: number, y: number, content: string, cls = "", anchor = ""): string {
  return `<text x="${n(x)}" y="${n(y)}"${cls ? ` class="${cls}"` : ""}${
    anchor ? ` text-anchor="${anchor}"` : ""
  }>${escapeXml(content)}</text>`;
}

/** One decimal is plenty at this size and keeps the markup short. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function clip(value: string, limit: number): string {
  const chars = Array.from(value);
  return chars.length <= limit ? value : chars.slice(0, limit - 1).join("") + "…";
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function base64(value: string): string {
  const bytes = new TextEncoder().encode(value);
  let binary = "";
  // Chunks keep String.fromCharCode under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
