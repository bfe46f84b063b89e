/**
 * The emulator's file hosting, outside the Web API: downloads at a file's
 * `url_private(_download)` and the upload URLs `files.getUploadURLExternal`
 * hands out. Like Slack, a download without a token that may read files
 * answers the HTML sign-in page with status 200, not an error.
 * @module
 */
import { type Actor, grantedScopes } from "./method_context.ts";
import type { Workspace } from "./workspace.ts";
import { canSeeFile, fileContent, findFile } from "./workspace_files.ts";

const download = /^\/files-pri\/(T[A-Z0-9]+)-(F[A-Z0-9]+)\/(download\/)?[^/]+$/;
const upload = /^\/upload\/v1\/[\w-]+$/;

/** Whether the emulator serves `pathname` as a file download or upload. */
export function isFileRoute(pathname: string): boolean {
  return pathname.startsWith("/files-pri/") || pathname.startsWith("/upload/");
}

/** What a file route needs beyond the request. */
export interface FileRouteContext {
  workspace: Workspace;
  /** Who a token belongs to; `undefined` for a token that is not valid. */
  actorOf(token: string): Actor | undefined;
}

/** Downloads authenticate as Slack's do: only with an `Authorization: Bearer` header. */
function bearerActor(request: Request, ctx: FileRouteContext): Actor | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  return token === undefined ? undefined : ctx.actorOf(token);
}

function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

/** Slack's sign-in page, which it serves (200, HTML) for a file fetched without a usable token. */
function signInPage(workspace: Workspace): string {
  const team = workspace.team.name.replace(/[&<>"]/g, "");
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<title>Slack</title>
<meta name="robots" content="noindex, nofollow">
</head>
<body class="index">
<div id="page">
<h1>Sign in to ${team}</h1>
<p>${workspace.team.domain}.slack.com</p>
<form id="signin_form" action="/" method="post" accept-charset="UTF-8">
<input type="hidden" name="signin" value="1">
<input type="email" id="email" name="email" placeholder="name@work-email.com">
<input type="password" id="password" name="password" placeholder="Your password">
<button type="submit" id="signin_btn">Sign in</button>
</form>
</div>
</body>
</html>
`;
}

function serveDownload(request: Request, pathname: string, ctx: FileRouteContext): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const { workspace } = ctx;
  const actor = bearerActor(request, ctx);
  const readable = actor !== undefined &&
    (grantedScopes(workspace, actor.kind)?.includes("files:read") ?? actor.kind !== "app");
  if (!readable) return html(signInPage(workspace));
  const [, team, id, asDownload] = download.exec(pathname) ?? [];
  const file = team === workspace.team.id ? findFile(workspace, id ?? "") : undefined;
  if (!file || !canSeeFile(workspace, actor.userId, file)) {
    return html("<!DOCTYPE html>\n<html><body><h1>File not found</h1></body></html>\n", 404);
  }
  const { bytes, type } = fileContent(workspace, file);
  const headers: Record<string, string> = {
    "content-type": type,
    "content-length": String(bytes.length),
  };
  if (asDownload) {
    headers["content-disposition"] = `attachment; filename*=UTF-8''${
      encodeURIComponent(file.name)
    }`;
  }
  return new Response(request.method === "HEAD" ? null : bytes, { headers });
}

/** The bytes of an upload: the raw body, or the `file` field of a multipart form. */
async function uploadedBytes(request: Request): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("multipart/form-data")) return new Uint8Array(await request.arrayBuffer());
  const file = (await request.formData()).get("file");
  return file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : undefined;
}

async function serveUpload(request: Request, pathname: string, ctx: FileRouteContext) {
  if (request.method !== "POST") {
    return new Response(null, { status: 405, headers: { allow: "POST" } });
  }
  const pending = ctx.workspace.uploads.find((u) => u.path === pathname);
  if (!pending) return new Response("Not Found", { status: 404 });
  const bytes = await uploadedBytes(request);
  if (!bytes) return new Response("Bad Request: no file field", { status: 400 });
  pending.bytes = bytes;
  return new Response(`OK - ${bytes.length}`, {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * Answers a request for a file route ({@link isFileRoute}): a download at
 * `/files-pri/<team>-<file>/[download/]<name>` or an upload posted to
 * `/upload/v1/<key>` (the raw bytes, or a multipart form's `file` field),
 * answered `OK - <length>` as Slack does.
 *
 * @example
 * ```ts
 * if (isFileRoute(url.pathname)) {
 *   return await serveFileRoute(request, { workspace, actorOf: (token) => tokens.get(token) });
 * }
 * ```
 */
export async function serveFileRoute(
  request: Request,
  ctx: FileRouteContext,
): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (download.test(pathname)) return serveDownload(request, pathname, ctx);
  if (upload.test(pathname)) return await serveUpload(request, pathname, ctx);
  return new Response("Not Found", { status: 404 });
}
