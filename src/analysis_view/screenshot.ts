/**
 * `deno task screenshot:view`: renders the analysis view over the seeded demo
 * workspace, light and dark, for a channel and for the workspace, and saves
 * `docs/analysis-view.png`.
 * @module
 */
import { demoConversationResult, demoWorkspaceResult } from "./demo_results.ts";
import { openPreview, type PreviewFrameConfig } from "./preview.ts";

const OUTPUT = new URL("../../docs/analysis-view.png", import.meta.url);
const WIDTH = 680;

const conversationArgs = { channel_id: "#engineering", days: 7, timezone: "America/New_York" };
const conversation = demoConversationResult(conversationArgs);
const workspace = demoWorkspaceResult({ days: 7 });
const shown = [
  { toolName: "slack_analyze_conversation", args: conversationArgs, result: conversation },
  { toolName: "slack_analyze_workspace", args: { days: 7 }, result: workspace },
];
// One row per tool, light beside dark.
const frames: PreviewFrameConfig[] = shown.flatMap((tool) =>
  (["light", "dark"] as const).map((theme) => ({
    ...tool,
    theme,
    width: WIDTH,
    title: `${tool.toolName} · ${theme}`,
  }))
);

await using preview = await openPreview({
  frames,
  // Tall enough for every frame: frames painted off-screen can come out blank.
  viewport: { width: 2 * WIDTH + 3 * 24, height: 3000 },
});
for (let i = 0; i < frames.length; i++) {
  await (await preview.view(i)).waitForSelector("[data-section]");
}
// The views report their height and the host resizes their frames: wait until that settles.
let height = 0;
for (let previous = -1; height !== previous;) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  previous = height;
  height = await preview.page.$eval("#frames", (e) => Math.ceil(e.getBoundingClientRect().bottom));
}
if (preview.errors.length > 0) throw new Error(`View errors: ${preview.errors.join("\n")}`);
await Deno.mkdir(new URL(".", OUTPUT), { recursive: true });
await preview.page.screenshot({
  path: OUTPUT.pathname as `${string}.png`,
  clip: { x: 0, y: 0, width: 2 * WIDTH + 3 * 24, height: height + 24 },
});
console.log(`Wrote ${OUTPUT.pathname}`);
