// A draft's cover image, public: Shopify downloads the article image from this URL when the draft is saved.
// The cover id is unguessable and the image carries nothing but the picture.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readCoverPng } from "../content/drafts.server";
import db from "../db.server";
import { httpError, withHttpErrors } from "../http/errors.server";

const FILE = /^([A-Za-z0-9_-]{1,64})\.png$/;

export const loader = async ({ params }: LoaderFunctionArgs) =>
  withHttpErrors(async () => {
    const id = FILE.exec(params.file ?? "")?.[1];
    const cover = id ? await readCoverPng(db, id) : null;
    if (!cover) return httpError(404, "No such image");
    return new Response(new Uint8Array(cover.png), {
      headers: {
        "Content-Type": "image/png",
        "Content-Length": String(cover.png.byteLength),
        // A cover never changes: a new one gets a new id.
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
