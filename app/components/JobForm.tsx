// A form that starts a job: its intent, its submit key (one per submit, kept across a double click or a
// retry), any fields of its own, and the priced button. Its fetcher's answer (`{ jobId }` or a 4xx) is the
// page's to follow.
import type { FetcherWithComponents } from "@remix-run/react";
import { BlockStack } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { Action } from "../ledger/prices";
import { PricedButton } from "./PricedButton";
import { useSubmitKey } from "./use-submit-key";

export function JobForm<T>({
  fetcher,
  intent,
  hidden = {},
  label,
  actions,
  available,
  disabled = false,
  variant,
  children,
}: {
  fetcher: FetcherWithComponents<T>;
  intent: string;
  hidden?: Record<string, string | number>;
  label: string;
  actions: readonly Action[];
  available: number;
  disabled?: boolean;
  variant?: "primary";
  children?: ReactNode;
}) {
  const submitKey = useSubmitKey(fetcher.state);
  const button = (
    <PricedButton
      submit
      variant={variant}
      label={label}
      actions={actions}
      available={available}
      // No key until the page has hydrated: a submit without one would be refused.
      disabled={disabled || !submitKey}
      loading={fetcher.state !== "idle"}
    />
  );
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="submitKey" value={submitKey} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children ? (
        <BlockStack gap="300" inlineAlign="start">
          {children}
          {button}
        </BlockStack>
      ) : (
        button
      )}
    </fetcher.Form>
  );
}
