// Remix options, read by the Vite plugin in vite.config.ts (the classic compiler cannot build
// shopify-app-remix; docs/decisions/001-dependency-line.md).
/** @type {import("@remix-run/dev").VitePluginConfig} */
export default {
  // Tests sit next to their routes; they must not become routes.
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  future: {
    v3_fetcherPersist: true,
    v3_lazyRouteDiscovery: true,
    v3_relativeSplatPath: true,
    v3_singleFetch: true,
    v3_throwAbortReason: true,
    // Routes come from the flat file convention in app/routes, so ignoredRouteFiles above applies.
    v3_routeConfig: false,
    // Vite's scan starts from every route module and pre-bundles what it finds before the first page;
    // without it, dependencies found later made Vite re-bundle and reload open pages (docs/platform-notes.md).
    unstable_optimizeDeps: true,
  },
};
