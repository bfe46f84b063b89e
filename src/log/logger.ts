/**
 * Logging through LogTape: one setup at startup, a category per subsystem.
 * Console output goes to stderr (stdout belongs to the stdio transport).
 * Two layers of redaction: fields named like secrets are dropped from every
 * record, and Slack token shapes plus the configured secret values are
 * masked in the formatted text, wherever they hide.
 * @module
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getStreamSink,
  getTextFormatter,
  type Logger,
  reset,
  type Sink,
  type TextFormatter,
} from "@logtape/logtape";
import { getFileSink } from "@logtape/file";
import { DEFAULT_REDACT_FIELDS, redactByField, redactByPattern } from "@logtape/redaction";

/** Logging settings (from `Config.log`) plus the secret values to mask. */
export interface LoggingOptions {
  level: "debug" | "info" | "warning" | "error";
  format: "text" | "json";
  file?: string;
  /** Configured secrets (tokens, signing secret): masked wherever they appear. */
  secrets: string[];
  /** Where console output goes; default stderr. */
  stream?: WritableStream<Uint8Array>;
}

const slackTokenPattern = /\b(?:xox[abpres]|xapp)-[A-Za-z0-9-]+/g;
const bearerPattern = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function redactingFormatter(formatter: TextFormatter, secrets: string[]): TextFormatter {
  return redactByPattern(formatter, [
    { pattern: slackTokenPattern, replacement: "[REDACTED]" },
    { pattern: bearerPattern, replacement: "$1 [REDACTED]" },
    ...secrets.filter((s) => s.length >= 4).map((secret) => ({
      pattern: new RegExp(escapeRegExp(secret), "g"),
      replacement: "[REDACTED]",
    })),
  ]);
}

const redactFields = [
  ...DEFAULT_REDACT_FIELDS,
  /authorization/i,
  /signature/i,
  /signing/i,
  /cookie/i,
  /^token$/i,
];

/** Configures LogTape for the process; call once at startup (tests may call again). */
export async function configureLogging(options: LoggingOptions): Promise<void> {
  const formatter = redactingFormatter(
    options.format === "json" ? getJsonLinesFormatter() : getTextFormatter({ timestamp: "date-time-tz" }),
    options.secrets,
  );
  const sinks: Record<string, Sink> = {
    console: redactByField(
      getStreamSink(options.stream ?? Deno.stderr.writable, { formatter }),
      { fieldPatterns: redactFields },
    ),
  };
  if (options.file) {
    sinks.file = redactByField(getFileSink(options.file, { formatter, lazy: true }), {
      fieldPatterns: redactFields,
    });
  }
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["slack-mcp"], lowestLevel: options.level, sinks: Object.keys(sinks) },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

/** Stops logging and flushes the sinks (shutdown, and between tests). */
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
