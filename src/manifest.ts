/**
 * The Slack app manifest `deno task manifest` prints: the bot scopes every
 * listed tool needs, the user scope search needs, the events the real-time
 * tools read, and where Slack should deliver them. Paste it into
 * https://api.slack.com/apps → Create New App → From a manifest.
 * @module
 */

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
  tools: readonly { slack: { bot: readonly string[]; user?: readonly string[] } }[];
  /** `PUBLIC_URL`: Slack delivers events to `<PUBLIC_URL>/slack/events`. */
  publicUrl?: string;
  /** Events over Socket Mode: no request URL. */
  socketMode?: boolean;
  /** Display name, default `slack-mcp`. */
  name?: string;
  /**
   * Multi-user mode: each person signs in and acts with a user token, so the
   * tools' scopes are asked as user scopes too, and Slack redirects to
   * `<PUBLIC_URL>/oauth/slack/callback`.
   */
  multiUser?: boolean;
}

/** A Slack app manifest (the parts this app sets). */
export interface SlackAppManifest {
  display_information: { name: string; description: string };
  features: { bot_user: { display_name: string; always_online: boolean } };
  oauth_config: { redirect_urls?: string[]; scopes: { bot: string[]; user?: string[] } };
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
 * const { manifest } = buildManifest({ tools, publicUrl: "https://mcp.example.com" });
 * console.log(JSON.stringify(manifest, null, 2));
 * ```
 */
export function buildManifest(options: ManifestOptions): ManifestResult {
  const name = options.name ?? "slack-mcp";
  const bot = new Set(Object.values(botEventScopes).flat());
  const user = new Set<string>();
  for (const { slack } of options.tools) {
    slack.bot.forEach((s) => bot.add(s));
    slack.user?.forEach((s) => user.add(s));
    if (options.multiUser) slack.bot.forEach((s) => user.add(s));
  }
  const base = options.publicUrl?.endsWith("/") ? options.publicUrl : `${options.publicUrl}/`;
  const redirect = options.multiUser && options.publicUrl
    ? { redirect_urls: [new URL("oauth/slack/callback", base).href] }
    : {};
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
        ...redirect,
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
