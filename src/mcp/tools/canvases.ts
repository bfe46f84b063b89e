/**
 * Canvas tools: read a canvas as Markdown with its section IDs, create one
 * (standalone or a channel's), and edit it section by section. Slack has no
 * method returning a canvas's content: `files.info` gives its download URL,
 * which serves HTML whose top elements carry the section IDs `canvases.edit`
 * takes. That HTML becomes Markdown through `node-html-markdown`.
 * @module
 */
import { conversationLookup, uses } from "./slack_use.ts";
import { z } from "zod";
import { defineTool, type ToolContext, type ToolDeps, ToolError, writeHints } from "../tool.ts";
import { channelParam } from "../params.ts";
import type { SlackResponse } from "../../slack/types.ts";
import { SlackApiError, unlessSlackRefuses } from "../../slack/errors.ts";
import { servedSignInPage } from "../../slack/files.ts";
import { cacheKeys, cacheTags } from "../../store/keys.ts";
import { fileIdParam, fileInfo, signInPageError, type SlackFile } from "./files.ts";
import { asOf, formatTime, timezoneSchema, usersSchema } from "../format.ts";
import type { Heading, Section } from "./canvas_html.ts";

/** The most canvas HTML read: far above any canvas Slack allows. */
const maxCanvasBytes = 8 * 1_048_576;
/** Headings looked up one by one when the HTML has no section IDs. */
const maxHeadingLookups = 20;

/** One section: `[id, start of its text]`. */
const sectionSchema = z.array(z.string()).length(2).describe(
  "[section_id, the section's first words]: section_id for slack_edit_canvas; the words start with #, ##, ###, -, 1., - [ ], > or ``` for the section's kind",
);

interface LookupResponse extends SlackResponse {
  sections?: { id: string }[];
}

/**
 * Section IDs of the headings, one `canvases.sections.lookup` each, for HTML
 * without IDs: a heading whose text matches one section only gets its ID.
 */
async function headingSections(
  deps: ToolDeps,
  canvasId: string,
  headings: Heading[],
  signal: AbortSignal,
): Promise<Section[]> {
  const sections: Section[] = [];
  for (const heading of headings.slice(0, maxHeadingLookups)) {
    const { sections: found = [] } = await deps.slack.call<LookupResponse>(
      "canvases.sections.lookup",
      {
        canvas_id: canvasId,
        criteria: { section_types: [heading.tag], contains_text: heading.text },
      },
      { json: true, signal },
    );
    const ids = found.map((s) => s.id).filter((id) => !sections.some(([known]) => known === id));
    if (ids.length === 1) sections.push([ids[0], heading.preview]);
  }
  return sections;
}

/** A canvas read: everything `slack_get_canvas` returns but the cache note. */
interface CanvasReading {
  title: string;
  updated?: string;
  permalink?: string;
  markdown: string;
  sections: Section[];
  users?: Record<string, string>;
  channels?: Record<string, string>;
  note?: string;
}

function isCanvasFile(file: SlackFile): boolean {
  return file.filetype === "quip" || file.mode === "quip";
}

async function readCanvas(
  deps: ToolDeps,
  canvasId: string,
  signal: AbortSignal,
): Promise<CanvasReading> {
  const file = await fileInfo(deps, canvasId, signal);
  if (!isCanvasFile(file)) {
    throw new ToolError(
      `${canvasId} is a ${
        file.pretty_type || file.filetype || "file"
      }, not a canvas: read it with slack_get_file.`,
    );
  }
  const url = file.url_private_download ?? file.url_private;
  if (!url) throw new ToolError(`Slack gives no download URL for canvas ${canvasId}.`);
  const download = await deps.slack.download({ url, maxBytes: maxCanvasBytes, signal });
  if (servedSignInPage(download, file)) throw signInPageError(canvasId);
  // Loaded on first read: the HTML parser and converter are only needed here.
  const { readCanvasHtml } = await import("./canvas_html.ts");
  const read = readCanvasHtml(new TextDecoder().decode(download.bytes));
  const { markdown, users, channels } = read;
  let sections = read.sections;
  const notes: string[] = [];
  if (sections.length === 0 && markdown !== "") {
    sections = await headingSections(deps, canvasId, read.headings, signal);
    notes.push(
      "The canvas's HTML carries no section IDs, so only its headings' IDs are listed (from canvases.sections.lookup).",
    );
  }
  if (download.truncated) notes.push("The canvas is over 8 MiB: only its start is shown.");
  const title = file.title || read.title || canvasId;
  return {
    title,
    ...(file.updated && { updated: formatTime(file.updated) }),
    ...(file.permalink && { permalink: file.permalink }),
    markdown,
    sections,
    ...(Object.keys(users).length > 0 && { users }),
    ...(Object.keys(channels).length > 0 && { channels }),
    ...(notes.length > 0 && { note: notes.join(" ") }),
  };
}

