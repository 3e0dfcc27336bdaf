// The charge confirmation page the store owner sees after the app redirects to `confirmationUrl`.
// Plain HTML with two forms, so both a browser and a test's fetch can approve or decline.

import type { Charge } from "./state";

export const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function priceLine(charge: Charge): string {
  if (charge.kind === "purchase") return `${charge.price.amount} ${charge.price.currencyCode} once`;
  return charge.lineItems
    .map((li) =>
      li.kind === "recurring"
        ? `${li.price.amount} ${li.price.currencyCode} ${li.interval === "ANNUAL" ? "every year" : "every 30 days"}` +
          (li.discount ? ` (discounted to ${li.discount.priceAfterDiscount.amount})` : "")
        : `usage: ${li.terms}, capped at ${li.cappedAmount.amount} ${li.cappedAmount.currencyCode}`,
    )
    .join("; ");
}

export function confirmationPage(charge: Charge, shopName: string, actionBase: string): string {
  const kind = charge.kind === "subscription" ? "Subscription" : "One-time charge";
  const trial =
    charge.kind === "subscription" && charge.trialDays > 0
      ? `<p>Free trial: ${charge.trialDays} days</p>`
      : "";
  const actions =
    charge.status === "PENDING"
      ? `<form method="post" action="${escape(actionBase)}/approve"><button type="submit" name="decision" value="approve">Approve</button></form>
    <form method="post" action="${escape(actionBase)}/decline"><button type="submit" name="decision" value="decline">Decline</button></form>`
      : `<p class="status">This charge is ${escape(charge.status)} and can no longer be approved or declined.</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Approve charge · ${escape(shopName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}.badge{background:#ffd79d;padding:.1rem .5rem;border-radius:.5rem}form{display:inline-block;margin-right:1rem}</style>
</head>
<body>
  <h1>${escape(charge.name)}</h1>
  ${charge.test ? '<p><span class="badge" data-test-charge="true">Test charge</span> No money will be charged.</p>' : ""}
  <p>${kind} for <strong>${escape(shopName)}</strong></p>
  <p class="price">${escape(priceLine(charge))}</p>
  ${trial}
  ${actions}
</body>
</html>`;
}

export function messagePage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}
