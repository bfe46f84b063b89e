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

const tsPattern = /^\d+(\.\d+)?$/;

/**
 * A Slack timestamp as Slack writes it: six decimals. A JSON number is read
 * with `toFixed(6)`: JS prints at most ~17 significant digits, so
 * `String(1796511062.454647)` may not give the ts back, but six decimals do
 * (a double near 1.8e9 is exact to about 2e-7).
 *
 * @example
 * ```ts
 * normalizeTs(1796511062.45); // "1796511062.450000"
 * normalizeTs("1796511062.454647"); // "1796511062.454647"
 * ```
 */
export function normalizeTs(value: number | string): string | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? value.toFixed(6) : undefined;
  }
  const text = value.trim();
  if (!tsPattern.test(text)) return undefined;
  const [seconds, fraction = ""] = text.split(".");
  return fraction.length > 6 ? undefined : `${seconds}.${fraction.padEnd(6, "0")}`;
}

/**
 * A Slack message timestamp (its ID within the channel), as a string or a
 * JSON number (models and the MCP Inspector CLI send numbers); the handler
 * always receives the string with six decimals.
 */
export function tsParam(description: string) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ts = normalizeTs(value);
    if (ts === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          `"${value}" is not a Slack timestamp: pass the message's ts, like 1732546800.000100`,
      });
      return z.NEVER;
    }
    return ts;
  }).describe(description);
}

/**
 * A point in time for a range (`oldest`, `latest`, `since`): a Slack ts,
 * unix seconds (string or number), ISO 8601, or `YYYY-MM-DD HH:MM` as tools
 * print times (UTC).
 */
export function timeParam(description: string) {
  return z.union([z.string().min(1), z.number()]).optional().describe(description);
}

/**
 * Unix seconds from unix seconds (a Slack ts too), an ISO 8601 time, or
 * `YYYY-MM-DD HH:MM[:SS]` as the tools print times; a time without an offset
 * is read as UTC, whatever the server's time zone.
 *
 * @example
 * ```ts
 * parseTime("2026-01-01T10:00:00", "since"); // 1767261600
 * parseTime("2026-01-01 10:00", "since"); // 1767261600
 * ```
 * @throws {ToolError} naming the parameter when the value is neither.
 */
export function parseTime(input: number | string, name: string): number {
  if (typeof input === "number") return input;
  const value = input.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const iso = value.replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/, "$1T$2")
      .replace(/\s*UTC$/i, "Z");
    const zoned = iso.includes("T") && !/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(iso) ? `${iso}Z` : iso;
    const ms = Date.parse(zoned);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  throw new ToolError(
    `${name} "${input}" is neither unix seconds nor an ISO 8601 time: pass e.g. 1767261600 or 2026-01-01T10:00:00Z.`,
  );
}

/** A range bound as the ts Slack takes (`oldest`/`latest`), from anything {@link parseTime} reads. */
export function toSlackTs(input: number | string | undefined, name: string): string | undefined {
  if (input === undefined) return undefined;
  return normalizeTs(
    typeof input === "string" && tsPattern.test(input.trim()) ? input : parseTime(input, name),
  );
}
