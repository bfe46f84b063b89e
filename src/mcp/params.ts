/**
 * Tool parameter schemas shared by every tool group, so a channel, cursor or
 * timestamp parameter reads and validates the same everywhere.
 * @module
 */
import { z } from "zod";
import { ToolError } from "./tool.ts";

/** A channel: ID (`C…`) or name (`#general` or `general`). */
export const channelParam = z.string().min(1).describe(
  "Channel ID (C…) or name (#general or general)",
);

/** A pagination cursor from a previous page. */
export const cursorParam = z.string().optional().describe(
  "Pagination cursor from a previous call's next_cursor",
);

/** A Slack message timestamp (its ID within the channel). */
export function tsParam(description: string) {
  return z.string().regex(/^\d+\.\d+$/, "a Slack timestamp like 1732546800.000100").describe(
    description,
  );
}

/**
 * Unix seconds from unix seconds (a Slack ts too) or an ISO 8601 time; an ISO
 * time without an offset is read as UTC, whatever the server's time zone.
 *
 * @example
 * ```ts
 * parseTime("2026-01-01T10:00:00", "since"); // 1767261600
 * ```
 * @throws {ToolError} naming the parameter when the value is neither.
 */
export function parseTime(input: number | string, name: string): number {
  if (typeof input === "number") return input;
  const value = input.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const zoned = value.includes("T") && !/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value)
      ? `${value}Z`
      : value;
    const ms = Date.parse(zoned);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  throw new ToolError(
    `${name} "${input}" is neither unix seconds nor an ISO 8601 time: pass e.g. 1767261600 or 2026-01-01T10:00:00Z.`,
  );
}
