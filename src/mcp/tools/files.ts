/**
 * File tools: list the files shared in a conversation or by a person, read
 * one (a text file as text, an image as MCP image content, anything else as
 * its metadata and link), and upload one through Slack's external upload.
 * Bytes move through the Slack client (`src/slack/files.ts`): the token only
 * in a header and only to Slack's hosts, and Slack's sign-in page, served
 * instead of a file to a token without `files:read`, is never taken for the
 * file.
 * @module
 */
import { conversationLookup, uses } from "./slack_use.ts";
import { z } from "zod";
import { defineTool, type ToolDeps, ToolError, writeHints } from "../tool.ts";
import {
  asOf,
  asOfSchema,
  formatTime,
  formatUsers,
  timezoneSchema,
  uniqueNames,
  usersSchema,
} from "../format.ts";
import { channelParam, cursorParam, tsParam } from "../params.ts";
import type { SlackResponse } from "../../slack/types.ts";
import { unlessSlackRefuses } from "../../slack/errors.ts";
import { servedSignInPage } from "../../slack/files.ts";
import type { Directory } from "../../slack/directory.ts";
import { cacheKeys, cacheTags } from "../../store/keys.ts";

/** Where Slack lists a file as shared: one entry per sharing message. */
interface SlackShare {
  ts?: string;
  thread_ts?: string;
  channel_name?: string;
}

/** A file as `files.info` and `files.list` return it: the fields the tools read. */
export interface SlackFile {
  id: string;
  created: number;
  updated?: number;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  pretty_type?: string;
  user?: string;
  size?: number;
  mode?: string;
  is_external?: boolean;
  url_private?: string;
  url_private_download?: string;
  permalink?: string;
  shares?: { public?: Record<string, SlackShare[]>; private?: Record<string, SlackShare[]> };
}

/** Slack's default `max_bytes` of text read: 200 KB. */
const defaultTextBytes = 200_000;
/** The most text one call returns: 1 MiB. */
const maxTextBytes = 1_048_576;
/** Images larger than this are described, not sent: 1 MiB. */
export const maxImageBytes = 1_048_576;
/** The largest upload this server sends on: 5 MiB (fits `/mcp`'s 8 MiB body cap as base64). */
export const maxUploadBytes = 5 * 1_048_576;
/** Image types clients render as image content. */
const imageTypes = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
/** Slack filetypes of text: snippets' languages and text formats. */
const textFiletypes = new Set([
  "text",
  "markdown",
  "csv",
  "tsv",
  "json",
  "yaml",
  "xml",
  "html",
  "css",
  "javascript",
  "typescript",
  "python",
  "ruby",
  "go",
  "rust",
  "java",
  "kotlin",
  "swift",
  "c",
  "cpp",
  "csharp",
  "php",
  "shell",
  "powershell",
  "sql",
  "diff",
  "dockerfile",
  "scala",
  "perl",
  "r",
  "lua",
  "haskell",
  "elixir",
  "erlang",
  "clojure",
  "groovy",
  "latex",
]);
const textMimetype =
  /^(text\/|application\/(json|xml|javascript|typescript|x-yaml|yaml|x-sh|sql|x-ndjson|[\w.-]+\+(json|xml))\b|image\/svg\+xml)/;

/** How `slack_get_file` treats a file. */
export type FileKind = "text" | "image" | "canvas" | "external" | "other";

/** What a file is, for reading it: text, an image, a canvas, an external file, or other bytes. */
export function fileKind(file: SlackFile): FileKind {
  if (file.filetype === "quip" || file.mode === "quip") return "canvas";
  if (file.is_external) return "external";
  const mimetype = file.mimetype ?? "";
  if (imageTypes.has(mimetype)) return "image";
  if (file.mode === "snippet" || textFiletypes.has(file.filetype ?? "")) return "text";
  return textMimetype.test(mimetype) ? "text" : "other";
}

/** `173 B`, `4.2 KB`, `1.3 MB` (powers of 1000, as Slack shows sizes). */
export function readableSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * Names for the people a result names, made unique within it (two people
 * called Alex show as `Alex (U1)` and `Alex (U2)`), as the `users` map.
 */
export async function userMap(
  ids: Iterable<string | undefined>,
  directory: Pick<Directory, "userNames">,
): Promise<Record<string, string>> {
  const unique = [...new Set([...ids].filter((id): id is string => Boolean(id)))];
  const names = await directory.userNames(unique);
  return uniqueNames(unique, (id) => names.get(id));
}

