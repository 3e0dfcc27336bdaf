// The shop's locale and time zone as pages format with them: a value Intl does not know falls
// back (en, UTC) instead of throwing a RangeError into a loader. Pure: the pages' client code may use it.

/** The embedded request's `locale` param as Intl knows it, else "en". */
export function pageLocale(param: string | null | undefined): string {
  if (!param) return "en";
  try {
    return Intl.NumberFormat.supportedLocalesOf(param)[0] ?? "en";
  } catch {
    return "en"; // not a BCP 47 tag
  }
}

/** An IANA zone Intl knows, else "UTC". */
export function usableTimezone(zone: string | null | undefined): string {
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}
