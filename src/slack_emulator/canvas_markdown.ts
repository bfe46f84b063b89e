/**
 * Canvas content for the emulator: the Markdown `canvases.create` and
 * `canvases.edit` accept, split into sections as Slack's canvas editor keeps
 * them (each heading, line, list item, quote, divider or code block is one),
 * and the HTML a canvas downloads as, where each section's top element
 * carries its section ID.
 * @module
 */

/** A section's kind. `canvases.sections.lookup` filters on the headings. */
export type SectionType =
  | "h1"
  | "h2"
  | "h3"
  | "paragraph"
  | "bulleted_list"
  | "ordered_list"
  | "checklist"
  | "quote"
  | "divider"
  | "code";

/** One parsed section, before it has an ID. */
export interface ParsedSection {
  type: SectionType;
  /** The section's own Markdown, one line except for code blocks. */
  markdown: string;
}

/** Markdown a canvas refuses, with Slack's wording as `detail`. */
export class CanvasMarkdownError extends Error {
  override name = "CanvasMarkdownError";
}

const fence = /^\s*```/;
const heading = /^(#{1,6})\s+\S/;
const checklistItem = /^(\s*)[-*+]\s+\[( |x|X)\]\s+/;
const bulletItem = /^(\s*)[-*+]\s+/;
const orderedItem = /^(\s*)\d+[.)]\s+/;
const divider = /^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/;

function lineType(line: string): SectionType {
  const depth = heading.exec(line)?.[1].length;
  if (depth !== undefined) {
    // Slack's canvases stop at three heading levels and refuse deeper ones.
    if (depth > 3) throw new CanvasMarkdownError(`Unsupported heading depth (${depth})`);
    return `h${depth}` as SectionType;
  }
  if (divider.test(line)) return "divider";
  if (checklistItem.test(line)) return "checklist";
  if (bulletItem.test(line)) return "bulleted_list";
  if (orderedItem.test(line)) return "ordered_list";
  if (/^\s*>/.test(line)) return "quote";
  return "paragraph";
}

/**
 * Splits canvas Markdown into sections; throws {@link CanvasMarkdownError}
 * on what Slack refuses (headings deeper than `###`).
 *
 * @example
 * ```ts
 * parseCanvasMarkdown("# Plan\n- ship it");
 * // [{ type: "h1", markdown: "# Plan" }, { type: "bulleted_list", markdown: "- ship it" }]
 * ```
 */
export function parseCanvasMarkdown(markdown: string): ParsedSection[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const sections: ParsedSection[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence.test(line)) {
      const end = lines.findIndex((l, j) => j > i && fence.test(l));
      const last = end < 0 ? lines.length - 1 : end;
      sections.push({ type: "code", markdown: lines.slice(i, last + 1).join("\n") });
      i = last;
    } else if (line.trim() !== "") {
      sections.push({ type: lineType(line), markdown: line.trimEnd() });
    }
  }
  return sections;
}

/** A section's text without Markdown, for `contains_text`. */
export function sectionText(section: ParsedSection): string {
  if (section.type === "code") return section.markdown.replace(/^\s*```\w*\n?|\n?\s*```\s*$/g, "");
  return inlineText(stripMarker(section));
}

function stripMarker(section: ParsedSection): string {
  const { markdown } = section;
  switch (section.type) {
    case "h1":
    case "h2":
    case "h3":
      return markdown.replace(/^#+\s+/, "");
    case "checklist":
      return markdown.replace(checklistItem, "");
    case "bulleted_list":
      return markdown.replace(bulletItem, "");
    case "ordered_list":
      return markdown.replace(orderedItem, "");
    case "quote":
      return markdown.replace(/^\s*>\s?/, "");
    case "divider":
      return "";
    default:
      return markdown;
  }
}

function inlineText(markdown: string): string {
  return markdown
    .replace(/!\[\]\(([@#])(\w+)\)/g, "$1$2")
    .replace(/\[([^\]]+)\]\([^)\s]+\)/g, "$1")
    .replace(/\*\*(.+?)\*\*|~(.+?)~|`([^`]+)`/g, (_, b, s, c) => b ?? s ?? c)
    .replace(/(^|\W)_(.+?)_(?!\w)/g, "$1$2");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** How the HTML names a mention: its text and link. */
export type MentionResolver = (
  kind: "user" | "channel",
  id: string,
) => { text: string; href: string };

/** Markdown inline formatting to HTML: code, mentions, links, bold, strikethrough, italics. */
function inlineHtml(markdown: string, mention: MentionResolver): string {
  return markdown.split(/(`[^`]+`)/).map((part, i) => {
    if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
    return escapeHtml(part)
      .replace(/!\[\]\(([@#])(\w+)\)/g, (_, sigil, id) => {
        const { text, href } = mention(sigil === "@" ? "user" : "channel", id);
        return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
      })
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
      .replace(/~(.+?)~/g, "<del>$1</del>")
      .replace(/(^|\W)_(.+?)_(?!\w)/g, "$1<i>$2</i>");
  }).join("");
}

const listTags: Partial<Record<SectionType, string>> = {
  bulleted_list: "ul",
  ordered_list: "ol",
  checklist: "ul",
};

/** A list item's nesting level: two spaces (or a tab) per level. */
function indentOf(markdown: string): number {
  const lead = /^\s*/.exec(markdown)![0].replace(/\t/g, "  ");
  return Math.floor(lead.length / 2);
}

function sectionHtml(
  section: ParsedSection & { id: string },
  mention: MentionResolver,
): string {
  const id = `id="${escapeHtml(section.id)}"`;
  const inner = inlineHtml(stripMarker(section), mention);
  switch (section.type) {
    case "h1":
    case "h2":
    case "h3":
      return `<${section.type} ${id}>${inner}</${section.type}>`;
    case "divider":
      return `<hr ${id}>`;
    case "quote":
      return `<blockquote ${id}>${inner}</blockquote>`;
    case "code":
      return `<pre ${id}><code>${escapeHtml(sectionText(section))}</code></pre>`;
    case "checklist": {
      const checked = /\[[xX]\]/.test(section.markdown);
      return `<li ${id} class="checklist-item${checked ? " checked" : ""}">${inner}</li>`;
    }
    case "bulleted_list":
    case "ordered_list":
      return `<li ${id}>${inner}</li>`;
    default:
      return `<p ${id}>${inner}</p>`;
  }
}

/**
 * The canvas as the HTML document its download serves: `<title>`, then one
 * element per section with the section's ID; consecutive list items of one
 * kind and level share a list.
 *
 * @example
 * ```ts
 * renderCanvasHtml("Plan", [{ id: "temp:C:abc", type: "h1", markdown: "# Plan" }], mention);
 * ```
 */
export function renderCanvasHtml(
  title: string,
  sections: readonly (ParsedSection & { id: string })[],
  mention: MentionResolver,
): string {
  const body: string[] = [];
  let openList: { key: string; tag: string } | undefined;
  for (const section of sections) {
    const tag = listTags[section.type];
    const level = indentOf(section.markdown);
    const key = `${section.type}:${level}`;
    if (openList && openList.key !== key) {
      body.push(`</${openList.tag}>`);
      openList = undefined;
    }
    if (tag && !openList) {
      const classes = [
        ...(section.type === "checklist" ? ["checklist"] : []),
        ...(level > 0 ? [`indent-${level}`] : []),
      ];
      body.push(`<${tag}${classes.length ? ` class="${classes.join(" ")}"` : ""}>`);
      openList = { key, tag };
    }
    body.push(sectionHtml(section, mention));
  }
  if (openList) body.push(`</${openList.tag}>`);
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
