// The charge confirmation page the store owner sees after the app redirects to `confirmationUrl`.
// Plain HTML with two forms, so both a browser and a test's fetch can approve or decline.

import { awaitingAnswer } from "./billing";
import { isVisible, type Charge } from "./state";

// What Shopify shows for a real charge on a development store instead of Approve (laravel-shopify #84).
export const UPGRADE_MESSAGE =
  "Your plan does not allow Shopify App Store purchases. You can upgrade your plan to enable Shopify App Store purchases.";

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

export function confirmationPage(
  charge: Charge,
  shopName: string,
  actionBase: string,
  needsUpgrade = false,
): string {
  const kind = charge.kind === "subscription" ? "Subscription" : "One-time charge";
  const trial =
    charge.kind === "subscription" && charge.trialDays > 0
      ? `<p>Free trial: ${charge.trialDays} days</p>`
      : "";
  const answered =
    charge.kind === "subscription" && charge.status === "PENDING" && charge.approvedAt
      ? `<p class="status">Approved: it starts at the next billing cycle.</p>`
      : `<p class="status">This charge is ${escape(charge.status)} and can no longer be approved or declined.</p>`;
  const actions = needsUpgrade
    ? `<p class="status" data-upgrade-required="true">${escape(UPGRADE_MESSAGE)}</p>`
    : awaitingAnswer(charge)
      ? `<form method="post" action="${escape(actionBase)}/approve"><button type="submit" name="decision" value="approve">Approve</button></form>
    <form method="post" action="${escape(actionBase)}/decline"><button type="submit" name="decision" value="decline">Decline</button></form>`
      : answered;
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

// Shopify's grant screen for an app whose required scopes changed since the store installed it.
export function grantPage(shopName: string, appName: string, missing: string[], action: string): string {
  const items = missing.map((scope) => `<li data-scope="${escape(scope)}">${escape(scope)}</li>`).join("");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Update ${escape(appName)} · ${escape(shopName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}</style>
</head>
<body>
  <h1>${escape(appName)} needs more access</h1>
  <p>The app asks for new permissions on <strong>${escape(shopName)}</strong>:</p>
  <ul>${items}</ul>
  <form method="post" action="${escape(action)}"><button type="submit" name="decision" value="approve">Update app</button></form>
</body>
</html>`;
}

// The admin's article page the app links to: enough to check what was saved.
export function articlePage(
  shopName: string,
  article: {
    title: string;
    body: string;
    isPublished: boolean;
    publishedAt: Date | null;
    image: { url: string; altText: string | null } | null;
  },
  blogTitle: string,
  now: Date,
): string {
  const image = article.image
    ? `<img src="${escape(article.image.url)}" alt="${escape(article.image.altText ?? "")}" style="max-width:100%">`
    : "";
  const visible = isVisible(article, now);
  const publishDate = article.isPublished && article.publishedAt ? article.publishedAt.toISOString() : "";
  // The admin says "Visible (as of <date>)", "Visible on <date>" for a scheduled one, or "Hidden".
  const state = visible
    ? `Visible (as of ${publishDate})`
    : publishDate
      ? `Visible on ${publishDate}`
      : "Hidden";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(article.title)} · Blog posts · ${escape(shopName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto}.state{background:#e4e5e7;padding:.1rem .5rem;border-radius:.5rem}</style>
</head>
<body>
  <p>${escape(shopName)} · Blog posts · ${escape(blogTitle)}</p>
  <h1>${escape(article.title)}</h1>
  <p>Visibility: <span class="state" data-published="${visible}" data-publish-date="${publishDate}">${state}</span></p>
  ${image}
  <article>${article.body}</article>
</body>
</html>`;
}
