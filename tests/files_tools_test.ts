/**
 * The file tools end to end: an SDK client calls our server, which reads and
 * uploads files on the Slack emulator. The truths are the emulator's own
 * stored bytes, its call log and its live workspace.
 */
import assert from "node:assert/strict";
import { call, type LooseResult, type Stack, startStack, textOf } from "./harness.ts";
import type { WorkspaceFile } from "../src/slack_emulator/workspace_files.ts";

/** A client that has listed the tools, so the SDK checks results against each outputSchema. */
async function connect(stack: Stack) {
  const client = await stack.connect();
  await client.listTools();
  return client;
}

/** A file in the emulated workspace. */
function stored(stack: Stack, id: string): WorkspaceFile {
  const file = stack.emulator.workspace.files.find((f) => f.id === id);
  assert(file, `the workspace has file ${id}`);
  return file;
}

function ok(result: LooseResult): Record<string, unknown> & LooseResult["structuredContent"] {
  assert.equal(result.isError, undefined, textOf(result));
  return result.structuredContent!;
}

/** Base64 of bytes, for comparing image content. */
function base64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
}

/** Bytes of an upload, with every byte value present. */
function binaryBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 37 + 11) % 256);
}

Deno.test("slack_list_files lists a channel's files newest first with names, places and links", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const listed = ok(await call(client, "slack_list_files", { channel_id: "#engineering" }));

  const ids = listed.files.map((f: { id: string }) => f.id);
  assert.deepEqual(ids.filter((id: string) => id.startsWith("F0P") || id.startsWith("F0M")), [
    "F0MDNOTE01",
    "F0PNGIMG01",
    "F0PYSNIP01",
  ]);
  const png = listed.files.find((f: { id: string }) => f.id === "F0PNGIMG01");
  const pngStored = stored(stack, "F0PNGIMG01");
  assert.equal(png.name, "p95-latency.png");
  assert.equal(png.title, "p95 latency by week");
  assert.equal(png.type, "PNG");
  assert.equal(png.size, pngStored.bytes.length);
  assert.equal(png.user, "diego");
  assert.equal(png.shared[0].channel, "#engineering");
  assert.equal(png.shared[0].ts, pngStored.shares[0].ts);
  assert.match(png.created, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.match(png.permalink, /\/files\/U0DIEGO04\/F0PNGIMG01\//);
  assert.equal(listed.users.U0DIEGO04, "diego");
  assert.equal(listed.timezone, "UTC");
  // Lean: no title equal to the name, no empty fields, no cache metadata when fresh.
  const snippet = listed.files.find((f: { id: string }) => f.id === "F0PYSNIP01");
  assert.equal(snippet.type, "Python");
  assert.equal("as_of" in listed, false);
  assert.equal("next_cursor" in listed, false);
  assert.match(
    textOf(await call(client, "slack_list_files", { channel_id: "#engineering" })),
    /F0PNGIMG01 p95-latency\.png "p95 latency by week", PNG \d+ B, diego, .*in #engineering \(ts \d+\.\d+\)/,
  );
});

Deno.test("slack_list_files filters by person and kind, and pages with a cursor", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const byFiona = ok(await call(client, "slack_list_files", { user_id: "@fiona" }));
  assert.deepEqual(byFiona.files.map((f: { id: string }) => f.id), ["F0CSVDAT01"]);
  assert.deepEqual(byFiona.users, { U0FIONA06: "fiona" });

  const images = ok(await call(client, "slack_list_files", { types: "images" }));
  assert.deepEqual(images.files.map((f: { id: string }) => f.id), ["F0PNGIMG01"]);
  const list = stack.emulator.calls.filter((c) => c.method === "files.list").at(-1)!;
  assert.equal(list.params.types, "images");

  const first = ok(await call(client, "slack_list_files", { limit: 2 }));
  assert.equal(first.files.length, 2);
  assert.ok(first.next_cursor);
  const second = ok(
    await call(client, "slack_list_files", { limit: 2, cursor: first.next_cursor }),
  );
  assert.equal(second.files.length, 2);
  const seen = new Set([...first.files, ...second.files].map((f: { id: string }) => f.id));
  assert.equal(seen.size, 4, "the second page holds other files");
});

