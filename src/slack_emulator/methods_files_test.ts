import assert from "node:assert/strict";
import {
  app,
  assertSlackShape,
  bot,
  type Json,
  startEmulator,
  type TestEmulator,
  testNow,
  user,
} from "./testing.ts";
import { demoUsers } from "./seed_ids.ts";
import { createSeedWorkspace } from "./seed.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

async function download(url: string, token?: string | null) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await fetch(url, { headers });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

function seededBytes(id: string): Uint8Array<ArrayBuffer> {
  return createSeedWorkspace({ now: testNow }).files.find((f) => f.id === id)!.bytes;
}

/** Starts an upload of `content` and posts its bytes; returns the file ID. */
async function upload(
  t: TestEmulator,
  filename: string,
  content: Uint8Array<ArrayBuffer>,
  token = bot,
): Promise<string> {
  const started = await t.call(
    "files.getUploadURLExternal",
    { filename, length: content.length },
    token,
  );
  assert.equal(started.ok, true, started.error);
  const posted = await fetch(started.upload_url, { method: "POST", body: content });
  assert.equal(await posted.text(), `OK - ${content.length}`);
  return started.file_id;
}

// Seed and metadata

Deno.test("the seed shares a snippet, Markdown, CSV, PNG and PDFs in channels", async () => {
  await using t = await startEmulator();
  const expected: [string, string, string, string][] = [
    ["F0PYSNIP01", "python", "snippet", "C0ENGINRG"],
    ["F0MDNOTE01", "markdown", "hosted", "C0ENGINRG"],
    ["F0CSVDAT01", "csv", "hosted", "C0GENERAL"],
    ["F0PNGIMG01", "png", "hosted", "C0ENGINRG"],
    ["F0PDFDOC01", "pdf", "hosted", "C0LEADERS"],
    ["F0PDFHR001", "pdf", "hosted", "C0PEOPLEO"],
  ];
  for (const [id, filetype, mode, channel] of expected) {
    const body = await t.call("files.info", { file: id }, user);
    await assertSlackShape("files.info", body);
    const { file } = body;
    assert.deepEqual([file.filetype, file.mode], [filetype, mode], id);
    assert.ok(file.name && file.title && file.mimetype && file.pretty_type && file.user, id);
    assert.equal(file.size, seededBytes(id).length, `${id} size`);
    assert.ok([...file.channels, ...file.groups].includes(channel), `${id} shared in ${channel}`);
    assert.equal(
      file.url_private_download,
      `${t.origin}/files-pri/T0DEMO001-${id}/download/${encodeURIComponent(file.name)}`,
    );
    assert.equal(file.url_private, file.url_private_download.replace("/download/", "/"));
    assert.match(file.permalink, new RegExp(`^https://acme-demo\\.slack\\.com/files/U\\w+/${id}/`));
    const share = Object.values({ ...file.shares.public, ...file.shares.private })
      .flat()[0] as Json;
    assert.match(share.ts, /^\d{10}\.\d{6}$/);
  }
  const png = (await t.call("files.info", { file: "F0PNGIMG01" })).file;
  assert.deepEqual([png.mimetype, png.original_w, png.original_h], ["image/png", 48, 24]);
  const snippet = (await t.call("files.info", { file: "F0PYSNIP01" })).file;
  assert.match(snippet.preview, /^import random\n/);
  assert.equal(
    (await t.call("files.info", { file: "F0PDFDOC01" })).file.shares.private.C0LEADERS.length,
    1,
  );
});

Deno.test("a channel's history shows file shares with full file objects on the emulator's host", async () => {
  await using t = await startEmulator();
  const history = await t.call("conversations.history", { channel: "C0ENGINRG", limit: 200 });
  await assertSlackShape("conversations.history", history);
  const shares = history.messages.filter((m: Json) => m.files);
  assert.deepEqual(
    shares.map((m: Json) => m.files.map((f: Json) => f.id)).flat().sort(),
    ["F0MDNOTE01", "F0PNGIMG01", "F0PYSNIP01"],
  );
  for (const message of shares) {
    assert.equal(message.upload, true);
    assert.ok(message.text);
    assert.ok(message.files[0].url_private_download.startsWith(`${t.origin}/files-pri/`));
  }
});

