/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document,
 * adopted by the MCP authorization spec): a client whose ID is an `https` URL
 * publishes its metadata there, and the server fetches it with a small size
 * and time budget, without following redirects, and never from a non-public
 * address (outside tests).
 * @module
 */
import { nonPublicHostProblem, type ResolveHost } from "./private_address.ts";
import { isLoopbackHttp, redirectUriProblem } from "./redirect_uri.ts";

/** The parts of a metadata document the server uses. */
export interface ClientMetadataDocument {
  clientId: string;
  clientName?: string;
  redirectUris: string[];
}

/** The outcome of fetching a document: the metadata, or why it was refused. */
export type ClientMetadataResult =
  | { ok: true; document: ClientMetadataDocument }
  | { ok: false; problem: string };

/** Options of {@link fetchClientMetadata}. */
export interface ClientMetadataFetchOptions {
  fetch: typeof fetch;
  /** Resolves host names, to refuse non-public addresses. */
  resolve: ResolveHost;
  /** Allow loopback/private hosts and loopback `http` (tests only). */
  allowPrivate: boolean;
  /** Largest document read, default 5 KiB. */
  maxBytes?: number;
  /** Longest wait for the whole document, default 3 s. */
  timeoutMs?: number;
}

/** Longest client name kept; longer ones are cut (the consent page shows it). */
const maxNameLength = 100;

/**
 * Whether `clientId` is meant as a metadata document URL: `https` (or, when
 * `allowPrivate`, loopback `http`) with a path, no fragment, credentials or
 * dot segments.
 *
 * @example
 * ```ts
 * isClientIdUrl("https://app.example/oauth/client.json", false); // true
 * isClientIdUrl("mcpc_4f1…", false); // false
 * ```
 */
export function isClientIdUrl(clientId: string, allowPrivate: boolean): boolean {
  if (!/^https?:\/\//i.test(clientId)) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  const schemeOk = url.protocol === "https:" || (allowPrivate && isLoopbackHttp(url));
  const rawPath = clientId.replace(/^https?:\/\/[^/?#]*/i, "").split(/[?#]/)[0];
  return schemeOk && url.pathname.length > 1 && !url.hash && !clientId.includes("#") &&
    !url.username && !url.password &&
    !rawPath.split("/").some((segment) => segment === "." || segment === "..");
}

/** Reads at most `maxBytes` of `body`; `undefined` when it is longer. */
async function readLimited(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(all);
}

/** Control characters and bidirectional overrides, which could disguise a name. */
const disguising = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** A client name fit for the consent page, or `undefined`. */
export function cleanClientName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = value.replace(disguising, "").trim();
  if (!name) return undefined;
  return name.length > maxNameLength ? `${name.slice(0, maxNameLength - 1)}…` : name;
}

/** The document's metadata, or why it is refused. */
export function parseClientMetadata(url: string, text: string): ClientMetadataResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "the client metadata document is not JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, problem: "the client metadata document is not a JSON object" };
  }
  const doc = json as Record<string, unknown>;
  if (doc.client_id !== url) {
    return {
      ok: false,
      problem: "the client metadata document's client_id differs from its URL",
    };
  }
  const method = doc.token_endpoint_auth_method ?? "none";
  if (method !== "none") {
    return {
      ok: false,
      problem: `token_endpoint_auth_method "${method}" is not supported for metadata documents ` +
        '(use "none")',
    };
  }
  if ("client_secret" in doc) {
    return { ok: false, problem: "a client metadata document must not hold a client_secret" };
  }
  const uris = doc.redirect_uris;
  if (
    !Array.isArray(uris) || uris.length === 0 || uris.length > 10 ||
    !uris.every((u) => typeof u === "string" && u.length <= 2000)
  ) {
    return { ok: false, problem: "redirect_uris must be a list of 1 to 10 URIs" };
  }
  for (const uri of uris as string[]) {
    const problem = redirectUriProblem(uri);
    if (problem) return { ok: false, problem };
  }
  return {
    ok: true,
    document: {
      clientId: url,
      clientName: cleanClientName(doc.client_name),
      redirectUris: uris as string[],
    },
  };
}

/**
 * Fetches and checks the metadata document at `url` (a client ID).
 *
 * @example
 * ```ts
 * const result = await fetchClientMetadata("https://app.example/client.json", {
 *   fetch, resolve: resolveWithDns, allowPrivate: false,
 * });
 * if (result.ok) console.log(result.document.redirectUris);
 * ```
 */
export async function fetchClientMetadata(
  url: string,
  options: ClientMetadataFetchOptions,
): Promise<ClientMetadataResult> {
  const maxBytes = options.maxBytes ?? 5 * 1024;
  if (!isClientIdUrl(url, options.allowPrivate)) {
    return { ok: false, problem: "the client ID is not a valid https metadata document URL" };
  }
  if (!options.allowPrivate) {
    const problem = await nonPublicHostProblem(new URL(url).hostname, options.resolve);
    if (problem) return { ok: false, problem: `the client metadata host is refused: ${problem}` };
  }
  const signal = AbortSignal.timeout(options.timeoutMs ?? 3000);
  try {
    const response = await options.fetch(url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal,
    });
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      return {
        ok: false,
        problem: `the client metadata document answered HTTP ${response.status}`,
      };
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > maxBytes) {
      await response.body.cancel();
      return { ok: false, problem: `the client metadata document is over ${maxBytes} bytes` };
    }
    const text = await readLimited(response.body, maxBytes);
    if (text === undefined) {
      return { ok: false, problem: `the client metadata document is over ${maxBytes} bytes` };
    }
    return parseClientMetadata(url, text);
  } catch (error) {
    const timedOut = signal.aborted;
    return {
      ok: false,
      problem: timedOut
        ? "the client metadata document did not arrive in time"
        : `the client metadata document could not be fetched (${
          error instanceof Error ? error.name : "error"
        })`,
    };
  }
}
