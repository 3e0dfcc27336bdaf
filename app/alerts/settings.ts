// Low-balance alert settings and the polishing reserve: defaults, validation, and reading a stored row.
import { z } from "zod";

/** Percentages of the plan's monthly allowance; 0 is "no credits left". */
export const DEFAULT_THRESHOLDS = [50, 20, 0] as const;
export const MAX_THRESHOLDS = 5;
export const MAX_POLISHING_RESERVE = 10_000;

export interface AlertSettingsValue {
  thresholds: number[];
  email: string | null;
  webhookUrl: string | null;
  polishingReserve: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettingsValue = {
  thresholds: [...DEFAULT_THRESHOLDS],
  email: null,
  webhookUrl: null,
  polishingReserve: 0,
};

const blankToNull = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? null : typeof value === "string" ? value.trim() : value;

function settingsSchema(production: boolean) {
  return z.object({
    thresholds: z
      .string()
      .max(100)
      .transform((text, ctx) => {
        const parts = text
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean);
        const numbers = parts.map(Number);
        if (numbers.some((n) => !Number.isInteger(n) || n < 0 || n > 100)) {
          ctx.addIssue({
            code: "custom",
            message: "Use whole percentages from 0 to 100, separated by commas",
          });
          return z.NEVER;
        }
        const unique = [...new Set(numbers)].sort((a, b) => b - a);
        if (unique.length > MAX_THRESHOLDS) {
          ctx.addIssue({ code: "custom", message: `Set at most ${MAX_THRESHOLDS} thresholds` });
          return z.NEVER;
        }
        return unique;
      }),
    email: z.preprocess(
      blankToNull,
      z.string().max(254).email("Enter an e-mail address, or leave it empty").nullable(),
    ),
    webhookUrl: z.preprocess(
      blankToNull,
      z
        .string()
        .max(2048)
        .refine((url) => {
          if (!URL.canParse(url)) return false;
          const { protocol, hostname } = new URL(url);
          // Alerts leave the app with the shop's balance: only over TLS, except to this machine in development.
          return protocol === "https:" || (!production && protocol === "http:" && hostname === "127.0.0.1");
        }, "Enter an https:// URL, or leave it empty")
        .nullable(),
    ),
    polishingReserve: z.coerce
      .number({ invalid_type_error: "Enter a number of credits" })
      .int("Enter a whole number of credits")
      .min(0, "The reserve cannot be negative")
      .max(MAX_POLISHING_RESERVE, `Keep the reserve at or below ${MAX_POLISHING_RESERVE} credits`),
  });
}

export type SettingsParse =
  { ok: true; settings: AlertSettingsValue } | { ok: false; fieldErrors: Record<string, string> };

export function parseAlertSettings(fields: Record<string, unknown>, production = false): SettingsParse {
  const parsed = settingsSchema(production).safeParse(fields);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { ok: false, fieldErrors };
}

/** A stored row as settings; a corrupt thresholds column reads as the defaults. */
export function settingsFromRow(
  row: {
    thresholds: string;
    email: string | null;
    webhookUrl: string | null;
    polishingReserve: number;
  } | null,
): AlertSettingsValue {
  if (!row) return { ...DEFAULT_ALERT_SETTINGS, thresholds: [...DEFAULT_THRESHOLDS] };
  let thresholds: number[] = [...DEFAULT_THRESHOLDS];
  try {
    const value = JSON.parse(row.thresholds) as unknown;
    if (Array.isArray(value) && value.every((n) => Number.isInteger(n) && n >= 0 && n <= 100))
      thresholds = value as number[];
  } catch {
    // defaults
  }
  return { thresholds, email: row.email, webhookUrl: row.webhookUrl, polishingReserve: row.polishingReserve };
}

/** Whether `available` credits are below a threshold of `allowance`: 0 means none left. */
export function belowThreshold(available: number, allowance: number, threshold: number): boolean {
  return threshold === 0 ? available <= 0 : available < (allowance * threshold) / 100;
}
