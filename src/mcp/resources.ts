/**
 * MCP resources: `slack://events/latest` (the newest received event) and the
 * template `slack://channels/{channel_id}/history` (read through the history
 * tool, so it shares its cache and name resolution). Both are subscribable: a
 * session that subscribed gets `notifications/resources/updated` when an event
 * arrives for it. A session listens to the event stream only while it has
 * subscriptions, and stops when it closes.
 * @module
 */
import {
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Server,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "./sdk.ts";
import type { ServerExtension } from "./server.ts";
import type { Services } from "../services.ts";
import type { SlackEvent } from "../events/event.ts";
import { historyChannel } from "../events/normalize.ts";
import { getChannelHistory } from "./tools/read.ts";
import { ProtocolError, toProtocolError } from "./mcp_error.ts";
import { logger } from "../log/logger.ts";

/** URI of the newest received event. */
const latestEventUri = "slack://events/latest";
/** URI template of a channel's recent messages. */
const historyUriTemplate = "slack://channels/{channel_id}/history";

/** MCP's JSON-RPC code for "resource not found". */
const resourceNotFound = -32002;

const historyUriPattern = /^slack:\/\/channels\/([^/]+)\/history$/;

const resources: Resource[] = [{
  uri: latestEventUri,
  name: "latest-event",
  title: "Latest Slack event",
  description:
    "The newest event received from Slack, as JSON {event}. Subscribe to be notified of each new event.",
  mimeType: "application/json",
}];

const resourceTemplates: ResourceTemplate[] = [{
  uriTemplate: historyUriTemplate,
  name: "channel-history",
  title: "Channel history",
  description:
    "The 20 newest messages of a channel (ID or name), as JSON. Subscribe to be notified when a message or reaction arrives there.",
  mimeType: "application/json",
}];

/** What a URI points at: the latest event, or one channel's history (channel as given). */
type Target = { kind: "latest" } | { kind: "history"; channel: string };

function parseUri(uri: string): Target {
  if (uri === latestEventUri) return { kind: "latest" };
  const channel = historyUriPattern.exec(uri)?.[1];
  if (channel) return { kind: "history", channel: decodeURIComponent(channel) };
  throw new ProtocolError(
    resourceNotFound,
    `Unknown resource ${uri}: use ${latestEventUri} or ${historyUriTemplate}`,
  );
}

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(value) }] };
}

async function read(uri: string, services: Services, signal: AbortSignal) {
  const target = parseUri(uri);
  if (target.kind === "latest") return json(uri, { event: await services.events.latest() });
  const { structured } = await getChannelHistory.handler(
    getChannelHistory.input.parse({ channel_id: target.channel }),
    { services, signal, progress: () => Promise.resolve() },
  );
  return json(uri, structured);
}

/** Subscribed URIs of one session, each with the channel ID it watches ("" for the latest event). */
function trackSubscriptions(server: Server, services: Services) {
  const watched = new Map<string, string>();
  let stopListening: (() => void) | undefined;

  function notify(event: SlackEvent) {
    const channel = historyChannel(event);
    for (const [uri, watchedChannel] of watched) {
      if (watchedChannel === "" || watchedChannel === channel) {
        server.sendResourceUpdated({ uri }).catch((error) =>
          logger("mcp").debug("Resource update for {uri} not sent: {error}", {
            uri,
            error: String(error),
          })
        );
      }
    }
  }

  function listenWhileWatched() {
    if (watched.size > 0 && !stopListening) stopListening = services.events.subscribe(notify);
    if (watched.size === 0 && stopListening) {
      stopListening();
      stopListening = undefined;
    }
  }

  return {
    async add(uri: string) {
      const target = parseUri(uri);
      const channel = target.kind === "latest"
        ? ""
        : await services.directory.channelId(target.channel);
      watched.set(uri, channel);
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

/**
 * Registers the resource handlers on one session's server.
 *
 * @example
 * ```ts
 * const catalog = { tools, extensions: [registerResources] };
 * ```
 */
export const registerResources: ServerExtension = (server, services) => {
  const subscriptions = trackSubscriptions(server, services);
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const { uri } = request.params;
    try {
      return await read(uri, services, extra.signal);
    } catch (error) {
      throw toProtocolError(`Reading ${uri}`, error);
    }
  });
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const { uri } = request.params;
    try {
      await subscriptions.add(uri);
    } catch (error) {
      throw toProtocolError(`Reading ${uri}`, error);
    }
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscriptions.remove(request.params.uri);
    return {};
  });
  const previousOnClose = server.onclose;
  server.onclose = () => {
    subscriptions.clear();
    previousOnClose?.();
  };
};
