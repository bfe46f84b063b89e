/**
 * The only reader of the environment. Every setting comes from an environment
 * variable or from a `--kebab-case` flag of the same name (flags win), is
 * validated here, and reaches the rest of the code as a typed {@link Config}.
 * @module
 */
import { z } from "zod";
import { decodeEncryptionKey } from "./oauth/token_cipher.ts";

/** A configuration problem, with a one-line message naming the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) =>
  ["true", "1", "yes"].includes(v)
);
const list = z.string().transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));
const url = z.url({ protocol: /^https?$/ });
/** A whole number in `[min, max]`; one message for every way to miss it. */
const wholeNumber = (min: number, max: number, expected: string) => {
  const error = `expected ${expected}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
/** A browser origin such as `https://app.example.com`, normalised as browsers send it. */
const origin = z.string().transform((v, ctx) => {
  try {
    const u = new URL(v);
    if (/^https?:$/.test(u.protocol) && u.pathname === "/" && !u.search && !u.hash) return u.origin;
  } catch { /* reported below */ }
  ctx.addIssue({ code: "custom", message: "comma-separated origins like https://app.example.com" });
  return z.NEVER;
});

/**
 * Budgets that replace Slack's tiers for some methods, by `SLACK_RATE_PRESET`
 * name. `2025-non-marketplace`: since 2025-05-29, commercially distributed
 * apps outside the Slack Marketplace get 1 call a minute on
 * `conversations.history` and `conversations.replies`, with pages of at most
 * 15 messages (docs.slack.dev changelog 2025-05-29). `SLACK_METHOD_LIMITS` applies on top.
 */
export const ratePresets: Readonly<Record<RatePreset, Readonly<Record<string, number>>>> = {
  "2025-non-marketplace": { "conversations.history": 1, "conversations.replies": 1 },
};

/** The names `SLACK_RATE_PRESET` accepts. */
export type RatePreset = "2025-non-marketplace";

/** The schema of every setting, keyed by environment variable name. */
const schema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith("xox", "a Slack token starting with xoxb-").optional(),
  SLACK_USER_TOKEN: z.string().startsWith("xoxp-", "a user token starting with xoxp-").optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, "at least 8 characters").optional(),
  SLACK_APP_TOKEN: z.string().startsWith("xapp-", "an app token starting with xapp-").optional(),
  SLACK_CHANNEL_ID: z.string().min(1).optional(),
  SLACK_API_URL: url.default("https://slack.com/api/").transform((v) =>
    v.endsWith("/") ? v : `${v}/`
  ),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: wholeNumber(0, 65535, "a port number from 0 to 65535").default(8126),
  MCP_AUTH_TOKEN: z.string().min(16, "at least 16 characters").regex(/^\S+$/, "no spaces")
    .optional(),
  MCP_STATELESS: bool.default(false),
  PUBLIC_URL: url.optional(),
  ALLOWED_ORIGINS: list.pipe(z.array(origin)).default([]),
  SLACK_READ_ONLY: bool.default(false),
  SLACK_WRITE_CHANNELS: list.default([]),
  UPSTASH_REDIS_REST_URL: url.optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  CACHE_TTL_SECONDS: wholeNumber(0, Number.MAX_SAFE_INTEGER, "a whole number of seconds")
    .default(300),
  RATE_LIMIT_PER_MINUTE: wholeNumber(1, Number.MAX_SAFE_INTEGER, "a whole number above 0")
    .default(50),
  SLACK_METHOD_LIMITS: z.string().default("").transform((v, ctx) => {
    const limits: Record<string, number> = {};
    for (const pair of v.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [method, perMinute] = pair.split("=");
      const n = Number(perMinute);
      if (!method || !Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: `expected method=perMinute pairs, got "${pair}"` });
        return z.NEVER;
      }
      limits[method] = n;
    }
    return limits;
  }),
  SLACK_RATE_PRESET: z.enum(Object.keys(ratePresets) as [RatePreset], {
    error: `expected ${Object.keys(ratePresets).join(" or ")}`,
  }).optional(),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warning", "error"]).default("info"),
  LOG_FILE: z.string().min(1).optional(),
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  SLACK_CLIENT_ID: z.string().min(1).optional(),
  SLACK_CLIENT_SECRET: z.string().min(8, "at least 8 characters").optional(),
  TOKEN_ENCRYPTION_KEY: z.string().refine((v) => {
    try {
      return decodeEncryptionKey(v).length === 32;
    } catch {
      return false;
    }
  }, "base64 of 32 random bytes, e.g. from `openssl rand -base64 32`").optional(),
  SLACK_ALLOWED_TEAMS: list.default([]),
});

