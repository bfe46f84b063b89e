/**
 * Masks secrets in text and values: every configured secret value, and the
 * shapes of Slack tokens, bearer credentials and Slack signatures even when
 * not configured. Shared by the logs and by tool error results.
 * @module
 */

/** What replaces a secret. */
export const redacted = "[REDACTED]";

/** A string pattern and what to put in its place. */
export interface Mask {
  pattern: RegExp;
  replacement: string;
}

/** Secret shapes masked whether configured or not. */
const shapes: Mask[] = [
  // Slack bot, user, app, refresh and config tokens.
  { pattern: /\b(?:xox[abeoprs]|xapp)-[\w-]+/g, replacement: redacted },
  { pattern: /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, replacement: `$1 ${redacted}` },
  // This server's own OAuth tokens, codes and client secrets (multi-user mode).
  { pattern: /\bmcp(?:_at|_rt|_ac|cs)_[\w-]+/g, replacement: redacted },
  // Slack request signatures (`X-Slack-Signature`).
  { pattern: /\bv0=[0-9a-f]{64}\b/g, replacement: redacted },
];

/** `text` as a regex source matching it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The masks for `secrets` (too-short values would mask ordinary text) plus the shapes. */
export function masksFor(secrets: string[]): Mask[] {
  // A secret with quotes or backslashes reads escaped inside a JSON line: mask that form too.
  const forms = secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  const values = [...new Set(forms.filter((s) => s.length >= 6))]
    .sort((a, b) => b.length - a.length)
    .map((secret) => ({ pattern: new RegExp(escapeRegExp(secret), "g"), replacement: redacted }));
  return [...values, ...shapes];
}

/**
 * Per list of masks, one case-insensitive regex matching wherever any of them
 * might: most text holds no secret, and is then scanned once, not once per mask.
 */
const candidates = new WeakMap<Mask[], RegExp>();

/** `text` with every mask applied. */
export function maskText(text: string, masks: Mask[]): string {
  let candidate = candidates.get(masks);
  if (!candidate) {
    candidate = new RegExp(masks.map((m) => m.pattern.source).join("|"), "i");
    candidates.set(masks, candidate);
  }
  if (!candidate.test(text)) return text;
  return masks.reduce((t, m) => t.replaceAll(m.pattern, m.replacement), text);
}

/**
 * A function masking `secrets` (and secret shapes) in a string.
 *
 * @example
 * ```ts
 * createRedactor(["xoxb-123"])("token xoxb-123"); // "token [REDACTED]"
 * ```
 */
export function createRedactor(secrets: string[]): (text: string) => string {
  const masks = masksFor(secrets);
  return (text) => maskText(text, masks);
}
