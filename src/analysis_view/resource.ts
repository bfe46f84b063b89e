/**
 * The analysis view as an MCP Apps UI resource: what the server registers and
 * what the two analysis tools declare so that hosts with MCP Apps render their
 * results as charts (`slack_analyze_conversation`, `slack_analyze_workspace`).
 *
 * Wiring, with the MCP SDK (the ext-apps `registerAppTool` /
 * `registerAppResource` helpers take the same values):
 * ```ts
 * server.registerResource(analysisViewResource.name, ANALYSIS_VIEW_URI, analysisViewResource,
 *   () => readAnalysisView());
 * ```
 * (this server lists it in `src/mcp/resources.ts`), and in each analysis tool's definition:
 * ```ts
 * meta: analysisViewToolMeta,
 * ```
 *
 * The constants are spelled out rather than imported from
 * `@modelcontextprotocol/ext-apps`, so the server does not load the browser
 * client; `resource_test.ts` checks them against the package.
 * @module
 */

/** The view's resource URI; tools point at it from `_meta.ui.resourceUri`. */
export const ANALYSIS_VIEW_URI = "ui://slack-mcp/analysis.html";

/** MIME type of MCP Apps views (the extension's `RESOURCE_MIME_TYPE`). */
export const ANALYSIS_VIEW_MIME_TYPE = "text/html;profile=mcp-app";

/** The MCP Apps extension's id in client capabilities' `extensions`. */
export const MCP_APPS_EXTENSION_ID = "io.modelcontextprotocol/ui";

/**
 * `_meta` for the two analysis tools. Both spellings of the link are set, as
 * the extension's `registerAppTool` does: `ui.resourceUri` for current hosts,
 * the flat `ui/resourceUri` key for older ones.
 */
export const analysisViewToolMeta = {
  ui: { resourceUri: ANALYSIS_VIEW_URI },
  "ui/resourceUri": ANALYSIS_VIEW_URI,
} as const;

/**
 * `_meta` of the resource and of its content: no network origins at all (the
 * view needs none; permalinks open through the host), and a border, since the
 * view has no frame of its own.
 */
export const analysisViewResourceMeta = {
  ui: {
    csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
    prefersBorder: true,
  },
};

/** The resource's listing (`resources/list`): name, title, description, MIME type, `_meta`. */
export const analysisViewResource = {
  name: "analysis-view",
  title: "Slack analysis charts",
  description:
    "Interactive charts for slack_analyze_conversation and slack_analyze_workspace results (MCP Apps view).",
  mimeType: ANALYSIS_VIEW_MIME_TYPE,
  _meta: analysisViewResourceMeta,
};

/**
 * The `resources/read` result for {@link ANALYSIS_VIEW_URI}.
 *
 * @example
 * ```ts
 * const { contents: [view] } = await readAnalysisView();
 * ```
 */
export async function readAnalysisView() {
  // Loaded on first read: the bundled view is large, and most sessions never open it.
  const { VIEW_HTML } = await import("./view_html.gen.ts");
  return {
    contents: [{
      uri: ANALYSIS_VIEW_URI,
      mimeType: ANALYSIS_VIEW_MIME_TYPE,
      text: VIEW_HTML,
      _meta: analysisViewResourceMeta,
    }],
  };
}

/**
 * Whether a client said it renders MCP Apps views, from the capabilities it
 * sent at initialization. Clients that do not get the SVG chart
 * (`chart_svg.ts`) instead when they ask for one.
 *
 * @example
 * ```ts
 * if (!supportsAnalysisView(server.getClientCapabilities())) content.push(chartImage);
 * ```
 */
export function supportsAnalysisView(capabilities: unknown): boolean {
  const extensions = (capabilities as { extensions?: Record<string, unknown> } | undefined)
    ?.extensions;
  const ui = extensions?.[MCP_APPS_EXTENSION_ID] as { mimeTypes?: unknown } | undefined;
  return Array.isArray(ui?.mimeTypes) && ui.mimeTypes.includes(ANALYSIS_VIEW_MIME_TYPE);
}
