// A new shop's very first page loads, racing: the layout's and the page's loaders run in parallel in
// Remix's request handler, and an admin opens several tabs at once. However many race, the shop gets one
// monthly allowance. Run once per engine (first-requests.<engine>.test.ts).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { startAppHarness, type AppHarness } from "../app-harness";

export function firstRequestScenarios(engine: Engine) {
  describe(`a new shop's first requests on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h?.close());

    test.each([1, 2, 3])(
      "64 concurrent first requests to the Billing and home pages grant one allowance of 10 (shop %i)",
      async () => {
        const shop = `first-${randomUUID().slice(0, 8)}.myshopify.com`;
        h.emulator.addShop({ domain: shop, partnerDevelopment: false });
        const requests = Array.from({ length: 64 }, (_, i) => {
          const path = i % 2 ? "/app/billing" : "/app";
          // Document loads and the client's single-fetch data requests, mixed.
          return i % 4 < 2 ? h.openDocument(shop, path) : h.appFetch(shop, `${path}.data`);
        });
        const statuses = (await Promise.all(requests)).map((response) => response.status);
        expect(statuses.filter((status) => status >= 500)).toEqual([]);

        const row = await h.db.shop.findUniqueOrThrow({ where: { domain: shop } });
        const grants = await h.db.creditGrant.findMany({ where: { shopId: row.id } });
        expect(grants).toMatchObject([{ kind: "monthly", amount: 10 }]);
        expect(await h.db.ledgerEntry.count({ where: { shopId: row.id } })).toBe(1);
        expect(await checkInvariants(h.db, row.id)).toEqual([]);
      },
    );
  });
}
