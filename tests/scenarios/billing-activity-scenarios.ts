// The Billing page's Activity Ledger and its CSV export, end to end: the app behind Remix's request handler
// over HTTP (tests/app-harness.ts), the Shopify Admin emulator, a real database; charges approved on the
// emulator's confirmation page, spending through the ledger's own reserve and capture. Run once per engine
// (billing-activity.<engine>.test.ts).
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import type { LedgerRow } from "../../app/billing-page/ledger.server";
import { captureReservation } from "../../app/ledger/capture-reservation.server";
import { reserveCredits } from "../../app/ledger/reserve-credits.server";
import { grantCredits } from "../../app/ledger/grant-credits.server";
import type { Action } from "../../app/ledger/prices";
import { sweep } from "../../app/ledger/sweep.server";
import { startAppHarness, type AppHarness } from "../app-harness";

const ACTIVITY = "routes/app.billing.activity";

type Row = LedgerRow & { when: string; creditsText: string; balanceText: string };
interface ActivityPage {
  timeZone: string;
  filtered: boolean;
  rows: Row[];
  nextCursor: number | null;
  previousCursor: number | null;
}

export function billingActivityScenarios(engine: Engine) {
  describe(`the Activity Ledger on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    }, 120_000);
    afterAll(() => h.close());

    const open = (domain: string, query = "") =>
      h.loaderData<ActivityPage>(domain, `/app/billing/activity${query}`, ACTIVITY);
    const shopId = async (domain: string) => (await h.shopRow(domain)).id;

    async function approve(domain: string, fields: Record<string, string>) {
      const chargeId = h.chargeIdFrom(await h.submitBilling(domain, fields));
      await h.returnFrom(domain, h.emulator.approveCharge(chargeId).redirectUrl);
      await h.emulator.webhooks.idle();
      return chargeId;
    }

    async function draft(domain: string, title: string) {
      const id = `draft_${randomUUID().slice(0, 8)}`;
      await h.db.draft.create({ data: { id, shopId: await shopId(domain), title, currentVersion: 1 } });
      return id;
    }

    /** Spends as the app's jobs do: reserve, do the work, capture. */
    async function spend(domain: string, actions: Action[], reference: string, actor = "user:1") {
      const ref = { shopId: await shopId(domain), idempotencyKey: randomUUID() };
      await reserveCredits(h.db, { ...ref, actions, actor, reference });
      await captureReservation(h.db, ref);
    }

    /** `count` entries straight into the ledger, oldest first (a listing reads them; no balance moves). */
    async function bulkEntries(
      domain: string,
      count: number,
      entry: { type: string; action?: string; reference?: string },
    ) {
      const id = await shopId(domain);
      const start = Date.now() - count * 1000;
      for (let offset = 0; offset < count; offset += 500)
        await h.db.ledgerEntry.createMany({
          data: Array.from({ length: Math.min(500, count - offset) }, (_, i) => ({
            shopId: id,
            credits: entry.type === "debit" ? -2 : 5,
            postedAfter: offset + i,
            actor: "user:7",
            createdAt: new Date(start + (offset + i) * 1000),
            ...entry,
          })),
        });
    }

    test("each row is named by its source, with who did it, a test flag and where it leads", async () => {
      const store = await h.installStore("labels");
      const id = await shopId(store);
      const upgradeCharge = await approve(store, { intent: "subscribe", plan: "starter" });
      const topUpCharge = await approve(store, { intent: "buy-top-up", pack: "pack-100" });
      const title = "Trail shoes for wet spring hikes";
      const drafts = {
        generate: await draft(store, title),
        withCover: await draft(store, "Packing list"),
        cover: await draft(store, "Camp kitchen"),
        rewrite: await draft(store, "Layering 101"),
        regenerate: await draft(store, "Tent care"),
      };
      // A staff member whose online session carries a name, and one whose does not.
      await h.db.session.create({
        data: {
          id: `${store}_42`,
          shop: store,
          state: "s",
          isOnline: true,
          accessToken: "t",
          userId: 42n,
          firstName: "Ada",
          lastName: "Lovelace",
        },
      });
      await spend(store, ["draft.generate"], drafts.generate, "user:42");
      await spend(store, ["draft.generate", "cover.generate"], drafts.withCover);
      await spend(store, ["cover.generate"], drafts.cover, "automation:9");
      await spend(store, ["draft.rewrite"], drafts.rewrite);
      await spend(store, ["draft.regenerate"], drafts.regenerate);
      // Monthly credits that end unused expire (the sweeper, as "System"); a paid cycle's allowance.
      const now = new Date();
      await grantCredits(
        h.db,
        {
          shopId: id,
          sourceKey: `cycle:${randomUUID()}`,
          kind: "monthly",
          credits: 3,
          expiresAt: new Date(now.getTime() + 1000),
          reference: "plan:starter",
        },
        now,
      );
      await sweep(h.db, new Date(now.getTime() + 2000));

      const page = await open(store);
      expect(page.timeZone).toBe("Etc/UTC");
      const rows = page.rows.map(({ what, kind, credits, who, test, link }) => ({
        what,
        kind,
        credits,
        who: who.name,
        test,
        link,
      }));
      expect(rows).toEqual([
        {
          what: "Unused monthly credits expired",
          kind: "expiry",
          credits: -3,
          who: "System",
          test: false,
          link: null,
        },
        {
          what: "Monthly allowance — Starter",
          kind: "grant",
          credits: 3,
          who: "Shopify",
          test: false,
          link: null,
        },
        {
          what: "Regenerated: Tent care",
          kind: "debit",
          credits: -2,
          who: "Staff member 1",
          test: false,
          link: { kind: "draft", id: drafts.regenerate, title: "Tent care" },
        },
        {
          what: "AI rewrite: Layering 101",
          kind: "debit",
          credits: -1,
          who: "Staff member 1",
          test: false,
          link: { kind: "draft", id: drafts.rewrite, title: "Layering 101" },
        },
        {
          what: "Cover image: Camp kitchen",
          kind: "debit",
          credits: -1,
          who: "Automation",
          test: false,
          link: { kind: "draft", id: drafts.cover, title: "Camp kitchen" },
        },
        {
          what: "Draft + cover: Packing list",
          kind: "debit",
          credits: -3,
          who: "Staff member 1",
          test: false,
          link: { kind: "draft", id: drafts.withCover, title: "Packing list" },
        },
        {
          what: `Draft generated: ${title}`,
          kind: "debit",
          credits: -2,
          who: "Ada Lovelace",
          test: false,
          link: { kind: "draft", id: drafts.generate, title: title },
        },
        {
          what: "Top-up: 100 credits",
          kind: "grant",
          credits: 100,
          who: "Shopify",
          test: false,
          link: { kind: "charge", id: `gid://shopify/AppPurchaseOneTime/${topUpCharge}` },
        },
        {
          what: "Upgrade to Starter",
          kind: "grant",
          credits: 90,
          who: "Shopify",
          test: false,
          link: { kind: "charge", id: `gid://shopify/AppSubscription/${upgradeCharge}` },
        },
        {
          what: "Monthly allowance — Free",
          kind: "grant",
          credits: 10,
          who: "System",
          test: false,
          link: null,
        },
      ]);
      // Balance after each entry, and the date with its time.
      expect(page.rows.map((row) => row.balanceAfter)).toEqual([
        191, 194, 191, 193, 194, 195, 198, 200, 100, 10,
      ]);
      expect(page.rows[0]!.creditsText).toBe("-3");
      expect(page.rows.at(-1)!.creditsText).toBe("+10");
      expect(page.rows[0]!.when).toMatch(/\d{4}.*\d{1,2}:\d{2}/);
      expect(page).toMatchObject({ filtered: false, nextCursor: null, previousCursor: null });

      // The who filter agrees with the rows' who, the null-actor grants included (a paid plan's are Shopify's).
      const who = async (filter: string) => (await open(store, `?who=${filter}`)).rows.map((row) => row.what);
      expect(await who("shopify")).toEqual([
        "Monthly allowance — Starter",
        "Top-up: 100 credits",
        "Upgrade to Starter",
      ]);
      expect(await who("system")).toEqual(["Unused monthly credits expired", "Monthly allowance — Free"]);
      expect(await who("staff")).toHaveLength(4);
      expect(await who("automation")).toEqual(["Cover image: Camp kitchen"]);

      // In the admin's language when the embedded request names one.
      const german = await open(store, "?locale=de");
      expect(german.rows[0]!.when).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
      expect(german.rows.at(-1)!.creditsText).toBe("+10");
    });

    test("a development store's charges are test charges, and their rows say so", async () => {
      const store = await h.installStore("dev", { partnerDevelopment: true });
      await approve(store, { intent: "buy-top-up", pack: "pack-25" });
      const [topUp] = (await open(store)).rows;
      expect(topUp).toMatchObject({ what: "Top-up: 25 credits", test: true, who: { kind: "shopify" } });
    });

    test("filters by type, action, who and days in the shop's time zone", async () => {
      const store = await h.installStore("filters", { timezone: "America/New_York" });
      const id = await shopId(store);
      const d = await draft(store, "Rain jackets");
      await spend(store, ["draft.generate"], d);
      await spend(store, ["cover.generate"], d, "automation:3");
      const page = await open(store);
      expect(page.timeZone).toBe("America/New_York");
      expect((await h.shopRow(store)).timezone).toBe("America/New_York");
      const what = async (query: string) => (await open(store, query)).rows.map((row) => row.what);
      expect(await what("?type=debits")).toEqual([
        "Cover image: Rain jackets",
        "Draft generated: Rain jackets",
      ]);
      expect(await what("?type=grants")).toEqual(["Monthly allowance — Free"]);
      expect(await what("?type=expiries")).toEqual([]);
      expect(await what("?action=cover.generate")).toEqual(["Cover image: Rain jackets"]);
      expect(await what("?who=automation")).toEqual(["Cover image: Rain jackets"]);
      expect(await what("?who=staff&type=debits")).toEqual(["Draft generated: Rain jackets"]);
      expect(await what("?who=system")).toEqual(["Monthly allowance — Free"]);
      expect(await what("?who=shopify")).toEqual([]);
      const empty = await open(store, "?who=shopify");
      expect(empty).toMatchObject({ filtered: true, rows: [] });

      // 03:30 UTC on 10 March is 23:30 on 9 March in New York: it belongs to the 9th there.
      await h.db.ledgerEntry.create({
        data: {
          shopId: id,
          type: "adjustment",
          credits: 1,
          postedAfter: 0,
          actor: "system",
          createdAt: new Date("2026-03-10T03:30:00Z"),
        },
      });
      expect(await what("?from=2026-03-09&to=2026-03-09")).toEqual(["Adjustment"]);
      expect(await what("?from=2026-03-10&to=2026-03-10")).toEqual([]);
      const [adjustment] = (await open(store, "?to=2026-03-09")).rows;
      expect(adjustment!.when).toMatch(/Mar 9, 2026.*11:30/);
    });

    test("pages of 50 walk 120 entries newest first, each once, forward and back", async () => {
      const store = await h.installStore("paging");
      await bulkEntries(store, 119, { type: "debit", action: "draft.generate" });
      const ids: number[] = [];
      const pages: ActivityPage[] = [];
      let query = "";
      for (;;) {
        const page = await open(store, query);
        pages.push(page);
        ids.push(...page.rows.map((row) => row.id));
        if (page.nextCursor === null) break;
        query = `?after=${page.nextCursor}`;
      }
      expect(pages.map((page) => page.rows.length)).toEqual([50, 50, 20]);
      expect(new Set(ids).size).toBe(120);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(pages[0]!.previousCursor).toBeNull();
      // Back from the last page: the same pages, the same rows.
      let back = pages.at(-1)!;
      for (const expected of [pages[1]!, pages[0]!]) {
        back = await open(store, `?before=${back.previousCursor}`);
        expect(back.rows.map((row) => row.id)).toEqual(expected.rows.map((row) => row.id));
      }
      expect(back.previousCursor).toBeNull();
    });

    test("another shop's entries never appear, even through a cursor taken from its ledger", async () => {
      const mine = await h.installStore("mine");
      const theirs = await h.installStore("theirs");
      await bulkEntries(theirs, 60, { type: "debit", action: "draft.rewrite" });
      const theirIds = new Set(
        (await h.db.ledgerEntry.findMany({ where: { shopId: await shopId(theirs) } })).map((e) => e.id),
      );
      const myPage = await open(mine);
      expect(myPage.rows.map((row) => row.what)).toEqual(["Monthly allowance — Free"]);
      const largest = Math.max(...theirIds);
      for (const query of [`?after=${largest + 1}`, `?before=${Math.min(...theirIds) - 1}`]) {
        const page = await open(mine, query);
        expect(page.rows.every((row) => !theirIds.has(row.id))).toBe(true);
      }
      const csv = parse(await (await h.appFetch(mine, "/app/billing/activity/csv")).text()) as string[][];
      expect(csv.slice(1).map((cells) => Number(cells.at(-1)))).toEqual(myPage.rows.map((row) => row.id));
    });

    test("the page renders its rows, its empty states and its filter errors in the server render", async () => {
      const store = await h.installStore("render");
      const html = async (query = "") => {
        const response = await h.openDocument(store, `/app/billing/activity${query}`);
        return { status: response.status, text: await response.text() };
      };
      const full = await html();
      expect(full.status).toBe(200);
      for (const text of [
        "Activity Ledger",
        "Monthly allowance — Free",
        "+10",
        "Export CSV",
        "Times in Etc/UTC.",
      ])
        expect(full.text).toContain(text);
      const none = await html("?who=automation");
      expect(none.text).toContain("Nothing matches these filters");
      expect(none.text).toContain("Clear filters");
      const bad = await html("?who=everyone");
      expect(bad.status).toBe(400);
      expect(bad.text).toContain("Those filters could not be read");
      expect(bad.text).toContain("Show the whole ledger");
      // A shop with nothing on its ledger yet (its first grant not written).
      await h.db.ledgerEntry.deleteMany({ where: { shopId: await shopId(store) } });
      expect((await html()).text).toContain("No activity yet");
    });

    test("filters and cursors it cannot read are a 400 with field errors, for the page and the export", async () => {
      const store = await h.installStore("bad");
      const before = await h.db.ledgerEntry.count({ where: { shopId: await shopId(store) } });
      const bad = {
        "?type=refunds": "type",
        "?action=draft.delete": "action",
        "?who=everyone": "who",
        "?from=2026-02-30": "from",
        "?from=yesterday": "from",
        "?from=2026-03-02&to=2026-03-01": "to",
        "?after=abc": "after",
        "?after=-4": "after",
        "?after=10&before=20": "before",
      };
      for (const [query, field] of Object.entries(bad)) {
        const { response, results } = await h.navigate(store, `/app/billing/activity${query}`);
        expect(response.status, query).toBe(400);
        expect(results[ACTIVITY], query).toMatchObject({
          error: {
            status: 400,
            data: { error: expect.any(String), fieldErrors: { [field]: expect.any(String) } },
          },
        });
        const csv = await h.appFetch(store, `/app/billing/activity/csv${query}`);
        expect(csv.status, query).toBe(400);
        expect(await csv.json(), query).toMatchObject({ fieldErrors: { [field]: expect.any(String) } });
      }
      expect(await h.db.ledgerEntry.count({ where: { shopId: await shopId(store) } })).toBe(before);
    });

    test("the CSV export streams every row of the filtered ledger, quoted, formulas neutralised", async () => {
      const store = await h.installStore("csv");
      const tricky = 'Boots, "waterproof"\nand warm';
      const formula = '=HYPERLINK("https://evil.example","Click")';
      const plain = await draft(store, "Socks");
      await bulkEntries(store, 2498, { type: "debit", action: "draft.generate", reference: plain });
      await spend(store, ["draft.generate"], await draft(store, tricky));
      await spend(store, ["draft.rewrite"], await draft(store, formula));
      // Not matched by the filter: grants.
      await bulkEntries(store, 30, { type: "grant" });

      const response = await h.appFetch(store, "/app/billing/activity/csv?type=debits");
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      const day = new Date().toISOString().slice(0, 10);
      const handle = store.replace(".myshopify.com", "");
      expect(response.headers.get("Content-Disposition")).toBe(
        `attachment; filename="${handle}-activity-${day}.csv"`,
      );
      const text = await response.text();
      expect(text.endsWith("\r\n")).toBe(true);
      const [header, ...records] = parse(text, { relax_quotes: false }) as string[][];
      expect(header).toEqual([
        "Date and time (Etc/UTC)",
        "UTC time",
        "Type",
        "What",
        "Draft",
        "Credits",
        "Balance after",
        "Who",
        "Test",
        "Link",
        "Entry",
      ]);
      expect(records).toHaveLength(2500);
      expect(new Set(records.map((r) => r[10])).size).toBe(2500);
      expect(records.every((r) => r[2] === "debit")).toBe(true);
      const [rewrite, generated, socks] = records;
      // The title cell begins with "=": a spreadsheet would run it. Prefixed, it is text.
      expect(rewrite!.slice(3, 6)).toEqual([`AI rewrite: ${formula}`, `'${formula}`, "-1"]);
      expect(generated!.slice(3, 6)).toEqual([`Draft generated: ${tricky}`, tricky, "-2"]);
      expect(socks!.slice(3, 5)).toEqual(["Draft generated: Socks", "Socks"]);
      expect(socks![9]).toBe(`/app/drafts/${plain}`);
      expect(records[0]![0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      // The quoting is RFC 4180's: the title's quotes doubled inside a quoted cell.
      expect(text).toContain('"Draft generated: Boots, ""waterproof""\nand warm"');
    });
  });
}
