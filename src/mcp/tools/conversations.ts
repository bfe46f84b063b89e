/**
 * Opening a DM or group DM (`slack_open_conversation`) and moving the read
 * cursor (`slack_mark_read`), plus the unread overview (`unreads.ts`).
 * Opening acts as the default token (the bot, or the signed-in person in
 * multi-user mode), so the tools that post there next find the
 * conversation; marking read acts as the person whose user token it is.
 * @module
 */
import { z } from "zod";
import { defineTool, type ToolDeps, ToolError } from "../tool.ts";
import { channelParam, tsParam } from "../params.ts";
import { conversationLookup, uses } from "./slack_use.ts";
import type { SlackResponse } from "../../slack/types.ts";
import { SlackApiError } from "../../slack/errors.ts";
import { cacheTags } from "../../store/keys.ts";
import { formatTime, usersMap } from "../format.ts";
import { requireUserToken, writeHints } from "../tool.ts";
import { getUnreads } from "./unreads.ts";

/** Slack's group DM holds the caller and at most this many others. */
const maxPeople = 8;

/** User IDs for IDs or `@handle`s, given as an array, a comma string, or both. */
async function peopleIds(deps: ToolDeps, input: string | string[]): Promise<string[]> {
  const entries = [input].flat().flatMap((entry) => entry.split(","))
    .map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) {
    throw new ToolError("users names nobody: pass user IDs (U…) or @handles.");
  }
  return [...new Set(await Promise.all(entries.map((entry) => deps.directory.userId(entry))))];
}

/** Whether `SLACK_WRITE_CHANNELS` lets write tools touch `channel` (resolved as the pipeline does). */
async function writable(deps: ToolDeps, channel: string, writeChannels: readonly string[]) {
  if (writeChannels.length === 0) return true;
  const allowed = await Promise.all(
    writeChannels.map((c) => deps.directory.channelId(c).catch(() => c)),
  );
  return allowed.includes(channel);
}

/** `slack_open_conversation`. */
export const openConversation = defineTool({
  name: "slack_open_conversation",
  title: "Open a DM or group DM",
  description:
    "Open the direct message with one person, or a group DM with 2–8 people (the existing one if there is one), and return its channel_id for slack_post_message and the read tools. Opening sends nothing. users: IDs (U…) or @handles, as an array or a comma-separated string.",
  input: z.object({
    users: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).describe(
      'One person for a DM, 2–8 for a group DM: ["@alice", "U0BRUNO02"] or "@alice,@bruno"',
    ),
  }),
  output: z.object({
    channel_id: z.string().describe("The DM's (D…) or group DM's ID, for posting and reading"),
    users: z.record(z.string(), z.string()).describe("The people in it besides you, ID → name"),
    writable: z.literal(false).optional().describe(
      "Present when SLACK_WRITE_CHANNELS does not include this conversation: posting there is refused",
    ),
  }),
  annotations: writeHints({ idempotent: true }),
  slack: {
    methods: ["conversations.open", "users.list", "users.info"],
    bot: ["im:write", "mpim:write", "users:read"],
  },
  async handler({ users }, { deps, policy, signal }) {
    const ids = await peopleIds(deps, users);
    if (ids.length > maxPeople) {
      throw new ToolError(
        `A group DM holds at most ${maxPeople} people besides you; ${ids.length} were named. Use a private channel (slack_create_channel) for more.`,
      );
    }
    let channel: string;
    if (ids.length === 1) {
      // The directory's DM: opened once and cached, the one `@handle` channel arguments use.
      channel = await deps.directory.channelId(ids[0]);
    } else {
      const opened = await deps.slack.call<SlackResponse & { channel: { id: string } }>(
        "conversations.open",
        { users: ids.join(",") },
        { json: true, signal },
      );
      channel = opened.channel.id;
      await deps.cache.invalidate(cacheTags.channels);
    }
    const names = await usersMap(deps.directory, ids);
    const allowed = await writable(deps, channel, policy.writeChannels);
    const who = ids.map((id) => `${names[id] ?? id} ${id}`).join(", ");
    return {
      structured: {
        channel_id: channel,
        users: names,
        ...(allowed ? {} : { writable: false as const }),
      },
      text: `${ids.length === 1 ? "DM" : "Group DM"} ${channel} with ${who}${
        allowed ? "" : " (SLACK_WRITE_CHANNELS does not include it: posting there is refused)"
      }`,
    };
  },
});

/** `slack_mark_read`. */
export const markRead = defineTool({
  name: "slack_mark_read",
  title: "Mark a conversation read",
  description:
    "Move the read cursor of the person whose user token the server uses: everything up to and including ts counts as read (pass latest_ts from slack_get_unreads to mark the whole conversation read). channel_id: the conversation's ID from slack_get_unreads; a #name works too, but @person means the bot's DM with them.",
  input: z.object({
    channel_id: channelParam,
    ts: tsParam("ts of the last message to count as read, e.g. latest_ts from slack_get_unreads"),
  }),
  output: z.object({
    channel_id: z.string(),
    ts: z.string().describe("The read cursor now"),
  }),
  annotations: writeHints({ idempotent: true }),
  slack: uses(conversationLookup, {
    methods: ["conversations.mark"],
    bot: [],
    user: ["channels:write", "groups:write", "im:write", "mpim:write"],
  }),
  channelArgument: "channel_id",
  async handler({ channel_id: channel, ts }, { deps, signal }) {
    requireUserToken(deps, "slack_mark_read", "read cursors");
    try {
      await deps.slack.call("conversations.mark", { channel, ts }, {
        token: "user",
        json: true,
        signal,
      });
    } catch (error) {
      if (
        error instanceof SlackApiError &&
        (error.code === "channel_not_found" || error.code === "not_in_channel")
      ) {
        throw new ToolError(
          `The person whose user token this is is not in ${channel}, so it has no read cursor for them: pass a channel_id from slack_get_unreads (a DM's D… ID; @person names the bot's DM with them).`,
        );
      }
      throw error;
    }
    await deps.cache.invalidate(cacheTags.readState(channel));
    return {
      structured: { channel_id: channel, ts },
      text: `Marked ${channel} read up to ${ts} (${formatTime(ts)} UTC)`,
    };
  },
});

/** The conversation tools, in listing order. */
export const conversationTools = [getUnreads, openConversation, markRead];
