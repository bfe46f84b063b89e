/**
 * An in-process emulator of Slack's Web API over a {@link Workspace}: Slack's
 * request formats, auth, errors and shapes, the Events API envelopes its
 * writes would trigger (also over Socket Mode, see `socket_server.ts`), a call
 * log and fault injection for tests. `deno task demo` serves our server
 * against it, and every test suite uses it as Slack.
 * @module
 */
import { sleep } from "../util/sleep.ts";
import {
  type Actor,
  type Body,
  deliverScheduled,
  type MethodContext,
  methods,
  SlackFailure,
} from "./methods.ts";
import { findUser, nextTs, type Workspace, type WorkspaceChannel } from "./workspace.ts";
import {
  createSocketServer,
  type SocketServer,
  type SocketServerOptions,
} from "./socket_server.ts";
import { createSlackOAuth, type SlackOAuth, type SlackOAuthOptions } from "./oauth.ts";
import { isFileRoute, serveFileRoute } from "./file_routes.ts";

/** One request the emulator received. */
export interface EmulatorCall {
  method: string;
  /** Query and body parameters, without `token`. */
  params: Record<string, unknown>;
  token: string | undefined;
  /** Unix ms, from the emulator's clock. */
  at: number;
}

/** How the next call(s) of a method fail. */
export interface Fault {
  /** Slack error code; default `ratelimited` for a 429, else `fatal_error`. */
  error?: string;
  /** HTTP status; default 200 (Slack's usual `ok: false`). */
  status?: number;
  /** Seconds for the `Retry-After` header of a 429; default 1. */
  retryAfter?: number;
  /** Wait this long first (stops when the request is aborted); alone, the call then succeeds. */
  delayMs?: number;
  /** More body fields, e.g. `{ needed: "channels:history", provided: "chat:write" }`. */
  extra?: Record<string, unknown>;
  /** How many calls it applies to; default 1. */
  times?: number;
}

/** One entry of `authorizations` in an event envelope. */
export interface EventAuthorization {
  enterprise_id: null;
  team_id: string;
  user_id: string;
  is_bot: boolean;
  is_enterprise_install: boolean;
}

/** The Events API `event_callback` envelope Slack sends for a change. */
export interface EventEnvelope {
  token: string;
  team_id: string;
  context_team_id: string;
  context_enterprise_id: null;
  api_app_id: string;
  event: Record<string, unknown> & { type: string; event_ts: string };
  type: "event_callback";
  event_id: string;
  event_time: number;
  authorizations: EventAuthorization[];
  authed_users: string[];
  is_ext_shared_channel: boolean;
  event_context: string;
}

/** Options of {@link createEmulator}; the OAuth ones are described in `oauth.ts`. */
export interface EmulatorOptions extends SlackOAuthOptions {
  workspace: Workspace;
  /** Default `xoxb-demo-bot-token`. */
  botToken?: string;
  /** Default `xoxp-demo-user-token`. */
  userToken?: string;
  /** Default `xapp-demo-app-token`. */
  appToken?: string;
  /** Unix ms; default `Date.now`. */
  now?: () => number;
  /** Socket Mode timings (tests shorten them). */
  socket?: Pick<SocketServerOptions, "ackTimeoutMs" | "maxRetries" | "refreshGraceMs">;
}

