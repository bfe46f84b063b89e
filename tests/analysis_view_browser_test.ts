/**
 * The analysis view in real headless Chromium, behind a fake MCP Apps host that
 * speaks the extension's postMessage protocol (its own `AppBridge`), fed real
 * tool results computed over the emulator's seeded workspace.
 */
import assert from "node:assert/strict";
import type { Frame } from "puppeteer-core";
import type { ConversationMetrics } from "../src/analysis/conversation.ts";
import type { WorkspaceMetrics } from "../src/analysis/workspace.ts";
import {
  demoConversationResult,
  demoToolCall,
  demoWorkspaceResult,
} from "../src/analysis_view/demo_results.ts";
import { CHROMIUM_PATH, openPreview } from "../src/analysis_view/preview.ts";

const hasChromium = await Deno.stat(CHROMIUM_PATH).then(() => true, () => false);
if (!hasChromium) {
  console.warn(`Skipping the analysis view browser test: no Chromium at ${CHROMIUM_PATH}.`);
}

const conversationArgs = { channel_id: "#engineering", days: 7, timezone: "America/New_York" };
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Row-major first maximum, Monday first: the cell the view must mark. */
function busiestCell(week: number[][]) {
  let best = { weekday: -1, hour: -1, count: 0 };
  week.forEach((row, weekday) =>
    row.forEach((count, hour) => {
      if (count > best.count) best = { weekday, hour, count };
    })
  );
  return best;
}

function attributes(frame: Frame, selector: string, names: string[]) {
  return frame.$$eval(
    selector,
    (elements, names) => elements.map((e) => names.map((n) => e.getAttribute(n))),
    names,
  );
}

