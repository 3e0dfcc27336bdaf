// Values as the driver's reads hand them back (app/db): SQLite gives DateTime as ISO text and Boolean as
// 0/1, PostgreSQL Date and boolean; both read alike through these.
export const dateOf = (value: unknown): Date => new Date(value as string | Date);
export const optionalDateOf = (value: unknown): Date | null => (value === null ? null : dateOf(value));