Deno.test("slack_get_file returns a snippet, Markdown and CSV exactly as stored", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  for (const id of ["F0PYSNIP01", "F0MDNOTE01", "F0CSVDAT01"]) {
    const result = await call(client, "slack_get_file", { file_id: id });
    const file = ok(result);
    const expected = new TextDecoder().decode(stored(stack, id).bytes);
    assert.equal(file.content, expected, id);
    assert.equal(file.remaining_bytes, undefined, id);
    assert.equal(file.note, undefined, id);
    assert.ok(textOf(result).includes(expected), `${id}: the text carries the content`);
  }
  const snippet = ok(await call(client, "slack_get_file", { file_id: "F0PYSNIP01" }));
  assert.equal(snippet.type, "Python");
  assert.equal(snippet.user, "bruno");
  assert.deepEqual(snippet.users, { U0BRUNO02: "bruno" });
});

Deno.test("slack_get_file cuts text at max_bytes with a note saying how much is left", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const bytes = stored(stack, "F0MDNOTE01").bytes;

  const result = await call(client, "slack_get_file", { file_id: "F0MDNOTE01", max_bytes: 40 });

  const file = ok(result);
  assert.equal(file.content, new TextDecoder().decode(bytes.subarray(0, 40)));
  assert.equal(file.remaining_bytes, bytes.length - 40);
  assert.match(file.note, new RegExp(`Truncated after 40 bytes; ${bytes.length - 40} more bytes`));
  assert.match(file.note, /max_bytes/);
  assert.match(textOf(result), /Truncated after 40 bytes/);
});

Deno.test("slack_get_file never cuts a character in two", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const uploaded = ok(
    await call(client, "slack_upload_file", {
      channel_id: "#general",
      filename: "menu.txt",
      content: "Crème brûlée 🍮 and café",
    }),
  );

  // "Crème br" is 9 bytes; the 10th is the first of the two bytes of "û".
  const cut = ok(
    await call(client, "slack_get_file", { file_id: uploaded.file_id, max_bytes: 10 }),
  );

  assert.equal(cut.content, "Crème br");
  assert.equal(
    cut.remaining_bytes,
    new TextEncoder().encode("Crème brûlée 🍮 and café").length - 9,
  );
});

Deno.test("slack_get_file returns an image as image content with the file's exact bytes", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_get_file", { file_id: "F0PNGIMG01" });

  const file = ok(result);
  const image = result.content.find((c) => c.type === "image");
  assert(image && image.type === "image", "an image content block");
  assert.equal(image.mimeType, "image/png");
  assert.equal(image.data, base64(stored(stack, "F0PNGIMG01").bytes));
  assert.equal(file.content, undefined);
  assert.match(file.note, /image content/);
});

Deno.test("slack_get_file describes an image over 1 MiB instead of sending it", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const png = new Uint8Array(1_048_576 + 100);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const uploaded = ok(
    await call(client, "slack_upload_file", {
      channel_id: "#general",
      filename: "huge.png",
      content_base64: base64(png),
    }),
  );

  const result = await call(client, "slack_get_file", { file_id: uploaded.file_id });

  const file = ok(result);
  assert.equal(file.type, "PNG");
  assert.equal(file.size, png.length);
  assert.match(file.note, /The image is 1\.0 MB, over the 1 MiB limit for image content/);
  assert.equal(result.content.some((c) => c.type === "image"), false);
});

Deno.test("slack_get_file returns a PDF and a canvas as metadata and a link only", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  stack.emulator.resetCalls();

  const pdf = ok(await call(client, "slack_get_file", { file_id: "F0PDFDOC01" }));
  assert.equal(pdf.type, "PDF");
  assert.equal(pdf.content, undefined);
  assert.match(pdf.permalink, /F0PDFDOC01/);
  assert.match(pdf.note, /PDF file: its content is not returned; open the permalink/);

  const canvas = ok(await call(client, "slack_get_file", { file_id: "F0RUNBOOK1" }));
  assert.match(canvas.note, /slack_get_canvas/);
  assert.deepEqual(
    stack.emulator.calls.map((c) => c.method).filter((m) => m.startsWith("files.")),
    ["files.info", "files.info"],
  );
});

