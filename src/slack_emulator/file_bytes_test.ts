import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { buildPdf, crc32, encodePng } from "./file_bytes.ts";

const decoder = new TextDecoder();

/** Splits a PNG into its chunks, checking each CRC on the way. */
function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = decoder.decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(view.getUint32(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data });
    at += 12 + length;
  }
  return chunks;
}

Deno.test("crc32 matches the published check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("encodePng writes valid chunks whose scanlines inflate to the pixels drawn", () => {
  const png = encodePng(3, 2, (x, y) => [x * 100, y * 200, 7]);
  const chunks = pngChunks(png);
  assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  const header = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset);
  assert.deepEqual([header.getUint32(0), header.getUint32(4), chunks[0].data[8]], [3, 2, 8]);
  const raw = new Uint8Array(inflateSync(chunks[1].data));
  assert.deepEqual([...raw], [
    0,
    ...[0, 0, 7, 100, 0, 7, 200, 0, 7],
    0,
    ...[0, 200, 7, 100, 200, 7, 200, 200, 7],
  ]);
});

Deno.test("buildPdf's cross-reference table points at each object", () => {
  const pdf = decoder.decode(buildPdf(["Board update (Q4)", "Revenue: 8% ahead — of plan"]));
  assert.ok(pdf.startsWith("%PDF-1.4\n"));
  assert.ok(pdf.endsWith("%%EOF\n"));
  const startxref = Number(/startxref\n(\d+)\n/.exec(pdf)![1]);
  assert.ok(pdf.slice(startxref).startsWith("xref\n0 6\n"));
  const offsets = [...pdf.slice(startxref).matchAll(/(\d{10}) 00000 n\r\n/g)].map((m) =>
    Number(m[1])
  );
  assert.equal(offsets.length, 5);
  offsets.forEach((offset, i) => assert.ok(pdf.slice(offset).startsWith(`${i + 1} 0 obj\n`)));
  const stream = /<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/.exec(pdf)!;
  assert.equal(stream[2].length, Number(stream[1]));
  assert.match(stream[2], /\(Board update \\\(Q4\\\)\) Tj/);
  assert.ok(stream[2].includes("(Revenue: 8% ahead  of plan) Tj"), "non-ASCII is dropped");
});
