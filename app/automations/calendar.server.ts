// The shop's calendar day and month around an instant, as [start, end) instants: an automation's daily run
// limit counts the slot's local day, its budget the local calendar month (both DST-correct).
import { dayIn } from "../billing-page/forecast";
import { startOfDayIn } from "../billing-page/ledger.server";

export interface Range {
  start: Date;
  end: Date;
}

const nextDate = (date: string, months: number, days: number) => {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1 + months, day + days)).toISOString().slice(0, 10);
};

export function localDay(timeZone: string, at: Date): Range {
  const day = dayIn(timeZone, at);
  return { start: startOfDayIn(day, timeZone), end: startOfDayIn(nextDate(day, 0, 1), timeZone) };
}

export function localMonth(timeZone: string, at: Date): Range {
  const first = `${dayIn(timeZone, at).slice(0, 7)}-01`;
  return { start: startOfDayIn(first, timeZone), end: startOfDayIn(nextDate(first, 1, 0), timeZone) };
}
