/**
 * How failures reach an MCP client: the actionable message for a Slack error
 * or a failed lookup (which tool or setting helps), and the JSON-RPC error a
 * prompt or resource answers with.
 * @module
 */
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { ToolError } from "./tool.ts";
import { NotFoundError, SlackApiError, transientCodes } from "../slack/errors.ts";
import type { Refusal } from "../slack/conversation_loader.ts";
import { logger } from "../log/logger.ts";
import { plural } from "../util/text.ts";

/** Hints for the error codes users meet most, keyed by Slack's `error`. */
const hints: Record<string, string> = {
  not_authed: "No token was sent: set SLACK_BOT_TOKEN.",
  invalid_auth: "The token is not valid: check SLACK_BOT_TOKEN (or SLACK_USER_TOKEN).",
  account_inactive: "The token's user or app was deactivated: reinstall the app.",
  token_revoked: "The token was revoked: reinstall the app and set the new token.",
  not_in_channel:
    "The bot is not a member of this channel: invite it with `/invite @your-bot` in Slack, then retry.",
  channel_not_found:
    "No such channel, or the bot cannot see it: check the ID or name with slack_list_channels.",
  thread_not_found: "No thread starts at that ts in this channel: check thread_ts.",
  message_not_found:
    "No message with that ts in this channel (it may have been deleted): check the ts with slack_get_channel_history.",
  user_not_found: "No such user: check the ID or @handle with slack_find_users.",
  users_not_found:
    "No such user (or nobody with that email): check the IDs, @handles or email with slack_find_users.",
  not_allowed_token_type:
    "This method needs a person's user token, not a bot token (search, unreads, marking read): set SLACK_USER_TOKEN (xoxp-…) and restart, or sign in with Slack in multi-user mode.",
  cannot_dm_bot:
    "Slack does not let a bot open a DM with another bot or app (or itself): name people only, found with slack_find_users.",
  user_disabled:
    "That person's account is deactivated: Slack cannot open a conversation with them.",
  too_many_users:
    "A group DM holds at most 8 people besides the caller: name fewer, or create a private channel with slack_create_channel.",
  not_enough_users: "Name at least one person (a user ID or @handle).",
  users_list_not_supplied: "Name the people to open a conversation with (user IDs or @handles).",
  method_not_supported_for_channel_type:
    "That does not work on this kind of conversation (e.g. it needs a DM or group DM).",
  invalid_timestamp:
    "ts is not a message timestamp: pass one like 1732546800.000100, e.g. latest_ts from slack_get_unreads.",
  invalid_types: "types must be a comma list of public_channel, private_channel, mpim and im.",
  ratelimited: "Slack is rate limiting this method: wait and retry.",
  is_archived: "The channel is archived: unarchive it or pick another channel.",
  msg_too_long: "The text is over Slack's 40,000-character limit: shorten or split it.",
  no_text: "The message text is empty: provide some text.",
  cant_update_message:
    "Slack lets the bot edit only messages it posted itself: this one is someone else's.",
  cant_delete_message:
    "Slack lets the bot delete only messages it posted itself: this one is someone else's.",
  edit_window_closed: "The message is too old to edit.",
  name_taken:
    "A channel with that name already exists (perhaps archived): pick another name, or use the existing channel.",
  invalid_name:
    "That name is not valid here: emoji must exist in the workspace; channel names use lowercase letters, digits, - and _.",
  invalid_name_specials:
    "Channel names may only contain lowercase letters, numbers, hyphens and underscores.",
  invalid_name_maxlength: "Channel names are at most 80 characters.",
  invalid_name_required: "A channel name is required.",
  already_in_channel: "A user is already a member of the channel: invite only the others.",
  cant_invite: "That user cannot be invited (deactivated, or a guest limited to other channels).",
  cant_invite_self: "The bot cannot invite itself.",
  restricted_action:
    "A workspace setting forbids the app this action (e.g. posting in an announcement-only channel, creating channels, or creating or editing canvases, which some plans and admins restrict): ask a workspace admin.",
  too_long:
    "The text is over Slack's limit (a channel topic is at most 250 characters): shorten it.",
  invalid_time: "post_at is not a valid time: pass unix seconds in the future.",
  time_in_past: "post_at is in the past: schedule a future time.",
  time_too_far: "post_at is more than 120 days ahead: Slack cannot schedule that far.",
  no_reaction: "That reaction is not on the message.",
  already_reacted: "The bot already added that reaction.",
  file_not_found:
    "No such file, or the bot cannot see it (it is shared nowhere the bot is a member): check the ID with slack_list_files.",
  canvas_not_found:
    "No such canvas, or the bot cannot see it: check the ID with slack_list_files (types=canvases), and share the canvas with the bot.",
  canvas_editing_failed:
    "Slack could not apply the edit: the section may be gone (sections change as the canvas is edited) or the Markdown is not valid canvas Markdown (headings deeper than ###, more than 300 table cells). Read the canvas again with slack_get_canvas for current section IDs.",
  canvas_creation_failed:
    "Slack could not create the canvas from this Markdown (headings deeper than ###, more than 300 table cells, or a mention of someone unknown): simplify it and retry.",
  channel_canvas_already_exists:
    "The channel already has a canvas, and a channel has only one: change it with slack_edit_canvas, or create a standalone canvas without channel_id.",
  canvas_disabled: "Canvases are turned off in this workspace: ask a workspace admin.",
  unknown_type:
    "types lists a kind Slack does not know: use all, snippets, images, pdfs, zips, gdocs, spaces or canvases.",
  file_url_not_slack:
    "The file is hosted outside Slack, and this server sends its token only to Slack: open the file's permalink instead.",
  upload_failed: "Slack refused the file's bytes at its upload URL: retry the upload.",
  too_many_redirects: "Slack redirected the download too many times: retry later.",
  invalid_cursor: "The cursor is not valid (expired or from another call): start again without it.",
  invalid_limit: "limit is out of range for this method.",
  fatal_error: "Slack had an internal error: retrying in a few seconds can help.",
  internal_error: "Slack had an internal error: retrying in a few seconds can help.",
  service_unavailable: "Slack is unavailable: retry later.",
  request_timeout: "Slack did not answer in time: retry later.",
};