Deno.test("files.info answers file_not_found for unknown files and files the caller cannot see", async () => {
  await using t = await startEmulator();
  assert.deepEqual(await t.call("files.info", { file: "F0NOPE0001" }), {
    ok: false,
    error: "file_not_found",
  });
  assert.equal(
    (await t.call("files.info", { file: "F0PDFHR001" })).error,
    "file_not_found",
    "the bot is not in #people-ops",
  );
  assert.equal((await t.call("files.info", { file: "F0PDFHR001" }, user)).ok, true);
});

// files.list

Deno.test("files.list lists the files the caller can see, newest first, by channel, user and type", async () => {
  await using t = await startEmulator();
  const all = await t.call("files.list");
  await assertSlackShape("files.list", all);
  const ids = all.files.map((f: Json) => f.id);
  assert.ok(!ids.includes("F0PDFHR001"), "not in a channel the bot is in");
  assert.ok(!ids.includes("F0CANVAS02"), "Alice's private canvas");
  assert.ok(ids.includes("F0RUNBOOK1"), "canvases are files too");
  const created = all.files.map((f: Json) => f.created);
  assert.deepEqual(created, [...created].sort((a, b) => b - a));
  assert.deepEqual(all.paging, { count: 100, total: ids.length, page: 1, pages: 1 });

  const ofType = async (types: string, token = user) =>
    (await t.call("files.list", { types }, token)).files.map((f: Json) => f.id).sort();
  assert.deepEqual(await ofType("images"), ["F0PNGIMG01"]);
  assert.deepEqual(await ofType("snippets"), ["F0PYSNIP01"]);
  assert.deepEqual(await ofType("pdfs"), ["F0PDFDOC01", "F0PDFHR001"]);
  assert.deepEqual(await ofType("pdfs", bot), ["F0PDFDOC01"]);
  assert.deepEqual(await ofType("canvases"), ["F0CANVAS02", "F0RUNBOOK1"]);
  assert.deepEqual(await ofType("images,snippets"), ["F0PNGIMG01", "F0PYSNIP01"]);
  assert.equal((await t.call("files.list", { types: "videos" })).error, "unknown_type");

  const inGeneral = await t.call("files.list", { channel: "C0GENERAL" });
  assert.deepEqual(inGeneral.files.map((f: Json) => f.id), ["F0CSVDAT01"]);
  const byDiego = await t.call("files.list", { user: demoUsers.diego });
  assert.deepEqual(byDiego.files.map((f: Json) => f.id), ["F0PNGIMG01", "F0RUNBOOK1"]);
  assert.equal((await t.call("files.list", { user: "U0NOBODY1" })).error, "user_not_found");
});

Deno.test("files.list pages by page and count, and by cursor and limit", async () => {
  await using t = await startEmulator();
  const all = (await t.call("files.list", {}, user)).files.map((f: Json) => f.id);
  assert.equal(all.length, 8);
  const second = await t.call("files.list", { count: 3, page: 2 }, user);
  assert.deepEqual(second.files.map((f: Json) => f.id), all.slice(3, 6));
  assert.deepEqual(second.paging, { count: 3, total: 8, page: 2, pages: 3 });
  assert.equal(second.response_metadata, undefined);
  const { items, pages } = await t.walk("files.list", "files", { limit: 3 }, user);
  assert.deepEqual(items.map((f) => f.id), all);
  assert.equal(pages, 3);
  assert.equal((await t.call("files.list", { cursor: "bad" })).error, "invalid_cursor");
  assert.equal((await t.call("files.list", { limit: 1001 })).error, "invalid_limit");
});

// Downloads

