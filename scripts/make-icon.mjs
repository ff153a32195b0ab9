// Draws build/icon.png, the 1024x1024 source electron-builder turns into the .icns, .ico and Linux icon sets.
// Plain pixel code (4x4 supersampled shapes) and node:zlib, so the icon is reproducible without a graphics dependency.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 1024;
const SAMPLES = 4;

const BLUE_TOP = [37, 99, 235];
const BLUE_BOTTOM = [29, 78, 216];
const PAPER = [255, 255, 255];
const FOLD = [191, 208, 247];
const BADGE = [245, 158, 11];

/** Signed distance to a rounded rectangle centred on (cx, cy); negative inside. */
function roundedRect(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Distance from (x, y) to the segment a-b. */
function segment(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** The layers, back to front: each returns whether the sample point is inside and its colour. */
const layers = [
  // App tile: a rounded square with a gentle vertical gradient, inset so the OS mask has room.
  (x, y) => roundedRect(x, y, 512, 512, 440, 440, 190) <= 0 && mix(BLUE_TOP, BLUE_BOTTOM, y / SIZE),
  // Envelope body.
  (x, y) => roundedRect(x, y, 500, 560, 300, 200, 36) <= 0 && PAPER,
  // Envelope flap: a V from the top corners to the middle.
  (x, y) =>
    (segment(x, y, 222, 384, 500, 590) <= 22 || segment(x, y, 778, 384, 500, 590) <= 22) &&
    roundedRect(x, y, 500, 560, 300, 200, 36) <= 0 &&
    FOLD,
  // "Outbox" badge: an amber disc with a white ring, carrying an arrow that leaves to the upper right.
  (x, y) => Math.hypot(x - 752, y - 328) <= 162 && PAPER,
  (x, y) => Math.hypot(x - 752, y - 328) <= 138 && BADGE,
  (x, y) =>
    (segment(x, y, 692, 388, 812, 268) <= 20 || segment(x, y, 736, 268, 812, 268) <= 20 || segment(x, y, 812, 268, 812, 344) <= 20) &&
    PAPER,
];

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + ((b[i] ?? v) - v) * t));
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES;
          const y = py + (sy + 0.5) / SAMPLES;
          let colour = null;
          for (const layer of layers) colour = layer(x, y) || colour;
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      }
      const o = (py * SIZE + px) * 4;
      // Colour channels are averaged over covered samples only (straight, not premultiplied, alpha).
      rgba[o] = a ? Math.round(r / a) : 0;
      rgba[o + 1] = a ? Math.round(g / a) : 0;
      rgba[o + 2] = a ? Math.round(b / a) : 0;
      rgba[o + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodePng(rgba, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  // Each scanline is prefixed with filter type 0 (none); deflate does the compressing.
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.join(root, 'build', 'icon.png');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, encodePng(render(), SIZE, SIZE));
  console.log(`[make-icon] wrote ${path.relative(root, out)}`);
}
