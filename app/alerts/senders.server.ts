// How low-balance alerts leave the app: an e-mail through SMTP (nodemailer) and a signed HTTPS POST.
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import type { AlertSenders, LowBalanceAlertMessage } from "./low-balance.server";
import { alertSentence } from "./sentence";

export const WEBHOOK_SIGNATURE_HEADER = "X-Blog-Credits-Signature";

function subject(message: LowBalanceAlertMessage) {
  return message.threshold === 0
    ? `No credits left on ${message.shopDomain}`
    : `Credits below ${message.threshold}% on ${message.shopDomain}`;
}

function text(message: LowBalanceAlertMessage) {
  return [
    alertSentence(message.threshold, message.available, message.allowance),
    message.cycleEnd ? `Your ${message.planName} credits renew on ${message.cycleEnd.toDateString()}.` : "",
    "Buy a top-up or change your plan on the app's Billing page in your Shopify admin.",
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** The JSON a webhook receives; the signature is HMAC-SHA256 of the raw body with the app's secret. */
export function webhookBody(message: LowBalanceAlertMessage) {
  return JSON.stringify({
    type: "credits.low_balance",
    shop: message.shopDomain,
    threshold: message.threshold,
    available: message.available,
    allowance: message.allowance,
    plan: message.planName,
    renewsAt: message.cycleEnd?.toISOString() ?? null,
  });
}

export function signWebhook(body: string, secret: string) {
  return `sha256=${createHmac("sha256", secret).update(body).digest("base64")}`;
}

export function alertSenders(options: {
  /** A nodemailer transport (SMTP in production); undefined leaves the e-mail channel off. */
  mail?: Transporter;
  from: string;
  secret: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}): AlertSenders {
  const doFetch = options.fetchImpl ?? fetch;
  return {
    ...(options.mail && {
      email: async (to: string, message: LowBalanceAlertMessage) => {
        await options.mail!.sendMail({
          from: options.from,
          to,
          subject: subject(message),
          text: text(message),
        });
      },
    }),
    webhook: async (url: string, message: LowBalanceAlertMessage) => {
      const body = webhookBody(message);
      const response = await doFetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, options.secret),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) throw new Error(`The webhook answered ${response.status}`);
    },
  };
}

/** The process's senders, from the app's settings. */
export function smtpTransport(url: string | undefined) {
  return url ? nodemailer.createTransport(url) : undefined;
}
