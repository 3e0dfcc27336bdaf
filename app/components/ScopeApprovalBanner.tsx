// The store did not grant a scope a feature needs: say why it matters, and send the merchant to Shopify's
// approval page in the whole window (it cannot open inside the app's frame).
import { Banner } from "@shopify/polaris";
import type { ReactNode } from "react";

export function ScopeApprovalBanner({
  title,
  action,
  approvalUrl,
  children,
}: {
  title: string;
  action: string;
  approvalUrl: string;
  children: ReactNode;
}) {
  return (
    <Banner
      tone="warning"
      title={title}
      action={{ content: action, onAction: () => void open(approvalUrl, "_top") }}
    >
      {children}
    </Banner>
  );
}
