/**
 * Files and canvases in the emulated workspace: how they are stored (bytes,
 * shares, canvas sections), who may see them, and the Slack file objects
 * built from them. File objects are built per call rather than stored,
 * because their URLs name the host the call came to.
 * @module
 */
import {
  parseCanvasMarkdown,
  type ParsedSection,
  renderCanvasHtml,
  type SectionType,
} from "./canvas_markdown.ts";
import {
  conversationKind,
  findConversation,
  findUser,
  type Workspace,
  type WorkspaceChannel,
  type WorkspaceMessage,
} from "./workspace.ts";

/** One place a file was shared: a conversation, and the message that shared it. */
export interface FileShare {
  channel: string;
  /** The sharing message; absent for a canvas that is its channel's canvas. */
  ts?: string;
  /** Set when the sharing message is a thread reply. */
  thread_ts?: string;
  user: string;
}

/** One canvas section: an ID Slack's API addresses it by, and its Markdown. */
export interface CanvasSection extends ParsedSection {
  /** Like Slack's `temp:C:` IDs. */
  id: string;
}

/** A stored file. A canvas has `canvas` and no bytes of its own: it downloads as HTML. */
export interface WorkspaceFile {
  id: string;
  /** Unix seconds. */
  created: number;
  /** Unix seconds of the last change. */
  updated: number;
  user: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  mode: "hosted" | "snippet" | "quip";
  bytes: Uint8Array<ArrayBuffer>;
  shares: FileShare[];
  /** Pixel size of an image. */
  image?: { width: number; height: number };
  canvas?: {
    sections: CanvasSection[];
    /** The channel whose canvas this is. */
    channel?: string;
    /** Section IDs given out so far, so each new one differs. */
    issued: number;
  };
}

/** A stored canvas. */
export type CanvasFile = WorkspaceFile & { canvas: NonNullable<WorkspaceFile["canvas"]> };

/** Whether `file` is a canvas. */
export function isCanvas(file: WorkspaceFile | undefined): file is CanvasFile {
  return file?.canvas !== undefined;
}

/** An upload started with `files.getUploadURLExternal`. */
export interface PendingUpload {
  fileId: string;
  /** The path of its upload URL, `/upload/v1/…`. */
  path: string;
  filename: string;
  length: number;
  user: string;
  snippetType?: string;
  altTxt?: string;
  /** What was posted to the upload URL, once it was. */
  bytes?: Uint8Array<ArrayBuffer>;
}

/** What a file's extension says about it, as Slack reports it. */
interface FileKind {
  filetype: string;
  mimetype: string;
  pretty_type: string;
}

const kinds: Record<string, FileKind> = {
  txt: { filetype: "text", mimetype: "text/plain", pretty_type: "Plain Text" },
  md: { filetype: "markdown", mimetype: "text/markdown", pretty_type: "Markdown (raw)" },
  csv: { filetype: "csv", mimetype: "text/csv", pretty_type: "CSV" },
  json: { filetype: "json", mimetype: "application/json", pretty_type: "JSON" },
  py: { filetype: "python", mimetype: "text/x-python", pretty_type: "Python" },
  js: { filetype: "javascript", mimetype: "text/javascript", pretty_type: "JavaScript" },
  ts: { filetype: "typescript", mimetype: "text/typescript", pretty_type: "TypeScript" },
  sh: { filetype: "shell", mimetype: "text/x-sh", pretty_type: "Shell" },
  html: { filetype: "html", mimetype: "text/html", pretty_type: "HTML" },
  png: { filetype: "png", mimetype: "image/png", pretty_type: "PNG" },
  jpg: { filetype: "jpg", mimetype: "image/jpeg", pretty_type: "JPEG" },
  jpeg: { filetype: "jpg", mimetype: "image/jpeg", pretty_type: "JPEG" },
  gif: { filetype: "gif", mimetype: "image/gif", pretty_type: "GIF" },
  pdf: { filetype: "pdf", mimetype: "application/pdf", pretty_type: "PDF" },
  zip: { filetype: "zip", mimetype: "application/zip", pretty_type: "Zip" },
};
const binary: FileKind = {
  filetype: "binary",
  mimetype: "application/octet-stream",
  pretty_type: "Binary",
};

/** Slack's filetype, mimetype and pretty type for a file name. */
export function fileKind(filename: string): FileKind {
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1].toLowerCase() ?? "";
  return kinds[extension] ?? binary;
}

/** The filetype of a snippet of a language (`snippet_type`), e.g. `python`. */
export function snippetKind(snippetType: string): FileKind {
  const known = Object.values(kinds).find((k) => k.filetype === snippetType);
  return known ?? { filetype: snippetType, mimetype: "text/plain", pretty_type: snippetType };
}

