#!/usr/bin/env node
// `npm start`: the production server. remix-serve's, with one difference that matters: its access log
// (morgan "tiny") writes every embedded page's URL with its session token (id_token). Here each request is
// one line with the URL redacted (scripts/redact-log.mjs), written at LOG_LEVEL info or debug only.
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { redact } from "./redact-log.mjs";

const BUILD = new URL("../build/server/index.js", import.meta.url);
const production = !["development", "test"].includes(process.env.NODE_ENV ?? "production");
// The same default as app/env.server.ts, which validates the value when the build is imported.
const level = process.env.LOG_LEVEL ?? (production ? "warning" : "info");

// Importing the build runs entry.server.tsx's boot check: a database that cannot serve ends start-up here,
// before anything listens.
const build = await import(BUILD.href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
if (level === "info" || level === "debug") {
  morgan.token("redacted-url", (req) => redact(req.originalUrl ?? req.url));
  app.use(morgan(":method :redacted-url :status :res[content-length] - :response-time ms"));
}
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, process.env.HOST, () => console.log(`[serve] http://localhost:${port}`));
// Stop taking requests, let running jobs finish (entry.server.tsx), then exit.
for (const signal of ["SIGTERM", "SIGINT"])
  process.once(signal, () =>
    server.close(async (error) => {
      await build.entry.module.stopBackgroundWork?.().catch((stopError) => console.error(stopError));
      process.exit(error ? 1 : 0);
    }),
  );
