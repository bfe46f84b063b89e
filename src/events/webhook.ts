/**
 * The Slack Events API webhook (`POST /slack/events`): reads the raw body once
 * under a hard size cap, checks Slack's signature on those exact bytes, then
 * answers `url_verification` or hands the envelope to the intake. Refused
 * requests are logged to the security log with the reason and request id,
 * never the secret or the signature.
 * @module
 */
import { verifySlackSignature } from "../slack/signature.ts";
import { logger } from "../log/logger.ts";
import { type Intake, IntakeRefusedError } from "./intake.ts";
import { isEventEnvelope } from "./normalize.ts";

/** Slack's own limit is far below this; anything bigger is not Slack. */
export const maxWebhookBodyBytes = 1024 * 1024;

/** Options of {@link createWebhook}. */
export interface WebhookOptions {
  signingSecret: string;
  intake: Pick<Intake, "accept">;
  /** Clock in unix milliseconds, for the timestamp check. */
  now?: () => number;
  maxBodyBytes?: number;
}

/** Reads the body, or returns null as soon as it passes `max` bytes (without reading the rest). */
async function readCapped(request: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > max) {
    await request.body?.cancel();
    return null;
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function problem(status: number, error: string, message: string): Response {
  return Response.json({ error, message }, { status });
}

/**
 * Creates the webhook handler `app.ts` mounts on `/slack/events` and `/webhook`.
 *
 * @example
 * ```ts
 * const webhook = createWebhook({ signingSecret, intake });
 * const response = await webhook(request, requestId);
 * ```
 */
export function createWebhook(
  options: WebhookOptions,
): (request: Request, requestId: string) => Promise<Response> {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBodyBytes ?? maxWebhookBodyBytes;
  const security = logger("security");
  const log = logger("events");

  function reject(requestId: string, status: number, error: string, reason: string) {
    security.warn("Rejected Slack webhook ({status}): {reason}", { status, reason, requestId });
    return problem(status, error, reason);
  }

  return async (request, requestId) => {
    const body = await readCapped(request, maxBytes);
    if (!body) {
      return reject(requestId, 413, "payload_too_large", `Request body over ${maxBytes} bytes`);
    }
    const verdict = await verifySlackSignature({
      secret: options.signingSecret,
      timestamp: request.headers.get("x-slack-request-timestamp"),
      signature: request.headers.get("x-slack-signature"),
      body,
      now: now(),
    });
    if (!verdict.ok) return reject(requestId, 401, "invalid_signature", verdict.reason);

    let payload: { type?: unknown; challenge?: unknown };
    try {
      payload = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return reject(requestId, 400, "invalid_json", "Body is not valid JSON");
    }
    if (payload?.type === "url_verification" && typeof payload.challenge === "string") {
      return Response.json({ challenge: payload.challenge });
    }
    if (payload?.type !== "event_callback") {
      // app_rate_limited and other notices: nothing to store, but Slack wants a 200.
      log.warn("Slack sent a {type} notice", { type: String(payload?.type), requestId });
      return new Response(null, { status: 200 });
    }
    if (!isEventEnvelope(payload)) {
      return reject(
        requestId,
        400,
        "invalid_envelope",
        "event_callback without event_id or event.type",
      );
    }
    const retry = {
      eventId: payload.event_id,
      retryNum: request.headers.get("x-slack-retry-num") ?? undefined,
      retryReason: request.headers.get("x-slack-retry-reason") ?? undefined,
      requestId,
    };
    try {
      const outcome = await options.intake.accept(payload);
      security.info(
        outcome === "duplicate"
          ? "Accepted Slack webhook: duplicate event {eventId}, not stored again"
          : "Accepted Slack webhook: event {eventId} ({type})",
        { ...retry, type: payload.event?.type },
      );
      return new Response(null, { status: 200 });
    } catch (error) {
      if (!(error instanceof IntakeRefusedError)) throw error;
      log.warn("Refused event {eventId} so Slack retries: {reason}", {
        ...retry,
        reason: error.reason,
      });
      return problem(503, error.reason, error.message);
    }
  };
}
