import { PassThrough } from "node:stream";
import {
  createReadableStreamFromReadable,
  type ActionFunctionArgs,
  type EntryContext,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { isBootCheckChild, requireUsableDatabase, runBootCheck } from "./boot.server";
import db from "./db.server";
import { env } from "./env.server";
import { startContentJobs } from "./jobs/content-jobs.server";
import { queueFor } from "./jobs/queue.server";
import { startSweeper } from "./jobs/sweeper.server";
import { addDocumentResponseHeaders } from "./shopify.server";

// A production start stops here, with one line, when the database is missing, unreachable or unmigrated.
if (env.production && isBootCheckChild()) void runBootCheck(db, env.DATABASE_URL);
else {
  if (env.production) requireUsableDatabase(import.meta.url);
  startSweeper(db);
  startContentJobs(db, env.DATABASE_URL).catch((error: unknown) =>
    console.error("content jobs and the automation scheduler did not start", error),
  );
}

/** Called by `npm start` on SIGTERM/SIGINT: running jobs finish (bounded) before the process exits. */
export async function stopBackgroundWork() {
  await queueFor(db)?.stop();
}

export const streamTimeout = 5000;

/**
 * Headers for every document. shopify-app-remix sets `frame-ancestors` to the shop's admin only for a
 * request whose query names a valid shop (the Admin's iframe); every other document (the landing page,
 * /auth/login, error pages outside the Admin) may be framed by no one, so its forms cannot be clickjacked.
 */
export function addSecurityHeaders(request: Request, headers: Headers, appUrl = env.SHOPIFY_APP_URL) {
  addDocumentResponseHeaders(request, headers);
  if (!headers.has("Content-Security-Policy"))
    headers.set("Content-Security-Policy", "frame-ancestors 'none'");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  // Browsers ignore HSTS over http; an app served over https must never be reached over http again.
  if (new URL(appUrl).protocol === "https:") headers.set("Strict-Transport-Security", "max-age=31536000");
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addSecurityHeaders(request, responseHeaders);
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
        if (!request.signal.aborted) console.error(errorLine(request, error));
      },
    });
    // Give deferred data until streamTimeout, then abort what is still pending.
    setTimeout(abort, streamTimeout + 1000);
  });
}

/** `GET /path: TypeError: message (at file:line:col)`: one line an operator can grep, no multi-line stack. */
export function errorLine(request: Request, error: unknown) {
  const { pathname } = new URL(request.url);
  const cause = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`.trim()
    : error instanceof Error
      ? `${error.name}: ${error.message}${topFrame(error)}`
      : String(error);
  return `${request.method} ${pathname}: ${cause.replace(/\s*\n\s*/g, " ")}`;
}

function topFrame(error: Error) {
  const frame = error.stack?.split("\n").find((line) => /^\s+at /.test(line));
  const where = frame && /\(?([^\s()]+:\d+:\d+)\)?$/.exec(frame.trim())?.[1];
  return where ? ` (at ${where})` : "";
}

// Remix calls this for what it would log. A client that went away is nobody's error, and a 4xx that Remix
// raised itself (no route for the path, a method the route does not take) is the client's: neither is
// logged. Anything else is a fault, logged as one line.
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  console.error(errorLine(request, error));
}
