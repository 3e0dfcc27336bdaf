// app/shopify.server.ts validates its settings when imported (app/env.server.ts). These stand in for what
// `shopify app dev` would set, so any test can import a route; a test may vi.stubEnv over them.
// DATABASE_URL is left to each test: it points the app at that test's own database.
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "http://localhost:3000";
process.env.SCOPES ??= "write_content,read_products";