Deno.test("slack_get_file on a file the bot cannot see says so and how to find files", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_get_file", { file_id: "F0PDFHR001" });

  assert.equal(result.isError, true);
  assert.match(textOf(result), /files\.info failed: file_not_found\. .*slack_list_files/);
});

Deno.test("downloads send the token in the Authorization header, never in the URL", async () => {
  const downloads: { url: string; authorization: string | null }[] = [];
  await using stack = await startStack({
    overrides: {
      fetch: (input, init) => {
        const request = new Request(input, init);
        if (new URL(request.url).pathname.startsWith("/files-pri/")) {
          downloads.push({ url: request.url, authorization: request.headers.get("authorization") });
        }
        return fetch(request);
      },
    },
  });
  const client = await connect(stack);

  ok(await call(client, "slack_get_file", { file_id: "F0CSVDAT01" }));

  assert.equal(downloads.length, 1);
  assert.equal(downloads[0].authorization, "Bearer xoxb-demo-bot-token");
  assert.ok(!downloads[0].url.includes("xoxb"), downloads[0].url);
  assert.match(downloads[0].url, /\/files-pri\/T0DEMO001-F0CSVDAT01\/download\//);
});

Deno.test("Slack's sign-in page served instead of a file is a files:read scope error, not content", async () => {
  // What Slack does when the token may not read files: the download answers its sign-in page.
  await using stack = await startStack({
    overrides: {
      fetch: (input, init) => {
        const request = new Request(input, init);
        if (!new URL(request.url).pathname.startsWith("/files-pri/")) return fetch(request);
        const headers = new Headers(request.headers);
        headers.set("authorization", "Bearer xoxb-without-files-read");
        return fetch(new Request(request, { headers }));
      },
    },
  });
  const client = await connect(stack);

  for (const id of ["F0CSVDAT01", "F0PNGIMG01"]) {
    const result = await call(client, "slack_get_file", { file_id: id });
    assert.equal(result.isError, true, id);
    const text = textOf(result);
    assert.match(text, new RegExp(`download of ${id} with its sign-in page`));
    assert.match(text, /files:read scope/);
    assert.ok(!/Sign in to|<html|signin_form/i.test(text), "the page is not passed on");
  }
});

Deno.test("slack_upload_file shares text in the channel with the exact bytes and the comment", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const content = "week,signups\n2026-W46,612\n";

  const result = await call(client, "slack_upload_file", {
    channel_id: "#general",
    filename: "signups-w46.csv",
    content,
    title: "Signups W46",
    initial_comment: "This week's signups",
  });

  const uploaded = ok(result);
  assert.match(uploaded.file_id, /^F/);
  assert.equal(uploaded.channel_id, "C0GENERAL");
  assert.match(uploaded.permalink, new RegExp(`/files/U0BOT0001/${uploaded.file_id}/`));
  const file = stored(stack, uploaded.file_id);
  assert.deepEqual(file.bytes, new TextEncoder().encode(content));
  assert.equal(file.title, "Signups W46");
  assert.equal(file.filetype, "csv");
  const general = stack.emulator.workspace.channels.find((c) => c.conversation.id === "C0GENERAL")!;
  const message = general.messages.find((m) => m.files?.some((f) => f.id === uploaded.file_id));
  assert(message, "a message in #general shares the file");
  assert.equal(message.text, "This week's signups");
  assert.equal(message.user, "U0BOT0001");
  assert.deepEqual(
    stack.emulator.calls.map((c) => c.method).filter((m) => m.startsWith("files.")),
    ["files.getUploadURLExternal", "files.completeUploadExternal"],
  );
  assert.match(textOf(result), /Uploaded signups-w46\.csv \(26 B\) to C0GENERAL as F/);

  // The listing shows it at once: the upload dropped the cached page.
  const listed = ok(await call(client, "slack_list_files", { channel_id: "#general" }));
  assert.equal(listed.files[0].id, uploaded.file_id);
});

