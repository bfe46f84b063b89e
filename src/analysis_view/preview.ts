/**
 * Shows the analysis view in headless Chromium inside a fake MCP Apps host
 * (`preview_host_page.ts`), for the browser test and the screenshot task.
 * Every request that would leave the page is recorded and refused, and every
 * console error is kept, so callers can assert that there were none.
 * @module
 */
import puppeteer, { type Frame, type Page } from "puppeteer-core";
import { VIEW_HTML } from "./view_html.gen.ts";
import { bundleForBrowser } from "./build.ts";
import type { PreviewConfig, PreviewFrameConfig } from "./preview_host_page.ts";

export type { PreviewFrameConfig };

/** Where Debian (and CI) install Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Options of {@link openPreview}. */
export interface PreviewOptions {
  frames: PreviewFrameConfig[];
  /** Answers the views' tool calls; without it they fail. */
  callTool?: (name: string, args: Record<string, unknown>) => unknown;
  /** The outer page's size; it grows with `fullPage` screenshots. */
  viewport?: { width: number; height: number };
  /** The view document; the committed build by default. */
  html?: string;
}

/** A running preview; dispose of it to close Chromium. */
export interface Preview extends AsyncDisposable {
  page: Page;
  /** The document inside the `index`-th view's iframe. */
  view(index?: number): Promise<Frame>;
  /** Console errors and uncaught exceptions, from the host page and the views. */
  errors: string[];
  /** URLs of refused requests: anything but the page itself, `about:` and `data:`. */
  requests: string[];
  /** Links the views asked the host to open. */
  openedLinks(): Promise<string[]>;
}

let hostScript: Promise<string> | undefined;

/** The host page's script: `preview_host_page.ts` bundled with the `AppBridge`. */
function bundleHostScript(): Promise<string> {
  hostScript ??= bundleForBrowser(new URL("preview_host_page.ts", import.meta.url));
  return hostScript;
}

/** Inline `<script>` content must not contain `</script` or `<!--`. */
function scriptSafe(source: string): string {
  return source.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
}

function hostPage(config: PreviewConfig, script: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MCP Apps preview host</title>
<style>
  body { margin: 0; padding: 24px; background: #d9dce1; font: 13px system-ui, sans-serif; }
  #frames { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
  figure { margin: 0; }
  figcaption { margin: 0 0 8px 4px; color: #3b3f45; font-weight: 600; }
  iframe { display: block; border: 0; border-radius: 12px; box-shadow: 0 1px 3px #0003; }
</style></head>
<body><div id="frames"></div>
<script>window.previewConfig = ${JSON.stringify(config).replace(/</g, "\\u003c")};</script>
<script type="module">${scriptSafe(script)}</script>
</body></html>`;
}

/**
 * Opens the view in a fresh headless Chromium behind the fake host, and waits
 * until every view has finished the MCP Apps handshake.
 *
 * @example
 * ```ts
 * await using preview = await openPreview({
 *   frames: [{ theme: "light", width: 720, toolName: "slack_analyze_conversation", result }],
 * });
 * const view = await preview.view();
 * ```
 */
export async function openPreview(options: PreviewOptions): Promise<Preview> {
  const script = await bundleHostScript();
  const profile = await Deno.makeTempDir({ prefix: "analysis_chromium_" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
    ],
  });
  const close = async () => {
    await browser.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  };
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("about:") || url.startsWith("data:")) return void request.continue();
      requests.push(url);
      void request.abort("blockedbyclient");
    });
    await page.setViewport(options.viewport ?? { width: 800, height: 600 });
    if (options.callTool) {
      const callTool = options.callTool;
      await page.exposeFunction(
        "previewCallTool",
        (name: string, args: Record<string, unknown>) => callTool(name, args),
      );
    }
    const config: PreviewConfig = { html: options.html ?? VIEW_HTML, frames: options.frames };
    await page.setContent(hostPage(config, script), { waitUntil: "load" });
    await page.evaluate((ms) => {
      const ready = (globalThis as unknown as { previewReady: Promise<void>[] }).previewReady;
      const late = new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`No MCP Apps handshake within ${ms} ms`)), ms)
      );
      return Promise.race([Promise.all(ready), late]);
    }, HANDSHAKE_TIMEOUT_MS);
    return {
      page,
      errors,
      requests,
      async view(index = 0) {
        const handle = await page.waitForSelector(`#view-${index}`);
        const frame = await handle!.contentFrame();
        if (!frame) throw new Error(`View ${index} has no document`);
        return frame;
      },
      openedLinks: () =>
        page.evaluate(() =>
          (globalThis as unknown as { previewOpenedLinks: string[] })
            .previewOpenedLinks
        ),
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
