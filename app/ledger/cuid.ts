import { hostname } from "node:os";

// Ids in the format of the schema's `@default(cuid())` (cuid v1, as Prisma generates it), for rows the
// money driver inserts. Time first: new rows land at the end of the id indexes, not on a random page.
const BLOCK = 36 ** 4;
const pad = (value: number, size: number) => value.toString(36).padStart(size, "0").slice(-size);
const host = hostname();
const machine =
  pad(process.pid, 2) +
  pad(
    [...host].reduce((sum, c) => sum + c.charCodeAt(0), host.length + 36),
    2,
  );
let counter = 0;

const random = () => pad(Math.floor(Math.random() * BLOCK), 4);

export function cuid(): string {
  counter = counter < BLOCK - 1 ? counter + 1 : 0;
  return `c${pad(Date.now(), 8)}${pad(counter, 4)}${machine}${random()}${random()}`;
}
