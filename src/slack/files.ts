/**
 * Slack's file hosting beyond the Web API: a file's bytes from its
 * `url_private_download`, and an upload's bytes posted to the URL
 * `files.getUploadURLExternal` hands out. The token travels only in the
 * `Authorization` header (a token in a URL ends up in logs and proxies), and
 * only to Slack's own hosts: an external file's URL points elsewhere.
 * @module
 */
import { SlackApiError } from "./errors.ts";

/** Where files live and how to reach them: what {@link downloadFile} and {@link uploadBytes} need. */
export interface FileHost {
  /** The Web API base URL; files are trusted on its origin and its domain's subdomains. */
  apiUrl: string;
  /** Sent as `Authorization: Bearer …` with downloads only. */
  token?: string;
  fetch?: typeof fetch;
  /** Per request, default 30 s. */
  timeoutMs?: number;
}

/** A download: at most the bytes asked for, and whether there were more. */
export interface FileDownload {
  bytes: Uint8Array<ArrayBuffer>;
  /** The `Content-Type` served, e.g. `image/png` or Slack's sign-in page's `text/html`. */
  contentType: string;
  /** True when the file goes on past `maxBytes`. */
  truncated: boolean;
}

/** What to download. */
export interface DownloadRequest {
  /** `url_private_download` (or `url_private`) from `files.info`. */
  url: string;
  /** Bytes to read at most; the rest is not transferred. */
  maxBytes: number;
  signal?: AbortSignal;
}

/** What to upload. */
export interface UploadRequest {
  /** `upload_url` from `files.getUploadURLExternal`. */
  url: string;
  bytes: Uint8Array<ArrayBuffer>;
  signal?: AbortSignal;
}

/** The label of file hosting failures, which are not Web API methods. */
const downloadLabel = "file download";
const uploadLabel = "file upload";

/** Redirects followed at most (Slack may send a download on to another of its hosts). */
const maxRedirects = 3;

/**
 * Whether `url` is on Slack's own hosting: the API's origin, or HTTPS on the
 * API's domain or a subdomain of it (`files.slack.com` for `slack.com/api/`).
 *
 * @example
 * ```ts
 * isSlackHosted("https://files.slack.com/files-pri/T1-F1/a.png", "https://slack.com/api/"); // true
 * isSlackHosted("https://drive.example.com/f", "https://slack.com/api/"); // false
 * ```
 */
export function isSlackHosted(url: string, apiUrl: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const api = new URL(apiUrl);
  if (target.origin === api.origin) return true;
  if (target.protocol !== "https:") return false;
  const domain = api.hostname.replace(/^(api|www)\./, "");
  return target.hostname === domain || target.hostname.endsWith(`.${domain}`);
}