/** The emulator. */
export interface Emulator {
  /**
   * Serves `GET|POST /api/<method>`, the Socket Mode WebSocket at `/link/`,
   * and file downloads and uploads (`/files-pri/…`, `/upload/v1/…`).
   */
  handler(request: Request): Promise<Response>;
  /** The live workspace; writes change it. */
  readonly workspace: Workspace;
  /** Every request received, oldest first. */
  readonly calls: EmulatorCall[];
  /** Empties {@link Emulator.calls}. */
  resetCalls(): void;
  /** Makes the next call(s) of `method` fail (or hang) as `fault` says. */
  failNext(method: string, fault: Fault): void;
  /** Calls `listener` with each event envelope; returns the unsubscribe function. */
  onEvent(listener: (envelope: EventEnvelope) => void): () => void;
  /**
   * Runs `method` as `userId` (the bot user acts with a bot token, anyone
   * else with a user token) without HTTP, the call log or faults: how tests
   * and {@link simulateActivity} make people act. Returns Slack's body.
   */
  actAs(userId: string, method: string, params?: Record<string, unknown>): Body;
  /** Socket Mode: the connections `apps.connections.open` leads to, and their test hooks. */
  readonly socket: SocketServer;
  /** Slack OAuth: the authorize page, `oauth.v2.access`, `auth.revoke` (see `oauth.ts`). */
  readonly oauth: SlackOAuth;
}

/** Tokens the emulator accepts when none are given; not secrets, they only open the demo. */
export const defaultTokens = {
  bot: "xoxb-demo-bot-token",
  user: "xoxp-demo-user-token",
  app: "xapp-demo-app-token",
} as const;

function json(body: Body, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

async function readParams(request: Request, url: URL): Promise<Body> {
  const params: Body = Object.fromEntries(url.searchParams);
  if (request.method !== "POST") return params;
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    let body: unknown;
    try {
      body = JSON.parse(await request.text() || "{}");
    } catch {
      throw new SlackFailure("invalid_json");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new SlackFailure("json_not_object");
    }
    return { ...params, ...body };
  }
  if (type.includes("multipart/form-data")) {
    const form = await request.formData();
    for (const [key, value] of form) if (typeof value === "string") params[key] = value;
    return params;
  }
  return { ...params, ...Object.fromEntries(new URLSearchParams(await request.text())) };
}

function faultResponse(fault: Fault): Response {
  const status = fault.status ?? 200;
  const error = fault.error ?? (status === 429 ? "ratelimited" : "fatal_error");
  const headers: Record<string, string> = status === 429
    ? { "retry-after": String(fault.retryAfter ?? 1) }
    : {};
  return json({ ok: false, error, ...fault.extra }, status, headers);
}

/** Four uppercase alphanumerics from a CSPRNG, so event IDs differ between emulators. */
function instanceTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (b) => "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[b % 32]).join("");
}

/**
 * Creates an emulator over `options.workspace`.
 *
 * @example
 * ```ts
 * const emulator = createEmulator({ workspace: createSeedWorkspace({ now: Date.now() }) });
 * const response = await emulator.handler(new Request("http://x/api/auth.test", {
 *   headers: { authorization: "Bearer xoxb-demo-bot-token" },
 * }));
 * ```
 */
