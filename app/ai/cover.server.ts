// Covers as PNG, 1200x630 (the Open Graph size that article themes and social cards crop from). The
// offline cover is an SVG (the title on a gradient, with shapes) rendered by resvg; an image model's picture
// is fitted to the same size through the same renderer.
import { Resvg } from "@resvg/resvg-js";
import type { CoverImage } from "./provider";
import { escapeHtml, stableHash } from "./text";

export const COVER = { width: 1200, height: 630 } as const;

// Any of these the machine has; resvg draws no text (the shapes still render) when it finds none.
const FONT_FAMILY = "DejaVu Sans, Liberation Sans, Noto Sans, Arial, Helvetica, sans-serif";

function render(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: COVER.width },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return new Uint8Array(resvg.render().asPng());
}

const HUE_NAMES: [number, string][] = [
  [15, "red"],
  [45, "orange"],
  [70, "yellow"],
  [160, "green"],
  [200, "teal"],
  [250, "blue"],
  [290, "purple"],
  [335, "pink"],
  [360, "red"],
];

const hueName = (hue: number) => HUE_NAMES.find(([limit]) => hue < limit)![1];

/** Lines of at most `width` characters, at most `max` lines, the last cut with an ellipsis. */
function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word.length > width ? `${word.slice(0, width - 1)}…` : word);
  }
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1]!.slice(0, width - 1).replace(/\s+\S*$/, "")}…`;
  return kept;
}

/**
 * The offline cover: `title` in white on a dark two-colour gradient with soft circles, and `label` (the
 * brief's keyword) above it. Colours and shapes come from a hash of `seed`, so the same input draws the
 * same PNG, byte for byte.
 */
export function drawOfflineCover(input: { title: string; label: string; seed: string }): CoverImage {
  const hash = stableHash(`${input.seed}\n${input.title}`);
  const hue = hash % 360;
  const hue2 = (hue + 40 + ((hash >>> 9) % 80)) % 360;
  const from = `hsl(${hue}, 62%, 30%)`;
  const to = `hsl(${hue2}, 58%, 42%)`;
  const size = input.title.length <= 40 ? 72 : input.title.length <= 80 ? 60 : 50;
  const lines = wrap(input.title, Math.floor(1000 / (size * 0.56)), 4);
  const top = 330 - ((lines.length - 1) * size * 1.2) / 2;
  const circles = [0, 1, 2]
    .map((n) => {
      const bits = hash >>> (n * 7);
      const cx = 700 + (bits % 500);
      const cy = 60 + ((bits >>> 3) % 510);
      const r = 90 + ((bits >>> 5) % 160);
      return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#ffffff" fill-opacity="${(0.06 + n * 0.03).toFixed(2)}"/>`;
    })
    .join("");
  const text = lines
    .map((line, n) => `<tspan x="96" y="${Math.round(top + n * size * 1.2)}">${escapeHtml(line)}</tspan>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${COVER.width}" height="${COVER.height}" viewBox="0 0 ${COVER.width} ${COVER.height}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
<rect width="${COVER.width}" height="${COVER.height}" fill="url(#bg)"/>${circles}
<rect x="96" y="${Math.round(top - size - 64)}" width="120" height="8" rx="4" fill="#ffffff" fill-opacity="0.85"/>
<text x="96" y="${Math.round(top - size - 16)}" font-family="${FONT_FAMILY}" font-size="28" fill="#ffffff" fill-opacity="0.85" letter-spacing="2">${escapeHtml(input.label.toUpperCase().slice(0, 48))}</text>
<text font-family="${FONT_FAMILY}" font-size="${size}" font-weight="bold" fill="#ffffff">${text}</text>
</svg>`;
  const colours = `${hueName(hue)} to ${hueName(hue2)}`;
  return {
    png: render(svg),
    ...COVER,
    altText: `Cover for "${input.title}": the title in white on a ${colours} gradient with soft circles`,
    prompt: `Drawn offline from the title "${input.title}" and the label "${input.label}" (${colours} gradient)`,
  };
}

/** An image model's picture (PNG, JPEG or WebP), scaled and centre-cropped to 1200x630 PNG. */
export function fitCover(image: Uint8Array, mime: "image/png" | "image/jpeg" | "image/webp"): Uint8Array {
  const href = `data:${mime};base64,${Buffer.from(image).toString("base64")}`;
  return render(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${COVER.width}" height="${COVER.height}"><image width="${COVER.width}" height="${COVER.height}" preserveAspectRatio="xMidYMid slice" xlink:href="${href}"/></svg>`,
  );
}
