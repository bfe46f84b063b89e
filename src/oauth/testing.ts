/**
 * Test helpers for the sign-in flow, shared by this module's tests and the
 * end-to-end tests: a small browser (cookies per origin, redirects followed,
 * forms submitted) that can reach some origins in-process, a PKCE pair, and
 * a recording store that shows every value written.
 * @module
 */
import type { Store } from "../store/store.ts";
import { s256Challenge } from "./pkce.ts";
import { newOpaqueToken } from "./opaque_token.ts";

/** A page the browser landed on. */
export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  /** The body as text (empty for redirects it stopped at). */
  html: string;
}

/** Options of {@link createTestBrowser}. */
export interface TestBrowserOptions {
  /** Origins answered in-process (e.g. `{ [issuer]: (r) => routes.fetch(r) }`); others use `fetch`. */
  inProcess?: Record<string, (request: Request) => Response | Promise<Response>>;
  /** Stop at a redirect to a URL for which this holds (a client's redirect URI). */
  stopAt?: (url: URL) => boolean;
  fetch?: typeof fetch;
}

/** The browser. */
export interface TestBrowser {
  /** Opens `url` (GET unless `init` says otherwise), following redirects. */
  open(url: string | URL, init?: RequestInit): Promise<Page>;
  /** Submits the page's single form with its hidden fields plus `fields`. */
  submit(page: Page, fields: Record<string, string>): Promise<Page>;
  /** The cookies kept for `origin`, by name. */
  cookies(origin: string): Map<string, string>;
}

/** Decodes the HTML escapes our pages use. */
function unescape(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** The action and hidden fields of the one form on `html`. */
export function readForm(html: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form method="post" action="([^"]+)">/g)];
  if (forms.length !== 1) throw new Error(`Expected one form, found ${forms.length}`);
  const fields: Record<string, string> = {};
  for (
    const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)
  ) {
    fields[unescape(name)] = unescape(value);
  }
  return { action: unescape(forms[0][1]), fields };
}

/**
 * Creates a browser.
 *
 * @example
 * ```ts
 * const browser = createTestBrowser({
 *   inProcess: { [oauth.urls.issuer]: (r) => oauth.routes.fetch(r) },
 *   stopAt: (url) => url.origin === "http://127.0.0.1:9999",
 * });
 * const consent = await browser.open(authorizeUrl);
 * const landed = await browser.submit(consent, { decision: "approve" });
 * landed.url.searchParams.get("code");
 * ```
 */
export function createTestBrowser(options: TestBrowserOptions = {}): TestBrowser {
  const jars = new Map<string, Map<string, string>>();
  const fetcher = options.fetch ?? fetch;
  const jar = (origin: string) => {
    let cookies = jars.get(origin);
    if (!cookies) jars.set(origin, cookies = new Map());
    return cookies;
  };

  function keep(origin: string, headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) jar(origin).delete(name);
      else jar(origin).set(name, pair.slice(at + 1).trim());
    }
  }

  async function request(url: URL, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookies = jar(url.origin);
    if (cookies.size) {
      headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const handler = options.inProcess?.[url.origin];
    const req = new Request(url, { ...init, headers, redirect: "manual" });
    return handler ? await handler(req) : await fetcher(req);
  }

  async function open(start: string | URL, init: RequestInit = {}): Promise<Page> {
    let url = new URL(start);
    let current = init;
    for (let hop = 0; hop < 10; hop++) {
      const response = await request(url, current);
      keep(url.origin, response.headers);
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url);
        if (options.stopAt?.(url)) {
          return { url, status: response.status, headers: response.headers, html: "" };
        }
        current = {};
        continue;
      }
      return {
        url,
        status: response.status,
        headers: response.headers,
        html: await response.text(),
      };
    }
    throw new Error(`Too many redirects from ${start}`);
  }

  return {
    open,
    submit(page, fields) {
      const form = readForm(page.html);
      return open(new URL(form.action, page.url), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: page.url.origin },
        body: new URLSearchParams({ ...form.fields, ...fields }),
      });
    },
    cookies: jar,
  };
}

/** A PKCE verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = newOpaqueToken();
  return { verifier, challenge: await s256Challenge(verifier) };
}

/**
 * `store` with every key and value written to it kept in `writes`, so a
 * test can check that nothing secret is stored in the clear.
 */
export function recordingStore(store: Store): Store & { writes: string[] } {
  const writes: string[] = [];
  return {
    ...store,
    kind: store.kind,
    writes,
    set(key, value, ttlSeconds) {
      writes.push(key, value);
      return store.set(key, value, ttlSeconds);
    },
    setIfAbsent(key, value, ttlSeconds) {
      writes.push(key, value);
      return store.setIfAbsent(key, value, ttlSeconds);
    },
    append(key, value, maxLength) {
      writes.push(key, value);
      return store.append(key, value, maxLength);
    },
    incr(key) {
      writes.push(key);
      return store.incr(key);
    },
  };
}
