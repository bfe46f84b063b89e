/// <reference lib="dom" />
/**
 * Renders an analysis tool's result into the view's DOM: the charts are plain
 * elements sized by CSS, so they reflow in narrow frames and follow the host's
 * theme through CSS variables. Every figure carries data attributes
 * (`data-date`, `data-count`, `data-weekday`, …) that the browser test reads.
 *
 * Text from Slack is only ever set through `textContent`, never parsed as HTML.
 * @module
 */
import type { ConversationMetrics } from "../analysis/conversation.ts";
import type { WorkspaceMetrics } from "../analysis/workspace.ts";
import { formatDuration } from "../analysis/duration.ts";
import { plural } from "../util/text.ts";

/** What the view can do through its host; absent members are not offered. */
export interface ViewActions {
  /** Re-runs the tool over the last `days` days. */
  rerun?: (days: number) => void;
  /** Opens a permalink through the host. */
  openLink?: (url: string) => void;
}

/** The range the current result covers, for the 7 / 30 day buttons. */
export interface ViewState {
  days?: number;
  /** Channel as the caller named it (`#general`), shown beside the ID. */
  channelLabel?: string;
  busy?: boolean;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const RANGES = [7, 30];

type Child = Node | string | null | undefined | false;

/** A small element factory; `data` keys become `data-*` attributes. */
function h(
  tag: string,
  props: { class?: string; data?: Record<string, string | number>; [key: string]: unknown } = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "data") {
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        el.dataset[name] = String(v);
      }
    } else if (key === "style") el.setAttribute("style", String(value));
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value as EventListener);
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.filter((c): c is Node | string => !!c));
  return el;
}

/** Replaces `root`'s content, skipping the children left out by a condition. */
function fill(root: HTMLElement, ...children: Child[]) {
  root.replaceChildren(...children.filter((c): c is Node | string => !!c));
}

/** Shown until a result arrives, and when the host reports no data. */
export function renderMessage(root: HTMLElement, title: string, detail: string): void {
  root.replaceChildren(
    h(
      "div",
      { class: "empty", role: "status", data: { state: "empty" } },
      h("p", { class: "empty-title" }, title),
      h("p", { class: "muted" }, detail),
    ),
  );
}

/** True for a `slack_analyze_conversation` result. */
export function isConversation(value: unknown): value is ConversationMetrics {
  const v = value as ConversationMetrics | null;
  return typeof v?.channel_id === "string" && Array.isArray(v.volume?.per_day);
}

/** True for a `slack_analyze_workspace` result. */
export function isWorkspace(value: unknown): value is WorkspaceMetrics {
  const v = value as WorkspaceMetrics | null;
  return Array.isArray(v?.by_activity) && Array.isArray(v?.by_engagement);
}

/** Replaces the view's content with a conversation's charts and tables. */
export function renderConversation(
  root: HTMLElement,
  m: ConversationMetrics,
  state: ViewState,
  actions: ViewActions,
): void {
  const { volume, threads, reactions } = m;
  const first = volume.per_day[0]?.date;
  const last = volume.per_day[volume.per_day.length - 1]?.date;
  const label = state.channelLabel && state.channelLabel !== m.channel_id
    ? `${state.channelLabel.startsWith("#") ? "" : "#"}${state.channelLabel}`
    : m.channel_id;
  fill(
    root,
    header(
      label,
      `${formatDate(first)} – ${formatDate(last)} · ${m.range.timezone}`,
      state,
      actions,
    ),
    h(
      "section",
      { class: "stats", "aria-label": "Summary" },
      stat("messages", "Messages", String(volume.human), `${volume.human_replies} in threads`),
      stat("participants", "People", String(m.participant_count), "active in range"),
      stat(
        "first-reply",
        "First reply",
        threads.median_first_reply_seconds === null
          ? "—"
          : formatDuration(threads.median_first_reply_seconds),
        "median",
      ),
      stat(
        "threads",
        "Threads",
        String(threads.count),
        `${Math.round(threads.reply_ratio * 100)}% answered`,
      ),
      stat(
        "reactions",
        "Reactions",
        String(reactions.total),
        `${reactions.per_message} per message`,
      ),
    ),
    card("Messages per day", "per-day", dayBars(volume.per_day)),
    card("When people post", "heatmap", heatmap(volume.per_weekday_hour, m.range.timezone)),
    h(
      "div",
      { class: "columns" },
      card("Participants", "participants", participantTable(m.participants)),
      card("Most engaged messages", "top-messages", topMessages(m.top_messages, actions)),
    ),
    m.truncated ? h("p", { class: "note warn" }, `Partial data: ${m.truncated_reason}`) : null,
  );
}

