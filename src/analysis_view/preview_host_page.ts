/// <reference lib="dom" />
/**
 * A minimal MCP Apps host for previews and tests, run in the outer page: one
 * sandboxed iframe per frame of `window.previewConfig`, each driven by the
 * extension's own `AppBridge` over `postMessage`, as a real host would.
 *
 * Tool calls from a view go to `window.previewCallTool` (wired by
 * `preview.ts` to the analysis functions); opened links are recorded in
 * `window.previewOpenedLinks` instead of being followed.
 * @module
 */
import {
  AppBridge,
  type McpUiHostContext,
  type McpUiStyles,
  PostMessageTransport,
} from "@modelcontextprotocol/ext-apps/app-bridge";

/** One view to show; `result` omitted means the host sends none. */
export interface PreviewFrameConfig {
  theme: "light" | "dark";
  width: number;
  toolName: string;
  args?: Record<string, unknown>;
  result?: Record<string, unknown>;
  /** Host CSS variables, as `styles.variables` of the host context. */
  variables?: Partial<McpUiStyles>;
  title?: string;
}

/** What the outer page reads from `window`. */
export interface PreviewConfig {
  html: string;
  frames: PreviewFrameConfig[];
}

type CallTool = (name: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

const global = globalThis as unknown as {
  previewConfig: PreviewConfig;
  previewCallTool?: CallTool;
  previewOpenedLinks: string[];
  previewReady: Promise<void>[];
};
global.previewOpenedLinks = [];

function mount(config: PreviewFrameConfig, index: number): Promise<void> {
  const figure = document.createElement("figure");
  figure.className = `frame ${config.theme}`;
  const caption = document.createElement("figcaption");
  caption.textContent = config.title ?? "";
  const iframe = document.createElement("iframe");
  iframe.id = `view-${index}`;
  iframe.title = config.title ?? `view ${index}`;
  // As hosts do: scripts yes, same origin no, so the view reaches nothing but the bridge.
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.style.width = `${config.width}px`;
  iframe.style.height = "200px";
  if (config.title) figure.append(caption);
  figure.append(iframe);
  document.getElementById("frames")!.append(figure);

  const hostContext: McpUiHostContext = {
    theme: config.theme,
    displayMode: "inline",
    platform: "web",
    locale: "en-US",
    containerDimensions: { width: config.width, maxHeight: 4000 },
    toolInfo: { tool: { name: config.toolName, inputSchema: { type: "object" } } },
    // Hosts may send any subset of the variables; the view falls back on its own.
    ...(config.variables ? { styles: { variables: config.variables as McpUiStyles } } : {}),
  };
  const bridge = new AppBridge(
    null,
    { name: "preview-host", version: "1.0.0" },
    { openLinks: {}, serverTools: {} },
    { hostContext },
  );
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${height}px`;
  };
  bridge.onopenlink = ({ url }) => {
    global.previewOpenedLinks.push(url);
    return Promise.resolve({});
  };
  bridge.oncalltool = async ({ name, arguments: args }) => {
    if (!global.previewCallTool) throw new Error("This preview cannot call tools");
    // deno-lint-ignore no-explicit-any
    return await global.previewCallTool(name, args ?? {}) as any;
  };
  const initialized = new Promise<void>((resolve) => {
    bridge.oninitialized = async () => {
      if (config.args) await bridge.sendToolInput({ arguments: config.args });
      // deno-lint-ignore no-explicit-any
      if (config.result) await bridge.sendToolResult(config.result as any);
      resolve();
    };
  });
  const connected = bridge.connect(
    new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!),
  );
  iframe.srcdoc = global.previewConfig.html;
  return connected.then(() => initialized);
}

global.previewReady = global.previewConfig.frames.map(mount);
