/**
 * The canvas tools end to end: an SDK client reads, creates and edits
 * canvases on the Slack emulator, whose live sections and call log are the
 * truth the results are checked against.
 */
import assert from "node:assert/strict";
import { call, type LooseResult, type Stack, startStack, textOf } from "./harness.ts";
import { isCanvas } from "../src/slack_emulator/workspace_files.ts";

/** A client that has listed the tools, so the SDK checks results against each outputSchema. */
async function connect(stack: Stack) {
  const client = await stack.connect();
  await client.listTools();
  return client;
}

function ok(result: LooseResult): NonNullable<LooseResult["structuredContent"]> {
  assert.equal(result.isError, undefined, textOf(result));
  return result.structuredContent!;
}

/** The stored sections of a canvas: `[id, markdown]`. */
function storedSections(stack: Stack, id: string): [string, string][] {
  const file = stack.emulator.workspace.files.find((f) => f.id === id);
  assert(isCanvas(file), `${id} is a canvas`);
  return file.canvas.sections.map((s) => [s.id, s.markdown]);
}

function callsOf(stack: Stack, method: string) {
  return stack.emulator.calls.filter((c) => c.method === method);
}

Deno.test("slack_get_canvas reads the runbook as Markdown with every section's ID", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_get_canvas", { canvas_id: "F0RUNBOOK1" });

  const canvas = ok(result);
  assert.equal(canvas.title, "Incident runbook");
  assert.match(canvas.permalink, /\/docs\/T0DEMO001\/F0RUNBOOK1$/);
  const { markdown } = canvas;
  assert.ok(markdown.startsWith("# Incident runbook\n"), markdown);
  for (
    const line of [
      "- Check the **API error rate** on the [status dashboard](https://status.acme-demo.example)",
      "2. Scale the workers: `kubectl scale deploy/api --replicas=12`",
      "- [ ] Update the status page",
      "- [ ] Tell ![](#C0SUPPORT) what customers will see",
      "On call this week: ![](@U0DIEGO04). Escalation: ![](@U0ALICE01)",
    ]
  ) {
    assert.ok(markdown.includes(line), `the Markdown has: ${line}`);
  }
  assert.deepEqual(canvas.users, { U0DIEGO04: "diego", U0ALICE01: "alice" });
  assert.deepEqual(canvas.channels, { C0ENGINRG: "#engineering", C0SUPPORT: "#support" });

  const stored = storedSections(stack, "F0RUNBOOK1");
  assert.equal(stored.length, 15);
  assert.deepEqual(canvas.sections.map(([id]: string[]) => id), stored.map(([id]) => id));
  assert.deepEqual(canvas.sections[2], [stored[2][0], "## 1. Triage"]);
  assert.deepEqual(canvas.sections[11], [stored[11][0], "- [ ] Update the status page"]);
  assert.ok(canvas.sections.every(([, text]: string[]) => [...text].length <= 48));
  const text = textOf(result);
  assert.ok(text.includes(`${stored[6][0]} ## 2. Mitigate`), text);
  assert.match(text, /Mentioned: diego U0DIEGO04, alice U0ALICE01, #engineering C0ENGINRG/);
});

