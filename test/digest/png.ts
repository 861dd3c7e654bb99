import { inflateSync } from "node:zlib";

/**
 * Reads a PNG as the chart renderer writes one (8-bit RGBA or RGB, not interlaced) back into pixels, so a test can
 * tell an uploaded chart from a blank image without a browser or an image library.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, row by row. */
  readonly pixels: Uint8Array;
}

export function decodePng(bytes: Uint8Array): DecodedPng {
  const data = Buffer.from(bytes);
  if (!SIGNATURE.every((b, i) => data[i] === b)) throw new Error("not a PNG");
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    const type = data.toString("latin1", at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, color, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || interlace !== 0 || (color !== 6 && color !== 2))
        throw new Error(`unsupported PNG (depth ${depth}, color ${color}, interlace ${interlace})`);
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (row[i - channels] ?? 0) : 0;
      const b = previous[i] ?? 0;
      const c = i >= channels ? (previous[i - channels] ?? 0) : 0;
      const x = line[i] ?? 0;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter}`);
      }
      row[i] = (x + predicted) & 0xff;
    }
    for (let px = 0; px < width; px++) {
      const o = (y * width + px) * 4;
      out[o] = row[px * channels] ?? 0;
      out[o + 1] = row[px * channels + 1] ?? 0;
      out[o + 2] = row[px * channels + 2] ?? 0;
      out[o + 3] = channels === 4 ? (row[px * channels + 3] ?? 0) : 255;
    }
    previous = row;
  }
  return { width, height, pixels: out };
}

/** The share of pixels that are not (nearly) white: a drawn chart has some ink, a blank image none. */
export function inkShare(png: DecodedPng): number {
  let ink = 0;
  const p = png.pixels;
  for (let i = 0; i < p.length; i += 4)
    if ((p[i] ?? 255) < 240 || (p[i + 1] ?? 255) < 240 || (p[i + 2] ?? 255) < 240) ink++;
  return ink / (png.width * png.height);
}