/** The `files.list` `types` values and which files each selects. */
export const fileTypeFilters: Record<string, (file: WorkspaceFile) => boolean> = {
  all: () => true,
  spaces: (f) => f.filetype === "space",
  snippets: (f) => f.mode === "snippet",
  images: (f) => f.mimetype.startsWith("image/"),
  gdocs: (f) => f.filetype.startsWith("gdoc"),
  zips: (f) => f.filetype === "zip",
  pdfs: (f) => f.filetype === "pdf",
  canvases: (f) => f.canvas !== undefined,
};

/** The file with this ID. */
export function findFile(workspace: Workspace, id: string): WorkspaceFile | undefined {
  return workspace.files.find((file) => file.id === id);
}

/**
 * Whether `userId` may see `file`: it is theirs, or shared where they can
 * read (a public channel, or a conversation they are in).
 */
export function canSeeFile(workspace: Workspace, userId: string, file: WorkspaceFile): boolean {
  if (file.user === userId) return true;
  return file.shares.some((share) => {
    const channel = findConversation(workspace, share.channel);
    return channel !== undefined &&
      (!channel.conversation.is_private || channel.members.includes(userId));
  });
}

/** Records that `message` in `channel` shared `file`. */
export function recordShare(
  file: WorkspaceFile,
  channel: WorkspaceChannel,
  message: WorkspaceMessage,
): void {
  const threadTs = message.thread_ts !== message.ts ? message.thread_ts : undefined;
  file.shares.push({
    channel: channel.conversation.id,
    ts: message.ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    user: message.user ?? file.user,
  });
}

