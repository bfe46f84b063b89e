/**
 * The demo workspace's files: one of each kind (a Python snippet, Markdown,
 * CSV, a PNG chart, PDFs) shared by messages in channels, the incident
 * runbook as #engineering's channel canvas, and a private canvas of Alice's.
 * @module
 */
import { buildPdf, encodePng, type Rgb } from "./file_bytes.ts";
import { DEMO_CHANNEL_WITHOUT_BOT, demoUsers } from "./seed_ids.ts";
import { DAY, dayAt, type Planned } from "./seed_plan.ts";
import type { WorkspaceChannel } from "./workspace.ts";
import {
  fileKind,
  isCanvas,
  linkChannelCanvas,
  newCanvas,
  recordShare,
  snippetKind,
  type WorkspaceFile,
} from "./workspace_files.ts";

const { alice, bruno, diego, emeka, fiona, hanna, ivana } = demoUsers;
const encoder = new TextEncoder();

/** The canvas of #engineering. */
export const RUNBOOK_CANVAS_ID = "F0RUNBOOK1";
/** Alice's canvas, shared nowhere. */
export const PRIVATE_CANVAS_ID = "F0CANVAS02";

const retrySnippet = `import random
import time


def retry(call, attempts=5, base=0.2, cap=5.0):
    """Calls \`call\` until it succeeds, sleeping with full-jitter backoff between tries."""
    for attempt in range(attempts):
        try:
            return call()
        except TimeoutError:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, min(cap, base * 2**attempt)))
`;

const releaseNotes = `# Release notes: v1.48

## Highlights
- **Faster dashboards**: p95 latency down from 420 ms to 180 ms
- Billing retries back off with jitter instead of hammering the provider

## Fixes
- The CSV export keeps its last column
- Login redirects no longer drop the \`next\` parameter
`;

const signups = `week,signups,activated
2026-W40,412,298
2026-W41,455,331
2026-W42,438,320
2026-W43,501,372
2026-W44,547,409
2026-W45,590,447
`;

/** A small bar chart: p95 latency falling week by week. */
function latencyChart(): Uint8Array<ArrayBuffer> {
  const heights = [20, 18, 15, 9, 7, 6];
  const blue: Rgb = [74, 144, 217];
  const white: Rgb = [255, 255, 255];
  return encodePng(48, 24, (x, y) => {
    const inBar = x % 8 >= 1 && x % 8 <= 6;
    return inBar && y >= 24 - heights[Math.floor(x / 8)] ? blue : white;
  });
}

const runbook = `# Incident runbook
Use this runbook when production is degraded. Page the on-call first: ![](@U0DIEGO04)
## 1. Triage
- Check the **API error rate** on the [status dashboard](https://status.acme-demo.example)
- Post in ![](#C0ENGINRG) with the 🚨 prefix and keep updates in the thread
- Decide the severity: **SEV1** (outage), **SEV2** (degraded), **SEV3** (minor)
## 2. Mitigate
1. Roll back the last deploy if it shipped within the hour
2. Scale the workers: \`kubectl scale deploy/api --replicas=12\`
3. Raise the database connection pool if it is exhausted
## 3. Communicate
- [ ] Update the status page
- [ ] Tell ![](#${DEMO_CHANNEL_WITHOUT_BOT}) what customers will see
## Contacts
On call this week: ![](@U0DIEGO04). Escalation: ![](@U0ALICE01)
`;

const planningNotes = `# Q1 planning notes
## Themes
- Reliability: no SEV1 two quarters running
- _Self-serve onboarding_ for small teams
## Open questions
- Do we hire the second SRE before or after the office move?
`;

/** One seeded file and the message that shares it. */
interface SeedFile {
  id: string;
  name: string;
  title: string;
  user: string;
  channel: string;
  at: number;
  comment: string;
  bytes: Uint8Array<ArrayBuffer>;
  snippet?: string;
  image?: { width: number; height: number };
}