function signalFor(host: FileHost, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(host.timeoutMs ?? 30_000);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

function httpFailure(label: string, status: number): SlackApiError {
  if (status === 404 || status === 410) return new SlackApiError(label, "file_not_found");
  if (status === 429) return new SlackApiError(label, "ratelimited");
  if (status >= 500) return new SlackApiError(label, "service_unavailable");
  return new SlackApiError(label, `http_${status}`);
}

/** Reads at most `maxBytes` of `body`, then stops the transfer. */
async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; more: boolean }> {
  const bytes = new Uint8Array(maxBytes);
  let length = 0;
  let more = false;
  if (!body) return { bytes: bytes.subarray(0, 0), more };
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - length;
      bytes.set(value.subarray(0, room), length);
      length += Math.min(room, value.length);
      if (value.length > room) {
        more = true;
        break;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return { bytes: bytes.slice(0, length), more };
}

/**
 * Downloads a file Slack hosts with the token in the `Authorization` header,
 * following redirects only within Slack's hosts. Slack answers a token that
 * may not read files with its HTML sign-in page and status 200: see
 * {@link servedSignInPage}.
 *
 * @example
 * ```ts
 * const { bytes } = await downloadFile(
 *   { apiUrl: "https://slack.com/api/", token },
 *   { url: file.url_private_download, maxBytes: 200_000 },
 * );
 * ```
 * @throws {SlackApiError} `not_authed` without a token, `file_url_not_slack` for a URL
 * elsewhere, `file_not_found` for a 404, `request_timeout`, `service_unavailable`.
 */
export async function downloadFile(
  host: FileHost,
  request: DownloadRequest,
): Promise<FileDownload> {
  if (!host.token) throw new SlackApiError(downloadLabel, "not_authed");
  const doFetch = host.fetch ?? fetch;
  const signal = signalFor(host, request.signal);
  let url = request.url;
  for (let redirects = 0;; redirects++) {
    if (!isSlackHosted(url, host.apiUrl)) {
      throw new SlackApiError(downloadLabel, "file_url_not_slack");
    }
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${host.token}` },
        redirect: "manual",
        signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      const timedOut = error instanceof DOMException && error.name === "TimeoutError";
      throw new SlackApiError(downloadLabel, timedOut ? "request_timeout" : "service_unavailable");
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (redirects >= maxRedirects) throw new SlackApiError(downloadLabel, "too_many_redirects");
      url = new URL(location, url).href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw httpFailure(downloadLabel, response.status);
    }
    const { bytes, more } = await readAtMost(response.body, request.maxBytes);
    return {
      bytes,
      contentType: response.headers.get("content-type") ?? "",
      truncated: more,
    };
  }
}

/**
 * Posts an upload's bytes to its upload URL, as `files.getUploadURLExternal`
 * asks. The URL is signed for this one upload, so no token goes with it.
 *
 * @example
 * ```ts
 * await uploadBytes({ apiUrl }, { url: upload_url, bytes });
 * ```
 * @throws {SlackApiError} `file_url_not_slack` for a URL outside Slack, `upload_failed`.
 */
export async function uploadBytes(host: FileHost, request: UploadRequest): Promise<void> {
  if (!isSlackHosted(request.url, host.apiUrl)) {
    throw new SlackApiError(uploadLabel, "file_url_not_slack");
  }
  const doFetch = host.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: request.bytes,
      signal: signalFor(host, request.signal),
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    throw new SlackApiError(uploadLabel, timedOut ? "request_timeout" : "service_unavailable");
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw response.status >= 500
      ? new SlackApiError(uploadLabel, "service_unavailable")
      : new SlackApiError(uploadLabel, "upload_failed");
  }
}

/** Marks of Slack's sign-in page: its form and its password field. */
const signInMarks = /id=["']signin_form["']|type=["']password["']/i;

function isHtml(download: FileDownload): boolean {
  if (/^text\/html\b/i.test(download.contentType)) return true;
  // Sniffed only when the type says nothing: a text file may well begin with "<html".
  if (!/^(application\/octet-stream)?$/i.test(download.contentType.split(";")[0].trim())) {
    return false;
  }
  const start = new TextDecoder().decode(download.bytes.subarray(0, 256)).trimStart();
  return /^<(!doctype html|html)/i.test(start);
}

/**
 * Whether Slack served its sign-in page instead of the file: what it answers,
 * with status 200, to a token that may not read files (no `files:read`). HTML
 * where the file is not HTML gives it away; for a canvas, the page's sign-in
 * form; for an HTML file, a size that is not the file's.
 *
 * @example
 * ```ts
 * if (servedSignInPage(download, { mimetype: "image/png", size: 1234 })) throw scopeError();
 * ```
 */
export function servedSignInPage(
  download: FileDownload,
  file: { mimetype?: string; filetype?: string; size?: number },
): boolean {
  if (!isHtml(download)) return false;
  const canvas = file.filetype === "quip";
  if (!canvas && !/html/i.test(file.mimetype ?? "") && file.filetype !== "html") return true;
  const text = () => new TextDecoder().decode(download.bytes.subarray(0, 64 * 1024));
  // A canvas's size in files.info is not its HTML's; an HTML file's is, unless cut short.
  if (canvas || download.truncated || file.size === undefined) return signInMarks.test(text());
  return download.bytes.length !== file.size;
}
