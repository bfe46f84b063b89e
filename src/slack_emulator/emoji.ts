/**
 * Emoji names the emulator accepts: a set of Slack's standard emoji and the
 * workspace's custom ones, with their aliases resolved.
 * @module
 */
import type { Workspace } from "./workspace.ts";

/**
 * Emoji `reactions.add` accepts, by name. Slack stores a few under another
 * name (`thumbsup` becomes `+1`), so the value is the stored name.
 */
const standard: Record<string, string> = Object.fromEntries([
  ...[
    "+1",
    "-1",
    "100",
    "clap",
    "coffee",
    "eyes",
    "fire",
    "grinning",
    "heart",
    "heavy_check_mark",
    "joy",
    "laughing",
    "memo",
    "muscle",
    "ok_hand",
    "party_parrot",
    "pray",
    "raised_hands",
    "rocket",
    "see_no_evil",
    "slightly_smiling_face",
    "smile",
    "sob",
    "sparkles",
    "star",
    "sunglasses",
    "tada",
    "thinking_face",
    "warning",
    "wave",
    "white_check_mark",
    "x",
  ].map((name) => [name, name]),
  ["thumbsup", "+1"],
  ["thumbsdown", "-1"],
]);

/**
 * The name a reaction with emoji `name` is stored under, or `undefined` when
 * the workspace has no such emoji. A custom alias (`alias:shipit`) stands for
 * the emoji it names.
 */
export function resolveEmoji(workspace: Workspace, name: string): string | undefined {
  if (standard[name]) return standard[name];
  const custom = workspace.emoji[name];
  if (custom === undefined) return undefined;
  const target = /^alias:(.+)$/.exec(custom)?.[1];
  if (target === undefined) return name;
  if (standard[target]) return standard[target];
  // One hop: Slack does not let an alias point at another alias.
  const image = workspace.emoji[target];
  return image !== undefined && !image.startsWith("alias:") ? target : undefined;
}
