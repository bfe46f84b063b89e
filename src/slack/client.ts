/**
 * The Slack Web API client: one `fetch` per call, bearer auth, Slack errors as
 * {@link SlackApiError}, 429 `Retry-After` honoured, cursor pagination.
 * @module
 */
import { SlackApiError, transientCodes } from "./errors.ts";
import { notice } from "../util/notices.ts";
import type { SlackResponse } from "./types.ts";
import { sleep } from "../util/sleep.ts";
import { startDeadline } from "../util/deadline.ts";
import {
  downloadFile,
  type DownloadRequest,
  type FileDownload,
  uploadBytes,
  type UploadRequest,
} from "./files.ts";

/** What is left of one method's budget, as the pacer last saw it. */
export interface MethodBudget {
  method: string;
  /** Calls a minute this server allows itself. */
  perMinute: number;
  /** Calls that fit now: an estimate from this instance's last check (others may have spent some). */
  remaining: number;
  /** Seconds until one more call fits when none does now, else 0. */
  retryAfterSeconds: number;
  /** Messages per page to ask for: 15 under Slack's 2025 non-Marketplace limits, else 200. */
  pageSize: number;
  /** The setting this budget comes from (e.g. `SLACK_METHOD_LIMITS`); none for Slack's published tier. */
  setting?: string;
}

/** Waits until a call to `method` fits Slack's budget (see `pacer.ts`). */
export interface SlackPacer {
  acquire(method: string, scope: string | undefined, signal?: AbortSignal): Promise<void>;
  /** What is left of `method`'s budget now; takes none of it. */
  budget?(method: string): MethodBudget;
}

/** Options of {@link createSlackClient}. */
export interface SlackClientOptions {
  /** Base URL ending in `/`, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  botToken?: string;
  userToken?: string;
  /** App-level token (`xapp-`), for `apps.connections.open` (Socket Mode). */
  appToken?: string;
  fetch?: typeof fetch;
  /** Per attempt, default 10 s. */
  timeoutMs?: number;
  /** Retries after a 429 or a network failure, default 3. */
  maxRetries?: number;
  /** A `Retry-After` longer than this fails at once, default 30 s. */
  maxRetryWaitMs?: number;
  pacer?: SlackPacer;
  /** Called after each HTTP attempt, for the log and the benchmarks. */
  onCall?: (call: { method: string; status: number; ms: number; error?: string }) => void;
}

/** How to send one call. */
export interface CallOptions {
  /** Which token; `user` is for a person's view (search, unreads), `app` for Socket Mode. Default `bot`. */
  token?: "bot" | "user" | "app";
  /** Send a JSON body (writes) rather than a form (reads). */
  json?: boolean;
  signal?: AbortSignal;
  /** Budget scope within the method, e.g. the channel for `chat.postMessage`. */
  scope?: string;
  /** Retries after a 429 or a transient failure; default the client's `maxRetries`. */
  maxRetries?: number;
}

/** A Slack Web API client. */
export interface SlackClient {
  /** Calls `method`; resolves with the body when `ok`, else throws {@link SlackApiError}. */
  call<T extends SlackResponse>(
    method: string,
    params?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<T>;
  /** Follows `next_cursor` and collects `items` up to `max` of them. */
  collect<T>(
    method: string,
    key: string,
    params?: Record<string, unknown>,
    options?: CallOptions & { max?: number; pageSize?: number },
  ): Promise<T[]>;
  /** Whether a user token is configured (search needs one). */
  readonly hasUserToken: boolean;
  /** What is left of `method`'s budget, when a pacer keeps one. */
  budget(method: string): MethodBudget | undefined;
  /** A Slack-hosted file's bytes, the bot token in the `Authorization` header (`files.ts`). */
  download(request: DownloadRequest): Promise<FileDownload>;
  /** Posts bytes to an upload URL from `files.getUploadURLExternal` (`files.ts`). */
  upload(request: UploadRequest): Promise<void>;
}

/**
 * Methods that only read: retried once after a transient failure (HTTP 5xx,
 * `internal_error`, `fatal_error`, `service_unavailable`). Writes are not
 * retried blindly: the first attempt may have taken effect.
 */
const readMethod =
  /\.(list|info|history|replies|members|test|conversations|lookup|lookupByEmail|get|getPermalink|messages)$/;

/** The wait before retrying a transient failure. */
const transientBackoffMs = 500;

/** A rate-limit wait longer than this is worth telling the person watching. */
const noticeAfterMs = 2_000;

function formBody(params: Record<string, unknown>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    form.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return form;
}

/**
 * Creates a client.
 *
 * @example
 * ```ts
 * const slack = createSlackClient({ apiUrl: "https://slack.com/api/", botToken });
 * const { channels } = await slack.call("conversations.list", { limit: 200 });
 * ```
 */
export function createSlackClient(options: SlackClientOptions): SlackClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;

