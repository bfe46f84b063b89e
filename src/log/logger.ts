/**
 * Logging through LogTape: one setup at startup, a category per subsystem,
 * `security` for refusals (auth, origin, limits, webhooks). Console output goes
 * to stderr (stdout belongs to the stdio transport); `LOG_FILE` gets the same
 * records, as text or one JSON object per line.
 *
 * Redaction, in three layers, so a secret never reaches a sink:
 * 1. fields named like secrets (`token`, `authorization`, `signature`, …) are
 *    dropped from every record;
 * 2. the configured secret values and secret shapes (Slack tokens, bearer
 *    credentials, Slack signatures) are masked in every string of the record
 *    before formatting, where no escaping can hide them;
 * 3. the same patterns run again over the formatted line, for values the
 *    record walk does not enter (class instances such as `Headers`).
 * @module
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getStreamSink,
  getTextFormatter,
  type Logger,
  type LogRecord,
  reset,
  type Sink,
  type TextFormatter,
  type TextFormatterOptions,
} from "@logtape/logtape";
import { DEFAULT_REDACT_FIELDS, redactByField } from "@logtape/redaction";
import { ConfigError } from "../config.ts";
import { escapeRegExp, masksFor, maskText } from "../util/redact.ts";

/** Logging settings (from `Config.log`) plus the secret values to mask. */
export interface LoggingOptions {
  level: "debug" | "info" | "warning" | "error";
  format: "text" | "json";
  file?: string;
  /** Configured secrets (tokens, signing secret): masked wherever they appear. */
  secrets: string[];
  /** Where console output goes; default stderr. It is never closed here. */
  stream?: WritableStream<Uint8Array>;
}

const redactFields = [...DEFAULT_REDACT_FIELDS, /cookie/i, /signing/i];

/** A sink as LogTape's factories return them: disposable, synchronously or not. */
type DisposableSink = Sink & Partial<Disposable & AsyncDisposable>;

/** Any of {@link redactFields} in one pass (the patterns are case-insensitive; a string is exact). */
const secretField = new RegExp(
  redactFields.map((p) => typeof p === "string" ? `^${escapeRegExp(p)}$` : p.source).join("|"),
  "i",
);

/** Past this depth or this many keys, {@link namesSecret} leaves the record to the full redaction. */
const checkLimits = { depth: 8, keys: 256 };

/**
 * Whether any key in `properties`, however deep, is named like a secret; also
 * true when the record is too deep or too large to tell quickly, so that the
 * full redaction (with its own size limits) handles it.
 */
function namesSecret(properties: Record<string, unknown>): boolean {
  const seen = new Set<object>();
  let keys = 0;
  const visit = (value: unknown, depth: number): boolean => {
    if (value === null || typeof value !== "object" || seen.has(value)) return false;
    if (depth > checkLimits.depth) return true;
    if (Array.isArray(value) && keys + value.length > checkLimits.keys) return true;
    seen.add(value);
    for (const [key, inner] of Object.entries(value)) {
      if (++keys > checkLimits.keys || secretField.test(key) || visit(inner, depth + 1)) {
        return true;
      }
    }
    return false;
  };
  return visit(properties, 0);
}

/**
 * Drops fields named like secrets (`token`, `password`, …) whatever their
 * value; known secrets and token shapes are masked in the formatted line.
 * Records with no such field (an access line) skip the redaction's copy.
 */
function redacting(sink: DisposableSink): Sink {
  const redacted = redactByField(sink, { fieldPatterns: redactFields });
  const wrapped: DisposableSink = (record) =>
    namesSecret(record.properties) ? redacted(record) : sink(record);
  if (sink[Symbol.dispose]) wrapped[Symbol.dispose] = sink[Symbol.dispose];
  if (sink[Symbol.asyncDispose]) wrapped[Symbol.asyncDispose] = sink[Symbol.asyncDispose];
  return wrapped;
}

async function openFileSink(path: string, formatter: TextFormatter): Promise<Sink> {
  // Loaded only when LOG_FILE is set.
  const { getFileSink } = await import("@logtape/file");
  try {
    // Opened now, not on the first record, so a bad path stops startup with one clear line.
    return getFileSink(path, { formatter, lazy: false });
  } catch (error) {
    throw new ConfigError(
      `Cannot write LOG_FILE=${path}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/** The default text line, plus the request id so a request's records can be found together. */
const textLine: TextFormatterOptions["format"] = (
  { timestamp, level, category, message, record },
) => {
  const id = record.properties.requestId;
  return `${timestamp} [${level}] ${category}: ${message}${
    typeof id === "string" ? ` (request ${id})` : ""
  }`;
};

/** A value as text lines show it: strings bare, numbers and booleans plainly, the rest inspected. */
function bare(value: unknown): string {
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : Deno.inspect(value);
}

const jsonLines = getJsonLinesFormatter();

/** One JSON object per line; string values read bare in `message`, as in text lines. */
const jsonLine: TextFormatter = (record) =>
  jsonLines({
    ...record,
    message: [
      record.message.map((part, i) => i % 2 === 0 ? part : bare(part)).join(""),
    ],
  });

/**
 * stderr, written synchronously. Deno completes async stderr writes about one
 * per event-loop turn, so under load LogTape's queue of pending lines (and the
 * heap) grows without bound; a synchronous write of a line takes microseconds.
 */
const stderrSync = new WritableStream<Uint8Array>({
  write(chunk) {
    for (let at = 0; at < chunk.length;) at += Deno.stderr.writeSync(chunk.subarray(at));
  },
});

/**
 * Configures LogTape for the process. Safe to call again (tests do): the
 * previous sinks are flushed and released first, and the console stream is
 * only borrowed, never closed.
 *
 * @example
 * ```ts
 * await configureLogging({ level: "info", format: "json", secrets: [botToken] });
 * ```
 * @throws {ConfigError} when `file` cannot be opened for writing.
 */
export async function configureLogging(options: LoggingOptions): Promise<void> {
  const masks = masksFor(options.secrets);
  const format = options.format === "json"
    ? jsonLine
    : getTextFormatter({ timestamp: "date-time-tz", value: bare, format: textLine });
  const formatter = (record: LogRecord) => maskText(format(record), masks);
  // Dispose the old sinks first: they hold the lock on stderr's writer.
  await reset();
  const sinks: Record<string, Sink> = {};
  // The file first: if it fails, no stream writer is left locked.
  if (options.file) sinks.file = redacting(await openFileSink(options.file, formatter));
  sinks.console = redacting(
    getStreamSink(options.stream ?? stderrSync, { formatter, closeStream: false }),
  );
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["slack-mcp"], lowestLevel: options.level, sinks: Object.keys(sinks) },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

/** Flushes and closes the sinks (shutdown, and between tests). */
export async function stopLogging(): Promise<void> {
  await reset();
}

/**
 * The logger of one subsystem.
 *
 * @example
 * ```ts
 * logger("http").info("Request {method} {path}", { method, path });
 * ```
 */
export function logger(category: string): Logger {
  return getLogger(["slack-mcp", category]);
}
