import assert from "node:assert/strict";
import {
  EXTENSION_ID,
  getUiCapability,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
} from "@modelcontextprotocol/ext-apps/server";
import {
  ANALYSIS_VIEW_MIME_TYPE,
  ANALYSIS_VIEW_URI,
  analysisViewResource,
  analysisViewToolMeta,
  MCP_APPS_EXTENSION_ID,
  readAnalysisView,
  supportsAnalysisView,
} from "./resource.ts";

Deno.test("the constants are the MCP Apps extension's own", () => {
  assert.equal(ANALYSIS_VIEW_MIME_TYPE, RESOURCE_MIME_TYPE);
  assert.equal(MCP_APPS_EXTENSION_ID, EXTENSION_ID);
  assert.equal(analysisViewToolMeta[RESOURCE_URI_META_KEY], ANALYSIS_VIEW_URI);
  assert.match(ANALYSIS_VIEW_URI, /^ui:\/\//);
});

Deno.test("the tool _meta is what the extension's registerAppTool would declare", async () => {
  const { registerAppTool } = await import("@modelcontextprotocol/ext-apps/server");
  let declared: unknown;
  const server = {
    registerTool: (_name: string, config: { _meta?: unknown }) => {
      declared = config._meta;
      return undefined as never;
    },
  };
  registerAppTool(
    server,
    "slack_analyze_conversation",
    { _meta: { ui: { resourceUri: ANALYSIS_VIEW_URI } } },
    () => ({ content: [] }),
  );
  assert.deepEqual(declared, analysisViewToolMeta);
});

Deno.test("a client supports the view exactly when it lists the MCP Apps MIME type", () => {
  const cases: Parameters<typeof getUiCapability>[0][] = [
    undefined,
    {},
    { extensions: {} },
    { extensions: { [EXTENSION_ID]: {} } },
    { extensions: { [EXTENSION_ID]: { mimeTypes: ["text/html"] } } },
    { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } },
  ];
  for (const capabilities of cases) {
    const expected = getUiCapability(capabilities)?.mimeTypes?.includes(RESOURCE_MIME_TYPE) ??
      false;
    assert.equal(supportsAnalysisView(capabilities), expected, JSON.stringify(capabilities));
  }
  assert.equal(supportsAnalysisView(cases.at(-1)), true);
});

Deno.test("the resource is one HTML document that loads nothing from the network", async () => {
  const { contents: [view] } = await readAnalysisView();
  assert.equal(view.uri, ANALYSIS_VIEW_URI);
  assert.equal(view.mimeType, analysisViewResource.mimeType);
  assert.deepEqual(view._meta.ui.csp.connectDomains, []);
  const html = view.text;
  assert.ok(html.startsWith("<!doctype html>"));
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  assert.equal(html.match(/<script\b/g)?.length, 1);
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  // The markup and styles, without the inline script (whose libraries mention URLs).
  const markup = html.replace(/(<script[^>]*>)[\s\S]*<\/script>/, "$1</script>");
  assert.doesNotMatch(markup, /\bsrc=|<link[\s>]|@import|url\(|https?:/i);
});