Deno.test({
  name: "the analysis view renders real results inside an MCP Apps host",
  ignore: !hasChromium,
  // Puppeteer keeps its pipe and timers until the browser is gone, which is at the end.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const conversation = demoConversationResult(conversationArgs);
    const metrics = conversation.structuredContent as ConversationMetrics;
    const workspace = demoWorkspaceResult({ days: 7 });
    const ranking = workspace.structuredContent as WorkspaceMetrics;
    const hostBackground = "rgb(12, 34, 56)";
    await using preview = await openPreview({
      viewport: { width: 1800, height: 900 },
      frames: [
        {
          theme: "light",
          width: 760,
          toolName: "slack_analyze_conversation",
          args: conversationArgs,
          result: conversation,
        },
        {
          theme: "dark",
          width: 560,
          toolName: "slack_analyze_workspace",
          args: { days: 7 },
          result: workspace,
          variables: { "--color-background-primary": hostBackground },
        },
        { theme: "light", width: 320, toolName: "slack_analyze_conversation" },
        {
          theme: "dark",
          width: 320,
          toolName: "slack_analyze_conversation",
          result: conversation,
        },
      ],
      callTool: demoToolCall,
    });
    const [view, workspaceView, emptyView, narrowView] = await Promise.all(
      [0, 1, 2, 3].map((i) => preview.view(i)),
    );
    await view.waitForSelector("[data-section=per-day]");

    await t.step("one day bar per day, with that day's human messages", async () => {
      const bars = await attributes(view, ".bar", ["data-date", "data-count"]);
      assert.deepEqual(
        bars,
        metrics.volume.per_day.map((d) => [d.date, String(d.messages)]),
      );
      assert.ok(metrics.volume.per_day.some((d) => d.messages > 0), "the seed has messages");
    });

    await t.step(
      "the heat map holds every weekday × hour count and marks the busiest",
      async () => {
        const cells = await attributes(view, ".hm-cell", [
          "data-weekday",
          "data-hour",
          "data-count",
        ]);
        assert.equal(cells.length, 7 * 24);
        for (const [weekday, hour, count] of cells) {
          assert.equal(
            Number(count),
            metrics.volume.per_weekday_hour[Number(weekday)][Number(hour)],
          );
        }
        const expected = busiestCell(metrics.volume.per_weekday_hour);
        const busiest = await attributes(view, "[data-busiest]", ["data-weekday", "data-hour"]);
        assert.deepEqual(busiest, [[String(expected.weekday), String(expected.hour)]]);
        const note = await view.$eval("[data-section=heatmap] .note", (e) => e.textContent);
        assert.match(note!, new RegExp(`^Busiest: ${WEEKDAYS[expected.weekday]} `));
      },
    );

    await t.step("participants are ranked as in the result, the top one first", async () => {
      const names = await view.$$eval(
        "[data-section=participants] td.name",
        (cells) => cells.map((c) => c.textContent),
      );
      assert.equal(names[0], metrics.participants[0].name);
      assert.deepEqual(names, metrics.participants.map((p) => p.name));
    });

    await t.step("thread figures and engaged messages come from the result", async () => {
      const threads = await view.$eval("[data-stat=threads] .stat-value", (e) => e.textContent);
      assert.equal(threads, String(metrics.threads.count));
      const links = await attributes(view, "[data-section=top-messages] a", ["href"]);
      assert.deepEqual(
        links.map(([href]) => href),
        metrics.top_messages.slice(0, 5).map((m) => m.permalink),
      );
      await view.click("[data-section=top-messages] a");
      // The open-link request crosses the frame boundary asynchronously.
      let opened: string[] = [];
      for (let i = 0; i < 100 && opened.length === 0; i++) {
        opened = await preview.openedLinks();
        if (opened.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(opened, [metrics.top_messages[0].permalink]);
    });

    await t.step("the workspace view ranks channels by activity and engagement", async () => {
      await workspaceView.waitForSelector("[data-section=by-activity]");
      const active = await attributes(workspaceView, "[data-section=by-activity] li", [
        "data-channel",
        "data-value",
      ]);
      assert.deepEqual(active, ranking.by_activity.map((c) => [c.id, String(c.human_messages)]));
      const engaged = await attributes(workspaceView, "[data-section=by-engagement] li", [
        "data-channel",
      ]);
      assert.deepEqual(engaged.flat(), ranking.by_engagement.map((c) => c.id));
    });

    await t.step("the view follows the host's theme and CSS variables", async () => {
      const [theme, background] = await workspaceView.evaluate(() => [
        document.documentElement.dataset.theme,
        getComputedStyle(document.body).backgroundColor,
      ]);
      assert.deepEqual([theme, background], ["dark", hostBackground]);
      const lightTheme = await view.evaluate(() => document.documentElement.dataset.theme);
      assert.equal(lightTheme, "light");
    });

    await t.step("without a result the view says there is nothing to show", async () => {
      await emptyView.waitForSelector("[data-state=empty]");
      const text = await emptyView.$eval("[data-state=empty]", (e) => e.textContent);
      assert.match(text!, /No analysis to show/);
    });

    await t.step("a 320 px frame shows everything without scrolling sideways", async () => {
      await narrowView.waitForSelector("[data-section=heatmap]");
      const [scroll, client] = await narrowView.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      assert.ok(scroll <= client, `content is ${scroll} px wide in a ${client} px frame`);
    });

    await t.step("the 30-day button calls the tool again through the host", async () => {
      await view.click("button[data-days='30']");
      const expected = demoConversationResult({ ...conversationArgs, days: 30 })
        .structuredContent as ConversationMetrics;
      await view.waitForFunction(
        (n) => document.querySelectorAll(".bar").length === n,
        {},
        expected.volume.per_day.length,
      );
      const bars = await attributes(view, ".bar", ["data-date", "data-count"]);
      assert.deepEqual(bars, expected.volume.per_day.map((d) => [d.date, String(d.messages)]));
      const pressed = await attributes(view, "button[aria-pressed=true]", ["data-days"]);
      assert.deepEqual(pressed, [["30"]]);
    });

    await t.step("nothing was logged as an error and no request left the page", () => {
      assert.deepEqual(preview.errors, []);
      assert.deepEqual(preview.requests, []);
    });
  },
});
