import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import db from "./db.server";
import { startSweeper } from "./jobs/sweeper.server";
import { addDocumentResponseHeaders } from "./shopify.server";

startSweeper(db);

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Frame-ancestors CSP and the headers App Bridge needs inside the Shopify Admin iframe.
  addDocumentResponseHeaders(request, responseHeaders);
  // Bots get the whole document at once; browsers get the shell first and stream the rest.
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html");
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    // Give deferred data until streamTimeout, then abort what is still pending.
    setTimeout(abort, streamTimeout + 1000);
  });
}
