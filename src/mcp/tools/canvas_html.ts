/**
 * A canvas's HTML, read: its Markdown (through `node-html-markdown`), the
 * section IDs on its top elements, its title, mentions and headings. Loaded
 * only when a canvas is read.
 * @module
 */
import { NodeHtmlMarkdown, type TranslatorConfigFactory } from "node-html-markdown";
import { type HTMLElement, NodeType, parse } from "node-html-parser";

/** A section's text in the section list is cut here; the Markdown has it whole. */
const sectionTextLength = 48;

/** Slack's links to a person and to a conversation, as canvas HTML writes mentions. */
const personLink = /^https?:\/\/[^/]+\/team\/([UW][A-Z0-9]+)\/?$/;
const conversationLink = /^https?:\/\/[^/]+\/archives\/([CDG][A-Z0-9]+)\/?$/;

/**
 * HTML → Markdown as canvases write it, so a section read can be written back
 * with `slack_edit_canvas`: mentions as `![](@U…)` / `![](#C…)` rather than
 * links, and checklist items (`<li class="checked">` in a checklist) as
 * `- [x]` / `- [ ]`.
 */
function createConverter(): NodeHtmlMarkdown {
  const converter = new NodeHtmlMarkdown({ bulletMarker: "-", maxConsecutiveNewlines: 2 });
  const listItem = converter.translators.get("li") as TranslatorConfigFactory;
  converter.translators.set("li", (ctx) => {
    const config = listItem(ctx);
    const mark = checklistMark(
      ctx.node.getAttribute("class") ?? "",
      ctx.parent?.getAttribute("class") ?? "",
    );
    return mark ? { ...config, prefix: `${config.prefix ?? ""}${mark}` } : config;
  });
  const link = converter.translators.get("a") as TranslatorConfigFactory;
  converter.translators.set("a", (ctx) => {
    const href = ctx.node.getAttribute("href") ?? "";
    const person = personLink.exec(href)?.[1];
    const conversation = conversationLink.exec(href)?.[1];
    if (!person && !conversation) return link(ctx);
    return {
      content: person ? `![](@${person})` : `![](#${conversation})`,
      recurse: false,
      noEscape: true,
    };
  });
  return converter;
}

/** The people and conversations a canvas mentions, ID → name, from its mention links. */
function mentionsOf(root: HTMLElement) {
  const users: Record<string, string> = {};
  const channels: Record<string, string> = {};
  for (const anchor of root.querySelectorAll("a")) {
    const href = anchor.getAttribute("href") ?? "";
    const text = anchor.text.trim();
    const person = personLink.exec(href)?.[1];
    const conversation = conversationLink.exec(href)?.[1];
    if (person) users[person] = text.replace(/^@/, "") || person;
    if (conversation) {
      channels[conversation] = text.startsWith("#") ? text : `#${text || conversation}`;
    }
  }
  return { users, channels };
}

const converter = createConverter();

/** One section: its ID and how it starts. */
export type Section = [id: string, text: string];

function isElement(node: { nodeType: number }): node is HTMLElement {
  return node.nodeType === NodeType.ELEMENT_NODE;
}

/**
 * A list item's checklist mark (`[x] ` or `[ ] `), from its classes and its
 * list's: Slack marks checklists with `checklist` / `checklist-item` and
 * ticked items with `checked`. `undefined` for an ordinary item.
 */
function checklistMark(classes: string, listClasses: string): string | undefined {
  if (!/\bchecklist\b/.test(listClasses) && !/\bchecklist-item\b/.test(classes)) return undefined;
  return /\bchecked\b/.test(classes) ? "[x] " : "[ ] ";
}

/** The Markdown marker a section of this element starts with. */
function markerOf(element: HTMLElement): string {
  const tag = element.tagName.toLowerCase();
  if (/^h[1-6]$/.test(tag)) return `${"#".repeat(Number(tag[1]))} `;
  switch (tag) {
    case "li": {
      const mark = checklistMark(
        element.getAttribute("class") ?? "",
        element.parentNode?.getAttribute("class") ?? "",
      );
      if (mark) return `- ${mark}`;
      return element.parentNode?.tagName?.toLowerCase() === "ol" ? "1. " : "- ";
    }
    case "blockquote":
      return "> ";
    case "pre":
      return "``` ";
    default:
      return "";
  }
}

/** How a section reads in the list: its kind's Markdown marker and its first words. */
function sectionText(element: HTMLElement): string {
  if (element.tagName.toLowerCase() === "hr") return "---";
  const text = `${markerOf(element)}${element.text.replace(/\s+/g, " ").trim()}`;
  // Cut by code points, so an emoji is never split.
  const chars = [...text];
  return chars.length > sectionTextLength
    ? `${chars.slice(0, sectionTextLength - 1).join("").trimEnd()}…`
    : text;
}

/** The elements carrying section IDs: the outermost element with an `id` on each branch. */
function sectionsOf(root: HTMLElement): Section[] {
  const sections: Section[] = [];
  const visit = (element: HTMLElement) => {
    for (const child of element.childNodes) {
      if (!isElement(child)) continue;
      const id = child.getAttribute("id");
      if (id) sections.push([id, sectionText(child)]);
      else visit(child);
    }
  };
  visit(root);
  return sections;
}

/** A heading, for `canvases.sections.lookup` when the HTML has no section IDs. */
export interface Heading {
  tag: string;
  text: string;
  preview: string;
}

/** What {@link readCanvasHtml} finds. */
export interface CanvasHtml {
  markdown: string;
  sections: Section[];
  title?: string;
  users: Record<string, string>;
  channels: Record<string, string>;
  headings: Heading[];
}

/**
 * Reads a canvas's HTML.
 *
 * @example
 * ```ts
 * const { markdown, sections } = readCanvasHtml("<h1 id='temp:C:A1'>Plan</h1>");
 * ```
 */
export function readCanvasHtml(html: string): CanvasHtml {
  const document = parse(html);
  const body = document.querySelector("body") ?? document;
  const headings = body.querySelectorAll("h1, h2, h3").flatMap((heading) => {
    const text = heading.text.replace(/\s+/g, " ").trim();
    return text
      ? [{ tag: heading.tagName.toLowerCase(), text, preview: sectionText(heading) }]
      : [];
  });
  return {
    markdown: converter.translate(body.innerHTML).trim(),
    sections: sectionsOf(body),
    title: document.querySelector("title")?.text.trim() || undefined,
    ...mentionsOf(body),
    headings,
  };
}
