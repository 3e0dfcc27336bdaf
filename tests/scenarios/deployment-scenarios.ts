// What an operator, an uptime monitor and a visitor outside the Shopify admin see of the deployed app, over
// HTTP through Remix's request handler (tests/app-harness.ts): error pages, document headers, the health
// route and the landing page. Run once per engine (deployment.<engine>.test.ts).
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { BROWSER, DEV_STORE, startAppHarness, type AppHarness } from "../app-harness";

type EntryServer = typeof import("../../app/entry.server");

/** What no page may show: stack frames, zod or Prisma internals, Remix's own default error page. */
const INTERNALS = /\n\s+at |ZodError|Prisma|Unhandled Thrown Response|Error: No route matches/;

/**
 * The markup a visitor sees: the document without its scripts (the harness runs Remix in development mode,
 * whose hydration data carries error stacks that a production build sanitizes).
 */
const visible = (html: string) => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");

/** React Router's development-only warning for an unmatched URL (one line; production builds drop it). */
const DEV_ONLY = /^warn: No routes matched location /;

/** Everything the app printed to the console while `work` ran, as `level: text`, stacks included. */
async function consoleDuring(work: () => Promise<void>) {
  const lines: string[] = [];
  for (const method of ["error", "warn", "log", "info", "debug"] as const)
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) =>
        void lines.push(
          `${method}: ${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" ")}`,
        ),
    );
  try {
    await work();
  } finally {
    vi.restoreAllMocks();
  }
  return lines;
}

