/**
 * A sign-in test bed: the emulator serving as Slack on a loopback port, an
 * OAuth server over a recording memory store with a fake clock, answered
 * in-process, a test browser between them, and helpers for the client side
 * (registration, authorize URLs, token requests, the whole sign-in).
 * @module
 */
import assert from "node:assert/strict";
import { createMemoryStore } from "../store/memory_store.ts";
import { type EmulatorOptions, serveEmulator } from "../slack_emulator/emulator.ts";
import { defaultOAuthClient } from "../slack_emulator/oauth.ts";
import { createSeedWorkspace } from "../slack_emulator/seed.ts";
import { createOAuthServer, type OAuthServerOptions } from "./oauth_server.ts";
import { toBase64Url } from "./opaque_token.ts";
import { createTestBrowser, type Page, pkcePair, recordingStore } from "./testing.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Where the test client listens for its redirect. */
export const clientOrigin = "http://127.0.0.1:9999";
/** The test client's redirect URI. */
export const clientRedirectUri = `${clientOrigin}/callback`;
/** The test server's public URL. */
export const publicUrl = "http://127.0.0.1:8126";

/** Options of {@link startOAuthTestbed}. */
export interface TestbedOptions {
  server?: Partial<OAuthServerOptions>;
  emulator?: Partial<EmulatorOptions>;
}

/**
 * Starts a test bed; dispose it to stop the emulator.
 *
 * @example
 * ```ts
 * await using bed = await startOAuthTestbed();
 * const clientId = await bed.register();
 * const { tokens } = await bed.signIn({ clientId });
 * ```
 */
export async function startOAuthTestbed(options: TestbedOptions = {}) {
  const clock = { ms: Date.UTC(2026, 10, 25, 12) };
  const store = recordingStore(createMemoryStore({ now: () => clock.ms }));
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: Date.now() }),
    ...options.emulator,
  });
  const encryptionKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const serverOptions: OAuthServerOptions = {
    publicUrl,
    slackApiUrl: served.url,
    slackClientId: defaultOAuthClient.id,
    slackClientSecret: defaultOAuthClient.secret,
    encryptionKey,
    allowedTeams: [],
    userScopes: ["channels:history", "search:read"],
    store,
    now: () => clock.ms,
    ...options.server,
  };
  const oauth = createOAuthServer(serverOptions);
  const env = { remoteAddr: { hostname: "192.0.2.10" } };
  const serve = (request: Request) => oauth.routes.fetch(request, env);
  const newBrowser = () =>
    createTestBrowser({
      inProcess: { [oauth.urls.issuer]: serve },
      stopAt: (url) => url.origin === clientOrigin,
    });
  const browser = newBrowser();

  /** Registers a public client; returns its ID. */
  async function register(body: Record<string, unknown> = {}): Promise<string> {
    const response = await oauth.routes.request("/oauth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_name: "Test Client",
        redirect_uris: [clientRedirectUri],
        ...body,
      }),
    }, env);
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()).client_id;
  }

  /** An authorize URL; `params` override or (with `undefined`) drop the defaults. */
  function authorizeUrl(params: Record<string, string | undefined>): string {
    const url = new URL("/oauth/authorize", publicUrl);
    const all: Record<string, string | undefined> = {
      response_type: "code",
      redirect_uri: clientRedirectUri,
      code_challenge_method: "S256",
      state: "client-state",
      resource: oauth.urls.resource,
      ...params,
    };
    for (const [key, value] of Object.entries(all)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url.href;
  }

  /** A token-endpoint request. */
  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await oauth.routes.request("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form),
    }, env);
    return {
      status: response.status,
      headers: response.headers,
      body: await response.json() as Json,
    };
  }

  /**
   * The whole sign-in: authorize, consent (approve unless consent is skipped),
   * Slack, callback, then the code exchange. Returns the landing page and tokens.
   */
  async function signIn(
    params:
      & { clientId: string; browser?: ReturnType<typeof newBrowser> }
      & Record<
        string,
        string | undefined | ReturnType<typeof newBrowser>
      >,
  ) {
    const { clientId, browser: using = browser, ...extra } = params;
    const { verifier, challenge } = await pkcePair();
    let page: Page = await using.open(
      authorizeUrl({
        client_id: clientId,
        code_challenge: challenge,
        ...(extra as Record<string, string | undefined>),
      }),
    );
    const consentShown = page.status === 200 && page.html.includes("<form");
    if (consentShown) page = await using.submit(page, { decision: "approve" });
    assert.equal(page.url.origin, clientOrigin, `Did not land at the client: ${page.html}`);
    const code = page.url.searchParams.get("code");
    assert.ok(code, `No code: ${page.url}`);
    const result = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: clientRedirectUri,
      code_verifier: verifier,
      client_id: clientId,
    });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    return { landing: page.url, consentShown, code, verifier, tokens: result.body };
  }

  /** A Web API call to the emulator. */
  async function slack(method: string, token: string, params: Record<string, string> = {}) {
    const response = await fetch(`${served.url}${method}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: new URLSearchParams(params),
    });
    return await response.json() as Json;
  }

  return {
    clock,
    store,
    served,
    emulator: served.emulator,
    oauth,
    serverOptions,
    env,
    serve,
    browser,
    newBrowser,
    register,
    authorizeUrl,
    token,
    signIn,
    slack,
    [Symbol.asyncDispose]: () => served.close(),
  };
}

/** A running test bed. */
export type OAuthTestbed = Awaited<ReturnType<typeof startOAuthTestbed>>;