/** Which way the process serves. */
export type Mode = "start" | "demo" | "stdio" | "manifest";

/** The validated configuration. */
export interface Config {
  mode: Mode;
  /** `--socket-mode`: the demo delivers events over Socket Mode instead of the webhook. */
  socketMode: boolean;
  /** `--multi-user`: the demo runs "Sign in with Slack" against the emulator. */
  demoMultiUser: boolean;
  slack: {
    botToken?: string;
    userToken?: string;
    appToken?: string;
    signingSecret?: string;
    defaultChannel?: string;
    apiUrl: string;
    readOnly: boolean;
    writeChannels: string[];
    /**
     * Per-method budgets (calls per minute) overriding Slack's tiers:
     * `SLACK_RATE_PRESET`'s, then `SLACK_METHOD_LIMITS` on top.
     */
    methodLimits: Record<string, number>;
    /** `SLACK_RATE_PRESET`, already folded into {@link methodLimits}. */
    ratePreset?: RatePreset;
  };
  http: {
    host: string;
    port: number;
    authToken?: string;
    stateless: boolean;
    publicUrl?: string;
    allowedOrigins: string[];
    tls?: { certFile: string; keyFile: string };
  };
  store: { upstash?: { url: string; token: string } };
  /** Multi-user mode ("Sign in with Slack"): set when the Slack app's OAuth credentials are. */
  multiUser?: {
    clientId: string;
    clientSecret: string;
    encryptionKey: string;
    allowedTeams: string[];
    publicUrl: string;
  };
  cacheTtlSeconds: number;
  rateLimitPerMinute: number;
  log: { level: "debug" | "info" | "warning" | "error"; file?: string; format: "text" | "json" };
}

const modeFlags: Record<string, Mode> = {
  "--demo": "demo",
  "--stdio": "stdio",
  "--manifest": "manifest",
};

/** Flags that are not settings: they pick a mode or print and exit. */
const switchFlags = new Set([
  ...Object.keys(modeFlags),
  "--socket-mode",
  "--multi-user",
  "--help",
  "--version",
]);

/**
 * True for loopback host names and addresses (`localhost`, `127.x.x.x`, `::1`,
 * bracketed or not). Exact matches only: `127.0.0.1.evil.example` is not one.
 */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  return name === "localhost" || name === "::1" || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** Folds `--kebab-case value` / `--kebab-case=value` flags over the environment. */
function mergeFlags(env: Record<string, string | undefined>, args: string[]) {
  const merged = { ...env };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (switchFlags.has(arg)) continue;
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError(`Unknown argument "${arg}": flags look like --port 8126`);
    const name = match[1].toUpperCase().replaceAll("-", "_");
    if (!(name in schema.shape)) {
      throw new ConfigError(`Unknown flag --${match[1]}: see --help for the settings`);
    }
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new ConfigError(`Flag --${match[1]} needs a value`);
    merged[name] = value;
  }
  return merged;
}

/**
 * Reads and validates the configuration.
 *
 * @example
 * ```ts
 * const config = loadConfig(Deno.env.toObject(), Deno.args);
 * ```
 * @throws {ConfigError} with one line naming the variable and what is expected.
 */
