// How the automation pages put numbers into words. Pure: the server render and the browser say the same.

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const creditsText = (n: number) => plural(n, "credit", "credits");

/** A run's duration: "850 ms", "12 s", "3 min 5 s". */
export function durationText(ms: number | null): string | null {
  if (ms === null || ms < 0) return null;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ""}`;
}

/** Date and time in the shop's time zone, in the admin's language. */
export function shopTimeFormat(locale: string, timeZone: string) {
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" });
}