Deno.test("a canvas created, read back, edited by section and renamed", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const created = ok(
    await call(client, "slack_create_canvas", {
      title: "Launch checklist",
      markdown: "# Launch\n## Before\n- [ ] Freeze the schema\n## After\nWatch the dashboards.",
    }),
  );
  const id = created.canvas_id;
  assert.match(id, /^F/);
  assert.equal(created.channel_id, undefined);
  assert.equal(callsOf(stack, "canvases.create").length, 1);

  const read = ok(await call(client, "slack_get_canvas", { canvas_id: id }));
  assert.equal(read.title, "Launch checklist");
  assert.equal(
    read.markdown,
    "# Launch\n\n## Before\n\n- [ ] Freeze the schema\n\n## After\n\nWatch the dashboards.",
  );
  const [, before, , after] = read.sections.map(([sectionId]: string[]) => sectionId);

  ok(
    await call(client, "slack_edit_canvas", {
      canvas_id: id,
      operation: "insert_after",
      section_id: before,
      markdown: "- [ ] Tell ![](#C0SUPPORT)",
    }),
  );
  ok(
    await call(client, "slack_edit_canvas", {
      canvas_id: id,
      operation: "replace",
      section_id: after,
      markdown: "## After launch",
    }),
  );
  const renamed = await call(client, "slack_edit_canvas", {
    canvas_id: id,
    operation: "rename",
    title: "Launch checklist v2",
  });
  assert.match(textOf(ok(renamed) && renamed), /Renamed canvas F\w+ to "Launch checklist v2"/);

  assert.deepEqual(storedSections(stack, id).map(([, markdown]) => markdown), [
    "# Launch",
    "## Before",
    "- [ ] Tell ![](#C0SUPPORT)",
    "- [ ] Freeze the schema",
    "## After launch",
    "Watch the dashboards.",
  ]);
  const edits = callsOf(stack, "canvases.edit").map((c) => c.params.changes);
  assert.deepEqual(edits[0], [{
    operation: "insert_after",
    section_id: before,
    document_content: { type: "markdown", markdown: "- [ ] Tell ![](#C0SUPPORT)" },
  }]);
  assert.deepEqual(edits[2], [{
    operation: "rename",
    title_content: { type: "markdown", markdown: "Launch checklist v2" },
  }]);

  // The edits dropped the cached reading: the next read shows them.
  const reread = ok(await call(client, "slack_get_canvas", { canvas_id: id }));
  assert.equal(reread.title, "Launch checklist v2");
  assert.ok(reread.markdown.includes("- [ ] Tell ![](#C0SUPPORT)\n- [ ] Freeze the schema"));
  assert.ok(reread.markdown.includes("## After launch"));
  const deleted = reread.sections.find(([, text]: string[]) => text.startsWith("- [ ] Tell"))[0];
  ok(
    await call(client, "slack_edit_canvas", {
      canvas_id: id,
      operation: "delete",
      section_id: deleted,
    }),
  );
  assert.equal(storedSections(stack, id).length, 5);
});

Deno.test("a channel canvas is created once and refused the second time, naming the canvas", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const created = ok(
    await call(client, "slack_create_canvas", {
      title: "General handbook",
      markdown: "# Handbook\nBe kind.",
      channel_id: "#general",
    }),
  );
  assert.equal(created.channel_id, "C0GENERAL");
  const general = stack.emulator.workspace.channels.find((c) => c.conversation.id === "C0GENERAL")!;
  assert.equal(general.conversation.properties?.canvas?.file_id, created.canvas_id);
  const listed = ok(
    await call(client, "slack_list_files", { channel_id: "#general", types: "canvases" }),
  );
  assert.deepEqual(listed.files.map((f: { id: string }) => f.id), [created.canvas_id]);

  const again = await call(client, "slack_create_canvas", {
    title: "Another",
    markdown: "x",
    channel_id: "#general",
  });
  assert.equal(again.isError, true);
  assert.match(
    textOf(again),
    new RegExp(`C0GENERAL already has a channel canvas, ${created.canvas_id}, .*slack_edit_canvas`),
  );
  const runbook = await call(client, "slack_create_canvas", {
    title: "Another",
    markdown: "x",
    channel_id: "#engineering",
  });
  assert.match(textOf(runbook), /C0ENGINRG already has a channel canvas, F0RUNBOOK1/);
  assert.equal(callsOf(stack, "conversations.canvases.create").length, 3);
});

Deno.test("slack_edit_canvas checks each operation's arguments before calling Slack", async () => {
  await using stack = await startStack();
  const client = await connect(stack);
  stack.emulator.resetCalls();
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { operation: "insert_after", markdown: "x" },
      /insert_after needs section_id: it takes markdown and section_id/,
    ],
    [{ operation: "insert_before", section_id: "temp:C:x" }, /insert_before needs markdown/],
    [{ operation: "rename" }, /rename needs title: it takes title/],
    [{ operation: "rename", title: "T", markdown: "x" }, /rename takes no markdown/],
    [{ operation: "delete", section_id: "temp:C:x", markdown: "x" }, /delete takes no markdown/],
    [
      { operation: "insert_at_end", markdown: "x", section_id: "temp:C:x" },
      /insert_at_end takes no section_id/,
    ],
    [
      { operation: "replace" },
      /replace needs markdown: it takes markdown and section_id \(optional\)/,
    ],
  ];

  for (const [args, message] of cases) {
    const result = await call(client, "slack_edit_canvas", { canvas_id: "F0RUNBOOK1", ...args });
    assert.equal(result.isError, true, JSON.stringify(args));
    assert.match(textOf(result), message);
  }
  assert.deepEqual(stack.emulator.calls, []);
});

