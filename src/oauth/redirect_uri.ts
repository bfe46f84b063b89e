/**
 * Redirect URI rules: what a client may register and when a requested URI
 * matches a registered one. Exact string match, except that a loopback
 * `http` URI may name any port (RFC 8252 §7.3: native apps listen on an
 * ephemeral port).
 * @module
 */

/** Loopback hosts as `URL` spells them. */
const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** Schemes that are not a native app's private-use scheme, or that a browser must never follow. */
const forbiddenSchemes = new Set([
  "javascript:",
  "data:",
  "file:",
  "vbscript:",
  "blob:",
  "about:",
  "ftp:",
  "ws:",
  "wss:",
]);

/** Whether `url` is `http` on a loopback host. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === "http:" && loopbackHosts.has(url.hostname);
}

/**
 * Why `uri` cannot be registered as a redirect URI, or `undefined` when it
 * can: an absolute URI without fragment that is `https`, `http` on loopback,
 * or a native app's private-use scheme (`com.example.app:/cb`, `cursor://…`,
 * RFC 8252 §7.1), which desktop clients register. The consent page shows the
 * URI, so a person sees where a code would go.
 *
 * @example
 * ```ts
 * redirectUriProblem("http://127.0.0.1:33418/cb"); // undefined
 * redirectUriProblem("http://example.com/cb"); // "… must use https …"
 * ```
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `Redirect URI "${uri}" is not an absolute URI`;
  }
  if (url.hash || uri.includes("#")) return `Redirect URI "${uri}" must not have a fragment`;
  if (url.username || url.password) return `Redirect URI "${uri}" must not carry credentials`;
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return isLoopbackHttp(url)
      ? undefined
      : `Redirect URI "${uri}" must use https (plain http is allowed on loopback only)`;
  }
  if (forbiddenSchemes.has(url.protocol)) {
    return `Redirect URI "${uri}" has scheme "${url.protocol}"; use https, loopback http, ` +
      "or an app's private-use scheme";
  }
  return undefined;
}

/** `url` without its port, for comparing loopback URIs. */
function withoutPort(url: URL): string {
  const copy = new URL(url.href);
  copy.port = "";
  return copy.href;
}

/**
 * Whether `requested` matches one of `registered`: the same string, or both
 * loopback `http` URIs differing only in the port.
 *
 * @example
 * ```ts
 * redirectUriMatches(["http://127.0.0.1/cb"], "http://127.0.0.1:50123/cb"); // true
 * redirectUriMatches(["https://app.example/cb"], "https://app.example/cb/"); // false
 * ```
 */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  if (!isLoopbackHttp(url) || url.hash || requested.includes("#")) return false;
  const bare = withoutPort(url);
  return registered.some((candidate) => {
    try {
      const other = new URL(candidate);
      return isLoopbackHttp(other) && withoutPort(other) === bare;
    } catch {
      return false;
    }
  });
}
