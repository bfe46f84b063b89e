/**
 * Real bytes for the seeded files: a PNG (zlib-compressed scanlines with
 * CRC-checked chunks) and a one-page PDF with a correct cross-reference
 * table, so clients that decode or sniff them meet valid files.
 * @module
 */
import { deflateSync } from "node:zlib";

const encoder = new TextEncoder();

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE), as PNG chunks carry it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint32(0, data.length);
  head.set(encoder.encode(type), 4);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32(concat([head.subarray(4), data])));
  return concat([head, data, crc]);
}

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/**
 * A truecolour PNG of `width` × `height` whose pixel at (x, y) is
 * `pixel(x, y)`.
 *
 * @example
 * ```ts
 * const red = encodePng(2, 2, () => [255, 0, 0]);
 * ```
 */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb) {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filters, no interlace
  const stride = 1 + width * 3;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter type None
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * stride + 1 + x * 3);
  }
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** `text` as a PDF literal string: backslashes and parentheses escaped, ASCII only. */
function pdfString(text: string): string {
  const ascii = text.normalize("NFD").replace(/[^\x20-\x7e]/g, "");
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * A one-page PDF (A4, Helvetica) showing `lines`, the first as a heading.
 * Non-ASCII characters are dropped, as the standard fonts cannot show them.
 *
 * @example
 * ```ts
 * const pdf = buildPdf(["Board update", "Revenue is ahead of plan"]);
 * ```
 */
export function buildPdf(lines: readonly string[]): Uint8Array<ArrayBuffer> {
  const text = lines.map((line, i) =>
    `BT /F1 ${i === 0 ? 20 : 12} Tf 72 ${770 - i * 24} Td ${pdfString(line)} Tj ET`
  ).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " +
    "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
  const entries = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n\r\n`).join("");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n${entries}` +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return encoder.encode(body);
}