  /** One try, its timer stopped as soon as the answer is read. */
  async function attempt(
    method: string,
    params: Record<string, unknown>,
    token: string,
    opts: CallOptions,
  ) {
    const deadline = startDeadline(timeoutMs, opts.signal);
    try {
      return await send(method, params, token, opts, deadline.signal);
    } finally {
      deadline.clear();
    }
  }

  async function send(
    method: string,
    params: Record<string, unknown>,
    token: string,
    opts: CallOptions,
    signal: AbortSignal,
  ): Promise<{ status: number; retryAfter?: number; body?: SlackResponse }> {
    const started = performance.now();
    const response = await doFetch(options.apiUrl + method, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": opts.json
          ? "application/json; charset=utf-8"
          : "application/x-www-form-urlencoded",
      },
      body: opts.json ? JSON.stringify(params) : formBody(params),
      signal,
    });
    if (response.status === 429) {
      await response.body?.cancel();
      const retryAfter = Number(response.headers.get("retry-after") ?? "1");
      options.onCall?.({
        method,
        status: 429,
        ms: performance.now() - started,
        error: "ratelimited",
      });
      return { status: 429, retryAfter: Number.isFinite(retryAfter) ? retryAfter : 1 };
    }
    const body = response.headers.get("content-type")?.includes("json")
      ? await response.json() as SlackResponse
      : (await response.body?.cancel(), undefined);
    options.onCall?.({
      method,
      status: response.status,
      ms: performance.now() - started,
      error: body?.ok ? undefined : body?.error ?? `http_${response.status}`,
    });
    return { status: response.status, body };
  }

  async function call<T extends SlackResponse>(
    method: string,
    params: Record<string, unknown> = {},
    opts: CallOptions = {},
  ): Promise<T> {
    const token = opts.token === "user"
      ? options.userToken
      : opts.token === "app"
      ? options.appToken
      : options.botToken;
    if (!token) {
      throw new SlackApiError(
        method,
        opts.token === "user" ? "not_allowed_token_type" : "not_authed",
      );
    }
    const maxTries = opts.maxRetries ?? maxRetries;
    // A read may be tried again after a transient failure; a write may have happened.
    const retryTransient = readMethod.test(method);
    for (let tries = 0;; tries++) {
      await options.pacer?.acquire(method, opts.scope, opts.signal);
      let result;
      try {
        result = await attempt(method, params, token, opts);
      } catch (error) {
        if (opts.signal?.aborted) throw error;
        const timedOut = error instanceof DOMException && error.name === "TimeoutError";
        if (tries >= maxTries || timedOut || !retryTransient) {
          throw new SlackApiError(method, timedOut ? "request_timeout" : "service_unavailable");
        }
        notice("info", `Slack ${method} did not answer; retrying.`);
        await sleep(250 * 2 ** tries, opts.signal);
        continue;
      }
      if (result.status === 429) {
        const waitMs = result.retryAfter! * 1000;
        if (tries >= maxTries || waitMs > maxRetryWaitMs) {
          throw new SlackApiError(method, "ratelimited", { retryAfterSeconds: result.retryAfter });
        }
        if (waitMs > noticeAfterMs) {
          notice("warning", `Slack is rate limiting ${method}: waiting ${result.retryAfter} s.`);
        }
        await sleep(waitMs, opts.signal);
        continue;
      }
      const body = result.body;
      const code = body ? body.ok ? undefined : body.error ?? "unknown_error" : undefined;
      const transient = result.status >= 500 || (code !== undefined && transientCodes.has(code));
      if (transient && retryTransient && tries < Math.min(maxTries, 1)) {
        notice("info", `Slack ${method} had a temporary failure; retrying once.`);
        await sleep(transientBackoffMs, opts.signal);
        continue;
      }
      if (!body) {
        throw new SlackApiError(
          method,
          result.status >= 500 ? "service_unavailable" : "fatal_error",
        );
      }
      if (!body.ok) {
        throw new SlackApiError(method, body.error ?? "unknown_error", {
          needed: body.needed,
          provided: body.provided,
        });
      }
      return body as T;
    }
  }

  async function collect<T>(
    method: string,
    key: string,
    params: Record<string, unknown> = {},
    opts: CallOptions & { max?: number; pageSize?: number } = {},
  ): Promise<T[]> {
    const max = opts.max ?? Infinity;
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await call<SlackResponse & Record<string, unknown>>(
        method,
        { ...params, limit: opts.pageSize ?? 200, cursor },
        opts,
      );
      items.push(...(page[key] as T[] ?? []));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && items.length < max);
    return items.slice(0, max);
  }

  const host = { apiUrl: options.apiUrl, token: options.botToken, fetch: doFetch };
  return {
    call,
    collect,
    hasUserToken: Boolean(options.userToken),
    budget: (method) => options.pacer?.budget?.(method),
    download: (request) => downloadFile(host, request),
    upload: (request) => uploadBytes(host, request),
  };
}