const shareSchema = z.object({
  channel: z.string().describe("Where: #name (usable as channel_id), or the conversation ID"),
  ts: z.string().optional().describe(
    "ts of the message that shared it: reply in its thread with slack_reply_to_thread",
  ),
});

/** A file as the tools return it. */
const fileSchema = z.object({
  id: z.string().describe("File ID (F…), for slack_get_file"),
  name: z.string().describe("File name"),
  title: z.string().optional().describe("Title, when it differs from the name"),
  type: z.string().describe("Kind of file as Slack names it: Python, Markdown, CSV, PNG, PDF, …"),
  size: z.number().int().optional().describe("Size in bytes"),
  user: z.string().optional().describe("Who uploaded it (name; ID in users)"),
  created: z.string().describe("When it was uploaded, YYYY-MM-DD HH:MM"),
  shared: z.array(shareSchema).optional().describe("Where it was shared"),
  permalink: z.string().optional().describe("Link to the file in Slack"),
});

/** A file as the tools return it. */
export type LeanFile = z.infer<typeof fileSchema>;

/** Where a file was shared: each sharing message, or the conversation for a channel canvas. */
function sharesOf(file: SlackFile): LeanFile["shared"] {
  const shares = Object.entries({ ...file.shares?.public, ...file.shares?.private }).flatMap(
    ([channel, entries]) =>
      entries.map((share) => ({
        channel: share.channel_name ? `#${share.channel_name}` : channel,
        ...(share.ts && { ts: share.ts }),
      })),
  );
  return shares.length > 0 ? shares : undefined;
}

/** Trims a Slack file; `users` names its uploader. */
export function leanFile(file: SlackFile, users: Record<string, string>): LeanFile {
  const name = file.name || file.title || file.id;
  const lean: LeanFile = {
    id: file.id,
    name,
    type: file.pretty_type || file.filetype || file.mimetype || "file",
    created: formatTime(file.created),
  };
  if (file.title && file.title !== name) lean.title = file.title;
  if (file.size !== undefined) lean.size = file.size;
  if (file.user) lean.user = users[file.user] ?? file.user;
  const shared = sharesOf(file);
  if (shared) lean.shared = shared;
  if (file.permalink) lean.permalink = file.permalink;
  return lean;
}

/** `F1 plan.pdf "Plan", PDF 12.0 KB, alice, 2026-11-25 14:03 UTC, in #general (ts 1764…): link`. */
export function fileLine(file: LeanFile): string {
  const parts = [
    `${file.id} ${file.name}${file.title ? ` "${file.title}"` : ""}`,
    `${file.type}${file.size === undefined ? "" : ` ${readableSize(file.size)}`}`,
    ...(file.user ? [file.user] : []),
    `${file.created} UTC`,
    ...(file.shared
      ? [`in ${file.shared.map((s) => s.ts ? `${s.channel} (ts ${s.ts})` : s.channel).join(", ")}`]
      : []),
  ];
  return `${parts.join(", ")}${file.permalink ? `: ${file.permalink}` : ""}`;
}

interface FileInfoResponse extends SlackResponse {
  file: SlackFile;
}

/** `files.info` of one file. */
export async function fileInfo(
  deps: ToolDeps,
  id: string,
  signal: AbortSignal,
): Promise<SlackFile> {
  const { file } = await deps.slack.call<FileInfoResponse>("files.info", { file: id }, { signal });
  return file;
}

/** The actionable error for Slack's sign-in page served instead of a file. */
export function signInPageError(id: string): ToolError {
  return new ToolError(
    `Slack answered the download of ${id} with its sign-in page instead of the file: the token may not read files. Add the files:read scope under OAuth & Permissions, reinstall the app, and retry.`,
  );
}

/** A file ID: `F` and uppercase letters and digits. */
export const fileIdParam = z.string().regex(
  /^F[A-Z0-9]+$/,
  "a Slack file ID like F0123ABCD (from slack_list_files or a message's files)",
);

interface FilesListResponse extends SlackResponse {
  files?: SlackFile[];
}

