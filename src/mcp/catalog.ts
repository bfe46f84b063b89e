/**
 * Every tool the server offers, in listing order. Prompts and resources are
 * `prompts.ts` and `resources.ts`.
 * @module
 */
import type { ToolDefinition } from "./tool.ts";
import { readTools } from "./tools/read.ts";
import { analysisTools } from "./tools/analysis.ts";
import { writeTools } from "./tools/write.ts";
import { eventTools } from "./tools/events.ts";
import { fileTools } from "./tools/files.ts";
import { canvasTools } from "./tools/canvases.ts";
import { peopleTools } from "./tools/people.ts";

/** Every tool of the server. */
export const tools: readonly ToolDefinition[] = [
  ...readTools,
  ...peopleTools,
  ...writeTools,
  ...fileTools,
  ...canvasTools,
  ...analysisTools,
  ...eventTools,
] as ToolDefinition[];