/** A canvas section ID like Slack's: `temp:C:` and 28 letters and digits, derived from `seed`. */
function sectionId(seed: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let hash = 0x811c9dc5;
  let id = "";
  for (let i = 0; id.length < 28; i++) {
    // FNV-1a over the seed and a counter: deterministic, so the same seed yields the same workspace.
    for (const char of `${seed}:${i}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    id += alphabet[(hash >>> 0) % alphabet.length];
  }
  return `temp:C:${id}`;
}

/**
 * Parsed Markdown as new sections of `canvas`, each with a fresh ID; throws
 * `CanvasMarkdownError` on Markdown Slack refuses.
 */
export function newSections(file: CanvasFile, markdown: string): CanvasSection[] {
  return parseCanvasMarkdown(markdown).map((section) => ({
    id: sectionId(`${file.id}:${file.canvas.issued++}`),
    ...section,
  }));
}

/** A new canvas file; throws `CanvasMarkdownError` on Markdown Slack refuses. */
export function newCanvas(fields: {
  id: string;
  title: string;
  user: string;
  /** Unix seconds. */
  created: number;
  markdown: string;
}): CanvasFile {
  const file: CanvasFile = {
    id: fields.id,
    created: fields.created,
    updated: fields.created,
    user: fields.user,
    name: fields.title,
    title: fields.title,
    mimetype: "application/vnd.slack-docs",
    filetype: "quip",
    pretty_type: "Canvas",
    mode: "quip",
    bytes: new Uint8Array(),
    shares: [],
    canvas: { sections: [], issued: 0 },
  };
  file.canvas.sections = newSections(file, fields.markdown);
  return file;
}

/** Makes `file` the canvas of `channel`, as `conversations.canvases.create` does. */
export function linkChannelCanvas(channel: WorkspaceChannel, file: CanvasFile): void {
  file.canvas.channel = channel.conversation.id;
  file.shares.push({ channel: channel.conversation.id, user: file.user });
  channel.conversation.properties = {
    ...channel.conversation.properties,
    canvas: {
      file_id: file.id,
      is_empty: file.canvas.sections.length === 0,
      quip_thread_id: file.id.replace(/^F/, "T"),
    },
  };
}

/** The HTML a canvas downloads as, with mentions named and linked. */
function canvasHtml(workspace: Workspace, file: WorkspaceFile): string {
  const base = `https://${workspace.team.domain}.slack.com`;
  return renderCanvasHtml(file.title, file.canvas?.sections ?? [], (kind, id) => {
    if (kind === "user") {
      return { text: `@${findUser(workspace, id)?.name ?? id}`, href: `${base}/team/${id}` };
    }
    const name = findConversation(workspace, id)?.conversation.name ?? id;
    return { text: `#${name}`, href: `${base}/archives/${id}` };
  });
}

/** What a download of `file` serves: its bytes, or a canvas's HTML. */
export function fileContent(
  workspace: Workspace,
  file: WorkspaceFile,
): { bytes: Uint8Array<ArrayBuffer>; type: string } {
  if (file.canvas) {
    return {
      bytes: new TextEncoder().encode(canvasHtml(workspace, file)),
      type: "text/html; charset=utf-8",
    };
  }
  return { bytes: file.bytes, type: file.mimetype };
}

const textual = /^(text\/|application\/json)/;

/** The first lines of a text file, as Slack's `preview`. */
function preview(file: WorkspaceFile): string | undefined {
  if (file.canvas || !textual.test(file.mimetype)) return undefined;
  const text = new TextDecoder().decode(file.bytes.subarray(0, 2048));
  return text.split("\n").slice(0, 5).join("\n");
}

/** Where the emulator serves a file: `http://<host>/files-pri/<team>-<id>/…`. */
function fileUrls(workspace: Workspace, host: string, file: WorkspaceFile) {
  const base = `http://${host}/files-pri/${workspace.team.id}-${file.id}`;
  const name = encodeURIComponent(file.name);
  return { url_private: `${base}/${name}`, url_private_download: `${base}/download/${name}` };
}

/** The share entry Slack lists under `shares.public` / `shares.private`. */
function shareView(workspace: Workspace, share: FileShare, channel: WorkspaceChannel) {
  const thread = share.ts ? channel.threads.get(share.thread_ts ?? share.ts) : undefined;
  const users = [...new Set(thread?.flatMap((m) => m.user ?? []))];
  return {
    reply_users: users,
    reply_users_count: users.length,
    reply_count: thread?.length ?? 0,
    ...(share.ts ? { ts: share.ts } : {}),
    ...(share.thread_ts ? { thread_ts: share.thread_ts } : {}),
    channel_name: channel.conversation.name,
    team_id: workspace.team.id,
    share_user_id: share.user,
    source: "UNKNOWN",
  };
}

/** The Slack file object for `file`, as `files.info` and `files.list` return it. */
export function fileView(workspace: Workspace, host: string, file: WorkspaceFile) {
  const shares = {
    public: {} as Record<string, unknown[]>,
    private: {} as Record<string, unknown[]>,
  };
  const places = { channels: [] as string[], groups: [] as string[], ims: [] as string[] };
  for (const share of file.shares) {
    const channel = findConversation(workspace, share.channel);
    if (!channel) continue;
    const kind = conversationKind(channel.conversation);
    const list = kind === "public_channel"
      ? places.channels
      : kind === "im"
      ? places.ims
      : places.groups;
    if (!list.includes(share.channel)) list.push(share.channel);
    const bucket = kind === "public_channel" ? shares.public : shares.private;
    (bucket[share.channel] ??= []).push(shareView(workspace, share, channel));
  }
  const { domain } = workspace.team;
  const permalink = file.canvas
    ? `https://${domain}.slack.com/docs/${workspace.team.id}/${file.id}`
    : `https://${domain}.slack.com/files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`;
  const text = preview(file);
  return {
    id: file.id,
    created: file.created,
    timestamp: file.created,
    updated: file.updated,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: file.filetype,
    pretty_type: file.pretty_type,
    user: file.user,
    user_team: workspace.team.id,
    editable: file.mode !== "hosted",
    size: fileContent(workspace, file).bytes.length,
    mode: file.mode,
    is_external: false,
    external_type: "",
    is_public: places.channels.length > 0,
    public_url_shared: false,
    display_as_bot: false,
    username: "",
    ...fileUrls(workspace, host, file),
    permalink,
    ...(file.image ? { original_w: file.image.width, original_h: file.image.height } : {}),
    ...(text !== undefined ? { preview: text } : {}),
    has_rich_preview: false,
    comments_count: 0,
    is_starred: false,
    ...places,
    shares: Object.fromEntries(
      Object.entries(shares).filter(([, entries]) => Object.keys(entries).length > 0),
    ),
  };
}

/**
 * `message` as a response shows it: its `files` expanded into file objects
 * (a file deleted since drops out). Messages without files are returned as
 * they are.
 */
export function messageView(
  workspace: Workspace,
  host: string,
  message: WorkspaceMessage,
): WorkspaceMessage | (Omit<WorkspaceMessage, "files"> & { files: unknown[] }) {
  if (!message.files) return message;
  const files = message.files.flatMap(({ id }) => {
    const file = findFile(workspace, id);
    if (!file) return [];
    // Slack leaves where else a file is shared out of the copy inside a message.
    const { channels: _c, groups: _g, ims: _i, shares: _s, ...rest } = fileView(
      workspace,
      host,
      file,
    );
    return [rest];
  });
  if (files.length > 0) return { ...message, files };
  const { files: _, ...rest } = message;
  return rest;
}

/** The section types `canvases.sections.lookup` filters on, and which types each selects. */
export const sectionTypeFilters: Record<string, readonly SectionType[]> = {
  h1: ["h1"],
  h2: ["h2"],
  h3: ["h3"],
  any_header: ["h1", "h2", "h3"],
};
