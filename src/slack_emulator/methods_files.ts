/**
 * Files in the emulator: listing and describing them, and Slack's external
 * upload (`files.getUploadURLExternal`, the bytes posted to the URL it hands
 * out, then `files.completeUploadExternal` sharing the file in a message).
 * @module
 */
import {
  botOrUser,
  decodeCursor,
  encodeCursor,
  integer,
  invalidArguments,
  jsonParam,
  type MethodContext,
  type MethodSpec,
  param,
  requiredParam,
  requireScope,
  SlackFailure,
} from "./method_context.ts";
import { authorFields, channelParam, post, threadParam } from "./conversations.ts";
import { findUser, type WorkspaceChannel } from "./workspace.ts";
import {
  canSeeFile,
  fileKind,
  fileTypeFilters,
  fileView,
  findFile,
  type PendingUpload,
  recordShare,
  snippetKind,
  type WorkspaceFile,
} from "./workspace_files.ts";

/** The largest upload `files.getUploadURLExternal` accepts: Slack's 1 GB. */
const maxUploadBytes = 1_000_000_000;

function typesParam(ctx: MethodContext): ((file: WorkspaceFile) => boolean)[] {
  const names = (param(ctx, "types") || "all").split(",").map((t) => t.trim());
  return names.map((name) => {
    const filter = fileTypeFilters[name];
    if (!filter) throw new SlackFailure("unknown_type");
    return filter;
  });
}

/** The files `files.list` selects for the caller, newest first. */
function listed(ctx: MethodContext): WorkspaceFile[] {
  const channel = param(ctx, "channel");
  const user = param(ctx, "user");
  if (user && !findUser(ctx.workspace, user)) throw new SlackFailure("user_not_found");
  const types = typesParam(ctx);
  const from = integer(ctx, "ts_from") ?? 0;
  const to = integer(ctx, "ts_to") ?? Infinity;
  return ctx.workspace.files
    .filter((file) =>
      canSeeFile(ctx.workspace, ctx.actor.userId, file) &&
      (!channel || file.shares.some((s) => s.channel === channel)) &&
      (!user || file.user === user) &&
      types.some((keep) => keep(file)) &&
      file.created >= from && file.created <= to
    )
    .toReversed();
}

/**
 * Where a `files.list` page starts and how long it is: `page`/`count` as
 * Slack documents, or `cursor`/`limit` as it also accepts.
 */
function filePage(ctx: MethodContext, files: readonly WorkspaceFile[]) {
  const cursor = param(ctx, "cursor");
  const byCursor = cursor !== undefined || param(ctx, "limit") !== undefined;
  if (!byCursor) {
    // Slack clamps `count` rather than refusing it.
    const size = Math.min(Math.max(integer(ctx, "count") || 100, 1), 1000);
    return { start: (Math.max(integer(ctx, "page") || 1, 1) - 1) * size, size, byCursor };
  }
  const size = integer(ctx, "limit") || 100;
  if (size < 1 || size > 1000) throw new SlackFailure("invalid_limit");
  const id = cursor ? decodeCursor(cursor, "file:") : undefined;
  const start = id === undefined ? 0 : files.findIndex((f) => f.id === id);
  if (start < 0) throw new SlackFailure("invalid_cursor");
  return { start, size, byCursor };
}

/** An upload whose bytes have arrived. */
type PostedUpload = PendingUpload & { bytes: Uint8Array<ArrayBuffer> };

/** The caller's pending upload `id` with its bytes, or `file_not_found`. */
function postedUpload(ctx: MethodContext, id: unknown): PostedUpload {
  const upload = ctx.workspace.uploads.find((u) => u.fileId === id && u.user === ctx.actor.userId);
  if (!upload) throw new SlackFailure("file_not_found");
  // Only bytes posted to the upload URL can be finalized.
  if (!upload.bytes) throw new SlackFailure("file_upload_not_complete");
  return upload as PostedUpload;
}

/** The `files` argument of `files.completeUploadExternal`: `[{id, title?}]`. */
function completedFiles(ctx: MethodContext): { upload: PostedUpload; title?: string }[] {
  const files = jsonParam(ctx, "files");
  if (!Array.isArray(files) || files.length === 0) {
    throw invalidArguments("missing required field: files");
  }
  return files.map((entry) => {
    if (typeof entry !== "object" || entry === null || typeof entry.id !== "string") {
      throw invalidArguments("files must be a list of objects with an id");
    }
    const title = typeof entry.title === "string" && entry.title !== "" ? entry.title : undefined;
    return { upload: postedUpload(ctx, entry.id), title };
  });
}

