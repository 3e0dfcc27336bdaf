import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  // Loaders return plain objects (v3_singleFetch); this types useLoaderData accordingly.
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: {
    port: Number(process.env.PORT ?? 3000),
    // `shopify app dev` serves the app through a tunnel whose host name changes on every run.
    allowedHosts: true,
    // Transformed at start, so Vite finds every dependency the browser needs before the first page asks:
    // a dependency found during the first page load made Vite re-bundle and reload mid-load, leaving the page
    // with two copies of React ("Cannot read properties of null (reading 'useState')") on every fresh clone.
    warmup: { clientFiles: ["./app/root.tsx", "./app/routes/**/*.tsx"] },
  },
  plugins: [remix(remixConfig)],
  // Pre-bundled at start, so the first embedded page load in dev does not trigger a full reload.
  optimizeDeps: {
    include: ["@shopify/app-bridge-react", "@shopify/polaris", "croner"],
    // Server-only and native (covers): the scan reaches it through route modules' server imports, and a
    // re-optimisation that tries to bundle its .node binary fails mid-journey.
    exclude: ["@resvg/resvg-js"],
  },
});
