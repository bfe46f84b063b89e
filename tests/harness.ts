/**
 * End-to-end test rig: the Slack emulator on a free loopback port, our server
 * on another, and real MCP clients talking HTTP to it.
 * @module
 */
import { loadConfig } from "../src/config.ts";
import { signSlackRequest } from "../src/slack/signature.ts";
import { type RunningServer, startServer } from "../src/serve.ts";
import type { ServiceOverrides } from "../src/services.ts";
import { defaultTokens as demoTokens, serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";
import type { CallToolResult } from "./sdk_client.ts";

/** A fixed "now" for the seeded workspace: Wednesday 2026-11-25 12:00 UTC. */
export const seedNow = Date.UTC(2026, 10, 25, 12, 0, 0);

/** Tokens the emulator accepts by default. */
export { demoTokens };

/** A running emulator + server pair. */
export interface Stack {
  emulator: Awaited<ReturnType<typeof serveEmulator>>["emulator"];
  emulatorUrl: string;
  server: RunningServer;
  /** Base URL of our server. */
  url: string;
  /** A connected MCP client (closed by `close`). */
  connect(options?: ConnectOptions): Promise<Client>;
  close(): Promise<void>;
}

/** Options of {@link startStack}. */
/** How a test client connects: bearer token, headers, and the protocol era (default 2025). */
export interface ConnectOptions {
  token?: string;
  headers?: Record<string, string>;
  era?: "legacy" | "modern";
}

export interface StackOptions {
  /** Extra environment settings, e.g. `{ SLACK_READ_ONLY: "true" }`. */
  env?: Record<string, string>;
  overrides?: ServiceOverrides;
  /** Reuse an emulator (multi-instance tests). */
  emulatorUrl?: string;
  /** Clock of the emulator's seeded workspace; default {@link seedNow}. */
  now?: number;
}

/**
 * Starts the emulator (unless given) and a server pointed at it.
 *
 * @example
 * ```ts
 * await using stack = await startStack();
 * const client = await stack.connect();
 * ```
 */
export async function startStack(options: StackOptions = {}): Promise<Stack & AsyncDisposable> {
  const now = options.now ?? seedNow;
  const served = options.emulatorUrl
    ? undefined
    : await serveEmulator({ workspace: createSeedWorkspace({ now }), now: () => Date.now() });
  const emulatorUrl = options.emulatorUrl ?? served!.url;
  const config = loadConfig({
    SLACK_BOT_TOKEN: demoTokens.bot,
    SLACK_USER_TOKEN: demoTokens.user,
    SLACK_API_URL: emulatorUrl,
    PORT: "0",
    ...options.env,
  });
  const server = await startServer(config, options.overrides);
  const clients: Client[] = [];
  const stack: Stack & AsyncDisposable = {
    emulator: served?.emulator as Stack["emulator"],
    emulatorUrl,
    server,
    url: server.url,
    async connect(connectOptions = {}) {
      const client = await connectClient(server.url, connectOptions);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
      await served?.close();
    },
    [Symbol.asyncDispose]() {
      return stack.close();
    },
  };
  return stack;
}

/**
 * An MCP client connected over HTTP to the server at `url` (its base URL, as
 * in `Stack.url`); the caller closes it. {@link Stack.connect} uses it too.
 *
 * @example
 * ```ts
 * const client = await connectClient(server.url);
 * ```
 */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<Client> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const client = new Client(
    { name: "test-client", version: "1.0.0" },
    options.era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }),
  );
  return client;
}

/** The text of a tool result. */
export function textOf(result: CallToolResult | Record<string, unknown>): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** A tool result whose structured content tests may read freely. */
// deno-lint-ignore no-explicit-any
export type LooseResult = CallToolResult & { structuredContent?: Record<string, any> };

/** Calls a tool and returns its result, typed loosely for assertions. */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<LooseResult> {
  return await client.callTool({ name, arguments: args }) as LooseResult;
}

/**
 * Calls a paged tool with `args`, then with each `next_cursor` until none is
 * left; every page's result, in order. A page that fails throws, with its text.
 */
export async function walkTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<LooseResult[]> {
  const pages: LooseResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(client, name, { ...args, ...(cursor ? { cursor } : {}) });
    if (page.isError) throw new Error(`${name} page ${pages.length + 1}: ${textOf(page)}`);
    pages.push(page);
    cursor = page.structuredContent?.next_cursor;
  } while (cursor);
  return pages;
}

/** Options of {@link postSignedEvent}. */
export interface SignedPostOptions {
  /** The signing secret (a forger's, to test refusals). */
  secret: string;
  headers?: Record<string, string>;
  /** Unix ms the signature claims, default now. */
  signedAt?: number;
  /** Default `/slack/events`. */
  path?: string;
}

/** POSTs `body` to `url`'s webhook signed as Slack would; the status and text answered. */
export async function postSignedEvent(
  url: string,
  body: unknown,
  options: SignedPostOptions,
): Promise<{ status: number; body: string }> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = String(Math.floor((options.signedAt ?? Date.now()) / 1000));
  const response = await fetch(`${url}${options.path ?? "/slack/events"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": await signSlackRequest({
        secret: options.secret,
        timestamp,
        body: text,
      }),
      ...options.headers,
    },
    body: text,
  });
  return { status: response.status, body: await response.text() };
}