/** Replaces the view's content with the workspace's channel rankings. */
export function renderWorkspace(
  root: HTMLElement,
  m: WorkspaceMetrics,
  state: ViewState,
  actions: ViewActions,
): void {
  const { totals } = m;
  fill(
    root,
    header(
      "Workspace",
      `${m.channel_count} ${m.channel_count === 1 ? "channel" : "channels"} analysed`,
      state,
      actions,
    ),
    h(
      "section",
      { class: "stats", "aria-label": "Summary" },
      stat(
        "messages",
        "Messages",
        String(totals.human_messages),
        `${totals.human_replies} replies`,
      ),
      stat("threads", "Threads", String(totals.threads), ""),
      stat("reactions", "Reactions", String(totals.reactions), ""),
      stat("engagement", "Engagement", String(totals.engagement_score), "per message"),
    ),
    h(
      "div",
      { class: "columns" },
      card(
        "Most active channels",
        "by-activity",
        channelBars(m.by_activity, (c) => c.human_messages, (c) => `${c.human_messages}`),
      ),
      card(
        "Most engaged channels",
        "by-engagement",
        channelBars(m.by_engagement, (c) => c.engagement_score, (c) => `${c.engagement_score}`),
        h("p", { class: "note" }, `Channels with at least ${m.min_messages} messages.`),
      ),
    ),
    m.truncated
      ? h("p", { class: "note warn" }, `Partial data for ${m.truncated_channels.join(", ")}`)
      : null,
  );
}

function header(title: string, subtitle: string, state: ViewState, actions: ViewActions) {
  const rerun = actions.rerun;
  return h(
    "header",
    {},
    h("div", {}, h("h1", {}, title), h("p", { class: "muted" }, subtitle)),
    rerun
      ? h(
        "div",
        { class: "range", role: "group", "aria-label": "Range" },
        ...RANGES.map((days) =>
          h("button", {
            type: "button",
            data: { days },
            "aria-pressed": String(state.days === days),
            disabled: state.busy,
            onclick: () => rerun(days),
          }, `${days} days`)
        ),
      )
      : null,
  );
}

function stat(key: string, label: string, value: string, detail: string) {
  return h(
    "div",
    { class: "stat", data: { stat: key } },
    h("span", { class: "stat-label" }, label),
    h("span", { class: "stat-value" }, value),
    detail ? h("span", { class: "muted small" }, detail) : null,
  );
}

function card(title: string, key: string, ...body: Child[]) {
  return h("section", { class: "card", data: { section: key } }, h("h2", {}, title), ...body);
}

function dayBars(days: ConversationMetrics["volume"]["per_day"]) {
  const max = Math.max(1, ...days.map((d) => d.messages));
  // Every label fits up to two weeks; past that, one a week keeps them legible.
  const every = days.length <= 14 ? 1 : 7;
  return h(
    "div",
    { class: "bars", role: "img", "aria-label": "Human messages per day" },
    ...days.map((day, i) =>
      h(
        "div",
        {
          class: "bar",
          title: `${formatDate(day.date, true)}: ${plural(day.messages, "message")}`,
          data: { date: day.date, count: day.messages },
        },
        h(
          "div",
          { class: "bar-track" },
          h("span", { class: "bar-value" }, days.length <= 14 ? String(day.messages) : ""),
          h("div", {
            class: "bar-fill",
            style: `height:${(day.messages / max) * 100}%`,
          }),
        ),
        h(
          "span",
          { class: "bar-label" },
          (days.length - 1 - i) % every === 0 ? formatDay(day.date, days.length <= 14) : "",
        ),
      )
    ),
  );
}