function seedFileList(now: number): SeedFile[] {
  return [
    {
      id: "F0PYSNIP01",
      name: "retry_backoff.py",
      title: "Retry with backoff",
      user: bruno,
      channel: "C0ENGINRG",
      at: dayAt(now, 2, 15.3),
      comment: "Here's the retry helper we discussed for the billing job",
      bytes: encoder.encode(retrySnippet),
      snippet: "python",
    },
    {
      id: "F0MDNOTE01",
      name: "release-notes-v1.48.md",
      title: "Release notes v1.48",
      user: hanna,
      channel: "C0ENGINRG",
      at: dayAt(now, 1, 17.2),
      comment: "Draft release notes for v1.48, edits welcome",
      bytes: encoder.encode(releaseNotes),
    },
    {
      id: "F0CSVDAT01",
      name: "signups-by-week.csv",
      title: "Signups by week",
      user: fiona,
      channel: "C0GENERAL",
      at: dayAt(now, 3, 16.4),
      comment: "Weekly signups for the all-hands deck",
      bytes: encoder.encode(signups),
    },
    {
      id: "F0PNGIMG01",
      name: "p95-latency.png",
      title: "p95 latency by week",
      user: diego,
      channel: "C0ENGINRG",
      at: dayAt(now, 2, 18.1),
      comment: "p95 latency since the cache change 📉",
      bytes: latencyChart(),
      image: { width: 48, height: 24 },
    },
    {
      id: "F0PDFDOC01",
      name: "board-update-q4.pdf",
      title: "Board update Q4",
      user: emeka,
      channel: "C0LEADERS",
      at: dayAt(now, 2, 17.5),
      comment: "Board update for Thursday",
      bytes: buildPdf([
        "Board update: Q4",
        "Revenue is 8% ahead of plan.",
        "Hiring: 3 engineers and 1 designer approved.",
      ]),
    },
    {
      id: "F0PDFHR001",
      name: "benefits-2027.pdf",
      title: "Benefits guide 2027",
      user: ivana,
      channel: "C0PEOPLEO",
      at: dayAt(now, 4, 15),
      comment: "The benefits guide for next year",
      bytes: buildPdf(["Benefits guide 2027", "Enrollment opens on the 1st."]),
    },
  ];
}

/** The seeded files and canvases, and the messages that share the files. */
export function seedFiles(now: number): { files: WorkspaceFile[]; plan: Planned[] } {
  const list = seedFileList(now);
  const files: WorkspaceFile[] = list.map((seed) => {
    const created = Math.floor(seed.at / 1000);
    return {
      id: seed.id,
      created,
      updated: created,
      user: seed.user,
      name: seed.name,
      title: seed.title,
      ...(seed.snippet ? snippetKind(seed.snippet) : fileKind(seed.name)),
      mode: seed.snippet ? "snippet" : "hosted",
      bytes: seed.bytes,
      shares: [],
      ...(seed.image ? { image: seed.image } : {}),
    };
  });
  const canvasCreated = Math.floor((now - 20 * DAY) / 1000);
  files.unshift(
    newCanvas({
      id: RUNBOOK_CANVAS_ID,
      title: "Incident runbook",
      user: diego,
      created: canvasCreated,
      markdown: runbook,
    }),
    newCanvas({
      id: PRIVATE_CANVAS_ID,
      title: "Q1 planning notes",
      user: alice,
      created: canvasCreated + 3600,
      markdown: planningNotes,
    }),
  );
  // The workspace keeps files oldest first, as uploads append them.
  files.sort((a, b) => a.created - b.created);
  const plan: Planned[] = list.map((seed) => ({
    channel: seed.channel,
    at: seed.at,
    message: {
      user: seed.user,
      text: seed.comment,
      files: [{ id: seed.id }],
      upload: true,
      display_as_bot: false,
    },
  }));
  return { files, plan };
}

/**
 * Once the messages are placed: records where each file was shared, and
 * makes the runbook the canvas of #engineering.
 */
export function linkSeedFiles(
  files: WorkspaceFile[],
  channels: ReadonlyMap<string, WorkspaceChannel>,
): void {
  for (const channel of channels.values()) {
    const messages = [...channel.messages, ...[...channel.threads.values()].flat()];
    for (const message of messages) {
      for (const { id } of message.files ?? []) {
        const file = files.find((f) => f.id === id);
        if (file) recordShare(file, channel, message);
      }
    }
  }
  const runbookFile = files.find((f) => f.id === RUNBOOK_CANVAS_ID);
  if (isCanvas(runbookFile)) linkChannelCanvas(channels.get("C0ENGINRG")!, runbookFile);
}