Deno.test("slack_upload_file shares base64 bytes exactly, as a thread reply", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  const bytes = binaryBytes(70_000);
  const parent = stack.emulator.workspace.channels
    .find((c) => c.conversation.id === "C0ENGINRG")!.messages.at(-1)!;

  const uploaded = ok(
    await call(client, "slack_upload_file", {
      channel_id: "C0ENGINRG",
      filename: "dump.bin",
      content_base64: base64(bytes),
      thread_ts: parent.ts,
    }),
  );

  assert.deepEqual(stored(stack, uploaded.file_id).bytes, bytes);
  const engineering = stack.emulator.workspace.channels.find((c) =>
    c.conversation.id === "C0ENGINRG"
  )!;
  const reply = engineering.threads.get(parent.ts)?.find((m) =>
    m.files?.some((f) => f.id === uploaded.file_id)
  );
  assert(reply, "the file is shared in the thread");
});

Deno.test("an upload over 5 MiB is refused before anything is sent to Slack", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  stack.emulator.resetCalls();

  const big = await call(client, "slack_upload_file", {
    channel_id: "#general",
    filename: "big.bin",
    content_base64: base64(new Uint8Array(5 * 1_048_576 + 1)),
  });
  const bigText = await call(client, "slack_upload_file", {
    channel_id: "#general",
    filename: "big.txt",
    content: "x".repeat(5 * 1_048_576 + 10),
  });

  for (const result of [big, bigText]) {
    assert.equal(result.isError, true);
    assert.match(textOf(result), /over this server's 5 MiB \(5,242,880-byte\) upload limit/);
  }
  assert.match(textOf(big), /5,242,881 bytes/);
  assert.deepEqual(stack.emulator.calls, [], "no Slack call at all, not even a name lookup");
  assert.deepEqual(stack.emulator.workspace.uploads, []);
});

Deno.test("slack_upload_file takes exactly one of content and content_base64", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  stack.emulator.resetCalls();

  const neither = await call(client, "slack_upload_file", {
    channel_id: "C0GENERAL",
    filename: "a",
  });
  const both = await call(client, "slack_upload_file", {
    channel_id: "C0GENERAL",
    filename: "a.txt",
    content: "a",
    content_base64: "YQ==",
  });
  const notBase64 = await call(client, "slack_upload_file", {
    channel_id: "C0GENERAL",
    filename: "a.bin",
    content_base64: "not base64!",
  });

  assert.match(textOf(neither), /pass the file as content \(text\) or content_base64/);
  assert.match(textOf(both), /pass content or content_base64, not both/);
  assert.match(textOf(notBase64), /content_base64 is not base64/);
  assert.deepEqual(stack.emulator.calls, []);
});

Deno.test("slack_upload_file obeys SLACK_WRITE_CHANNELS and read-only mode hides it", async () => {
  await using limited = await startStack({ env: { SLACK_WRITE_CHANNELS: "#general" } });
  const client = await connect(limited);
  const refused = await call(client, "slack_upload_file", {
    channel_id: "#engineering",
    filename: "a.txt",
    content: "a",
  });
  assert.equal(refused.isError, true);
  assert.match(textOf(refused), /may not write to #engineering: SLACK_WRITE_CHANNELS allows only/);
  assert.equal(
    limited.emulator.calls.filter((c) => c.method.startsWith("files.")).length,
    0,
  );

  await using readOnly = await startStack({ env: { SLACK_READ_ONLY: "true" } });
  const reader = await readOnly.connect();
  const names = (await reader.listTools()).tools.map((t) => t.name);
  for (const name of ["slack_list_files", "slack_get_file", "slack_get_canvas"]) {
    assert.ok(names.includes(name), name);
  }
  for (const name of ["slack_upload_file", "slack_create_canvas", "slack_edit_canvas"]) {
    assert.ok(!names.includes(name), name);
  }
  const disabled = await call(reader, "slack_upload_file", {
    channel_id: "#general",
    filename: "a.txt",
    content: "a",
  });
  assert.match(textOf(disabled), /disabled: the server runs with SLACK_READ_ONLY=true/);
});
