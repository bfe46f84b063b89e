/**
 * A Slack Events API sender for load: distinct `message` events signed ahead
 * of time (so signing costs nothing while the server is timed), POSTed one
 * per request.
 * @module
 */
import { signSlackRequest } from "../src/slack/signature.ts";

/** One pre-signed webhook delivery. */
export interface SignedEvent {
  body: string;
  headers: Record<string, string>;
}

/** `count` distinct `message` events (unique `event_id`s), signed now. */
export async function signedEvents(secret: string, prefix: string, count: number) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return await Promise.all(Array.from({ length: count }, async (_, i): Promise<SignedEvent> => {
    const ts = `${timestamp}.${String(i).padStart(6, "0")}`;
    const body = JSON.stringify({
      token: "bench",
      team_id: "T0BENCH00",
      api_app_id: "A0BENCH00",
      type: "event_callback",
      event_id: `Ev${prefix}${i}`,
      event_time: Number(timestamp),
      event: {
        type: "message",
        channel: "C0BENCH00",
        user: "U0BENCH00",
        text: "a benchmark event",
        ts,
        event_ts: ts,
        channel_type: "channel",
      },
    });
    return {
      body,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": await signSlackRequest({ secret, timestamp, body }),
      },
    };
  }));
}

/** A load request POSTing the next of `events` to `url`; `false` once they are used up. */
export function deliverer(url: string, events: SignedEvent[]): () => Promise<boolean> {
  let next = 0;
  return async () => {
    const event = events[next++];
    if (!event) return false;
    const response = await fetch(url, { method: "POST", ...event });
    await response.body?.cancel();
    return response.status === 200;
  };
}
