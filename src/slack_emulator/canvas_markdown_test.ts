import assert from "node:assert/strict";
import {
  CanvasMarkdownError,
  type MentionResolver,
  parseCanvasMarkdown,
  renderCanvasHtml,
  sectionText,
} from "./canvas_markdown.ts";

const mention: MentionResolver = (kind, id) => ({
  text: kind === "user" ? `@name-of-${id}` : `#name-of-${id}`,
  href: `https://example.test/${kind}/${id}`,
});

Deno.test("parseCanvasMarkdown makes a section of each heading, line, item, divider and code block", () => {
  const markdown = [
    "# Runbook",
    "",
    "Intro line",
    "second line",
    "## Steps",
    "- one",
    "  - nested",
    "1. first",
    "- [ ] todo",
    "- [x] done",
    "> quoted",
    "---",
    "```sh",
    "echo hi",
    "",
    "```",
    "### End",
  ].join("\n");
  assert.deepEqual(parseCanvasMarkdown(markdown).map((s) => s.type), [
    "h1",
    "paragraph",
    "paragraph",
    "h2",
    "bulleted_list",
    "bulleted_list",
    "ordered_list",
    "checklist",
    "checklist",
    "quote",
    "divider",
    "code",
    "h3",
  ]);
  assert.equal(parseCanvasMarkdown(markdown)[11].markdown, "```sh\necho hi\n\n```");
});

Deno.test("parseCanvasMarkdown refuses headings deeper than three levels, as Slack does", () => {
  assert.throws(
    () => parseCanvasMarkdown("# Fine\n#### Too deep"),
    (error) =>
      error instanceof CanvasMarkdownError && error.message === "Unsupported heading depth (4)",
  );
  assert.deepEqual(parseCanvasMarkdown("#hashtag"), [{ type: "paragraph", markdown: "#hashtag" }]);
});

Deno.test("sectionText drops markers and inline formatting", () => {
  const [h2, item, code] = parseCanvasMarkdown(
    "## **Bold** step\n- [x] see [the docs](https://x.test) with ![](@U0DIEGO04)\n```\nraw **kept**\n```",
  );
  assert.equal(sectionText(h2), "Bold step");
  assert.equal(sectionText(item), "see the docs with @U0DIEGO04");
  assert.equal(sectionText(code), "raw **kept**");
});

Deno.test("renderCanvasHtml puts each section's id on its top element and groups list items", () => {
  const sections = parseCanvasMarkdown(
    "# Plan & <goals>\nShip **fast**, _safely_ and ~never~ `rm -rf`\n- a\n- b\n  - b.1\n1. x\n- [x] done\n---\n> note",
  ).map((section, i) => ({ ...section, id: `temp:C:S${i}` }));
  const html = renderCanvasHtml("Q1 <Plan>", sections, mention);
  assert.ok(html.startsWith("<!DOCTYPE html>\n"));
  assert.match(html, /<title>Q1 &#60;Plan&#62;<\/title>/);
  const expected = [
    '<h1 id="temp:C:S0">Plan &#38; &#60;goals&#62;</h1>',
    '<p id="temp:C:S1">Ship <b>fast</b>, <i>safely</i> and <del>never</del> <code>rm -rf</code></p>',
    "<ul>",
    '<li id="temp:C:S2">a</li>',
    '<li id="temp:C:S3">b</li>',
    "</ul>",
    '<ul class="indent-1">',
    '<li id="temp:C:S4">b.1</li>',
    "</ul>",
    "<ol>",
    '<li id="temp:C:S5">x</li>',
    "</ol>",
    '<ul class="checklist">',
    '<li id="temp:C:S6" class="checklist-item checked">done</li>',
    "</ul>",
    '<hr id="temp:C:S7">',
    '<blockquote id="temp:C:S8">note</blockquote>',
  ].join("\n");
  assert.ok(html.includes(`<body>\n${expected}\n</body>`), html);
});

Deno.test("renderCanvasHtml links mentions and Markdown links", () => {
  const [section] = parseCanvasMarkdown(
    "Ask ![](@U0DIEGO04) in ![](#C0ENGINRG) or read [the guide](https://x.test/a?b=1&c=2)",
  );
  const html = renderCanvasHtml("T", [{ ...section, id: "temp:C:X" }], mention);
  assert.match(
    html,
    /<p id="temp:C:X">Ask <a href="https:\/\/example\.test\/user\/U0DIEGO04">@name-of-U0DIEGO04<\/a> in <a href="https:\/\/example\.test\/channel\/C0ENGINRG">#name-of-C0ENGINRG<\/a> or read <a href="https:\/\/x\.test\/a\?b=1&#38;c=2">the guide<\/a><\/p>/,
  );
});
