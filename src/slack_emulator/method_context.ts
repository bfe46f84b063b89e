/**
 * What every emulated Web API method is built from: the call context, Slack's
 * failure shape, parameter readers and Slack's cursor paging. The method
 * modules (`methods*.ts`) share these so each reads and pages alike.
 * @module
 */
import type { Workspace, WorkspaceChannel } from "./workspace.ts";

/** The kinds of token Slack issues, by prefix: `xoxb-`, `xoxp-`, `xapp-`. */
export type TokenKind = "bot" | "user" | "app";

/** Who is calling: the bot user (bot token) or a person (user token). */
export interface Actor {
  kind: TokenKind;
  userId: string;
}

/** A response body, or an event payload. */
export type Body = Record<string, unknown>;

/** What a method sees of one call. */
export interface MethodContext {
  workspace: Workspace;
  params: Body;
  actor: Actor;
  /** Unix ms of the call. */
  now: number;
  /** `host:port` the call came to, for URLs the emulator hands out. */
  host: string;
  /** Queues an event for the app, delivered when the bot is in `channel` (or for workspace events). */
  emit(channel: WorkspaceChannel | undefined, event: Body): void;
  /** A new ID like Slack's: `prefix` then uppercase alphanumerics. */
  newId(prefix: string): string;
  /** A new single-use Socket Mode ticket, accepted once at `/link/?ticket=…`. */
  issueTicket(): string;
}

/** A Slack `ok: false` answer: `error` plus fields like `needed`/`provided`. */
export class SlackFailure extends Error {
  override name = "SlackFailure";
  constructor(readonly code: string, readonly extra: Body = {}) {
    super(code);
  }
}

/** One Web API method: which tokens it takes and what it does. */
export interface MethodSpec {
  tokens: readonly TokenKind[];
  run(ctx: MethodContext): Body;
}

/** The tokens most methods take. */
export const botOrUser = ["bot", "user"] as const;

/** A parameter as a string (objects from a JSON body as their JSON), or `undefined`. */
export function param(ctx: MethodContext, name: string): string | undefined {
  const value = ctx.params[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** A boolean parameter: `true` or `1`. */
export function flag(ctx: MethodContext, name: string): boolean {
  const value = param(ctx, name);
  return value === "true" || value === "1";
}

/** An integer parameter, or `undefined` when absent or not a number. */
export function integer(ctx: MethodContext, name: string): number | undefined {
  const value = param(ctx, name);
  if (value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}

/**
 * Slack's answer to a missing or malformed argument of its newer methods
 * (files, canvases): `invalid_arguments` with a line per problem.
 */
export function invalidArguments(message: string): SlackFailure {
  return new SlackFailure("invalid_arguments", {
    response_metadata: { messages: [`[ERROR] ${message}`] },
  });
}

/** A required, non-empty string parameter, or `invalid_arguments`. */
export function requiredParam(ctx: MethodContext, name: string): string {
  const value = param(ctx, name);
  if (value === undefined || value.trim() === "") {
    throw invalidArguments(`missing required field: ${name}`);
  }
  return value;
}

/**
 * A structured parameter: a JSON body's object as is, or a form field's JSON
 * text parsed, as Slack SDKs send arrays and objects either way.
 */
export function jsonParam(ctx: MethodContext, name: string): unknown {
  const value = ctx.params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw invalidArguments(`${name} is not valid JSON`);
  }
}

/** `missing_scope` unless the workspace granted the caller's kind of token `scope`. */
export function requireScope(ctx: MethodContext, scope: string): void {
  const granted = grantedScopes(ctx.workspace, ctx.actor.kind);
  if (granted && !granted.includes(scope)) {
    throw new SlackFailure("missing_scope", { needed: scope, provided: granted.join(",") });
  }
}

/** The scopes the app holds for a kind of token; `undefined` means every scope. */
export function grantedScopes(
  workspace: Workspace,
  kind: TokenKind,
): readonly string[] | undefined {
  return kind === "app" ? [] : workspace.app.scopes?.[kind];
}

/** Slack's opaque cursor for `value`. */
export function encodeCursor(value: string): string {
  return btoa(value);
}

/** The value after `prefix` in a cursor, or `invalid_cursor`. */
export function decodeCursor(cursor: string, prefix: string): string {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // Falls through to invalid_cursor.
  }
  if (!decoded.startsWith(prefix) || decoded.length === prefix.length) {
    throw new SlackFailure("invalid_cursor");
  }
  return decoded.slice(prefix.length);
}

/** Cursor pages over `items` keyed by `keyOf`, as Slack's `team:`/`user:` cursors. */
export function paginate<T>(
  ctx: MethodContext,
  items: readonly T[],
  options: { prefix: string; keyOf: (item: T) => string; defaultLimit: number; maxLimit: number },
): { page: T[]; nextCursor: string } {
  const limit = integer(ctx, "limit") || options.defaultLimit;
  if (limit < 0 || limit > options.maxLimit) throw new SlackFailure("invalid_limit");
  const cursor = param(ctx, "cursor");
  let start = 0;
  if (cursor) {
    const key = decodeCursor(cursor, options.prefix);
    start = items.findIndex((item) => options.keyOf(item) === key);
    if (start < 0) throw new SlackFailure("invalid_cursor");
  }
  const page = items.slice(start, start + limit);
  const next = items[start + limit];
  return {
    page,
    nextCursor: next === undefined ? "" : encodeCursor(options.prefix + options.keyOf(next)),
  };
}

/** The `limit` parameter clamped to `[1, max]`, `fallback` when absent or below 1. */
export function clampLimit(ctx: MethodContext, fallback: number, max: number): number {
  const limit = integer(ctx, "limit");
  return !limit || limit < 1 ? fallback : Math.min(limit, max);
}

/** {@link clampLimit} for a page of messages, within the app's `messagesPerPage` cap. */
export function messagePageLimit(ctx: MethodContext, fallback: number, max: number): number {
  return Math.min(clampLimit(ctx, fallback, max), ctx.workspace.app.messagesPerPage ?? max);
}
