import assert from "node:assert/strict";
import {
  assertSlackShape,
  bot,
  type Json,
  startEmulator,
  type TestEmulator,
  user,
} from "./testing.ts";
import { PRIVATE_CANVAS_ID, RUNBOOK_CANVAS_ID } from "./seed.ts";

/** The canvas's HTML as its download serves it. */
async function canvasHtml(t: TestEmulator, id: string, token = bot): Promise<string> {
  const { file } = await t.call("files.info", { file: id }, token);
  const response = await fetch(file.url_private_download, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  return await response.text();
}

/** The section IDs in a canvas's HTML, in document order, with their element's tag. */
function sectionsOf(html: string): { tag: string; id: string; text: string }[] {
  return [...html.matchAll(/<(\w+) id="(temp:C:[A-Za-z0-9]{28})"[^>]*>(.*?)(?:<\/\1>|$)/gm)].map(
    ([, tag, id, inner]) => ({ tag, id, text: inner.replace(/<[^>]+>/g, "") }),
  );
}

async function lookup(t: TestEmulator, criteria: Json, canvasId = RUNBOOK_CANVAS_ID) {
  return await t.call("canvases.sections.lookup", { canvas_id: canvasId, criteria });
}

async function edit(t: TestEmulator, canvasId: string, ...changes: Json[]) {
  return await t.call("canvases.edit", { canvas_id: canvasId, changes });
}

// Seeded canvases

Deno.test("#engineering's canvas is the runbook, a quip file served as HTML with section IDs", async () => {
  await using t = await startEmulator();
  const info = await t.call("conversations.info", { channel: "C0ENGINRG" });
  assert.equal(info.channel.properties.canvas.file_id, RUNBOOK_CANVAS_ID);
  const file = await t.call("files.info", { file: RUNBOOK_CANVAS_ID });
  await assertSlackShape("files.info", file);
  assert.deepEqual(
    [file.file.filetype, file.file.pretty_type, file.file.title, file.file.channels],
    ["quip", "Canvas", "Incident runbook", ["C0ENGINRG"]],
  );
  assert.equal(
    file.file.permalink,
    `https://acme-demo.slack.com/docs/T0DEMO001/${RUNBOOK_CANVAS_ID}`,
  );
  const html = await canvasHtml(t, RUNBOOK_CANVAS_ID);
  assert.equal(file.file.size, new TextEncoder().encode(html).length);
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.match(html, /<title>Incident runbook<\/title>/);
  const sections = sectionsOf(html);
  assert.equal(sections[0].tag, "h1");
  assert.ok(sections.length >= 12, `${sections.length} sections`);
  assert.equal(new Set(sections.map((s) => s.id)).size, sections.length, "IDs are unique");
  assert.match(html, /<b>API error rate<\/b>/);
  assert.match(html, /<a href="https:\/\/acme-demo\.slack\.com\/team\/U0DIEGO04">@diego<\/a>/);
  assert.match(html, /<ol>\n<li id="temp:C:\w+">Roll back/);
  assert.match(html, /<ul class="checklist">/);
});

Deno.test("a private canvas is visible to its owner only", async () => {
  await using t = await startEmulator();
  assert.equal(
    (await t.call("files.info", { file: PRIVATE_CANVAS_ID }, user)).file.title,
    "Q1 planning notes",
  );
  assert.equal(
    (await lookup(t, { section_types: ["h1"] }, PRIVATE_CANVAS_ID)).error,
    "canvas_not_found",
  );
  assert.equal(
    (await edit(t, PRIVATE_CANVAS_ID, { operation: "delete", section_id: "x" })).error,
    "canvas_not_found",
  );
});

// canvases.sections.lookup

Deno.test("canvases.sections.lookup finds sections by heading type and text", async () => {
  await using t = await startEmulator();
  const sections = sectionsOf(await canvasHtml(t, RUNBOOK_CANVAS_ID));
  const idsOf = (tags: string[]) => sections.filter((s) => tags.includes(s.tag)).map((s) => s.id);
  const h2 = await lookup(t, { section_types: ["h2"] });
  assert.deepEqual(h2.sections, idsOf(["h2"]).map((id) => ({ id })));
  assert.equal(h2.sections.length, 4);
  const headers = await lookup(t, { section_types: ["any_header"] });
  assert.deepEqual(headers.sections.map((s: Json) => s.id), idsOf(["h1", "h2", "h3"]));
  const mitigate = await lookup(t, { section_types: ["any_header"], contains_text: "mitigate" });
  assert.deepEqual(
    mitigate.sections.map((s: Json) => s.id),
    sections.filter((s) => s.text === "2. Mitigate").map((s) => s.id),
  );
  const anyKind = await lookup(t, { contains_text: "status page" });
  assert.deepEqual(
    anyKind.sections.map((s: Json) => s.id),
    sections.filter((s) => s.text.includes("status page")).map((s) => s.id),
  );
  assert.equal(anyKind.sections.length, 1);
  assert.deepEqual((await lookup(t, { contains_text: "nowhere to be found" })).sections, []);
});

Deno.test("canvases.sections.lookup refuses missing or unknown criteria", async () => {
  await using t = await startEmulator();
  assert.equal((await lookup(t, undefined)).error, "invalid_arguments");
  assert.equal((await lookup(t, {})).error, "invalid_arguments");
  assert.equal((await lookup(t, { section_types: ["h4"] })).error, "invalid_arguments");
  assert.equal(
    (await lookup(t, { section_types: ["h1"] }, "F0NOPE0001")).error,
    "canvas_not_found",
  );
  const formEncoded = await t.call("canvases.sections.lookup", {
    canvas_id: RUNBOOK_CANVAS_ID,
    criteria: JSON.stringify({ section_types: ["h1"] }),
  });
  assert.equal(formEncoded.sections.length, 1, "criteria may come as JSON text in a form");
});

// Creating canvases

Deno.test("canvases.create makes a canvas from Markdown that files.info describes", async () => {
  await using t = await startEmulator();
  const created = await t.call("canvases.create", {
    title: "Retro notes",
    document_content: { type: "markdown", markdown: "# Retro\n## What went well\n- The deploy" },
  });
  assert.match(created.canvas_id, /^F[A-Z0-9]{8,}$/);
  const { file } = await t.call("files.info", { file: created.canvas_id });
  assert.deepEqual([file.title, file.filetype, file.user], ["Retro notes", "quip", "U0BOT0001"]);
  const sections = sectionsOf(await canvasHtml(t, created.canvas_id));
  assert.deepEqual(sections.map((s) => [s.tag, s.text]), [
    ["h1", "Retro"],
    ["h2", "What went well"],
    ["li", "The deploy"],
  ]);
  assert.equal(
    (await t.call("files.info", { file: created.canvas_id }, user)).error,
    "file_not_found",
  );
  const untitled = await t.call("canvases.create", {});
  assert.equal((await t.call("files.info", { file: untitled.canvas_id })).file.title, "Untitled");
  const formEncoded = await t.call("canvases.create", {
    title: "Form",
    document_content: JSON.stringify({ type: "markdown", markdown: "Hello" }),
  });
  assert.equal(formEncoded.ok, true);
});

Deno.test("canvases.create refuses Markdown Slack refuses and content that is not Markdown", async () => {
  await using t = await startEmulator();
  assert.deepEqual(
    await t.call("canvases.create", {
      title: "Deep",
      document_content: { type: "markdown", markdown: "#### Too deep" },
    }),
    { ok: false, error: "canvas_creation_failed", detail: "Unsupported heading depth (4)" },
  );
  const notMarkdown = await t.call("canvases.create", {
    document_content: { type: "html", markdown: "x" },
  });
  assert.equal(notMarkdown.error, "invalid_arguments");
});

Deno.test("conversations.canvases.create gives a channel its canvas, once", async () => {
  await using t = await startEmulator();
  const created = await t.call("conversations.canvases.create", {
    channel_id: "C0DESIGN0",
    document_content: { type: "markdown", markdown: "# Design principles" },
  });
  assert.equal(created.ok, true, created.error);
  const info = await t.call("conversations.info", { channel: "C0DESIGN0" });
  assert.deepEqual(info.channel.properties.canvas.file_id, created.canvas_id);
  const { file } = await t.call("files.info", { file: created.canvas_id }, user);
  assert.deepEqual([file.title, file.channels], ["design", ["C0DESIGN0"]]);
  const again = await t.call("conversations.canvases.create", { channel_id: "C0DESIGN0" });
  assert.equal(again.error, "channel_canvas_already_exists");
  assert.equal(
    (await t.call("conversations.canvases.create", { channel_id: "C0ENGINRG" })).error,
    "channel_canvas_already_exists",
  );
  assert.equal(
    (await t.call("conversations.canvases.create", { channel_id: "C0NOPE000" })).error,
    "channel_not_found",
  );
  assert.equal(
    (await t.call("conversations.canvases.create", { channel_id: "C0SUPPORT" })).error,
    "not_in_channel",
  );
  assert.equal((await t.call("conversations.canvases.create", {})).error, "invalid_arguments");
});

// canvases.edit

Deno.test("canvases.edit inserts, replaces and deletes sections where asked", async () => {
  await using t = await startEmulator();
  const { canvas_id: id } = await t.call("canvases.create", {
    title: "Plan",
    document_content: { type: "markdown", markdown: "# Plan\n## Goals\nShip it\n## Risks\nNone" },
  });
  const texts = async () => sectionsOf(await canvasHtml(t, id)).map((s) => s.text);
  const idOf = async (text: string) =>
    sectionsOf(await canvasHtml(t, id)).find((s) => s.text === text)!.id;
  const markdown = (md: string) => ({ type: "markdown", markdown: md });

  assert.deepEqual(
    await edit(t, id, { operation: "insert_at_start", document_content: markdown("Draft") }),
    { ok: true },
  );
  await edit(t, id, { operation: "insert_at_end", document_content: markdown("---\nThe end") });
  await edit(t, id, {
    operation: "insert_after",
    section_id: await idOf("Goals"),
    document_content: markdown("- fast\n- safe"),
  });
  await edit(t, id, {
    operation: "insert_before",
    section_id: await idOf("Risks"),
    document_content: markdown("## Budget"),
  });
  assert.deepEqual(await texts(), [
    "Draft",
    "Plan",
    "Goals",
    "fast",
    "safe",
    "Ship it",
    "Budget",
    "Risks",
    "None",
    "",
    "The end",
  ]);

  await edit(t, id, {
    operation: "replace",
    section_id: await idOf("None"),
    document_content: markdown("Vendor **delays**"),
  });
  await edit(t, id, { operation: "delete", section_id: await idOf("Draft") });
  assert.deepEqual(await texts(), [
    "Plan",
    "Goals",
    "fast",
    "safe",
    "Ship it",
    "Budget",
    "Risks",
    "Vendor delays",
    "",
    "The end",
  ]);
  assert.match(await canvasHtml(t, id), /Vendor <b>delays<\/b>/);

  await edit(t, id, { operation: "replace", document_content: markdown("# Fresh start") });
  assert.deepEqual(await texts(), ["Fresh start"]);
});

Deno.test("canvases.edit renames a canvas", async () => {
  await using t = await startEmulator();
  const renamed = await edit(t, RUNBOOK_CANVAS_ID, {
    operation: "rename",
    title_content: { type: "markdown", markdown: "On-call runbook" },
  });
  assert.equal(renamed.ok, true, renamed.error);
  assert.equal(
    (await t.call("files.info", { file: RUNBOOK_CANVAS_ID })).file.title,
    "On-call runbook",
  );
  assert.match(await canvasHtml(t, RUNBOOK_CANVAS_ID, user), /<title>On-call runbook<\/title>/);
});

Deno.test("canvases.edit refuses unknown canvases, sections and operations, and several changes", async () => {
  await using t = await startEmulator();
  const [first] = (await lookup(t, { section_types: ["h1"] })).sections;
  const content = { type: "markdown", markdown: "x" };
  assert.equal(
    (await edit(t, "F0NOPE0001", { operation: "insert_at_end", document_content: content })).error,
    "canvas_not_found",
  );
  assert.equal(
    (await edit(t, "F0PYSNIP01", { operation: "insert_at_end", document_content: content })).error,
    "canvas_not_found",
    "a file that is not a canvas",
  );
  assert.equal(
    (await edit(t, RUNBOOK_CANVAS_ID, { operation: "delete", section_id: "temp:C:nope" })).error,
    "canvas_editing_failed",
  );
  assert.equal(
    (await edit(t, RUNBOOK_CANVAS_ID, { operation: "delete" })).error,
    "invalid_arguments",
  );
  assert.equal(
    (await edit(t, RUNBOOK_CANVAS_ID, { operation: "insert_after", document_content: content }))
      .error,
    "invalid_arguments",
  );
  assert.equal(
    (await edit(t, RUNBOOK_CANVAS_ID, { operation: "insert_at_end" })).error,
    "invalid_arguments",
  );
  assert.equal(
    (await edit(t, RUNBOOK_CANVAS_ID, { operation: "shuffle", document_content: content })).error,
    "invalid_arguments",
  );
  assert.equal(
    (await edit(t, RUNBOOK_CANVAS_ID, { operation: "rename" })).error,
    "invalid_arguments",
  );
  assert.equal(
    (await edit(
      t,
      RUNBOOK_CANVAS_ID,
      { operation: "insert_at_end", document_content: content },
      { operation: "delete", section_id: first.id },
    )).error,
    "invalid_arguments",
  );
  assert.equal(
    (await t.call("canvases.edit", { canvas_id: RUNBOOK_CANVAS_ID })).error,
    "invalid_arguments",
  );
  const deep = await edit(t, RUNBOOK_CANVAS_ID, {
    operation: "insert_at_end",
    document_content: { type: "markdown", markdown: "##### Deeper" },
  });
  assert.deepEqual(deep, {
    ok: false,
    error: "canvas_editing_failed",
    detail: "Unsupported heading depth (5)",
  });
  assert.equal(
    (await lookup(t, { section_types: ["h1"] })).sections[0].id,
    first.id,
    "nothing changed",
  );
});

Deno.test("a channel canvas emptied by edits says so in the channel's properties", async () => {
  await using t = await startEmulator();
  const { canvas_id: id } = await t.call("conversations.canvases.create", {
    channel_id: "C0GENERAL",
    document_content: { type: "markdown", markdown: "Welcome!" },
  });
  const canvasOfGeneral = async () =>
    (await t.call("conversations.info", { channel: "C0GENERAL" })).channel.properties.canvas;
  assert.equal((await canvasOfGeneral()).is_empty, false);
  const [only] = (await lookup(t, { contains_text: "welcome" }, id)).sections;
  await edit(t, id, { operation: "delete", section_id: only.id });
  assert.equal((await canvasOfGeneral()).is_empty, true);
});

// canvases.delete

Deno.test("canvases.delete removes a canvas and frees its channel for a new one", async () => {
  await using t = await startEmulator();
  assert.deepEqual(await t.call("canvases.delete", { canvas_id: RUNBOOK_CANVAS_ID }), { ok: true });
  assert.equal((await t.call("files.info", { file: RUNBOOK_CANVAS_ID })).error, "file_not_found");
  assert.equal(
    (await t.call("conversations.info", { channel: "C0ENGINRG" })).channel.properties.canvas,
    undefined,
  );
  assert.equal(
    (await t.call("canvases.delete", { canvas_id: RUNBOOK_CANVAS_ID })).error,
    "canvas_not_found",
  );
  const replacement = await t.call("conversations.canvases.create", { channel_id: "C0ENGINRG" });
  assert.equal(replacement.ok, true, replacement.error);
});