/** The conversations to share in: `channel_id`, or the older comma list `channels`. */
function shareTargets(ctx: MethodContext): WorkspaceChannel[] {
  const ids = param(ctx, "channel_id")
    ? [param(ctx, "channel_id")!]
    : (param(ctx, "channels") ?? "").split(",").map((id) => id.trim()).filter(Boolean);
  if (ids.length > 1 && param(ctx, "thread_ts")) {
    throw invalidArguments("thread_ts needs exactly one channel");
  }
  return ids.map((id) => channelParam({ ...ctx, params: { channel: id } }, "write"));
}

/** A PNG's pixel size, read from its header. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const isPng = bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50;
  if (!isPng) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The stored file a finished upload becomes. */
function uploadedFile(
  ctx: MethodContext,
  upload: PostedUpload,
  title: string | undefined,
): WorkspaceFile {
  const kind = upload.snippetType ? snippetKind(upload.snippetType) : fileKind(upload.filename);
  const created = Math.floor(ctx.now / 1000);
  const image = kind.mimetype === "image/png" ? pngSize(upload.bytes) : undefined;
  return {
    id: upload.fileId,
    created,
    updated: created,
    user: ctx.actor.userId,
    name: upload.filename,
    title: title ?? upload.filename,
    ...kind,
    mode: upload.snippetType ? "snippet" : "hosted",
    bytes: upload.bytes,
    shares: [],
    ...(image ? { image } : {}),
  };
}

/** Every method of this module, by name. */
export const fileMethods: Record<string, MethodSpec> = {
  "files.list": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "files:read");
      const files = listed(ctx);
      const { start, size, byCursor } = filePage(ctx, files);
      const next = files[start + size];
      return {
        files: files.slice(start, start + size).map((f) => fileView(ctx.workspace, ctx.host, f)),
        paging: {
          count: size,
          total: files.length,
          page: Math.floor(start / size) + 1,
          pages: Math.max(1, Math.ceil(files.length / size)),
        },
        ...(byCursor
          ? { response_metadata: { next_cursor: next ? encodeCursor(`file:${next.id}`) : "" } }
          : {}),
      };
    },
  },

  "files.info": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "files:read");
      const file = findFile(ctx.workspace, param(ctx, "file") ?? "");
      if (!file || !canSeeFile(ctx.workspace, ctx.actor.userId, file)) {
        throw new SlackFailure("file_not_found");
      }
      return {
        file: fileView(ctx.workspace, ctx.host, file),
        comments: [],
        response_metadata: { next_cursor: "" },
      };
    },
  },

  "files.getUploadURLExternal": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "files:write");
      const filename = requiredParam(ctx, "filename");
      const length = integer(ctx, "length");
      if (length === undefined) throw invalidArguments("missing required field: length");
      if (length < 1 || length > maxUploadBytes) throw invalidArguments("invalid length");
      const fileId = ctx.newId("F");
      const path = `/upload/v1/${ctx.newId("UP")}`;
      ctx.workspace.uploads.push({
        fileId,
        path,
        filename,
        length,
        user: ctx.actor.userId,
        ...(param(ctx, "snippet_type") ? { snippetType: param(ctx, "snippet_type") } : {}),
        ...(param(ctx, "alt_txt") ? { altTxt: param(ctx, "alt_txt") } : {}),
      });
      return { upload_url: `http://${ctx.host}${path}`, file_id: fileId };
    },
  },

  "files.completeUploadExternal": {
    tokens: botOrUser,
    run(ctx) {
      requireScope(ctx, "files:write");
      const completed = completedFiles(ctx);
      const targets = shareTargets(ctx);
      const threads = targets.map((channel) => threadParam(ctx, channel));
      const files = completed.map(({ upload, title }) => uploadedFile(ctx, upload, title));
      const done = new Set(files.map((f) => f.id));
      ctx.workspace.uploads = ctx.workspace.uploads.filter((u) => !done.has(u.fileId));
      ctx.workspace.files.push(...files);
      targets.forEach((channel, i) => {
        const message = post(ctx, channel, {
          ...authorFields(ctx),
          text: param(ctx, "initial_comment") ?? "",
          files: files.map(({ id }) => ({ id })),
          upload: true,
          display_as_bot: false,
          ...(threads[i] ? { thread_ts: threads[i] } : {}),
        });
        for (const file of files) recordShare(file, channel, message);
      });
      return { files: files.map((f) => fileView(ctx.workspace, ctx.host, f)) };
    },
  },
};
