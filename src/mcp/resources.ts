/**
 * MCP resources: `slack://events/latest` (the newest received event), the
 * analysis tools' MCP Apps view (`ui://slack-mcp/analysis.html`), and the
 * template `slack://channels/{channel_id}/history` (read through the history
 * tool in the pipeline, so it shares its cache, name resolution, rate limit and
 * deadline). Both are subscribable: in the 2025 era a session's
 * `resources/subscribe` (see {@link trackSubscriptions}); under 2026-07-28 a
 * `subscriptions/listen` stream fed by `event_bus.ts` from the same
 * {@link resourcesUpdatedBy}.
 * @module
 */
import {
  type ListResourceTemplatesResult,
  type ReadResourceResult,
  type Resource,
  ResourceNotFoundError,
} from "@modelcontextprotocol/server";
import type { RunOptions, ToolPipeline } from "./pipeline.ts";
import { type ToolDeps, ToolError } from "./tool.ts";
import type { SlackEvent } from "../events/event.ts";
import { historyChannel } from "../events/normalize.ts";
import {
  ANALYSIS_VIEW_URI,
  analysisViewResource,
  readAnalysisView,
} from "../analysis_view/resource.ts";

/** URI of the newest received event. */
export const latestEventUri = "slack://events/latest";
const historyUriTemplate = "slack://channels/{channel_id}/history";
const historyUriPattern = /^slack:\/\/channels\/([^/]+)\/history$/;

/** The URI of a channel's history resource. */
export function historyUri(channelId: string): string {
  return `slack://channels/${channelId}/history`;
}

/** What `resources/list` returns. */
export const resourceList: Resource[] = [{
  uri: latestEventUri,
  name: "latest-event",
  title: "Latest Slack event",
  description:
    "The newest event received from Slack, as JSON {event}. Subscribe to be notified of each new event.",
  mimeType: "application/json",
}, { uri: ANALYSIS_VIEW_URI, ...analysisViewResource }];

/** What `resources/templates/list` returns. */
export const resourceTemplateList: ListResourceTemplatesResult["resourceTemplates"] = [{
  uriTemplate: historyUriTemplate,
  name: "channel-history",
  title: "Channel history",
  description:
    "The 20 newest messages of a conversation (ID, #name or @person), as JSON. Subscribe (by channel ID) to be notified when a message or reaction arrives there.",
  mimeType: "application/json",
}];

type Target = { kind: "latest" } | { kind: "history"; channel: string };

function parseUri(uri: string): Target {
  if (uri === latestEventUri) return { kind: "latest" };
  const channel = historyUriPattern.exec(uri)?.[1];
  if (channel) return { kind: "history", channel: decodeURIComponent(channel) };
  throw new ResourceNotFoundError(
    uri,
    `Unknown resource ${uri}: use ${latestEventUri} or ${historyUriTemplate}`,
  );
}

function json(uri: string, value: unknown, ttlMs: number): ReadResourceResult {
  return {
    contents: [{ uri, mimeType: "application/json", text: JSON.stringify(value) }],
    // Per caller: multi-user mode reads each person's own view.
    ttlMs,
    cacheScope: "private",
  };
}

/**
 * Reads a resource. The latest event is never cached by clients; a history
 * is cacheable as long as our own cache keeps it.
 */
export async function readResource(
  uri: string,
  context: { pipeline: ToolPipeline; deps: ToolDeps; cacheTtlMs: number; run: RunOptions },
): Promise<ReadResourceResult> {
  if (uri === ANALYSIS_VIEW_URI) {
    return { ...await readAnalysisView(), ttlMs: 86_400_000, cacheScope: "public" };
  }
  const target = parseUri(uri);
  if (target.kind === "latest") {
    return json(uri, { event: await context.deps.events.latest() }, 0);
  }
  const { structured } = await context.pipeline.run(
    "slack_get_channel_history",
    { channel_id: target.channel },
    context.run,
  );
  return json(uri, structured, context.cacheTtlMs);
}

/** The resource URIs an event updates. */
export function resourcesUpdatedBy(event: SlackEvent): string[] {
  const channel = historyChannel(event);
  return channel ? [latestEventUri, historyUri(channel)] : [latestEventUri];
}

/**
 * The 2025-era subscriptions of one session: which URIs it watches, listening
 * to the event stream only while it watches any. They end with the session.
 */
export function trackSubscriptions(options: {
  events: ToolDeps["events"];
  /** Resolves a channel name to its ID. */
  channelId(input: string): Promise<string>;
  /** Sends `notifications/resources/updated`. */
  send(uri: string): void;
  /** Most URIs watched at once, default 100: past it a subscription is refused, none dropped. */
  maxSubscriptions?: number;
}) {
  const maxSubscriptions = options.maxSubscriptions ?? 100;
  /** Subscribed URI → the URI updates arrive under. */
  const watched = new Map<string, string>();
  let stopListening: (() => void) | undefined;

  function notify(event: SlackEvent) {
    const updated = new Set(resourcesUpdatedBy(event));
    for (const [uri, canonical] of watched) if (updated.has(canonical)) options.send(uri);
  }

  function listenWhileWatched() {
    if (watched.size > 0 && !stopListening) stopListening = options.events.subscribe(notify);
    if (watched.size === 0 && stopListening) {
      stopListening();
      stopListening = undefined;
    }
  }

  return {
    async add(uri: string) {
      const target = parseUri(uri);
      const canonical = target.kind === "latest"
        ? uri
        : historyUri(await options.channelId(target.channel));
      if (!watched.has(uri) && watched.size >= maxSubscriptions) {
        throw new ToolError(
          `This session already watches ${maxSubscriptions} resources: unsubscribe from one first`,
        );
      }
      watched.set(uri, canonical);
      listenWhileWatched();
    },
    remove(uri: string) {
      watched.delete(uri);
      listenWhileWatched();
    },
    clear() {
      watched.clear();
      listenWhileWatched();
    },
  };
}
