// Every AI button says what it costs and what it leaves: "Generate draft · 2 credits (8 left)". When the
// balance is short it is disabled and says why, with the way to more credits.
import { Link as RemixLink } from "@remix-run/react";
import { BlockStack, Button, Text } from "@shopify/polaris";
import { quote } from "../credits/job-request";
import type { Action } from "../ledger/prices";

const credits = (n: number) => `${n} ${n === 1 ? "credit" : "credits"}`;

/** The button's text for `actions` at balance `available`. */
export function pricedLabel(label: string, actions: readonly Action[], available: number): string {
  const price = quote(actions, available);
  if (price.credits === 0) return `${label} · free`;
  // Short: what there is, not a negative balance.
  if (!price.affordable) return `${label} · ${credits(price.credits)} (you have ${available})`;
  return `${label} · ${credits(price.credits)} (${price.after} left)`;
}

interface PricedButtonProps {
  label: string;
  actions: readonly Action[];
  available: number;
  submit?: boolean;
  variant?: "primary" | "secondary" | "plain";
  disabled?: boolean;
  loading?: boolean;
  onClick?: () => void;
}

export function PricedButton({ label, actions, available, disabled, ...button }: PricedButtonProps) {
  const price = quote(actions, available);
  const text = pricedLabel(label, actions, available);
  if (price.affordable)
    return (
      <Button {...button} disabled={disabled}>
        {text}
      </Button>
    );
  return (
    <BlockStack gap="100" inlineAlign="start">
      <Button {...button} disabled>
        {text}
      </Button>
      <Text as="p" tone="subdued">
        {`Not enough credits: this needs ${credits(price.credits)} and you have ${available}. `}
        <RemixLink to="/app/billing">Buy a top-up</RemixLink>
        {" or "}
        <RemixLink to="/app/billing">choose a bigger plan</RemixLink>.
      </Text>
    </BlockStack>
  );
}