Deno.test("a download with a valid bearer token serves the file's exact bytes", async () => {
  await using t = await startEmulator();
  for (const id of ["F0PNGIMG01", "F0PDFDOC01", "F0CSVDAT01", "F0PYSNIP01"]) {
    const { file } = await t.call("files.info", { file: id }, user);
    const { response, bytes } = await download(file.url_private_download, user);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), file.mimetype);
    assert.match(response.headers.get("content-disposition")!, /^attachment; filename\*=UTF-8''/);
    assert.deepEqual(bytes, seededBytes(id), id);
  }
  const png = (await t.call("files.info", { file: "F0PNGIMG01" })).file;
  const inline = await download(png.url_private, bot);
  assert.deepEqual([...inline.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.equal(inline.response.headers.get("content-disposition"), null);
});

Deno.test("a download without a usable token gets Slack's HTML sign-in page, status 200", async () => {
  await using t = await startEmulator();
  const { file } = await t.call("files.info", { file: "F0CSVDAT01" });
  const signIn = async (token?: string | null) => {
    const { response, bytes } = await download(file.url_private_download, token);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    const text = decoder.decode(bytes);
    assert.ok(text.startsWith("<!DOCTYPE html>"));
    assert.match(text, /Sign in to Acme Demo/);
  };
  await signIn(null);
  await signIn("xoxb-not-a-token");
  await signIn(app);
  const asQuery = await fetch(`${file.url_private_download}?token=${bot}`);
  assert.match(await asQuery.text(), /Sign in/, "a token must come in the header");
  t.served.emulator.workspace.app.scopes = { bot: ["channels:history", "files:write"] };
  await signIn(bot);
  const ok = await download(file.url_private_download, user);
  assert.equal(decoder.decode(ok.bytes), decoder.decode(seededBytes("F0CSVDAT01")));
});

Deno.test("a download of a file the caller cannot see is not found", async () => {
  await using t = await startEmulator();
  const { file } = await t.call("files.info", { file: "F0PDFHR001" }, user);
  assert.equal((await download(file.url_private_download, bot)).response.status, 404);
  const missing = await download(`${t.origin}/files-pri/T0DEMO001-F0NOPE0001/download/x.txt`, bot);
  assert.equal(missing.response.status, 404);
});

// Uploads

Deno.test("an upload posts its bytes, then completes into a message sharing the file", async () => {
  await using t = await startEmulator();
  const events: Json[] = [];
  t.served.emulator.onEvent((e) => events.push(e.event));
  const content = encoder.encode("name,score\nada,10\ngrace,9\n");
  const fileId = await upload(t, "scores.csv", content);
  assert.match(fileId, /^F[A-Z0-9]{8,}$/);
  const completed = await t.call("files.completeUploadExternal", {
    files: [{ id: fileId, title: "Scores" }],
    channel_id: "C0GENERAL",
    initial_comment: "This week's scores",
  });
  assert.equal(completed.ok, true, completed.error);
  assert.deepEqual(
    [completed.files[0].id, completed.files[0].title, completed.files[0].filetype],
    [fileId, "Scores", "csv"],
  );
  const [message] = (await t.call("conversations.history", { channel: "C0GENERAL", limit: 1 }))
    .messages;
  assert.deepEqual([message.text, message.user, message.files[0].id], [
    "This week's scores",
    "U0BOT0001",
    fileId,
  ]);
  assert.equal(events.at(-1).files[0].id, fileId, "the message event carries the file");
  const info = await t.call("files.info", { file: fileId }, user);
  await assertSlackShape("files.info", info);
  assert.deepEqual(info.file.channels, ["C0GENERAL"]);
  const { bytes } = await download(info.file.url_private_download, user);
  assert.deepEqual(bytes, content);
});

