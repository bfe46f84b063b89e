/**
 * The Slack app manifest `deno task manifest` prints: the bot scopes every
 * listed tool needs, the user scope search needs, the events the real-time
 * tools read, and where Slack should deliver them. Paste it into
 * https://api.slack.com/apps → Create New App → From a manifest.
 * @module
 */

/** The Slack scopes one tool needs. */
export interface ToolScopes {
  bot: readonly string[];
  user?: readonly string[];
}

/** Resolving a channel name (`#general`) to its ID lists conversations. */
const channelNames = ["channels:read", "groups:read"] as const;
const history = ["channels:history", "groups:history", ...channelNames, "users:read"] as const;
const manage = ["channels:manage", "groups:write", ...channelNames] as const;

/**
 * Every tool's scopes. A tool missing here cannot ship: `buildManifest`
 * refuses it and `tests/manifest_test.ts` checks the whole catalog.
 */
export const toolScopes: Readonly<Record<string, ToolScopes>> = {
  slack_list_channels: { bot: channelNames },
  slack_get_channel_history: { bot: history },
  slack_get_thread_replies: { bot: history },
  slack_get_users: { bot: ["users:read"] },
  slack_get_user_profile: { bot: ["users:read", "users:read.email"] },
  slack_search_messages: { bot: [], user: ["search:read"] },
  slack_post_message: { bot: ["chat:write", ...channelNames] },
  slack_reply_to_thread: { bot: ["chat:write", ...channelNames] },
  slack_add_reaction: { bot: ["reactions:write", ...channelNames] },
  slack_remove_reaction: { bot: ["reactions:write", ...channelNames] },
  slack_update_message: { bot: ["chat:write", ...channelNames] },
  slack_delete_message: { bot: ["chat:write", ...channelNames] },
  slack_schedule_message: { bot: ["chat:write", ...channelNames] },
  slack_create_channel: { bot: manage },
  slack_invite_to_channel: { bot: [...manage, "users:read"] },
  slack_set_channel_topic: { bot: manage },
  slack_analyze_conversation: { bot: history },
  slack_analyze_workspace: { bot: history },
  slack_get_latest_event: { bot: channelNames },
  slack_list_events: { bot: channelNames },
  slack_wait_for_event: { bot: channelNames },
};

/** The bot events the real-time tools read, and the scope Slack requires for each. */
export const botEventScopes: Readonly<Record<string, readonly string[]>> = {
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  app_mention: ["app_mentions:read"],
  reaction_added: ["reactions:read"],
  reaction_removed: ["reactions:read"],
  member_joined_channel: ["channels:read", "groups:read"],
  channel_created: ["channels:read"],
};

/** Options of {@link buildManifest}. */
export interface ManifestOptions {
  /** The tools the server lists (read-only mode lists fewer, and needs fewer scopes). */
  tools: readonly { name: string }[];
  /** `PUBLIC_URL`: Slack delivers events to `<PUBLIC_URL>/slack/events`. */
  publicUrl?: string;
  /** Events over Socket Mode: no request URL. */
  socketMode?: boolean;
  /** Display name, default `slack-mcp`. */
  name?: string;
}

/** A Slack app manifest (the parts this app sets). */
export interface SlackAppManifest {
  display_information: { name: string; description: string };
  features: { bot_user: { display_name: string; always_online: boolean } };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

/** The manifest, and notes for the operator (stderr) about what it leaves out. */
export interface ManifestResult {
  manifest: SlackAppManifest;
  notes: string[];
}

/**
 * Builds the manifest.
 *
 * @example
 * ```ts
 * const { manifest } = buildManifest({ tools: catalog.tools, publicUrl: "https://mcp.example.com" });
 * console.log(JSON.stringify(manifest, null, 2));
 * ```
 * @throws {Error} when a tool has no entry in {@link toolScopes}.
 */
export function buildManifest(options: ManifestOptions): ManifestResult {
  const name = options.name ?? "slack-mcp";
  const bot = new Set(Object.values(botEventScopes).flat());
  const user = new Set<string>();
  for (const tool of options.tools) {
    const scopes = toolScopes[tool.name];
    if (!scopes) {
      throw new Error(
        `No Slack scopes listed for ${tool.name}: add it to toolScopes in src/manifest.ts`,
      );
    }
    scopes.bot.forEach((s) => bot.add(s));
    scopes.user?.forEach((s) => user.add(s));
  }
  const notes: string[] = [];
  let requestUrl: string | undefined;
  if (options.socketMode) {
    notes.push(
      "Socket Mode: create an app-level token with connections:write and set SLACK_APP_TOKEN.",
    );
  } else if (options.publicUrl) {
    const base = options.publicUrl.endsWith("/") ? options.publicUrl : `${options.publicUrl}/`;
    requestUrl = new URL("slack/events", base).href;
  } else {
    notes.push(
      "PUBLIC_URL is unset: the manifest has no Events request URL. Set PUBLIC_URL to this server's public base URL, or use --socket-mode.",
    );
  }
  return {
    manifest: {
      display_information: {
        name,
        description:
          "Lets AI assistants read, search, post and follow this Slack workspace over MCP.",
      },
      features: { bot_user: { display_name: name, always_online: true } },
      oauth_config: {
        scopes: { bot: [...bot].sort(), ...(user.size ? { user: [...user].sort() } : {}) },
      },
      settings: {
        event_subscriptions: {
          ...(requestUrl ? { request_url: requestUrl } : {}),
          bot_events: Object.keys(botEventScopes),
        },
        org_deploy_enabled: false,
        socket_mode_enabled: Boolean(options.socketMode),
        token_rotation_enabled: false,
      },
    },
    notes,
  };
}
