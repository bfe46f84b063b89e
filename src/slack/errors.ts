/**
 * Slack Web API failures as typed errors. Slack answers most failures with
 * HTTP 200 and `ok: false`. The hints a model acts on (which tool or setting
 * helps) are the MCP layer's: `src/mcp/errors.ts`.
 * @module
 */

/** A Slack Web API failure: the method and Slack's error code, plus what Slack added. */
export class SlackApiError extends Error {
  override name = "SlackApiError";
  /** Slack's error code, e.g. `channel_not_found`. */
  readonly code: string;
  /** The Web API method, e.g. `conversations.history`. */
  readonly method: string;
  /** For `ratelimited`: seconds Slack (or our own budget, see {@link budget}) asks us to wait. */
  readonly retryAfterSeconds?: number;
  /** For `missing_scope`: the scope Slack wants. */
  readonly needed?: string;
  /** Whose limit it is: Slack's (a 429) or our own per-method budget (the pacer). */
  readonly budget: "slack" | "ours";
  /** Our own budget's calls a minute, when {@link budget} is `ours`. */
  readonly perMinute?: number;
  /** The setting our budget comes from (e.g. `SLACK_METHOD_LIMITS`); none for Slack's published tier. */
  readonly setting?: string;

  constructor(
    method: string,
    code: string,
    detail: {
      needed?: string;
      provided?: string;
      retryAfterSeconds?: number;
      budget?: "slack" | "ours";
      perMinute?: number;
      setting?: string;
    } = {},
  ) {
    super(`Slack ${method} failed: ${code}`);
    this.code = code;
    this.method = method;
    this.retryAfterSeconds = detail.retryAfterSeconds;
    this.needed = detail.needed;
    this.budget = detail.budget ?? "slack";
    this.perMinute = detail.perMinute;
    this.setting = detail.setting;
  }
}

/**
 * What `promise` resolves to, or `undefined` when Slack refuses it (a
 * {@link SlackApiError}): for extras a result can do without. Any other error
 * still throws.
 *
 * @example
 * ```ts
 * const info = await unlessSlackRefuses(slack.call("conversations.info", { channel }));
 * ```
 */
export async function unlessSlackRefuses<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof SlackApiError) return undefined;
    throw error;
  }
}

/** Codes after which a read may succeed if simply tried again shortly. */
export const transientCodes: ReadonlySet<string> = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

/** A name, handle or ID that matches nothing Slack knows. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(readonly kind: "channel" | "user", readonly input: string) {
    super(`No ${kind} matches ${input}`);
  }
}