Deno.test("an upload accepts a multipart form's file field and can go into a thread or a DM", async () => {
  await using t = await startEmulator();
  const png = seededBytes("F0PNGIMG01");
  const started = await t.call("files.getUploadURLExternal", {
    filename: "chart.png",
    length: png.length,
  }, user);
  const form = new FormData();
  form.append("file", new Blob([png]), "chart.png");
  const posted = await fetch(started.upload_url, { method: "POST", body: form });
  assert.equal(await posted.text(), `OK - ${png.length}`);
  const [parent] = (await t.call("conversations.history", { channel: "D0DMBRUNO", limit: 1 }, user))
    .messages;
  const completed = await t.call("files.completeUploadExternal", {
    files: JSON.stringify([{ id: started.file_id }]),
    channel_id: "D0DMBRUNO",
    thread_ts: parent.ts,
  }, user);
  assert.equal(completed.ok, true, completed.error);
  const file = completed.files[0];
  assert.deepEqual([file.title, file.ims, file.original_w], ["chart.png", ["D0DMBRUNO"], 48]);
  const replies = await t.call(
    "conversations.replies",
    { channel: "D0DMBRUNO", ts: parent.ts },
    user,
  );
  await assertSlackShape("conversations.replies", replies);
  assert.equal(replies.messages.at(-1).files[0].id, started.file_id);
  assert.deepEqual((await download(file.url_private_download, user)).bytes, png);
  assert.equal((await t.call("files.info", { file: started.file_id })).error, "file_not_found");
});

Deno.test("an upload completed without a channel stays private to its uploader", async () => {
  await using t = await startEmulator();
  const fileId = await upload(t, "notes.txt", encoder.encode("private notes"), user);
  const completed = await t.call("files.completeUploadExternal", { files: [{ id: fileId }] }, user);
  assert.deepEqual(completed.files[0].channels, []);
  assert.equal((await t.call("files.info", { file: fileId }, user)).file.mimetype, "text/plain");
  assert.equal((await t.call("files.info", { file: fileId })).error, "file_not_found");
});

Deno.test("files.completeUploadExternal refuses unknown, unfinished and repeated uploads", async () => {
  await using t = await startEmulator();
  const complete = async (params: Record<string, unknown>, token = bot) =>
    (await t.call("files.completeUploadExternal", params, token)).error;
  assert.equal(await complete({ files: [{ id: "F0NOPE0001" }] }), "file_not_found");
  const pending = await t.call("files.getUploadURLExternal", { filename: "a.txt", length: 3 });
  assert.equal(await complete({ files: [{ id: pending.file_id }] }), "file_upload_not_complete");
  const fileId = await upload(t, "b.txt", encoder.encode("abc"));
  assert.equal(await complete({ files: [{ id: fileId }] }, user), "file_not_found", "not theirs");
  assert.equal(
    await complete({ files: [{ id: fileId }], channel_id: "C0NOPE000" }),
    "channel_not_found",
  );
  assert.equal(
    await complete({ files: [{ id: fileId }], channel_id: "C0SUPPORT" }),
    "not_in_channel",
  );
  assert.equal(await complete({ files: [{ id: fileId }], channel_id: "C0OLDPROJ" }), "is_archived");
  assert.equal(await complete({ files: "not json" }), "invalid_arguments");
  assert.equal(await complete({}), "invalid_arguments");
  assert.equal(
    (await t.call("files.completeUploadExternal", { files: [{ id: fileId }] })).ok,
    true,
  );
  assert.equal(await complete({ files: [{ id: fileId }] }), "file_not_found", "only once");
});

Deno.test("files.getUploadURLExternal needs a file name and a length", async () => {
  await using t = await startEmulator();
  const start = async (params: Record<string, unknown>) =>
    await t.call("files.getUploadURLExternal", params);
  const missing = await start({ length: 3 });
  assert.deepEqual(missing, {
    ok: false,
    error: "invalid_arguments",
    response_metadata: { messages: ["[ERROR] missing required field: filename"] },
  });
  assert.equal((await start({ filename: "a.txt" })).error, "invalid_arguments");
  assert.equal((await start({ filename: "a.txt", length: 0 })).error, "invalid_arguments");
  const started = await start({ filename: "a.txt", length: 3 });
  assert.ok(started.upload_url.startsWith(`${t.origin}/upload/v1/`));
  const unknown = await fetch(`${t.origin}/upload/v1/UP0NOPE`, { method: "POST", body: "abc" });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
  t.served.emulator.workspace.app.scopes = { bot: ["files:read"] };
  assert.equal((await start({ filename: "a.txt", length: 3 })).needed, "files:write");
});
