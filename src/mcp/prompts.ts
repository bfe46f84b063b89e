/**
 * Prompts built on the tools, ready-made for clients that show prompts as
 * commands, and argument completion of channel names (for prompts and for the
 * `slack://channels/{channel_id}/history` resource template).
 * @module
 */
import type { GetPromptResult, Prompt } from "@modelcontextprotocol/server";
import type { RunOptions, ToolPipeline } from "./pipeline.ts";
import type { ToolDeps } from "./tool.ts";
import { parseTime } from "./params.ts";
import { invalidParams, toProtocolError } from "./errors.ts";

/** What a prompt renders with: tool calls through the pipeline, and names. */
export interface PromptContext {
  /** Runs a tool through the pipeline (rate limit, deadline, cancellation); its text. */
  tool(name: string, args: Record<string, unknown>): Promise<string>;
  deps: ToolDeps;
}

interface PromptDefinition extends Prompt {
  render(args: Record<string, string>, context: PromptContext): Promise<string>;
}

function days(value: string | undefined, fallback: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > 90) {
    throw invalidParams(`days must be a whole number from 1 to 90, got "${value}"`);
  }
  return n;
}

/** Channels `catch_up` reads at most: each is one history call against the rate limit. */
const catchUpChannels = 10;

const channelArgument = {
  name: "channel",
  description: "Channel name (#general), ID, or @person for a direct message",
  required: true,
};
const daysArgument = { name: "days", description: "Days back (default 7)", required: false };

const prompts: PromptDefinition[] = [
  {
    name: "summarize_channel",
    title: "Summarize a channel",
    description: "Summarize a channel's recent discussion: topics, decisions, open questions.",
    arguments: [channelArgument, daysArgument],
    async render(args, { tool, deps }) {
      const n = days(args.days, 7);
      const oldest = Math.floor(deps.now() / 1000) - n * 86_400;
      return `Summarize the last ${n} days of ${args.channel}. ` +
        "Group by topic; list decisions, open questions and who owns them. Use " +
        "slack_get_thread_replies for threads that matter.\n\nMessages, newest first:\n" +
        await tool("slack_get_channel_history", {
          channel_id: args.channel,
          limit: 100,
          oldest: String(oldest),
        });
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
    async render(args, { tool, deps }) {
      const since = args.since
        ? parseTime(args.since, "since")
        : Math.floor(deps.now() / 1000) - 86_400;
      const member = (await deps.directory.channels()).filter((c) => c.is_member);
      const sections = [];
      // One at a time: each read goes through the rate limit, and a cancel stops the rest.
      for (const c of member.slice(0, catchUpChannels)) {
        sections.push(
          `## #${c.name}\n${await tool("slack_get_channel_history", {
            channel_id: c.id,
            limit: 100,
            oldest: String(since),
          })}`,
        );
      }
      const skipped = member.length - catchUpChannels;
      return `Catch me up on Slack since ${new Date(since * 1000).toISOString()}. ` +
        "Lead with anything that mentions me or needs a reply, then a short digest per channel.\n\n" +
        sections.join("\n\n") +
        (skipped > 0 ? `\n\n(${skipped} more channels not read: ask about them by name.)` : "");
    },
  },
  {
    name: "engagement_report",
    title: "Engagement report",
    description: "An engagement report for a channel: activity, participation, responsiveness.",
    arguments: [channelArgument, daysArgument],
    async render(args, { tool }) {
      const n = days(args.days, 7);
      const summary = await tool("slack_analyze_conversation", {
        channel_id: args.channel,
        days: n,
      });
      return `Write an engagement report for ${args.channel} over the last ${n} days: ` +
        "activity trend, who participates, how quickly questions get answered, and two or three " +
        "suggestions. Base every figure on these metrics:\n\n" + summary;
    },
  },
];

/** Channel names starting with `prefix` (with or without `#`). */
async function completeChannel(deps: ToolDeps, prefix: string): Promise<string[]> {
  const wanted = prefix.replace(/^#/, "").toLowerCase();
  return (await deps.directory.channels()).map((c) => c.name)
    .filter((name) => name.startsWith(wanted)).sort();
}

const maxCompletions = 100;

/** What `prompts/list` returns. */
export const promptList: Prompt[] = prompts.map(({ render: _render, ...prompt }) => prompt);

/** Renders a prompt; unknown prompts and missing arguments are invalid params. */
export async function getPrompt(
  name: string,
  args: Record<string, string>,
  context: PromptContext,
): Promise<GetPromptResult> {
  const prompt = prompts.find((p) => p.name === name);
  if (!prompt) throw invalidParams(`Unknown prompt ${name}`);
  for (const argument of prompt.arguments ?? []) {
    if (argument.required && !args[argument.name]) {
      throw invalidParams(`Missing argument ${argument.name} for ${prompt.name}`);
    }
  }
  try {
    const text = await prompt.render(args, context);
    return {
      description: prompt.description,
      messages: [{ role: "user", content: { type: "text", text } }],
    };
  } catch (error) {
    throw toProtocolError(`Rendering prompt ${prompt.name}`, error);
  }
}

/** `completion/complete`: channel names for a prompt's `channel` or a template's `channel_id`. */
export async function complete(
  ref: { type: string },
  argument: { name: string; value: string },
  deps: ToolDeps,
) {
  const isChannel = (ref.type === "ref/prompt" && argument.name === "channel") ||
    (ref.type === "ref/resource" && argument.name === "channel_id");
  const matches = isChannel ? await completeChannel(deps, argument.value) : [];
  return {
    completion: {
      values: matches.slice(0, maxCompletions),
      total: matches.length,
      hasMore: matches.length > maxCompletions,
    },
  };
}

/** A prompt context whose tool calls run through `pipeline` for one request. */
export function promptContext(
  pipeline: ToolPipeline,
  deps: ToolDeps,
  run: RunOptions,
): PromptContext {
  return {
    deps,
    tool: async (name, args) => (await pipeline.run(name, args, run)).text,
  };
}
