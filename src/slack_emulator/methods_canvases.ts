/**
 * Canvases in the emulator: standalone and channel canvases, section edits
 * and section lookup, with Slack's one-change-per-call rule and errors.
 * A canvas is a file (`F…`, filetype `quip`) whose content is a list of
 * sections; `files.info` describes it and its URL serves it as HTML.
 * @module
 */
import {
  botOrUser,
  invalidArguments,
  jsonParam,
  type MethodContext,
  type MethodSpec,
  param,
  requiredParam,
  requireScope,
  SlackFailure,
} from "./method_context.ts";
import { channelParam } from "./conversations.ts";
import { CanvasMarkdownError, sectionText } from "./canvas_markdown.ts";
import { findConversation } from "./workspace.ts";
import {
  canSeeFile,
  type CanvasFile,
  type CanvasSection,
  findFile,
  isCanvas,
  linkChannelCanvas,
  newCanvas,
  newSections,
  sectionTypeFilters,
} from "./workspace_files.ts";

/** Runs `parse`, turning Markdown Slack refuses into `failure` with Slack's `detail`. */
function parsing<T>(
  failure: "canvas_creation_failed" | "canvas_editing_failed",
  parse: () => T,
): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CanvasMarkdownError) {
      throw new SlackFailure(failure, { detail: error.message });
    }
    throw error;
  }
}

/** The Markdown of a `{type: "markdown", markdown}` argument; `undefined` when absent. */
function markdownOf(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  const content = value as { type?: unknown; markdown?: unknown } | null;
  if (typeof content !== "object" || content?.type !== "markdown") {
    throw invalidArguments(`${name}.type must be markdown`);
  }
  if (typeof content.markdown !== "string") {
    throw invalidArguments(`missing required field: ${name}.markdown`);
  }
  return content.markdown;
}

/** The canvas `canvas_id` names, if the caller can see it; else `canvas_not_found`. */
function canvasParam(ctx: MethodContext): CanvasFile {
  const file = findFile(ctx.workspace, requiredParam(ctx, "canvas_id"));
  if (!isCanvas(file) || !canSeeFile(ctx.workspace, ctx.actor.userId, file)) {
    throw new SlackFailure("canvas_not_found");
  }
  return file;
}

function createCanvas(ctx: MethodContext, title: string): CanvasFile {
  const markdown = markdownOf(jsonParam(ctx, "document_content"), "document_content") ?? "";
  const canvas = parsing("canvas_creation_failed", () =>
    newCanvas({
      id: ctx.newId("F"),
      title,
      user: ctx.actor.userId,
      created: Math.floor(ctx.now / 1000),
      markdown,
    }));
  ctx.workspace.files.push(canvas);
  return canvas;
}

/** One entry of `changes`, as sent. */
interface Change {
  operation?: unknown;
  section_id?: unknown;
  document_content?: unknown;
  title_content?: unknown;
}

function changeParam(ctx: MethodContext): Change {
  const changes = jsonParam(ctx, "changes");
  if (!Array.isArray(changes) || changes.length === 0) {
    throw invalidArguments("missing required field: changes");
  }
  // Slack applies one operation per call.
  if (changes.length > 1) throw invalidArguments("only one change per call is supported");
  const [change] = changes;
  if (typeof change !== "object" || change === null) {
    throw invalidArguments("changes[0] is invalid");
  }
  return change;
}

/** The index of the section a change targets; Slack fails the edit for an unknown one. */
function sectionIndex(canvas: CanvasFile, change: Change, required: boolean): number | undefined {
  if (change.section_id === undefined) {
    if (required) throw invalidArguments("missing required field: section_id");
    return undefined;
  }
  const index = canvas.canvas.sections.findIndex((s) => s.id === change.section_id);
  if (index < 0) {
    throw new SlackFailure("canvas_editing_failed", { detail: "section_id not found" });
  }
  return index;
}

