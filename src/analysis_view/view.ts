/// <reference lib="dom" />
/**
 * The analysis view's entry point, run inside the host's iframe: it connects
 * to the host with the MCP Apps `App` client, renders each analysis result the
 * host sends, follows the host's theme, and re-runs the tool over another range
 * through the host when the host can proxy tool calls.
 *
 * Bundled into `view_html.gen.ts` by `build.ts`; never imported by the server.
 * @module
 */
import {
  App,
  applyDocumentTheme,
  applyHostStyleVariables,
  type McpUiHostContext,
} from "@modelcontextprotocol/ext-apps";
import {
  isConversation,
  isWorkspace,
  renderConversation,
  renderMessage,
  renderWorkspace,
  type ViewActions,
  type ViewState,
} from "./render.ts";

type ToolResult = {
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  content?: { type: string; text?: string }[];
};

const root = document.getElementById("app")!;
const app = new App({ name: "slack-mcp-analysis", version: "1.0.0" });

/** The arguments of the call being shown, so a re-run keeps channel and time zone. */
let toolArgs: Record<string, unknown> = {};
let lastResult: ToolResult | undefined;
let busy = false;

function applyContext(context: McpUiHostContext | undefined) {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

function toolName(result: unknown): string | undefined {
  const fromHost = app.getHostContext()?.toolInfo?.tool.name;
  if (fromHost) return fromHost;
  if (isConversation(result)) return "slack_analyze_conversation";
  if (isWorkspace(result)) return "slack_analyze_workspace";
}

async function rerun(days: number) {
  const data = lastResult?.structuredContent;
  const name = toolName(data);
  if (!name || busy) return;
  // An explicit range would override `days`, so it is dropped.
  const { oldest: _oldest, latest: _latest, ...rest } = toolArgs;
  const args: Record<string, unknown> = { ...rest, days };
  if (isConversation(data)) {
    args.channel_id ??= data.channel_id;
    args.timezone ??= data.range.timezone;
  }
  busy = true;
  show(lastResult);
  let result: ToolResult;
  try {
    result = await app.callServerTool({ name, arguments: args }) as ToolResult;
  } catch (error) {
    busy = false;
    renderMessage(root, "The analysis could not be refreshed.", String(error));
    return;
  }
  busy = false;
  toolArgs = args;
  show(result);
}

function actions(): ViewActions {
  const host = app.getHostCapabilities();
  return {
    rerun: host?.serverTools ? rerun : undefined,
    openLink: host?.openLinks ? (url) => void app.openLink({ url }) : undefined,
  };
}

/** Days the shown result covers: the call's `days`, else its explicit range rounded. */
function daysShown(data: unknown): number | undefined {
  if (typeof toolArgs.days === "number") return toolArgs.days;
  if (isConversation(data) && toolArgs.oldest === undefined) {
    return Math.round((data.range.latest - data.range.oldest) / 86_400);
  }
  if (isWorkspace(data)) return 7;
}

function show(result: ToolResult | undefined) {
  lastResult = result;
  const data = result?.structuredContent;
  const state: ViewState = {
    days: daysShown(data),
    channelLabel: typeof toolArgs.channel_id === "string" ? toolArgs.channel_id : undefined,
    busy,
  };
  if (result?.isError) {
    const text = result.content?.find((c) => c.type === "text")?.text;
    renderMessage(root, "The analysis failed.", text ?? "The tool reported an error.");
  } else if (isConversation(data)) renderConversation(root, data, state, actions());
  else if (isWorkspace(data)) renderWorkspace(root, data, state, actions());
  else {
    renderMessage(
      root,
      "No analysis to show.",
      "The host sent no channel or workspace analysis. Ask for one, for example " +
        "“analyze #general over the last 7 days”.",
    );
  }
}

// Handlers first: the host may send the input and result right after the handshake.
app.ontoolinput = (params) => {
  toolArgs = params.arguments ?? {};
};
app.ontoolresult = (result) => show(result as ToolResult);
app.ontoolcancelled = (params) =>
  renderMessage(root, "The analysis was cancelled.", params.reason ?? "");
app.onhostcontextchanged = applyContext;
app.onteardown = () => ({});

show(undefined);
app.connect().then(() => applyContext(app.getHostContext()), (error) => {
  renderMessage(root, "No host to talk to.", `This view runs inside an MCP Apps host. ${error}`);
});