/** `slack_get_canvas`. */
export const getCanvas = defineTool({
  name: "slack_get_canvas",
  title: "Read a canvas",
  description:
    "Read a Slack canvas as Markdown, with the ID of each section (heading, paragraph, list item, …) for slack_edit_canvas. A channel's canvas ID is listed by slack_list_files with types=canvases and the channel.",
  input: z.object({
    canvas_id: fileIdParam.describe("Canvas ID (F…)"),
  }),
  output: z.object({
    canvas_id: z.string().describe("The canvas's ID"),
    title: z.string().describe("Title"),
    updated: z.string().optional().describe("Last change, YYYY-MM-DD HH:MM"),
    timezone: timezoneSchema.optional(),
    permalink: z.string().optional().describe("Link to the canvas in Slack"),
    markdown: z.string().describe("The canvas as Markdown"),
    sections: z.array(sectionSchema).describe("Its sections in order, with their IDs"),
    users: usersSchema.optional().describe(
      "The people it mentions (![](@U…) in the Markdown), ID → name",
    ),
    channels: z.record(z.string(), z.string()).optional().describe(
      "The conversations it mentions (![](#C…) in the Markdown), ID → #name",
    ),
    note: z.string().optional().describe("What is missing from this reading, if anything"),
    as_of: z.string().optional().describe(
      "When Slack was read (YYYY-MM-DD HH:MM:SS), present only if that was over a minute ago",
    ),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  slack: {
    methods: ["files.info", "canvases.sections.lookup"],
    bot: ["files:read", "canvases:read"],
  },
  async handler({ canvas_id }, { deps, signal }) {
    const { value, ageSeconds } = await deps.cache.getOrLoad(
      cacheKeys.canvas(canvas_id),
      () => readCanvas(deps, canvas_id, signal),
      [cacheTags.canvas(canvas_id)],
    );
    const stale = asOf(ageSeconds, deps.now());
    const header = `Canvas ${canvas_id} "${value.title}"${
      value.updated ? `, updated ${value.updated} UTC` : ""
    }${value.permalink ? `: ${value.permalink}` : ""}`;
    const sectionLines = value.sections.map(([id, text]) => `${id} ${text}`);
    const named = [
      ...Object.entries(value.users ?? {}).map(([id, name]) => `${name} ${id}`),
      ...Object.entries(value.channels ?? {}).map(([id, name]) => `${name} ${id}`),
    ];
    return {
      structured: {
        canvas_id,
        ...value,
        ...(value.updated && { timezone: "UTC" as const }),
        ...stale,
      },
      text: [
        header,
        "",
        value.markdown || "(empty)",
        "",
        `Sections (section_id for slack_edit_canvas):`,
        ...(sectionLines.length > 0 ? sectionLines : ["(none)"]),
        ...(named.length > 0 ? [`Mentioned: ${named.join(", ")}`] : []),
        ...(value.note ? [value.note] : []),
        ...(stale.as_of ? [`(Read from Slack at ${stale.as_of}, cached since.)`] : []),
      ].join("\n"),
    };
  },
});

const markdownParam = z.string().describe(
  "Canvas Markdown: # to ### headings, paragraphs, - lists, 1. lists, - [ ] checklists, > quotes, ``` code, **bold**, _italic_, ~strike~, [links](url), ![](@U…) user and ![](#C…) channel mentions",
);

interface CreatedResponse extends SlackResponse {
  canvas_id: string;
}

interface ConversationInfoResponse extends SlackResponse {
  channel: { properties?: { canvas?: { file_id?: string } } };
}

/** The canvas a conversation already has, from `conversations.info`, if Slack says. */
async function existingCanvas(
  deps: ToolDeps,
  channel: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const answer = await unlessSlackRefuses(
    deps.slack.call<ConversationInfoResponse>("conversations.info", { channel }, { signal }),
  );
  return answer?.channel.properties?.canvas?.file_id;
}

/** `slack_create_canvas`. */
export const createCanvas = defineTool({
  name: "slack_create_canvas",
  title: "Create a canvas",
  description:
    "Create a Slack canvas from Markdown: a standalone canvas, or, with channel_id, the channel's own canvas (a channel has at most one; change an existing one with slack_edit_canvas). Returns the canvas ID.",
  input: z.object({
    title: z.string().trim().min(1).max(255).describe("The canvas's title"),
    markdown: markdownParam,
    channel_id: channelParam.optional().describe(
      "Make it this channel's canvas: channel ID (C…) or name (#general); leave out for a standalone canvas",
    ),
  }),
  output: z.object({
    canvas_id: z.string().describe(
      "The new canvas's ID, for slack_get_canvas and slack_edit_canvas",
    ),
    channel_id: z.string().optional().describe("The channel whose canvas it is"),
  }),
  annotations: writeHints(),
  slack: uses(conversationLookup, {
    methods: ["canvases.create", "conversations.canvases.create", "conversations.info"],
    bot: ["canvases:write"],
  }),
  channelArgument: "channel_id",
  channelOptional: true,
  async handler({ title, markdown, channel_id }, { deps, signal }) {
    const document_content = { type: "markdown", markdown };
    let canvasId: string;
    if (channel_id === undefined) {
      ({ canvas_id: canvasId } = await deps.slack.call<CreatedResponse>(
        "canvases.create",
        { title, document_content },
        { json: true, signal },
      ));
    } else {
      try {
        ({ canvas_id: canvasId } = await deps.slack.call<CreatedResponse>(
          "conversations.canvases.create",
          { channel_id, title, document_content },
          { json: true, signal },
        ));
      } catch (error) {
        if (!(error instanceof SlackApiError) || error.code !== "channel_canvas_already_exists") {
          throw error;
        }
        const existing = await existingCanvas(deps, channel_id, signal);
        throw new ToolError(
          existing
            ? `${channel_id} already has a channel canvas, ${existing}, and a channel has only one: read it with slack_get_canvas {canvas_id: "${existing}"} and change it with slack_edit_canvas, or create a standalone canvas without channel_id.`
            : `${channel_id} already has a channel canvas, and a channel has only one: change it with slack_edit_canvas, or create a standalone canvas without channel_id.`,
        );
      }
    }
    await deps.cache.invalidate(cacheTags.files);
    return {
      structured: { canvas_id: canvasId, ...(channel_id && { channel_id }) },
      text: `Created canvas ${canvasId} "${title}"${
        channel_id ? ` as the canvas of ${channel_id}` : ""
      }. Read it with slack_get_canvas.`,
    };
  },
});

/** The operations of `canvases.edit`. */
const operations = [
  "insert_at_start",
  "insert_at_end",
  "insert_before",
  "insert_after",
  "replace",
  "delete",
  "rename",
] as const;

type Operation = (typeof operations)[number];

/** Which arguments each operation takes: required, optional, or not at all (absent). */
const operationArguments: Record<
  Operation,
  Partial<Record<"markdown" | "section_id" | "title", "required" | "optional">>
> = {
  insert_at_start: { markdown: "required" },
  insert_at_end: { markdown: "required" },
  insert_before: { markdown: "required", section_id: "required" },
  insert_after: { markdown: "required", section_id: "required" },
  replace: { markdown: "required", section_id: "optional" },
  delete: { section_id: "required" },
  rename: { title: "required" },
};

/** Refuses arguments the operation needs but lacks, or takes but ignores. */
function checkArguments(
  operation: Operation,
  args: { markdown?: string; section_id?: string; title?: string },
): void {
  const wanted = operationArguments[operation];
  const problems: string[] = [];
  for (const name of ["markdown", "section_id", "title"] as const) {
    const given = args[name] !== undefined;
    if (wanted[name] === "required" && !given) problems.push(`needs ${name}`);
    if (wanted[name] === undefined && given) problems.push(`takes no ${name}`);
  }
  if (problems.length === 0) return;
  const takes = Object.entries(wanted).map(([name, need]) =>
    need === "required" ? name : `${name} (optional)`
  );
  throw new ToolError(
    `${operation} ${problems.join(" and ")}: it takes ${takes.join(" and ")}.${
      wanted.section_id ? " Section IDs are listed by slack_get_canvas." : ""
    }`,
  );
}

/** What the conversations a canvas is shared in must pass: `SLACK_WRITE_CHANNELS`. */
async function checkAllowlist(
  deps: ToolDeps,
  policy: ToolContext["policy"],
  canvasId: string,
  signal: AbortSignal,
): Promise<void> {
  if (policy.writeChannels.length === 0) return;
  const file = await fileInfo(deps, canvasId, signal) as SlackFile & {
    channels?: string[];
    groups?: string[];
    ims?: string[];
  };
  const shared = new Set([
    ...file.channels ?? [],
    ...file.groups ?? [],
    ...file.ims ?? [],
    ...Object.keys({ ...file.shares?.public, ...file.shares?.private }),
  ]);
  const allowed = await Promise.all(
    policy.writeChannels.map((c) => deps.directory.channelId(c).catch(() => c)),
  );
  const outside = [...shared].filter((id) => !allowed.includes(id));
  if (outside.length > 0) {
    throw new ToolError(
      `slack_edit_canvas may not change ${canvasId}: it is shared in ${
        outside.join(", ")
      }, outside SLACK_WRITE_CHANNELS (${policy.writeChannels.join(", ")}).`,
    );
  }
}

/** The past tense of an edit, for the result's text. */
const done: Record<Operation, string> = {
  insert_at_start: "Inserted at the start of",
  insert_at_end: "Inserted at the end of",
  insert_before: "Inserted before section {section} of",
  insert_after: "Inserted after section {section} of",
  replace: "Replaced {what} of",
  delete: "Deleted section {section} of",
  rename: "Renamed",
};

/** `slack_edit_canvas`. */
export const editCanvas = defineTool({
  name: "slack_edit_canvas",
  title: "Edit a canvas",
  description:
    "Change a Slack canvas, one operation per call: insert_at_start / insert_at_end (markdown), insert_before / insert_after (section_id, markdown), replace (markdown; with section_id one section, without it the whole canvas), delete (section_id), rename (title). Section IDs come from slack_get_canvas; read it again after edits, since new content gets new IDs.",
  input: z.object({
    canvas_id: fileIdParam.describe("Canvas ID (F…)"),
    operation: z.enum(operations).describe("What to do"),
    markdown: markdownParam.optional(),
    section_id: z.string().min(1).optional().describe(
      "The section to insert before/after, replace or delete (an ID from slack_get_canvas)",
    ),
    title: z.string().trim().min(1).max(255).optional().describe("The new title, for rename"),
  }),
  output: z.object({
    canvas_id: z.string().describe("The canvas's ID"),
    operation: z.enum(operations).describe("What was done"),
    section_id: z.string().optional().describe("The section it was done to"),
  }),
  annotations: writeHints({ destructive: true }),
  slack: uses(conversationLookup, {
    methods: ["canvases.edit", "files.info"],
    bot: ["canvases:write", "files:read"],
  }),
  async handler(args, { deps, policy, signal }) {
    const { canvas_id, operation, markdown, section_id, title } = args;
    checkArguments(operation, args);
    await checkAllowlist(deps, policy, canvas_id, signal);
    const change = {
      operation,
      ...(section_id !== undefined && { section_id }),
      ...(markdown !== undefined && { document_content: { type: "markdown", markdown } }),
      ...(title !== undefined && { title_content: { type: "markdown", markdown: title } }),
    };
    try {
      await deps.slack.call("canvases.edit", { canvas_id, changes: [change] }, {
        json: true,
        signal,
      });
    } finally {
      // A failed edit may mean our reading is stale (someone else changed the canvas).
      await deps.cache.invalidate(cacheTags.canvas(canvas_id));
    }
    if (operation === "rename") await deps.cache.invalidate(cacheTags.files);
    const what = section_id ? `section ${section_id}` : "the whole content";
    const verb = done[operation].replace("{section}", section_id ?? "").replace("{what}", what);
    return {
      structured: { canvas_id, operation, ...(section_id !== undefined && { section_id }) },
      text: `${verb} canvas ${canvas_id}${
        operation === "rename" ? ` to "${title}"` : ""
      }. Read it with slack_get_canvas for the new section IDs.`,
    };
  },
});

/** The canvas tools, in listing order. */
export const canvasTools = [getCanvas, createCanvas, editCanvas];
