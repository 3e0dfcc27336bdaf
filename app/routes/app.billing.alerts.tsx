// Billing → Alerts: low-balance thresholds, where alerts go, and the polishing reserve. Saved under App
// Bridge's contextual save bar; the banner every app page shows posts its dismissal here.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, FormLayout, Layout, Page, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useCallback, useEffect, useMemo, useState } from "react";
import { z } from "zod";
import { dismissLowBalanceBanner, lowBalanceState, saveAlertSettings } from "../alerts/low-balance.server";
import { MAX_POLISHING_RESERVE, parseAlertSettings } from "../alerts/settings";
import { BillingTabs } from "../components/BillingTabs";
import { fetcherAnswer } from "../components/fetcher-answer.server";
import { FormSaveBar } from "../components/FormSaveBar";
import db from "../db.server";
import { env } from "../env.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireFormData, requireShop } from "../http/require.server";
import { recordInstall } from "../shops/life-cycle.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await recordInstall(db, session.shop);
    const state = await lowBalanceState(db, shop.id);
    return {
      settings: state.settings,
      available: state.available,
      allowance: state.allowance,
      emailAvailable: env.SMTP_URL !== undefined,
    };
  });
};

const INTENTS = { save: "save", dismiss: "dismiss" } as const;

const dismissal = z.object({ threshold: z.coerce.number().int().min(0).max(100) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return fetcherAnswer(async () => {
    const form = Object.fromEntries(await requireFormData(request));
    const shop = await requireShop(db, session.shop);
    switch (form.intent) {
      case INTENTS.save: {
        const parsed = parseAlertSettings(form, env.production);
        if (!parsed.ok)
          return httpError(400, "Some settings need a change", { fieldErrors: parsed.fieldErrors });
        await saveAlertSettings(db, shop.id, parsed.settings);
        return { saved: true as const };
      }
      case INTENTS.dismiss: {
        const parsed = dismissal.safeParse(form);
        if (!parsed.success) return httpError(400, "Unknown alert");
        await dismissLowBalanceBanner(db, shop.id, parsed.data.threshold);
        return { dismissed: true as const };
      }
      default:
        return httpError(400, "Unknown request");
    }
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

type Answer = { saved?: true; error?: string; fieldErrors?: Record<string, string> };

export default function AlertsPage() {
  const data = useLoaderData<typeof loader>();
  const saved = useMemo(
    () => ({
      thresholds: data.settings.thresholds.join(", "),
      email: data.settings.email ?? "",
      webhookUrl: data.settings.webhookUrl ?? "",
      polishingReserve: String(data.settings.polishingReserve),
    }),
    [data.settings],
  );
  const [form, setForm] = useState(saved);
  useEffect(() => setForm(saved), [saved]);
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const saver = useFetcher<Answer>();
  const fieldErrors = saver.state === "idle" ? (saver.data?.fieldErrors ?? {}) : {};
  const save = useCallback(() => {
    saver.submit({ intent: INTENTS.save, ...form }, { method: "post" });
  }, [form, saver]);
  useEffect(() => {
    if (saver.state === "idle" && saver.data?.saved) shopify.toast.show("Alert settings saved");
  }, [saver.state, saver.data]);
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (value: string) => setForm((current) => ({ ...current, [key]: value })),
    error: fieldErrors[key],
    autoComplete: "off",
  });

  return (
    <Page title="Billing">
      <BillingTabs />
      <FormSaveBar
        id="alerts-save-bar"
        open={dirty}
        saving={saver.state !== "idle"}
        onSave={save}
        onDiscard={() => setForm(saved)}
      />
      <Layout>
        {saver.state === "idle" && saver.data?.error && (
          <Layout.Section>
            <Banner tone="critical">{saver.data.error}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Low-balance alerts
              </Text>
              <Text as="p" tone="subdued">
                {`Below a threshold every app page shows a banner with the fastest fix, and an e-mail and a
                webhook are sent once per threshold each cycle. You have ${data.available} of your
                ${data.allowance} monthly credits.`}
              </Text>
              <FormLayout>
                <TextField
                  label="Thresholds (% of your monthly allowance)"
                  helpText="Separated by commas; 0 alerts when no credits are left."
                  {...field("thresholds")}
                />
                <TextField
                  label="E-mail alerts to"
                  type="email"
                  disabled={!data.emailAvailable}
                  helpText={
                    data.emailAvailable
                      ? "Leave empty for no e-mails."
                      : "E-mail is off on this installation (no SMTP_URL is set)."
                  }
                  {...field("email")}
                />
                <TextField
                  label="Webhook URL"
                  type="url"
                  helpText="An https:// address; each alert is a signed JSON POST. Leave empty for none."
                  {...field("webhookUrl")}
                />
              </FormLayout>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Polishing reserve
              </Text>
              <Text as="p" tone="subdued">
                Credits kept back for final covers and rewrites: automations never spend below it, your own
                actions may.
              </Text>
              <TextField
                label="Credits to keep back"
                type="number"
                min={0}
                max={MAX_POLISHING_RESERVE}
                {...field("polishingReserve")}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