export function createEmulator(options: EmulatorOptions): Emulator {
  const { workspace } = options;
  const now = options.now ?? Date.now;
  const { app } = workspace;
  const tokens = new Map<string, Actor>([
    [options.botToken ?? defaultTokens.bot, { kind: "bot", userId: app.botUserId }],
    [options.userToken ?? defaultTokens.user, { kind: "user", userId: app.installerUserId }],
    [options.appToken ?? defaultTokens.app, { kind: "app", userId: app.botUserId }],
  ]);
  const calls: EmulatorCall[] = [];
  const faults = new Map<string, Fault[]>();
  const listeners = new Set<(envelope: EventEnvelope) => void>();
  const tag = instanceTag();
  const counters = new Map<string, number>();
  const eventClock = { lastTs: "" };
  const oauth = createSlackOAuth({
    workspace,
    tokens,
    now,
    emit: (event) => emit(undefined, event),
    options,
  });

  function newId(prefix: string): string {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return `${prefix}0${tag}${n.toString(36).toUpperCase().padStart(4, "0")}`;
  }

  function emit(channel: WorkspaceChannel | undefined, event: Body): void {
    // Slack sends an app the events of channels its bot user is in, and workspace-wide ones.
    if (channel && !channel.members.includes(app.botUserId)) return;
    if (listeners.size === 0) return;
    const at = now();
    const eventId = newId("Ev");
    const envelope: EventEnvelope = {
      token: "demo-verification-token",
      team_id: workspace.team.id,
      context_team_id: workspace.team.id,
      context_enterprise_id: null,
      api_app_id: app.appId,
      event: structuredClone({
        event_ts: nextTs(eventClock, at),
        ...event,
      }) as EventEnvelope["event"],
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(at / 1000),
      authorizations: [{
        enterprise_id: null,
        team_id: workspace.team.id,
        user_id: app.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      }],
      authed_users: [app.botUserId],
      is_ext_shared_channel: false,
      event_context: `4-demo-${eventId}`,
    };
    for (const listener of listeners) {
      try {
        listener(envelope);
      } catch (error) {
        console.error("Event listener failed:", error);
      }
    }
  }

  function onEvent(listener: (envelope: EventEnvelope) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  const socket = createSocketServer({ ...options.socket, appId: app.appId, onEvent });

  function context(actor: Actor, params: Body, host: string): MethodContext {
    return {
      workspace,
      params,
      actor,
      now: now(),
      host,
      emit,
      newId,
      issueTicket: socket.issueTicket,
    };
  }

  function actorFor(userId: string): Actor {
    if (!findUser(workspace, userId)) throw new Error(`Unknown user "${userId}"`);
    return { kind: userId === app.botUserId ? "bot" : "user", userId };
  }

  /** Runs `method` for `caller`, or answers the auth error when there is no valid token. */
  function run(
    method: string,
    params: Body,
    caller: Actor | "not_authed" | "invalid_auth" | "token_revoked",
    host: string,
  ): Body {
    deliverScheduled(workspace, now(), (userId) => context(actorFor(userId), {}, host));
    const spec = methods[method];
    try {
      if (!spec) throw new SlackFailure("unknown_method");
      if (typeof caller === "string") throw new SlackFailure(caller);
      if (!spec.tokens.includes(caller.kind)) throw new SlackFailure("not_allowed_token_type");
      return { ok: true, ...spec.run(context(caller, params, host)) };
    } catch (error) {
      if (!(error instanceof SlackFailure)) throw error;
      return { ok: false, error: error.code, ...error.extra };
    }
  }

  function takeFault(method: string): Fault | undefined {
    const queue = faults.get(method);
    const fault = queue?.[0];
    if (!fault) return undefined;
    const left = (fault.times ?? 1) - 1;
    if (left > 0) queue[0] = { ...fault, times: left };
    else queue.shift();
    return fault;
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/link/") return socket.handle(request);
    if (url.pathname === "/oauth/v2/authorize") return oauth.authorize(url);
    if (isFileRoute(url.pathname)) {
      return await serveFileRoute(request, { workspace, actorOf: (token) => tokens.get(token) });
    }
    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (!method) return json({ ok: false, error: "unknown_method" }, 404);
    let params: Body;
    try {
      params = await readParams(request, url);
    } catch (error) {
      if (!(error instanceof SlackFailure)) throw error;
      return json({ ok: false, error: error.code });
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const token = bearer ?? (typeof params.token === "string" ? params.token : undefined);
    delete params.token;
    calls.push({ method, params, token, at: now() });

    const fault = takeFault(method);
    if (fault?.delayMs) {
      try {
        await sleep(fault.delayMs, request.signal);
      } catch {
        // The client gave up; nobody reads this answer.
        return new Response(null, { status: 499 });
      }
    }
    if (fault && (fault.error !== undefined || fault.status !== undefined)) {
      return faultResponse(fault);
    }
    const caller = token === undefined
      ? "not_authed"
      : tokens.get(token) ?? oauth.unknownToken(token);
    const oauthAnswer = oauth.call(method, params, token);
    if (oauthAnswer) return json(oauthAnswer);
    return json(run(method, params, caller, url.host));
  }

  return {
    handler,
    workspace,
    calls,
    resetCalls() {
      calls.length = 0;
    },
    failNext(method, fault) {
      faults.set(method, [...faults.get(method) ?? [], fault]);
    },
    onEvent,
    actAs(userId, method, params = {}) {
      return structuredClone(run(method, params, actorFor(userId), "127.0.0.1"));
    },
    socket,
    oauth,
  };
}

/** A running emulator on a loopback port. */
export interface ServedEmulator {
  /** Base URL for a Slack client, ending in `/api/`. */
  url: string;
  emulator: Emulator;
  close(): Promise<void>;
}

/**
 * Serves a new emulator on `127.0.0.1` at a free port.
 *
 * @example
 * ```ts
 * const served = await serveEmulator({ workspace: createSeedWorkspace({ now: Date.now() }) });
 * // ... point a Slack client at served.url ...
 * await served.close();
 * ```
 */
export function serveEmulator(options: EmulatorOptions): Promise<ServedEmulator> {
  const emulator = createEmulator(options);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    emulator.handler,
  );
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}/api/`,
    emulator,
    async close() {
      await emulator.socket.close();
      await server.shutdown();
    },
  });
}

/** Lines people post while the demo runs. */
const liveLines = [
  "Quick update: the release notes draft is ready for review",
  "Anyone free for a 10 minute sync on the roadmap?",
  "Heads up: staging will restart in 5 minutes",
  "Just shipped the fix for the login redirect 🎉",
  "Can someone take a look at the dashboard numbers? They look off",
  "Lunch order going out in 15, reply here if you want in",
];
const liveReplies = ["On it 👍", "Thanks for the heads up", "Looks good to me", "Joining now"];
const liveReactions = ["eyes", "+1", "tada", "rocket", "white_check_mark", "heart"];
const steps = new WeakMap<Emulator, number>();

/** What {@link simulateActivity} did. */
export interface Activity {
  method: "chat.postMessage" | "reactions.add";
  user: string;
  channel: string;
  ts: string;
}

/**
 * Makes someone act in a public channel the bot is in, in a fixed rotation
 * (post, react, reply in a thread), so the real-time tools see life. Each
 * write emits its event like any other.
 *
 * @example
 * ```ts
 * const timer = setInterval(() => simulateActivity(emulator), 20_000);
 * ```
 */
export function simulateActivity(emulator: Emulator, options: { userId?: string } = {}): Activity {
  const { workspace } = emulator;
  const step = steps.get(emulator) ?? 0;
  steps.set(emulator, step + 1);
  const candidates = workspace.channels.filter(({ conversation: c, members }) =>
    !c.is_private && !c.is_archived && members.includes(workspace.app.botUserId) &&
    members.length > 2 && (!options.userId || members.includes(options.userId))
  );
  if (candidates.length === 0) throw new Error("No public channel with the bot to simulate in");
  const channel = candidates[step % candidates.length];
  const people = channel.members.filter((id) =>
    id !== workspace.app.botUserId && !findUser(workspace, id)?.deleted
  );
  const user = options.userId ?? people[step % people.length];
  const id = channel.conversation.id;
  const latest = channel.messages.findLast((m) => m.user && m.user !== user && !m.subtype);
  const reaction = liveReactions[step % liveReactions.length];
  if (step % 3 === 1 && latest && !latest.reactions?.some((r) => r.users.includes(user))) {
    emulator.actAs(user, "reactions.add", { channel: id, timestamp: latest.ts, name: reaction });
    return { method: "reactions.add", user, channel: id, ts: latest.ts };
  }
  const threadTs = step % 3 === 2 && latest ? latest.ts : undefined;
  const text = threadTs
    ? liveReplies[step % liveReplies.length]
    : liveLines[step % liveLines.length];
  const body = emulator.actAs(user, "chat.postMessage", { channel: id, text, thread_ts: threadTs });
  if (!body.ok) throw new Error(`Simulated post in ${id} failed: ${body.error}`);
  return { method: "chat.postMessage", user, channel: id, ts: String(body.ts) };
}
