/**
 * How the seed turns planned messages into conversation history: a
 * deterministic PRNG, times relative to `now`, reactions, placing messages
 * and threads in time order, and each member's read cursor.
 * @module
 */
import type { SlackReaction } from "../slack/types.ts";
import { DEMO_BOT_ID, DEMO_BOT_USER_ID, DEMO_TEAM_ID } from "./seed_ids.ts";
import {
  addMessage,
  type BotProfile,
  formatTs,
  nextTs,
  type WorkspaceChannel,
  type WorkspaceMessage,
} from "./workspace.ts";

/** Milliseconds in a day. */
export const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A small deterministic PRNG (mulberry32), so the seed needs no `Math.random`. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Midnight UTC `daysAgo` days before `now`, plus `hours`. */
export function dayAt(now: number, daysAgo: number, hours: number): number {
  return Math.floor(now / DAY) * DAY - daysAgo * DAY + hours * HOUR;
}

/** A message to place: when, by whom, and the thread under it. */
export interface Planned {
  channel: string;
  at: number;
  message: Omit<WorkspaceMessage, "ts" | "type">;
  replies?: { after: number; user: string; text: string; broadcast?: boolean }[];
  editedAfter?: number;
  noReactions?: boolean;
}

/** Emoji the seed reacts with (Slack stores 👍 as `+1`). */
const reactionNames = [
  "+1",
  "heart",
  "tada",
  "eyes",
  "white_check_mark",
  "rocket",
  "joy",
  "fire",
  "pray",
  "raised_hands",
  "100",
  "wave",
];

function react(message: WorkspaceMessage, members: string[], random: () => number): void {
  const voters = members.filter((id) => id !== message.user && id !== DEMO_BOT_USER_ID);
  const kinds = 1 + Math.floor(random() * 3);
  const reactions: SlackReaction[] = [];
  for (let k = 0; k < kinds && voters.length > 0; k++) {
    const name = reactionNames[Math.floor(random() * reactionNames.length)];
    if (reactions.some((r) => r.name === name)) continue;
    const count = 1 + Math.floor(random() * Math.min(4, voters.length));
    const start = Math.floor(random() * voters.length);
    const users = Array.from({ length: count }, (_, i) => voters[(start + i) % voters.length]);
    reactions.push({ name, count, users });
  }
  message.reactions = reactions;
}

/** A planned message with its channel, built when its turn comes. */
export interface Placement {
  at: number;
  channel: WorkspaceChannel;
  build: () => WorkspaceMessage;
}

/**
 * The placements of `plan`, threads included. `random` decides reactions
 * and reply jitter; each plan gets its own, so adding to one plan leaves the
 * messages of the others as they were.
 */
export function placementsOf(
  plan: readonly Planned[],
  options: {
    channels: ReadonlyMap<string, WorkspaceChannel>;
    random: () => number;
    botProfile: BotProfile;
  },
): Placement[] {
  const { random } = options;
  const placements: Placement[] = [];
  for (const item of plan) {
    const channel = options.channels.get(item.channel);
    if (!channel) throw new Error(`Planned message in unknown channel ${item.channel}`);
    let parent: WorkspaceMessage | undefined;
    placements.push({
      at: item.at,
      channel,
      build: () => {
        parent = { type: "message", ts: nextTs(channel, item.at), ...item.message };
        if (parent.user && !parent.subtype) parent.team = DEMO_TEAM_ID;
        if (parent.bot_id === DEMO_BOT_ID) parent.bot_profile = options.botProfile;
        if (item.editedAfter !== undefined) {
          parent.edited = { user: parent.user!, ts: formatTs(item.at + item.editedAfter * MINUTE) };
        }
        if (!item.noReactions && random() < 0.35) react(parent, channel.members, random);
        return parent;
      },
    });
    for (const reply of item.replies ?? []) {
      const at = item.at + reply.after * MINUTE + Math.floor(random() * 50_000);
      placements.push({
        at,
        channel,
        build: () => {
          const message: WorkspaceMessage = {
            type: "message",
            ts: nextTs(channel, at),
            user: reply.user,
            text: reply.text,
            team: DEMO_TEAM_ID,
            thread_ts: parent!.ts,
          };
          if (reply.broadcast) message.subtype = "thread_broadcast";
          if (random() < 0.2) react(message, channel.members, random);
          return message;
        },
      });
    }
  }
  return placements;
}

/** Places every message before `now`, in time order, which keeps each channel's ts increasing and every parent before its replies. */
export function placeAll(placements: Placement[], now: number): void {
  placements.sort((a, b) => a.at - b.at);
  for (const placement of placements) {
    if (placement.at < now) addMessage(placement.channel, placement.build());
  }
}

/** A message someone has not read yet. */
export interface Unread {
  channel: string;
  user: string;
  text: string;
}

/**
 * Posts `unread` after everything else in their channels (spaced a few
 * minutes apart, squeezed to stay before `now`), then sets read cursors:
 * every member has read each conversation to its end, except that `reader`
 * has not read these messages.
 */
export function addUnread(options: {
  channels: ReadonlyMap<string, WorkspaceChannel>;
  unread: readonly Unread[];
  reader: string;
  now: number;
}): void {
  const { channels, now } = options;
  const firstUnread = new Map<WorkspaceChannel, string>();
  for (const [id, channel] of channels) {
    const items = options.unread.filter((u) => u.channel === id);
    const last = channel.lastTs ? Number(channel.lastTs) * 1000 : now - DAY;
    const gap = Math.min(4 * MINUTE, (now - last) / (items.length + 1));
    items.forEach((item, i) => {
      const message: WorkspaceMessage = {
        type: "message",
        ts: nextTs(channel, last + gap * (i + 1)),
        user: item.user,
        text: item.text,
        team: DEMO_TEAM_ID,
      };
      addMessage(channel, message);
      if (i === 0) firstUnread.set(channel, message.ts);
    });
  }
  for (const channel of channels.values()) {
    const latest = channel.messages.at(-1)?.ts;
    if (latest === undefined) continue;
    for (const member of channel.members) channel.lastRead.set(member, latest);
    const first = firstUnread.get(channel);
    if (first === undefined) continue;
    const before = channel.messages[channel.messages.findIndex((m) => m.ts === first) - 1];
    if (before) channel.lastRead.set(options.reader, before.ts);
    else channel.lastRead.delete(options.reader);
  }
}
