// Article images, as Shopify takes them: it downloads the given URL when the article is saved and serves
// its own copy from its CDN (the article's image url is then Shopify's, not the app's). The emulator's
// "CDN" is GET /cdn/files/<id>.<ext> on its own origin, so a browser can show the copy.

import type { EmulatorState, HostedImage } from "./state";

const DOWNLOAD_TIMEOUT_MS = 10_000;
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};

export type Download = { ok: true; image: HostedImage } | { ok: false; reason: string };

export class ImageHost {
  constructor(
    private readonly state: EmulatorState,
    private readonly baseUrl: () => string,
  ) {}

  async download(url: string, altText: string | null): Promise<Download> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, reason: "Image URL is invalid" };
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      return { ok: false, reason: "Image URL is invalid" };
    let response: Response;
    try {
      response = await fetch(parsed, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    } catch (error) {
      return { ok: false, reason: `Image could not be downloaded: ${(error as Error).message}` };
    }
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const extension = EXTENSIONS[contentType];
    if (!response.ok) return { ok: false, reason: `Image could not be downloaded (HTTP ${response.status})` };
    if (!extension)
      return { ok: false, reason: `Image is not an image (${contentType || "no content type"})` };
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES)
      return { ok: false, reason: "Image is empty or too large" };
    const id = this.state.nextId();
    this.state.images.set(id, { contentType, base64: bytes.toString("base64") });
    return { ok: true, image: { id, url: `${this.baseUrl()}/cdn/files/${id}.${extension}`, altText } };
  }

  // The copy behind GET /cdn/files/<id>.<ext>.
  read(id: number): { contentType: string; bytes: Buffer } | undefined {
    const image = this.state.images.get(id);
    return image && { contentType: image.contentType, bytes: Buffer.from(image.base64, "base64") };
  }
}
