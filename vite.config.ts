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
    // Transformed at start, so the first page does not wait for every route module to compile.
    warmup: { clientFiles: ["./app/root.tsx", "./app/routes/**/*.tsx"] },
  },
  plugins: [remix(remixConfig)],
  // remix.config.js's unstable_optimizeDeps makes Vite's scan start from every route module, so the client's
  // dependencies are pre-bundled at start in one batch.
  optimizeDeps: {
    // Server-only and native (covers): the scan reaches it through route modules' server imports, and
    // bundling its .node binary fails.
    exclude: ["@resvg/resvg-js"],
  },
});
