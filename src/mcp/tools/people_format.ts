/**
 * What the people and conversation tools share: times, the one `users` map
 * per result and its text line, write hints, and the refusal of a
 * user-token-only call when there is no user token.
 * @module
 */
import { z } from "zod";
import { type ToolAnnotations, type ToolDeps, ToolError } from "../tool.ts";

/** `YYYY-MM-DD HH:MM` (UTC) of a Slack ts. */
export function utcMinute(ts: string): string {
  return new Date(Number(ts) * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/** `users`: one ID → name map per result, so rows need not repeat names' IDs. */
export const usersField = z.record(z.string(), z.string()).optional().describe(
  "Everyone this result names, user or bot ID → name; use the IDs in follow-up calls",
);

/**
 * ID → name for `ids`, plus `known` names (bots' names from their messages).
 * An ID without a name (a failed lookup) is left out rather than mapped to
 * itself.
 */
export async function usersMap(
  directory: ToolDeps["directory"],
  ids: Iterable<string>,
  known: Record<string, string> = {},
): Promise<Record<string, string>> {
  const wanted = [...new Set(ids)].filter((id) => !(id in known));
  const names = await directory.userNames(wanted);
  const map: Record<string, string> = {};
  for (const id of new Set([...Object.keys(known), ...wanted])) {
    const name = known[id] ?? names.get(id);
    if (name && name !== id) map[id] = name;
  }
  return map;
}

/** `Users: alice U0ALICE01, bruno U0BRUNO02`, or nothing. */
export function usersLine(users: Record<string, string>): string {
  const entries = Object.entries(users);
  return entries.length
    ? `\nUsers: ${entries.map(([id, name]) => `${name} ${id}`).join(", ")}`
    : "";
}

/** The annotations of a write: every hint stated, since MCP defaults `destructiveHint` to true. */
export function writeHints(idempotent: boolean): ToolAnnotations {
  return {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: idempotent,
    openWorldHint: true,
  };
}

/** Refuses a user-token-only call up front when no user token is configured. */
export function requireUserToken(deps: ToolDeps, tool: string, what: string): void {
  if (deps.slack.hasUserToken) return;
  throw new ToolError(
    `${tool} needs a user token: ${what} belong to a person, and Slack shows them only to that person's token. Set SLACK_USER_TOKEN (xoxp-…) and restart, or sign in with Slack (multi-user mode).`,
  );
}