/** Applies one change of `canvases.edit` to `canvas`. */
function applyChange(canvas: CanvasFile, change: Change): void {
  const { sections } = canvas.canvas;
  const content = () => {
    const markdown = markdownOf(change.document_content, "document_content");
    if (markdown === undefined) throw invalidArguments("missing required field: document_content");
    return parsing("canvas_editing_failed", () => newSections(canvas, markdown));
  };
  const splice = (at: number, remove: number, added: CanvasSection[]) =>
    sections.splice(at, remove, ...added);
  switch (change.operation) {
    case "insert_at_start":
      return void splice(0, 0, content());
    case "insert_at_end":
      return void splice(sections.length, 0, content());
    case "insert_before":
    case "insert_after": {
      const index = sectionIndex(canvas, change, true)!;
      const added = content();
      return void splice(change.operation === "insert_after" ? index + 1 : index, 0, added);
    }
    case "replace": {
      const index = sectionIndex(canvas, change, false);
      const added = content();
      return void (index === undefined
        ? splice(0, sections.length, added)
        : splice(index, 1, added));
    }
    case "delete":
      return void splice(sectionIndex(canvas, change, true)!, 1, []);
    case "rename": {
      const title = markdownOf(change.title_content, "title_content");
      if (title === undefined || title.trim() === "") {
        throw invalidArguments("missing required field: title_content");
      }
      canvas.title = canvas.name = title.trim();
      return;
    }
    default:
      throw invalidArguments(`unknown operation: ${String(change.operation)}`);
  }
}

/** Keeps a channel canvas's `properties.canvas.is_empty` true to its content. */
function syncChannel(ctx: MethodContext, canvas: CanvasFile): void {
  const linked = canvas.canvas.channel
    ? findConversation(ctx.workspace, canvas.canvas.channel)?.conversation.properties?.canvas
    : undefined;
  if (linked) linked.is_empty = canvas.canvas.sections.length === 0;
}

const criteriaTypes = Object.keys(sectionTypeFilters);

function lookup(ctx: MethodContext, canvas: CanvasFile): CanvasSection[] {
  const criteria = jsonParam(ctx, "criteria") as
    | { section_types?: unknown; contains_text?: unknown }
    | undefined;
  if (typeof criteria !== "object" || criteria === null) {
    throw invalidArguments("missing required field: criteria");
  }
  const { section_types: types, contains_text: text } = criteria;
  if (types === undefined && text === undefined) {
    throw invalidArguments("criteria needs section_types or contains_text");
  }
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.some((t) => !criteriaTypes.includes(t)))
  ) {
    throw invalidArguments(`section_types must be among ${criteriaTypes.join(", ")}`);
  }
  if (text !== undefined && typeof text !== "string") {
    throw invalidArguments("contains_text must be a string");
  }
  const wanted = types?.flatMap((t: string) => sectionTypeFilters[t]);
  const needle = text?.toLowerCase();
  return canvas.canvas.sections.filter((section) =>
    (!wanted || wanted.includes(section.type)) &&
    (!needle || sectionText(section).toLowerCase().includes(needle))
  );
}

/** Every method of this module, by name. */
export const canvasMethods: Record<string, MethodSpec> = {
  "canvases.create": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "canvases:write");
      const canvas = createCanvas(ctx, param(ctx, "title")?.trim() || "Untitled");
      return { canvas_id: canvas.id };
    },
  },

  "conversations.canvases.create": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "canvases:write");
      requiredParam(ctx, "channel_id");
      const channel = channelParam(ctx, "write", { name: "channel_id" });
      if (channel.conversation.properties?.canvas) {
        throw new SlackFailure("channel_canvas_already_exists");
      }
      const { conversation } = channel;
      const fallback = conversation.is_im ? "Canvas" : conversation.name;
      const canvas = createCanvas(ctx, param(ctx, "title")?.trim() || fallback);
      linkChannelCanvas(channel, canvas);
      return { canvas_id: canvas.id };
    },
  },

  "canvases.edit": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "canvases:write");
      const canvas = canvasParam(ctx);
      applyChange(canvas, changeParam(ctx));
      canvas.updated = Math.floor(ctx.now / 1000);
      syncChannel(ctx, canvas);
      return {};
    },
  },

  "canvases.sections.lookup": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "canvases:read");
      const canvas = canvasParam(ctx);
      return { sections: lookup(ctx, canvas).map(({ id }) => ({ id })) };
    },
  },

  "canvases.delete": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "canvases:write");
      const canvas = canvasParam(ctx);
      ctx.workspace.files = ctx.workspace.files.filter((f) => f !== canvas);
      const channel = canvas.canvas.channel
        ? findConversation(ctx.workspace, canvas.canvas.channel)
        : undefined;
      if (channel?.conversation.properties) delete channel.conversation.properties.canvas;
      return {};
    },
  },
};
