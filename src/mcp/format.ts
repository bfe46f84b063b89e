/**
 * Trimmed, name-resolved shapes for Slack objects, and their compact one-line
 * text renderings. Tools return these, never raw Slack JSON.
 * @module
 */
import { z } from "zod";
import type { SlackMessage } from "../slack/types.ts";

/** A message as tools return it. */
export const messageSchema = z.object({
  ts: z.string().describe("Message timestamp; also its ID within the channel"),
  time: z.string().describe("ISO 8601 time (UTC)"),
  user: z.string().optional(),
  user_name: z.string().optional(),
  text: z.string(),
  thread_ts: z.string().optional(),
  reply_count: z.number().int().optional(),
  reactions: z.array(z.object({ name: z.string(), count: z.number().int() })).optional(),
  subtype: z.string().optional(),
  edited: z.boolean().optional(),
});

/** A message as tools return it. */
export type Message = z.infer<typeof messageSchema>;

/** Where a result came from: the cache (and how old) or Slack just now. */
export const cacheInfoSchema = {
  cached: z.boolean().describe("True when served from the cache"),
  cache_age_seconds: z.number().int().describe("Seconds since the data was fetched from Slack"),
};

/** ISO time of a Slack `ts`. */
export function tsToIso(ts: string): string {
  return new Date(Number(ts) * 1000).toISOString();
}

/** Trims a Slack message to {@link Message}; names are filled in by {@link withNames}. */
export function toMessage(message: SlackMessage): Message {
  const reactions = message.reactions?.map(({ name, count }) => ({ name, count }));
  return {
    ts: message.ts,
    time: tsToIso(message.ts),
    user: message.user ?? message.bot_id,
    user_name: message.user ? undefined : message.username,
    text: message.text,
    thread_ts: message.thread_ts,
    reply_count: message.reply_count || undefined,
    reactions: reactions?.length ? reactions : undefined,
    subtype: message.subtype,
    edited: message.edited ? true : undefined,
  };
}

/** Resolves authors' display names in one batched lookup. */
export async function withNames(
  messages: Message[],
  directory: { userNames(ids: Iterable<string>): Promise<Map<string, string>> },
): Promise<Message[]> {
  const ids = messages.flatMap((m) => (m.user && !m.user_name ? [m.user] : []));
  const names = await directory.userNames(ids);
  return messages.map((m) => (m.user && !m.user_name ? { ...m, user_name: names.get(m.user) } : m));
}

/** `2026-11-20 14:03 Alice: text (ts 1732…, 3 replies, :tada:×2)`. */
export function formatMessage(message: Message): string {
  const details = [`ts ${message.ts}`];
  if (message.reply_count) {
    details.push(`${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`);
  }
  for (const reaction of message.reactions ?? []) {
    details.push(`:${reaction.name}:×${reaction.count}`);
  }
  if (message.edited) details.push("edited");
  const when = message.time.slice(0, 16).replace("T", " ");
  return `${when} ${message.user_name ?? message.user ?? "?"}: ${message.text} (${
    details.join(", ")
  })`;
}

/** A footer line for paged results. */
export function moreLine(nextCursor: string | undefined): string {
  return nextCursor ? `\nMore available: pass cursor "${nextCursor}".` : "";
}
