/**
 * Layers import downwards only: http → mcp → slack / store / events; the
 * analysis metrics import none of them. A violating import (static, or a
 * dynamic `import("…")` with a literal specifier) fails here with the file and
 * the import.
 */
import assert from "node:assert/strict";

const src = new URL("../src/", import.meta.url);

/** Folder → folders it must not import from. */
const forbidden: Record<string, string[]> = {
  "slack": ["mcp", "http", "oauth"],
  "store": ["mcp", "http", "slack", "events", "oauth"],
  "events": ["mcp", "http", "oauth"],
  "analysis": ["mcp", "http", "slack", "store", "events", "oauth"],
  "mcp": ["http"],
  "analysis_view": ["mcp", "http", "slack", "store", "events", "oauth"],
  "util": ["mcp", "http", "slack", "store", "events", "analysis", "oauth"],
};

/** Static `import`/`export … from` lines, and dynamic imports of a literal specifier. */
const importPatterns = [
  /^(?:import|export)[^"']*["']([^"']+)["']/gm,
  /import\(\s*["']([^"']+)["']\s*\)/g,
];

async function* sources(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sources(url);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) yield url;
  }
}

Deno.test("no module imports from a layer above its own", async () => {
  const violations: string[] = [];
  for (const [layer, above] of Object.entries(forbidden)) {
    for await (const file of sources(new URL(`${layer}/`, src))) {
      const text = await Deno.readTextFile(file);
      const specifiers = new Set(
        importPatterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1])),
      );
      for (const specifier of specifiers) {
        if (!specifier.startsWith(".")) continue;
        const target = new URL(specifier, file).href.slice(src.href.length).split("/")[0];
        if (above.includes(target)) {
          violations.push(`${file.href.slice(src.href.length)} imports ${specifier}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});