/**
 * Why `stop.method` was not called, and when a retry can: Slack's rate
 * limit, or this server's own budget with its rate and the setting that
 * changes it (never blaming Slack for our own budget). `then` says what the
 * retry does ("to read more"); `calls` is how many calls the rest needs, to
 * say how long that takes at our budget. `stop` is the loader's
 * {@link Refusal} or a `ratelimited` {@link SlackApiError}: both have its shape.
 *
 * @example
 * ```ts
 * describeBudgetStop({ method: "conversations.history", budget: "ours", retryAfterSeconds: 42,
 *   perMinute: 1, setting: "SLACK_METHOD_LIMITS" }, { then: "to read more" });
 * // This server's own budget for conversations.history (1 call a minute) is spent: retry in 42 s
 * // to read more. SLACK_METHOD_LIMITS sets it: raise it there if your app's Slack limit is higher.
 * ```
 */
export function describeBudgetStop(
  stop: Refusal,
  options: { then?: string; calls?: number } = {},
): string {
  const when = stop.retryAfterSeconds === undefined
    ? "retry later"
    : `retry in ${stop.retryAfterSeconds} s`;
  const then = options.then ? ` ${options.then}` : "";
  if (stop.budget === "slack") return `Slack is rate limiting ${stop.method}: ${when}${then}.`;
  const { perMinute } = stop;
  const { calls } = options;
  const rate = perMinute === undefined ? "" : ` (${plural(perMinute, "call")} a minute)`;
  const rest = perMinute === undefined || calls === undefined || calls <= perMinute
    ? ""
    : `; the rest needs at least ${plural(calls, "call")}, about ${
      Math.ceil(calls / perMinute)
    } min of budget`;
  const origin = stop.setting === undefined
    ? "It is Slack's published tier; SLACK_METHOD_LIMITS raises it if your app has a higher limit."
    : stop.setting === "SLACK_METHOD_LIMITS"
    ? "SLACK_METHOD_LIMITS sets it: raise it there if your app's Slack limit is higher."
    : `${stop.setting} sets it; SLACK_METHOD_LIMITS overrides that if your app's Slack limit is higher.`;
  return `This server's own budget for ${stop.method}${rate} is spent: ${when}${then}${rest}. ${origin}`;
}

/** The message a model acts on for a Slack failure: what failed, why, what to do. */
export function describeSlackError(error: SlackApiError): string {
  const { method, code } = error;
  let hint;
  if (code === "missing_scope") {
    hint = `The app lacks the ${
      error.needed ?? "required"
    } scope: add it under OAuth & Permissions and reinstall the app.`;
  } else if (code === "ratelimited" && error.budget === "ours") {
    // Slack was never asked: say so, rather than "Slack … failed".
    return describeBudgetStop(error);
  } else if (code === "ratelimited") {
    hint = describeBudgetStop(error);
  } else if (transientCodes.has(code)) {
    hint = hints[code] ?? "Slack had a temporary failure: retrying in a few seconds can help.";
  } else {
    hint = hints[code] ?? "See Slack's documentation of this error code.";
  }
  return `Slack ${method} failed: ${code}. ${hint}`;
}

/** The message for a name, handle or ID that matched nothing. */
export function describeNotFound(error: NotFoundError): string {
  return error.kind === "channel"
    ? `No conversation matches ${error.input}: check it with slack_list_channels (names as #name, people as @handle).`
    : `No user matches ${error.input}: find people with slack_find_users or slack_get_users.`;
}

/** The message of any failure a caller can act on, or `undefined` for a server bug. */
export function userMessage(error: unknown): string | undefined {
  if (error instanceof ToolError) return error.message;
  if (error instanceof SlackApiError) return describeSlackError(error);
  if (error instanceof NotFoundError) return describeNotFound(error);
  return undefined;
}

/** `-32602` Invalid params. */
export function invalidParams(message: string, data?: unknown): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, message, data);
}

/**
 * Maps a failure while serving a prompt or resource to a protocol error:
 * caller mistakes are invalid params, Slack failures keep their hint, and
 * anything else is logged and answered without its details.
 *
 * @example
 * ```ts
 * try { … } catch (error) { throw toProtocolError(`Reading ${uri}`, error); }
 * ```
 */
export function toProtocolError(action: string, error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof SlackApiError) {
    return new ProtocolError(ProtocolErrorCode.InternalError, describeSlackError(error));
  }
  const message = userMessage(error);
  if (message) return invalidParams(message);
  logger("mcp").error("{action} failed: {error}", {
    action,
    error: error instanceof Error ? error.stack ?? error.message : String(error),
  });
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    `${action} failed; the server log has the details.`,
  );
}
