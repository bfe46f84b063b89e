import assert from "node:assert/strict";
import { buildViewHtml } from "./build.ts";
import { VIEW_HTML } from "./view_html.gen.ts";

Deno.test("view_html.gen.ts is the build of the current view sources", async () => {
  const built = await buildViewHtml();
  assert.ok(
    built === VIEW_HTML,
    "src/analysis_view/view_html.gen.ts is out of date: run `deno task build:view`",
  );
});
