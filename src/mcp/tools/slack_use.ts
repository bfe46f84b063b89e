/**
 * Building blocks for each tool's `slack` declaration: the Web API methods a
 * tool calls and the scopes they need. The manifest, README's scope column and
 * the pacer's tier table are checked against these declarations.
 * @module
 */
import type { SlackUse } from "../tool.ts";

/** Resolving a conversation argument: `#name` lists channels, `@person` opens the DM. */
export const conversationLookup: SlackUse = {
  methods: ["conversations.list", "users.list", "conversations.open"],
  bot: ["channels:read", "groups:read", "users:read", "im:write"],
};

/** Reading messages of any kind of conversation, with their authors' names. */
export const messageReading: SlackUse = {
  methods: ["users.info"],
  bot: ["channels:history", "groups:history", "im:history", "mpim:history", "users:read"],
};

/**
 * Merges declarations.
 *
 * @example
 * ```ts
 * uses(conversationLookup, { methods: ["chat.postMessage"], bot: ["chat:write"] });
 * ```
 */
export function uses(...parts: SlackUse[]): SlackUse {
  const merged = (pick: (u: SlackUse) => readonly string[] | undefined) => [
    ...new Set(parts.flatMap((p) => pick(p) ?? [])),
  ];
  const user = merged((p) => p.user);
  return {
    methods: merged((p) => p.methods),
    bot: merged((p) => p.bot),
    ...(user.length > 0 && { user }),
  };
}
