/**
 * Prompts built on the tools, ready-made for clients that show prompts as
 * commands, and argument completion of channel names (for prompts and for the
 * `slack://channels/{channel_id}/history` resource template).
 * @module
 */
import {
  CompleteRequestSchema,
  GetPromptRequestSchema,
  type GetPromptResult,
  ListPromptsRequestSchema,
  type Prompt,
} from "./sdk.ts";
import type { ServerExtension } from "./server.ts";
import type { Services } from "../services.ts";
import { analyzeChannel } from "./tools/analysis.ts";
import { parseTime } from "./params.ts";
import { invalidParams, toProtocolError } from "./mcp_error.ts";
import { formatConversationSummary } from "../analysis/conversation.ts";
import { getChannelHistory } from "./tools/read.ts";

interface PromptDefinition extends Prompt {
  render(args: Record<string, string>, services: Services): Promise<string>;
}

const noContext = {
  signal: new AbortController().signal,
  progress: () => Promise.resolve(),
};

function days(value: string | undefined, fallback: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > 90) {
    throw invalidParams(`days must be a whole number from 1 to 90, got "${value}"`);
  }
  return n;
}

async function recentMessages(services: Services, channel: string, oldest: number) {
  const { text } = await getChannelHistory.handler(
    { channel_id: channel, limit: 100, oldest: String(oldest) },
    { services, ...noContext },
  );
  return text;
}

const channelArgument = {
  name: "channel",
  description: "Channel name (#general) or ID",
  required: true,
};
const daysArgument = { name: "days", description: "Days back (default 7)", required: false };

const prompts: PromptDefinition[] = [
  {
    name: "summarize_channel",
    title: "Summarize a channel",
    description: "Summarize a channel's recent discussion: topics, decisions, open questions.",
    arguments: [channelArgument, daysArgument],
    async render(args, services) {
      const channel = await services.directory.channelId(args.channel);
      const n = days(args.days, 7);
      const oldest = Math.floor(services.now() / 1000) - n * 86_400;
      return `Summarize the last ${n} days of #${args.channel.replace(/^#/, "")} (${channel}). ` +
        "Group by topic; list decisions, open questions and who owns them. Use " +
        "slack_get_thread_replies for threads that matter.\n\nMessages, newest first:\n" +
        await recentMessages(services, channel, oldest);
    },
  },
  {
    name: "catch_up",
    title: "Catch up",
    description: "What happened in the bot's channels since a time (default: the last 24 hours).",
    arguments: [{
      name: "since",
      description: "Unix seconds or ISO 8601 (default 24 hours ago)",
      required: false,
    }],
    async render(args, services) {
      const since = args.since
        ? parseTime(args.since, "since")
        : Math.floor(services.now() / 1000) - 86_400;
      const channels = (await services.directory.channels()).filter((c) => c.is_member).slice(
        0,
        10,
      );
      const sections = await Promise.all(
        channels.map(async (c) => `## #${c.name}\n${await recentMessages(services, c.id, since)}`),
      );
      return `Catch me up on Slack since ${new Date(since * 1000).toISOString()}. ` +
        "Lead with anything that mentions me or needs a reply, then a short digest per channel.\n\n" +
        sections.join("\n\n");
    },
  },
  {
    name: "engagement_report",
    title: "Engagement report",
    description: "An engagement report for a channel: activity, participation, responsiveness.",
    arguments: [channelArgument, daysArgument],
    async render(args, services) {
      const channel = await services.directory.channelId(args.channel);
      const n = days(args.days, 7);
      const latest = Math.floor(services.now() / 1000);
      const metrics = await analyzeChannel(services, {
        channel,
        range: { oldest: latest - n * 86_400, latest },
        timezone: "UTC",
        context: noContext,
      });
      return `Write an engagement report for #${
        args.channel.replace(/^#/, "")
      } over the last ${n} days: ` +
        "activity trend, who participates, how quickly questions get answered, and two or three " +
        "suggestions. Base every figure on these metrics:\n\n" +
        formatConversationSummary(metrics) + "\n\n```json\n" + JSON.stringify(metrics) + "\n```";
    },
  },
];

/** Channel names starting with `prefix`, for completion. */
async function completeChannel(services: Services, prefix: string): Promise<string[]> {
  const wanted = prefix.replace(/^#/, "").toLowerCase();
  const names = (await services.directory.channels()).map((c) => c.name)
    .filter((name) => name.startsWith(wanted)).sort();
  return names;
}

/** MCP caps a completion at 100 values; `total` and `hasMore` tell the rest. */
const maxCompletions = 100;

const listResult = {
  prompts: prompts.map(({ render: _render, ...prompt }) => prompt),
};

/** Registers `prompts/list`, `prompts/get` and `completion/complete`. */
export const registerPrompts: ServerExtension = (server, services) => {
  server.setRequestHandler(ListPromptsRequestSchema, () => listResult);
  server.setRequestHandler(GetPromptRequestSchema, async (request): Promise<GetPromptResult> => {
    const prompt = prompts.find((p) => p.name === request.params.name);
    if (!prompt) throw invalidParams(`Unknown prompt ${request.params.name}`);
    const args = request.params.arguments ?? {};
    for (const argument of prompt.arguments ?? []) {
      if (argument.required && !args[argument.name]) {
        throw invalidParams(`Missing argument ${argument.name} for ${prompt.name}`);
      }
    }
    let text;
    try {
      text = await prompt.render(args, services);
    } catch (error) {
      throw toProtocolError(`Rendering prompt ${prompt.name}`, error);
    }
    return {
      description: prompt.description,
      messages: [{ role: "user", content: { type: "text", text } }],
    };
  });
  server.setRequestHandler(CompleteRequestSchema, async (request) => {
    const { ref, argument } = request.params;
    const isChannel = (ref.type === "ref/prompt" && argument.name === "channel") ||
      (ref.type === "ref/resource" && argument.name === "channel_id");
    const matches = isChannel ? await completeChannel(services, argument.value) : [];
    return {
      completion: {
        values: matches.slice(0, maxCompletions),
        total: matches.length,
        hasMore: matches.length > maxCompletions,
      },
    };
  });
};
