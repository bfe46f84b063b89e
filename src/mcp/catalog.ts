/**
 * What the server offers: every tool, prompt and resource, in listing order.
 * @module
 */
import type { Catalog } from "./server.ts";
import { readTools } from "./tools/read.ts";
import { analysisTools } from "./tools/analysis.ts";
import { writeTools } from "./tools/write.ts";
import { eventTools } from "./tools/events.ts";
import { registerPrompts } from "./prompts.ts";
import { registerResources } from "./resources.ts";

/** Every tool, prompt and resource of the server. */
export const catalog: Catalog = {
  tools: [
    ...readTools,
    ...writeTools,
    ...analysisTools,
    ...eventTools,
  ],
  extensions: [registerPrompts, registerResources],
};