Deno.test("an edit of a section that is gone fails with a hint to read the canvas again", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_edit_canvas", {
    canvas_id: "F0RUNBOOK1",
    operation: "delete",
    section_id: "temp:C:gone",
  });

  assert.equal(result.isError, true);
  assert.match(textOf(result), /canvases\.edit failed: canvas_editing_failed\. .*slack_get_canvas/);
  assert.equal(storedSections(stack, "F0RUNBOOK1").length, 15);
});

Deno.test("slack_get_canvas lists the headings' IDs through canvases.sections.lookup when the HTML has none", async () => {
  await using stack = await startStack({
    overrides: {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const response = await fetch(request);
        if (!new URL(request.url).pathname.startsWith("/files-pri/")) return response;
        const html = (await response.text()).replace(/ id="[^"]*"/g, "");
        return new Response(html, { headers: response.headers });
      },
    },
  });
  const client = await connect(stack);

  const canvas = ok(await call(client, "slack_get_canvas", { canvas_id: "F0RUNBOOK1" }));

  const stored = storedSections(stack, "F0RUNBOOK1");
  const headings = stored.filter(([, markdown]) => markdown.startsWith("#"));
  assert.deepEqual(canvas.sections.map(([id]: string[]) => id), headings.map(([id]) => id));
  assert.match(canvas.note, /only its headings' IDs are listed/);
  assert.equal(callsOf(stack, "canvases.sections.lookup").length, headings.length);
  assert.ok(canvas.markdown.includes("## 3\\. Communicate"));
});

Deno.test("slack_get_canvas on a file that is not a canvas points to slack_get_file", async () => {
  await using stack = await startStack();
  const client = await connect(stack);

  const result = await call(client, "slack_get_canvas", { canvas_id: "F0CSVDAT01" });

  assert.equal(result.isError, true);
  assert.match(textOf(result), /F0CSVDAT01 is a CSV, not a canvas: read it with slack_get_file/);
});

Deno.test("SLACK_WRITE_CHANNELS guards the canvases of other channels, not standalone ones", async () => {
  await using stack = await startStack({ env: { SLACK_WRITE_CHANNELS: "#general" } });
  const client = await connect(stack);

  const runbook = await call(client, "slack_edit_canvas", {
    canvas_id: "F0RUNBOOK1",
    operation: "insert_at_end",
    markdown: "x",
  });
  assert.equal(runbook.isError, true);
  assert.match(
    textOf(runbook),
    /may not change F0RUNBOOK1: it is shared in C0ENGINRG, outside SLACK_WRITE_CHANNELS/,
  );
  const channelCanvas = await call(client, "slack_create_canvas", {
    title: "x",
    markdown: "x",
    channel_id: "#random",
  });
  assert.match(textOf(channelCanvas), /may not write to #random/);
  assert.equal(callsOf(stack, "canvases.edit").length, 0);
  assert.equal(callsOf(stack, "conversations.canvases.create").length, 0);

  const standalone = ok(
    await call(client, "slack_create_canvas", { title: "Notes", markdown: "# Notes" }),
  );
  ok(
    await call(client, "slack_edit_canvas", {
      canvas_id: standalone.canvas_id,
      operation: "insert_at_end",
      markdown: "More notes.",
    }),
  );
});

Deno.test("a standalone canvas ignores SLACK_CHANNEL_ID, and read-only mode hides canvas writes", async () => {
  await using stack = await startStack({ env: { SLACK_CHANNEL_ID: "C0GENERAL" } });
  const client = await connect(stack);
  const created = ok(await call(client, "slack_create_canvas", { title: "Solo", markdown: "x" }));
  assert.equal(created.channel_id, undefined);
  assert.equal(callsOf(stack, "conversations.canvases.create").length, 0);

  await using readOnly = await startStack({ env: { SLACK_READ_ONLY: "true" } });
  const reader = await readOnly.connect();
  const names = (await reader.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes("slack_get_canvas"));
  assert.ok(!names.includes("slack_create_canvas") && !names.includes("slack_edit_canvas"));
  const refused = await call(reader, "slack_edit_canvas", {
    canvas_id: "F0RUNBOOK1",
    operation: "rename",
    title: "x",
  });
  assert.match(textOf(refused), /SLACK_READ_ONLY=true/);
});
