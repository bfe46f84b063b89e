/**
 * Tool parameter schemas shared by every tool group, so a channel, cursor or
 * timestamp parameter reads and validates the same everywhere.
 * @module
 */
import { z } from "zod";

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
