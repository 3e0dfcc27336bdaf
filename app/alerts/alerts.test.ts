// Low-balance alerts on both engines: thresholds of the allowance, the banner until dismissed, and each
// e-mail and webhook sent once per threshold per cycle, also when instances notice the balance at once.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { ensureCurrentCycle } from "../billing/cycle.server";
import type { Db } from "../db/connect.server";
import { captureReservation } from "../ledger/capture-reservation.server";
import { reserveCredits } from "../ledger/reserve-credits.server";
import {
  dismissLowBalanceBanner,
  dispatchLowBalanceAlerts,
  lowBalanceBanner,
  saveAlertSettings,
} from "./low-balance.server";
import { alertSenders, signWebhook, WEBHOOK_SIGNATURE_HEADER } from "./senders.server";
import { DEFAULT_THRESHOLDS, parseAlertSettings } from "./settings";

describe("alert settings", () => {
  test("thresholds, e-mail, webhook and reserve are validated with a sentence per field", () => {
    expect(
      parseAlertSettings({ thresholds: "20, 50,0", email: "", webhookUrl: "", polishingReserve: "4" }),
    ).toEqual({
      ok: true,
      settings: { thresholds: [50, 20, 0], email: null, webhookUrl: null, polishingReserve: 4 },
    });
    const bad = parseAlertSettings(
      { thresholds: "150, x", email: "nope", webhookUrl: "http://example.com/hook", polishingReserve: "-1" },
      true,
    );
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.ok ? {} : bad.fieldErrors).sort()).toEqual([
      "email",
      "polishingReserve",
      "thresholds",
      "webhookUrl",
    ]);
    expect(parseAlertSettings({ thresholds: "1,2,3,4,5,6", polishingReserve: "0" }).ok).toBe(false);
    expect(DEFAULT_THRESHOLDS).toEqual([50, 20, 0]);
  });
});

describe.each(ENGINES)("low-balance alerts on %s", (engine) => {
  let t: TestDb;
  let other: Db;
  let hook: {
    url: string;
    bodies: { headers: IncomingHttpHeaders; body: string }[];
    status: number;
    close(): void;
  };
  const secret = "app-secret";
  beforeAll(async () => {
    t = await createTestDb(engine);
    other = t.connectAnother();
    const bodies: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        bodies.push({ headers: request.headers, body });
        response.writeHead(hook.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    hook = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
      bodies,
      status: 200,
      close: () => server.close(),
    };
  });
  afterAll(async () => {
    hook.close();
    await t.drop();
  });

  /** A Free shop in its first cycle (10 credits) with both channels set, and what it was sent. */
  async function freeShop() {
    const shop = await createShop(t.db);
    await ensureCurrentCycle(t.db, shop.id);
    await saveAlertSettings(t.db, shop.id, {
      thresholds: [50, 20, 0],
      email: "owner@example.com",
      webhookUrl: hook.url,
      polishingReserve: 0,
    });
    const mail = nodemailer.createTransport({ jsonTransport: true });
    const mails: string[] = [];
    const send = mail.sendMail.bind(mail);
    mail.sendMail = ((options: Parameters<typeof send>[0]) => {
      mails.push(String(options.subject));
      return send(options);
    }) as typeof mail.sendMail;
    const senders = alertSenders({ mail, from: "alerts@example.com", secret });
    hook.bodies.length = 0;
    let n = 0;
    const spend = async (credits: number) => {
      for (let i = 0; i < credits; i++) {
        const key = `spend-${++n}`;
        await reserveCredits(t.db, {
          shopId: shop.id,
          idempotencyKey: key,
          actions: ["draft.rewrite"],
          actor: "user:1",
        });
        await captureReservation(t.db, { shopId: shop.id, idempotencyKey: key });
      }
    };
    return { shopId: shop.id, senders, mails, spend };
  }

  test("above every threshold nothing is sent and no banner shows", async () => {
    const { shopId, senders, mails, spend } = await freeShop();
    await spend(5); // 5 of 10 left: not below 50%
    expect(await dispatchLowBalanceAlerts(t.db, shopId, senders)).toEqual([]);
    expect(await lowBalanceBanner(t.db, shopId)).toBeNull();
    expect(mails).toEqual([]);
  });

  test("below a threshold: one e-mail and one signed webhook, however many instances notice at once", async () => {
    const { shopId, senders, mails, spend } = await freeShop();
    await spend(6); // 4 left: below 50%
    const racers = Array.from({ length: 10 }, (_, i) =>
      dispatchLowBalanceAlerts(i % 2 ? other : t.db, shopId, senders),
    );
    const sent = (await Promise.all(racers)).flat();
    expect(sent.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: "email", threshold: 50, ok: true },
      { channel: "webhook", threshold: 50, ok: true },
    ]);
    expect(mails).toEqual([expect.stringMatching(/below 50%/)]);
    expect(hook.bodies).toHaveLength(1);
    const [delivery] = hook.bodies;
    expect(delivery!.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]).toBe(
      signWebhook(delivery!.body, secret),
    );
    expect(JSON.parse(delivery!.body)).toMatchObject({
      type: "credits.low_balance",
      threshold: 50,
      available: 4,
    });
    expect(await dispatchLowBalanceAlerts(t.db, shopId, senders)).toEqual([]);

    // Falling past 20% and to 0 at once sends one message, for the most severe.
    await spend(4);
    expect(await dispatchLowBalanceAlerts(t.db, shopId, senders)).toEqual([
      { channel: "email", threshold: 0, ok: true },
      { channel: "webhook", threshold: 0, ok: true },
    ]);
    expect(mails).toHaveLength(2);
    expect(await t.db.lowBalanceAlert.count({ where: { shopId, status: "sent" } })).toBe(6);
  });

  test("a webhook that fails is recorded as failed and not sent again in the cycle", async () => {
    const { shopId, senders, spend } = await freeShop();
    hook.status = 500;
    try {
      await spend(9);
      const sent = await dispatchLowBalanceAlerts(t.db, shopId, senders);
      expect(sent).toContainEqual({ channel: "webhook", threshold: 20, ok: false });
      expect(
        await t.db.lowBalanceAlert.findMany({
          where: { shopId, channel: "webhook" },
          select: { status: true },
        }),
      ).toEqual([{ status: "failed" }, { status: "failed" }]);
      expect(await dispatchLowBalanceAlerts(t.db, shopId, senders)).toEqual([]);
    } finally {
      hook.status = 200;
    }
  });

  test("the banner names the most severe threshold until dismissed, and comes back for the next one", async () => {
    const { shopId, spend } = await freeShop();
    await spend(6);
    expect(await lowBalanceBanner(t.db, shopId)).toEqual({ threshold: 50, available: 4, allowance: 10 });
    await dismissLowBalanceBanner(t.db, shopId, 50);
    await dismissLowBalanceBanner(other, shopId, 50);
    expect(await lowBalanceBanner(t.db, shopId)).toBeNull();
    await spend(3);
    expect(await lowBalanceBanner(t.db, shopId)).toEqual({ threshold: 20, available: 1, allowance: 10 });
  });
});