function heatmap(week: number[][], timezone: string) {
  let best = { weekday: -1, hour: -1, count: 0 };
  week.forEach((row, weekday) =>
    row.forEach((count, hour) => {
      if (count > best.count) best = { weekday, hour, count };
    })
  );
  const max = Math.max(1, best.count);
  const grid = h("div", {
    class: "heatmap",
    role: "img",
    "aria-label": "Messages by weekday and hour",
  });
  grid.append(h("span", { class: "hm-corner" }));
  for (let hour = 0; hour < 24; hour++) {
    grid.append(
      h("span", { class: "hm-hour", data: { hour } }, hour % 3 === 0 ? String(hour) : ""),
    );
  }
  week.forEach((row, weekday) => {
    grid.append(h("span", { class: "hm-day" }, WEEKDAYS[weekday]));
    row.forEach((count, hour) => {
      const busiest = weekday === best.weekday && hour === best.hour;
      grid.append(h("span", {
        class: busiest ? "hm-cell busiest" : "hm-cell",
        title: `${WEEKDAYS[weekday]} ${pad(hour)}:00: ${plural(count, "message")}`,
        style: count > 0 ? `--level:${(0.15 + 0.85 * count / max).toFixed(3)}` : undefined,
        data: { weekday, hour, count, ...(busiest ? { busiest: "true" } : {}) },
      }));
    });
  });
  const note = best.count > 0
    ? `Busiest: ${WEEKDAYS[best.weekday]} ${pad(best.hour)}:00–${pad(best.hour + 1)}:00 ` +
      `(${plural(best.count, "message")}) · hours in ${timezone}`
    : `No human messages · hours in ${timezone}`;
  return h("div", { class: "heatmap-wrap" }, grid, h("p", { class: "note" }, note));
}

function participantTable(people: ConversationMetrics["participants"]) {
  if (people.length === 0) return h("p", { class: "muted" }, "Nobody posted in this range.");
  const max = Math.max(1, ...people.map((p) => p.messages));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Name"),
          h("th", { scope: "col", class: "num" }, "Messages"),
          h("th", { scope: "col", class: "num" }, "Replies"),
          h("th", { scope: "col", class: "num", title: "Reactions received" }, "Reactions"),
        ),
      ),
      h(
        "tbody",
        {},
        ...people.map((p) =>
          h(
            "tr",
            { data: { participant: p.id } },
            h("td", { class: "name" }, p.name),
            h(
              "td",
              { class: "num" },
              h(
                "span",
                { class: "inline-bar" },
                h("span", { style: `width:${(p.messages / max) * 100}%` }),
              ),
              String(p.messages),
            ),
            h("td", { class: "num" }, String(p.replies)),
            h("td", { class: "num" }, String(p.reactions_received)),
          )
        ),
      ),
    ),
  );
}

function topMessages(messages: ConversationMetrics["top_messages"], actions: ViewActions) {
  if (messages.length === 0) return h("p", { class: "muted" }, "No replies or reactions yet.");
  return h(
    "ol",
    { class: "messages" },
    ...messages.slice(0, 5).map((m) => {
      const text = h("span", { class: "message-text" }, m.text || "(no text)");
      const body = m.permalink
        ? h("a", {
          href: m.permalink,
          target: "_blank",
          rel: "noopener noreferrer",
          onclick: (event: Event) => {
            // The host opens links (iframes are sandboxed); plain navigation is the fallback.
            if (!actions.openLink) return;
            event.preventDefault();
            actions.openLink(m.permalink!);
          },
        }, text)
        : text;
      return h(
        "li",
        { data: { ts: m.ts } },
        h("span", { class: "message-author" }, m.user_name),
        body,
        h(
          "span",
          { class: "muted small" },
          `${plural(m.replies, "reply", "replies")} · ${plural(m.reactions, "reaction")}`,
        ),
      );
    }),
  );
}

type ChannelRank = WorkspaceMetrics["by_activity"][number];

function channelBars(
  channels: ChannelRank[],
  value: (c: ChannelRank) => number,
  label: (c: ChannelRank) => string,
) {
  if (channels.length === 0) return h("p", { class: "muted" }, "No channels to rank.");
  const max = Math.max(1e-9, ...channels.map(value));
  return h(
    "ol",
    { class: "ranking" },
    ...channels.map((c) =>
      h(
        "li",
        { data: { channel: c.id, value: value(c) } },
        h("span", { class: "rank-name" }, `#${c.name}`),
        h(
          "span",
          { class: "rank-track" },
          h("span", { class: "rank-fill", style: `width:${(value(c) / max) * 100}%` }),
        ),
        h("span", { class: "rank-value" }, label(c)),
      )
    ),
  );
}

function pad(n: number) {
  return String(n).padStart(2, "0");
}

/** Dates are calendar dates of the result's zone, so they are formatted as UTC. */
function formatDate(date: string | undefined, long = false) {
  if (!date) return "";
  return new Date(`${date}T00:00:00Z`).toLocaleDateString("en-US", {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    ...(long ? { weekday: "short", year: "numeric" } : {}),
  });
}

function formatDay(date: string, withWeekday: boolean) {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  if (!withWeekday) return formatDate(date);
  return `${WEEKDAYS[(d.getUTCDay() + 6) % 7]} ${day}`;
}