/** `slack_list_files`. */
export const listFiles = defineTool({
  name: "slack_list_files",
  title: "List files",
  description:
    "List files shared in the workspace, newest first: name, kind, size, who uploaded it, where and when it was shared, and its link. Filter by conversation (channel_id), uploader (user_id) or kind (types). Read one with slack_get_file, a canvas with slack_get_canvas. Paged: pass next_cursor back as cursor.",
  input: z.object({
    channel_id: channelParam.optional().describe(
      "Only files shared in this conversation: ID (C…) or name (#general), or @person for your DM",
    ),
    user_id: z.string().min(1).optional().describe(
      "Only files uploaded by this person: ID (U…) or @handle",
    ),
    types: z.string().regex(/^\s*[a-z]+(\s*,\s*[a-z]+)*\s*$/, "a comma list like images,pdfs")
      .optional().describe(
        "Comma list of kinds: all (default), snippets, images, pdfs, zips, gdocs, spaces, canvases",
      ),
    limit: z.number().int().min(1).max(100).default(20).describe("Files per page (max 100)"),
    cursor: cursorParam,
  }),
  output: z.object({
    files: z.array(fileSchema),
    users: usersSchema.optional(),
    timezone: timezoneSchema.optional(),
    next_cursor: z.string().optional().describe("Pass as cursor for the next page"),
    as_of: asOfSchema,
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  slack: uses(conversationLookup, {
    methods: ["files.list", "users.info", "users.list"],
    bot: ["files:read", "users:read"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id, user_id, types, limit, cursor }, { deps, signal }) {
    const user = user_id === undefined ? undefined : await deps.directory.userId(user_id);
    const kinds = types?.replace(/\s+/g, "");
    const query = [channel_id ?? "", user ?? "", kinds ?? "", limit, cursor ?? ""].join(":");
    const { value, ageSeconds } = await deps.cache.getOrLoad(cacheKeys.files(query), async () => {
      const page = await deps.slack.call<FilesListResponse>(
        "files.list",
        { channel: channel_id, user, types: kinds, limit, cursor },
        { signal },
      );
      const files = page.files ?? [];
      const users = await userMap(files.map((f) => f.user), deps.directory);
      return {
        files: files.map((f) => leanFile(f, users)),
        users,
        next_cursor: page.response_metadata?.next_cursor || undefined,
      };
      // A share seen as a `message` event drops the channel's history, and with it this page.
    }, [cacheTags.files, ...(channel_id ? [cacheTags.history(channel_id)] : [])]);
    const { files, users, next_cursor } = value;
    const stale = asOf(ageSeconds, deps.now());
    const where = [
      channel_id && `in ${channel_id}`,
      user && `by ${users[user] ?? user}`,
      kinds && `of kind ${kinds}`,
    ].filter(Boolean).join(" ");
    return {
      structured: {
        files,
        ...(Object.keys(users).length > 0 && { users }),
        ...(files.length > 0 && { timezone: "UTC" as const }),
        ...(next_cursor && { next_cursor }),
        ...stale,
      },
      text: `${files.length} files${where ? ` ${where}` : ""}, newest first:\n${
        files.map(fileLine).join("\n")
      }${formatUsers(users)}${next_cursor ? `\nMore: pass cursor "${next_cursor}".` : ""}${
        stale.as_of ? `\n(Read from Slack at ${stale.as_of}, cached since.)` : ""
      }`,
    };
  },
});

/** The longest prefix of `bytes` that ends on a whole UTF-8 character. */
function wholeCharacters(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const width = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return width > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

/** Standard base64 of bytes. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const getFileOutput = fileSchema.extend({
  users: usersSchema.optional(),
  timezone: timezoneSchema,
  content: z.string().optional().describe("The file's text (text-like files only)"),
  remaining_bytes: z.number().int().optional().describe(
    "Present when content was cut at max_bytes: bytes not returned",
  ),
  note: z.string().optional().describe(
    "Why no content is returned, or that it was cut short, and what to do",
  ),
});

/** What `slack_get_file` adds to a file's metadata. */
type FileReading = Pick<z.infer<typeof getFileOutput>, "content" | "remaining_bytes" | "note"> & {
  image?: { data: string; mimeType: string };
};

/** Downloads a file and reads it as its kind says. */
async function readContent(
  deps: ToolDeps,
  file: SlackFile,
  maxBytes: number,
  signal: AbortSignal,
): Promise<FileReading> {
  const kind = fileKind(file);
  const url = file.url_private_download ?? file.url_private;
  const type = file.pretty_type || file.filetype || "file";
  if (kind === "canvas") return { note: "A canvas: read it with slack_get_canvas." };
  if (kind === "external") {
    return { note: "An external file (hosted outside Slack): open its permalink." };
  }
  if (kind === "other") {
    return { note: `A ${type} file: its content is not returned; open the permalink.` };
  }
  if (!url) return { note: "Slack gives no download URL for this file: open the permalink." };
  if (kind === "image" && (file.size ?? 0) > maxImageBytes) {
    return {
      note: `The image is ${
        readableSize(file.size!)
      }, over the 1 MiB limit for image content: open the permalink.`,
    };
  }
  const limit = kind === "image" ? maxImageBytes : maxBytes;
  const download = await deps.slack.download({ url, maxBytes: limit, signal });
  if (servedSignInPage(download, file)) throw signInPageError(file.id);
  if (kind === "image") {
    if (download.truncated) {
      return { note: "The image is over the 1 MiB limit for image content: open the permalink." };
    }
    return {
      image: { data: toBase64(download.bytes), mimeType: file.mimetype! },
      note: "The image follows as image content.",
    };
  }
  const bytes = download.truncated ? wholeCharacters(download.bytes) : download.bytes;
  const content = new TextDecoder().decode(bytes);
  if (!download.truncated) return { content };
  const left = Math.max(1, (file.size ?? bytes.length + 1) - bytes.length);
  return {
    content,
    remaining_bytes: left,
    note: `Truncated after ${bytes.length.toLocaleString("en")} bytes; ${
      left.toLocaleString("en")
    } more bytes not shown. Pass a larger max_bytes (up to ${
      maxTextBytes.toLocaleString("en")
    }) to read more.`,
  };
}

/** `slack_get_file`. */
export const getFile = defineTool({
  name: "slack_get_file",
  title: "Read a file",
  description:
    "Read a file shared in Slack: its metadata, plus the text of a text-like file (snippet, Markdown, code, CSV, JSON, plain text) up to max_bytes, or an image (PNG, JPEG, GIF, WebP up to 1 MiB) as image content. Other files (PDF, archives, video) come back as metadata and a permalink. Find file IDs with slack_list_files or in messages; read canvases with slack_get_canvas.",
  input: z.object({
    file_id: fileIdParam.describe("File ID (F…), from slack_list_files or a message"),
    max_bytes: z.number().int().min(1).max(maxTextBytes).default(defaultTextBytes).describe(
      "Most bytes of text to return (default 200,000; at most 1,048,576); longer text is cut with a note",
    ),
  }),
  output: getFileOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  slack: { methods: ["files.info", "users.info"], bot: ["files:read", "users:read"] },
  async handler({ file_id, max_bytes }, { deps, signal }) {
    const file = await fileInfo(deps, file_id, signal);
    const users = await userMap([file.user], deps.directory);
    const { image, ...reading } = await readContent(deps, file, max_bytes, signal);
    const lean = leanFile(file, users);
    const structured = {
      ...lean,
      ...(Object.keys(users).length > 0 && { users }),
      timezone: "UTC" as const,
      ...reading,
    };
    const text = [
      `${fileLine(lean)}${formatUsers(users)}`,
      ...(reading.content === undefined ? [] : ["---", reading.content, "---"]),
      ...(reading.note ? [reading.note] : []),
    ].join("\n");
    return {
      structured,
      text,
      ...(image && { extra: [{ type: "image" as const, ...image }] }),
    };
  },
});

/** Bytes of UTF-8 text. */
function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Bytes base64 decodes to, from its length (whitespace ignored). */
function base64Length(text: string): number {
  const compact = text.replace(/\s+/g, "");
  const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
  return Math.floor(compact.length * 3 / 4) - padding;
}

function tooLarge(bytes: number): string {
  return `the file is ${readableSize(bytes)} (${
    bytes.toLocaleString("en")
  } bytes), over this server's 5 MiB (${
    maxUploadBytes.toLocaleString("en")
  }-byte) upload limit: share a smaller file or a link instead`;
}

/** Decodes standard or URL-safe base64, padded or not. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const uploadInput = z.object({
  channel_id: channelParam.describe(
    "Where to share it: channel ID (C…) or name (#general), or @person for a DM",
  ),
  filename: z.string().min(1).max(255).describe(
    "File name with its extension (report.csv, notes.md, chart.png): Slack infers the kind from it",
  ),
  content: z.string().optional().refine(
    (text) => text === undefined || utf8Length(text) <= maxUploadBytes,
    { error: (issue) => tooLarge(utf8Length(issue.input as string)) },
  ).describe("The file's text (UTF-8), for text files; or use content_base64"),
  content_base64: z.string().optional()
    .refine(
      (text) => text === undefined || /^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/.test(text),
      "content_base64 is not base64: encode the file's bytes as standard base64",
    )
    .refine(
      (text) => text === undefined || base64Length(text) <= maxUploadBytes,
      { error: (issue) => tooLarge(base64Length(issue.input as string)) },
    ).describe("The file's bytes as base64, for binary files (images, PDFs); or use content"),
  title: z.string().min(1).max(255).optional().describe("Title shown in Slack (default: filename)"),
  initial_comment: z.string().max(40_000).optional().describe(
    "Message posted with the file, in Slack mrkdwn",
  ),
  thread_ts: tsParam("Share it as a reply in this thread: the parent message's ts").optional(),
}).superRefine((args, ctx) => {
  const given = [args.content, args.content_base64].filter((c) => c !== undefined).length;
  if (given !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["content"],
      message: given === 0
        ? "pass the file as content (text) or content_base64 (bytes as base64)"
        : "pass content or content_base64, not both",
    });
  }
});

interface UploadUrlResponse extends SlackResponse {
  upload_url: string;
  file_id: string;
}

interface CompleteUploadResponse extends SlackResponse {
  files?: { id: string; title?: string; permalink?: string }[];
}

/** The file's link: from Slack's answer, else `files.info`; the upload is done either way. */
async function uploadedPermalink(
  deps: ToolDeps,
  fileId: string,
  completed: CompleteUploadResponse,
  signal: AbortSignal,
): Promise<string | undefined> {
  const answered = completed.files?.find((f) => f.id === fileId)?.permalink;
  if (answered) return answered;
  return (await unlessSlackRefuses(fileInfo(deps, fileId, signal)))?.permalink;
}

/** `slack_upload_file`. */
export const uploadFile = defineTool({
  name: "slack_upload_file",
  title: "Upload a file",
  description:
    "Upload a file (at most 5 MiB) and share it in a channel, DM or thread, with an optional message. Pass text as content, or bytes as content_base64 (exactly one). Returns the file ID and permalink. The bot must be a member of the channel.",
  input: uploadInput,
  output: z.object({
    file_id: z.string().describe("The new file's ID (F…)"),
    channel_id: z.string().describe("Where it was shared"),
    permalink: z.string().optional().describe("Link to the file in Slack"),
  }),
  annotations: writeHints(),
  slack: uses(conversationLookup, {
    methods: ["files.getUploadURLExternal", "files.completeUploadExternal", "files.info"],
    bot: ["files:write", "files:read"],
  }),
  channelArgument: "channel_id",
  async handler(args, { deps, signal }) {
    const channel = args.channel_id;
    const bytes = args.content !== undefined
      ? new TextEncoder().encode(args.content)
      : decodeBase64(args.content_base64!);
    if (bytes.length === 0) throw new ToolError("The file is empty: Slack accepts no empty files.");
    const { upload_url, file_id } = await deps.slack.call<UploadUrlResponse>(
      "files.getUploadURLExternal",
      { filename: args.filename, length: bytes.length },
      { signal },
    );
    await deps.slack.upload({ url: upload_url, bytes, signal });
    const completed = await deps.slack.call<CompleteUploadResponse>(
      "files.completeUploadExternal",
      {
        files: [{ id: file_id, title: args.title ?? args.filename }],
        channel_id: channel,
        initial_comment: args.initial_comment,
        thread_ts: args.thread_ts,
      },
      // A form, as Slack documents this method (`files` goes as a JSON string).
      { signal },
    );
    await Promise.all([
      deps.cache.invalidate(cacheTags.files),
      deps.cache.invalidate(cacheTags.history(channel)),
    ]);
    const permalink = await uploadedPermalink(deps, file_id, completed, signal);
    return {
      structured: { file_id, channel_id: channel, ...(permalink && { permalink }) },
      text: `Uploaded ${args.filename} (${readableSize(bytes.length)}) to ${channel}${
        args.thread_ts ? ` in thread ${args.thread_ts}` : ""
      } as ${file_id}${permalink ? `: ${permalink}` : ""}`,
    };
  },
});

/** The file tools, in listing order. */
export const fileTools = [listFiles, getFile, uploadFile];