export function loadConfig(env: Record<string, string | undefined>, args: string[] = []): Config {
  const mode = args.map((a) => modeFlags[a]).find(Boolean) ?? "start";
  const raw = mergeFlags(env, args);
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, raw[k] === "" ? undefined : raw[k]]),
  );
  present.SLACK_BOT_TOKEN ??= raw.SLACK_TOKEN || undefined;
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    // Never echo the offending value: it may be a secret.
    throw new ConfigError(`Invalid ${name}: ${issue.message}`);
  }
  const e = parsed.data;
  const multiUser = multiUserSettings(e);
  if ((mode === "start" || mode === "stdio") && !e.SLACK_BOT_TOKEN && !multiUser) {
    throw new ConfigError(
      "Missing SLACK_BOT_TOKEN: set it to your bot token (xoxb-…), or run `deno task demo`",
    );
  }
  if (!isLoopback(e.HOST) && !e.MCP_AUTH_TOKEN && !multiUser && mode !== "manifest") {
    throw new ConfigError(
      `Refusing to listen on HOST=${e.HOST} without MCP_AUTH_TOKEN: set a bearer token, set up multi-user mode, or bind 127.0.0.1`,
    );
  }
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError(
      `Missing ${e.TLS_CERT_FILE ? "TLS_KEY_FILE" : "TLS_CERT_FILE"}: TLS needs both files`,
    );
  }
  if (Boolean(e.UPSTASH_REDIS_REST_URL) !== Boolean(e.UPSTASH_REDIS_REST_TOKEN)) {
    throw new ConfigError(
      `Missing ${
        e.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL"
      }: Upstash needs both`,
    );
  }
  return {
    mode,
    socketMode: args.includes("--socket-mode"),
    demoMultiUser: args.includes("--multi-user"),
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      userToken: e.SLACK_USER_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      defaultChannel: e.SLACK_CHANNEL_ID,
      apiUrl: e.SLACK_API_URL,
      readOnly: e.SLACK_READ_ONLY,
      writeChannels: e.SLACK_WRITE_CHANNELS,
      methodLimits: {
        ...(e.SLACK_RATE_PRESET && ratePresets[e.SLACK_RATE_PRESET]),
        ...e.SLACK_METHOD_LIMITS,
      },
      ratePreset: e.SLACK_RATE_PRESET,
    },
    http: {
      host: e.HOST,
      port: e.PORT,
      authToken: e.MCP_AUTH_TOKEN,
      stateless: e.MCP_STATELESS,
      publicUrl: e.PUBLIC_URL,
      allowedOrigins: e.ALLOWED_ORIGINS,
      tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE
        ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
        : undefined,
    },
    store: {
      upstash: e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN
        ? { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN }
        : undefined,
    },
    multiUser,
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    log: { level: e.LOG_LEVEL, file: e.LOG_FILE, format: e.LOG_FORMAT },
  };
}

/** The settings multi-user mode needs, all or none: the first one missing is named. */
const multiUserNames = [
  "SLACK_CLIENT_ID",
  "SLACK_CLIENT_SECRET",
  "PUBLIC_URL",
  "TOKEN_ENCRYPTION_KEY",
] as const;

function multiUserSettings(e: z.infer<typeof schema>): Config["multiUser"] {
  if (!e.SLACK_CLIENT_ID && !e.SLACK_CLIENT_SECRET) return undefined;
  const missing = multiUserNames.find((name) => !e[name]);
  if (missing) {
    throw new ConfigError(
      `Missing ${missing}: multi-user mode needs ${multiUserNames.join(", ")}`,
    );
  }
  return {
    clientId: e.SLACK_CLIENT_ID!,
    clientSecret: e.SLACK_CLIENT_SECRET!,
    encryptionKey: e.TOKEN_ENCRYPTION_KEY!,
    allowedTeams: e.SLACK_ALLOWED_TEAMS,
    publicUrl: e.PUBLIC_URL!,
  };
}

/** The names of every setting, for `--help` and the README test. */
export const settingNames: readonly string[] = Object.keys(schema.shape);

/** The secret settings that are set, as `[name, value]`: what logs must never show. */
export function secretSettings(config: Config): [string, string][] {
  const secrets: [string, string | undefined][] = [
    ["SLACK_BOT_TOKEN", config.slack.botToken],
    ["SLACK_USER_TOKEN", config.slack.userToken],
    ["SLACK_APP_TOKEN", config.slack.appToken],
    ["SLACK_SIGNING_SECRET", config.slack.signingSecret],
    ["MCP_AUTH_TOKEN", config.http.authToken],
    ["UPSTASH_REDIS_REST_TOKEN", config.store.upstash?.token],
    ["SLACK_CLIENT_SECRET", config.multiUser?.clientSecret],
    ["TOKEN_ENCRYPTION_KEY", config.multiUser?.encryptionKey],
  ];
  return secrets.filter((entry): entry is [string, string] => Boolean(entry[1]));
}

/** The effective configuration for the startup log: of secrets, only which are set. */
export function configSummary(config: Config): Record<string, unknown> {
  return {
    secretsSet: secretSettings(config).map(([name]) => name),
    mode: config.mode,
    listen: `${config.http.host}:${config.http.port}`,
    tls: Boolean(config.http.tls),
    stateless: config.http.stateless,
    allowedOrigins: config.http.allowedOrigins,
    slackApiUrl: config.slack.apiUrl,
    readOnly: config.slack.readOnly,
    writeChannels: config.slack.writeChannels,
    defaultChannel: config.slack.defaultChannel,
    methodLimits: config.slack.methodLimits,
    ratePreset: config.slack.ratePreset,
    store: config.store.upstash ? "upstash" : "memory",
    multiUser: config.multiUser
      ? { allowedTeams: config.multiUser.allowedTeams, publicUrl: config.multiUser.publicUrl }
      : false,
    cacheTtlSeconds: config.cacheTtlSeconds,
    rateLimitPerMinute: config.rateLimitPerMinute,
    log: config.log,
  };
}