export function deploymentScenarios(engine: Engine) {
  describe(`deployment on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());
    afterEach(() => {
      vi.restoreAllMocks();
    });

    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${h.appUrl}${path}`, { redirect: "manual", headers: { "User-Agent": BROWSER, ...headers } });

    describe("error pages", () => {
      test("an unknown path answers 404 with the app's Polaris page and logs nothing", async () => {
        let body = "";
        let status = 0;
        const logged = await consoleDuring(async () => {
          const response = await get("/no-such-page");
          status = response.status;
          body = await response.text();
        });
        expect(status).toBe(404);
        expect(body).toContain("Page not found");
        expect(body).toContain("Polaris-Page");
        expect(visible(body)).not.toMatch(INTERNALS);
        expect(logged.filter((line) => !DEV_ONLY.test(line))).toEqual([]);
      });

      test("an unknown path inside the embedded app is the same page, for the admin's iframe too", async () => {
        const response = await h.openDocument(DEV_STORE, "/app/no-such-page");
        expect(response.status).toBe(404);
        const body = await response.text();
        expect(body).toContain("Page not found");
        expect(visible(body)).not.toMatch(INTERNALS);
      });

      test("a method no route takes is a 4xx page with no internals and no log line", async () => {
        let status = 0;
        let body = "";
        const logged = await consoleDuring(async () => {
          const response = await fetch(`${h.appUrl}/no-such-page`, {
            method: "POST",
            body: new URLSearchParams({ a: "1" }),
            headers: { "User-Agent": BROWSER, Origin: h.appUrl },
            redirect: "manual",
          });
          status = response.status;
          body = await response.text();
        });
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(visible(body)).not.toMatch(INTERNALS);
        expect(logged.filter((line) => !DEV_ONLY.test(line))).toEqual([]);
      });

      test("a fault is logged as one line naming the request, the error and where it was thrown", async () => {
        // The app's own entry module, as Remix loaded it.
        const entry = (await h.vite.ssrLoadModule("/app/entry.server.tsx")) as EntryServer;
        const request = new Request(`${h.appUrl}/app/billing?shop=${DEV_STORE}`, { method: "POST" });
        const logged = await consoleDuring(async () => {
          entry.handleError(new TypeError("x is not a function\nsecond line"), {
            request,
            params: {},
            context: {},
          });
          const aborted = new AbortController();
          aborted.abort();
          entry.handleError(new Error("client went away"), {
            request: new Request(h.appUrl, { signal: aborted.signal }),
            params: {},
            context: {},
          });
        });
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatch(
          /^error: POST \/app\/billing: TypeError: x is not a function second line \(at \S+:\d+:\d+\)$/,
        );
      });
    });

    describe("document headers", () => {
      const EVERY_DOCUMENT = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
      };

      test.each([["/"], ["/auth/login"], ["/no-such-page"]])(
        "%s, outside the admin, may be framed by no one",
        async (path) => {
          const response = await get(path);
          await response.text();
          expect(Object.fromEntries(response.headers)).toMatchObject({
            ...EVERY_DOCUMENT,
            "content-security-policy": "frame-ancestors 'none'",
          });
          // The harness serves over http: no HSTS.
          expect(response.headers.has("strict-transport-security")).toBe(false);
        },
      );

      test("an embedded page may be framed by the shop's admin only (shopify-app-remix's policy)", async () => {
        const response = await h.openDocument(DEV_STORE, "/app");
        expect(response.status).toBe(200);
        await response.text();
        expect(Object.fromEntries(response.headers)).toMatchObject(EVERY_DOCUMENT);
        const csp = response.headers.get("content-security-policy");
        expect(csp).toMatch(new RegExp(`^frame-ancestors https://${DEV_STORE} https://admin.shopify.com `));
        expect(csp).not.toContain("'none'");
      });

      test("an app served over https tells browsers to keep to https", async () => {
        const entry = (await h.vite.ssrLoadModule("/app/entry.server.tsx")) as EntryServer;
        const headers = new Headers();
        entry.addSecurityHeaders(new Request("https://app.example.com/"), headers, "https://app.example.com");
        expect(headers.get("strict-transport-security")).toBe("max-age=31536000");
        const overHttp = new Headers();
        entry.addSecurityHeaders(new Request("http://localhost:3000/"), overHttp, "http://localhost:3000");
        expect(overHttp.has("strict-transport-security")).toBe(false);
      });
    });

    describe("/healthz", () => {
      // Uptime monitors, load balancers and curl: shopify-app-remix answers bots 410 on authenticated routes.
      const MONITORS = [
        BROWSER,
        "UptimeRobot/2.0; http://www.uptimerobot.com/",
        "curl/8.5.0",
        "kube-probe/1.30",
        "",
      ];

      test.each(MONITORS)("answers 200 ok to %j, unauthenticated and uncached", async (userAgent) => {
        const response = await get("/healthz", { "User-Agent": userAgent });
        expect(response.status).toBe(200);
        expect(response.headers.get("cache-control")).toBe("no-store");
        expect(await response.json()).toEqual({ status: "ok" });
      });

      test("a HEAD request gets the status without a body", async () => {
        const response = await fetch(`${h.appUrl}/healthz`, { method: "HEAD" });
        expect(response.status).toBe(200);
        expect(await response.text()).toBe("");
      });

      test("answers 503 with the reason while a migration this build expects is not applied", async () => {
        const [newest] = await h.db.$queryRawUnsafe<{ id: string; migration_name: string }[]>(
          `SELECT id, migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
        );
        // Marked rolled back: as if the newest migration had never been applied to this database.
        await h.db.$executeRawUnsafe(
          `UPDATE "_prisma_migrations" SET rolled_back_at = CURRENT_TIMESTAMP WHERE id = '${newest!.id}'`,
        );
        try {
          const response = await get("/healthz", { "User-Agent": "UptimeRobot/2.0" });
          expect(response.status).toBe(503);
          const body = await response.text();
          expect(JSON.parse(body)).toEqual({
            status: "error",
            reason: expect.stringContaining(`migrations pending (first: ${newest!.migration_name})`),
          });
          // Nothing about where the database is.
          expect(body).not.toMatch(/file:|postgres|127\.0\.0\.1|\/tmp\//);
        } finally {
          await h.db.$executeRawUnsafe(
            `UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = '${newest!.id}'`,
          );
        }
        expect((await get("/healthz")).status).toBe(200);
      });
    });

    describe("/ outside the admin", () => {
      test("is a product page that sends store owners to the App Store and asks for no shop domain", async () => {
        const response = await get("/");
        expect(response.status).toBe(200);
        const body = visible(await response.text());
        expect(body).toContain("Install from the Shopify App Store");
        expect(body).toContain("Polaris-Page");
        expect(body).not.toMatch(/<form|<input|name="shop"|myshopify\.com/i);
      });

      test("a request naming a shop goes on into the embedded app, query and all", async () => {
        const response = await get(`/?shop=${DEV_STORE}&host=abc&embedded=1`);
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe(`/app?shop=${DEV_STORE}&host=abc&embedded=1`);
      });

      test("the shop domain form stays at /auth/login (local development, custom distribution)", async () => {
        const response = await get("/auth/login");
        expect(response.status).toBe(200);
        expect(await response.text()).toMatch(/<form[^>]*method="post"[\s\S]*name="shop"/);
      });
    });

    test("shopify-app-remix's info lines are on by default outside production", async () => {
      const logged = await consoleDuring(async () => {
        await (await h.openDocument(DEV_STORE, "/app")).text();
      });
      const info = logged.filter((line) => line.includes("[shopify-app/INFO]"));
      // The layout's and the page's loaders both authenticate: two lines for one page.
      expect(info.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe(`LOG_LEVEL=warning on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      // Read when the app's settings load, as the harness starts.
      process.env.LOG_LEVEL = "warning";
      try {
        h = await startAppHarness(engine);
      } finally {
        delete process.env.LOG_LEVEL;
      }
    });
    afterAll(() => h.close());

    test("an embedded page writes no info line", async () => {
      const logged = await consoleDuring(async () => {
        const page = await h.openDocument(DEV_STORE, "/app");
        expect(page.status).toBe(200);
        await page.text();
      });
      expect(logged.filter((line) => /\[shopify-(app|api)\/(INFO|DEBUG)\]/.test(line))).toEqual([]);
    });
  });
}
