// The low-balance banner on every app page (app/routes/app.tsx): what is left, and the fastest fix.
import { useFetcher } from "@remix-run/react";
import { Banner, Box } from "@shopify/polaris";
import { alertSentence } from "../alerts/sentence";

export interface LowBalance {
  threshold: number;
  available: number;
  allowance: number;
}

export function LowBalanceBanner({ alert }: { alert: LowBalance | null }) {
  const dismisser = useFetcher();
  if (!alert || dismisser.state !== "idle" || dismisser.data) return null;
  return (
    <Box paddingBlockStart="400" paddingInline="400">
      <Banner
        tone={alert.threshold === 0 ? "critical" : "warning"}
        title={alertSentence(alert.threshold, alert.available, alert.allowance)}
        action={{ content: "Buy credits", url: "/app/billing" }}
        secondaryAction={{ content: "Alert settings", url: "/app/billing/alerts" }}
        onDismiss={() =>
          dismisser.submit(
            { intent: "dismiss", threshold: String(alert.threshold) },
            { method: "post", action: "/app/billing/alerts" },
          )
        }
      />
    </Box>
  );
}
