import { connectDb, type Db } from "./db/connect.server";
import { env } from "./env.server";

declare global {
  // One client across dev-server reloads.
  var prismaGlobal: Db | undefined;
}

const prisma: Db = global.prismaGlobal ?? connectDb(env.DATABASE_URL);
if (process.env.NODE_ENV !== "production") global.prismaGlobal = prisma;

export default prisma;
