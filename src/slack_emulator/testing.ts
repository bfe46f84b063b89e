/**
 * Test support for the emulator's method suites: the seeded emulator served
 * on a loopback port, Web API calls over real HTTP (form-encoded like Slack's
 * SDKs, or JSON when an argument is structured), cursor walking, and checks
 * against Slack's OpenAPI response schemas.
 * @module
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { defaultTokens, type ServedEmulator, serveEmulator } from "./emulator.ts";
import { createSeedWorkspace } from "./seed.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** Wednesday 2026-11-25 12:00 UTC: the clock of every suite's workspace. */
export const testNow = Date.UTC(2026, 10, 25, 12);

/** The demo bot token (`xoxb-`). */
export const bot: string = defaultTokens.bot;
/** The demo user token (`xoxp-`): Alice, who installed the app. */
export const user: string = defaultTokens.user;
/** The demo app-level token (`xapp-`). */
export const app: string = defaultTokens.app;

const fixtures = new URL("../../tests/fixtures/", import.meta.url);

/**
 * `walk` for a `call`: follows `next_cursor` to the end, collecting `key`
 * from each page (and checking each page is `ok`).
 */
export function pageWalker(
  call: (method: string, params: Record<string, unknown>, token: string) => Promise<Json>,
) {
  return async function walk(
    method: string,
    key: string,
    params: Record<string, unknown>,
    token = bot,
  ): Promise<{ items: Json[]; pages: number }> {
    const items: Json[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const body = await call(method, { ...params, ...(cursor ? { cursor } : {}) }, token);
      assert.equal(body.ok, true, body.error);
      items.push(...body[key]);
      cursor = body.response_metadata.next_cursor;
      pages++;
    } while (cursor);
    return { items, pages };
  };
}

/** A served emulator and helpers bound to it. */
export interface TestEmulator extends AsyncDisposable {
  served: ServedEmulator;
  /** `http://127.0.0.1:<port>`: where files and upload URLs live. */
  origin: string;
  /** Calls a Web API method; `token: null` sends none. Objects go as a JSON body. */
  call(method: string, params?: Record<string, unknown>, token?: string | null): Promise<Json>;
  /** Follows `next_cursor` to the end, collecting `key` from each page. */
  walk(
    method: string,
    key: string,
    params: Record<string, unknown>,
    token?: string,
  ): Promise<{ items: Json[]; pages: number }>;
}

/**
 * Serves a freshly seeded emulator on a free loopback port.
 *
 * @example
 * ```ts
 * await using t = await startEmulator();
 * const body = await t.call("auth.test");
 * ```
 */
export async function startEmulator(): Promise<TestEmulator> {
  const clock = { ms: testNow };
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: testNow }),
    now: () => clock.ms,
  });
  const origin = served.url.replace(/\/api\/$/, "");

  async function call(
    method: string,
    params: Record<string, unknown> = {},
    token: string | null = bot,
  ): Promise<Json> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    const structured = Object.values(params).some((v) => typeof v === "object" && v !== null);
    let body: string | URLSearchParams;
    if (structured) {
      headers["content-type"] = "application/json; charset=utf-8";
      body = JSON.stringify(params);
    } else {
      body = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    }
    const response = await fetch(`${served.url}${method}`, { method: "POST", headers, body });
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    return await response.json();
  }

  const walk = pageWalker(call);

  return {
    served,
    origin,
    call,
    walk,
    async [Symbol.asyncDispose]() {
      await served.close();
    },
  };
}

let validator: Ajv | undefined;

/** Asserts that `body` matches Slack's response schema for `method` (from the fixture subset). */
export async function assertSlackShape(method: string, body: Json): Promise<void> {
  if (!validator) {
    const spec = JSON.parse(
      await Deno.readTextFile(new URL("slack_openapi_subset.json", fixtures)),
    );
    validator = new Ajv({ strict: false, validateFormats: false });
    validator.addSchema(spec, "slack");
  }
  const validate = validator.getSchema(`slack#/responses/${method}`);
  assert.ok(validate, `no schema for ${method}`);
  assert.ok(validate(body), `${method}: ${validator.errorsText(validate.errors)}`);
}
