// A production server must not start on a database it cannot use: a missing, unreachable or unmigrated
// database ends the start with one line and exit code 1, instead of a server that answers every page with
// errors. scripts/serve.mjs imports the server build before it listens, so the check has to finish while that
// import evaluates. A top-level await would do it, but the build's target (Vite's default, es2020) refuses
// top-level await; so the server's process runs the check in a child process and waits for it
// synchronously. The child is the same server build, run with BOOT_CHECK_CHILD set: it runs
// checkDatabase (the one /healthz uses), prints its one line and exits.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { engineOf, type Db } from "./db/connect.server";
import { checkDatabase } from "./health.server";

const CHILD = "BOOT_CHECK_CHILD";
const CHILD_TIMEOUT_MS = 30_000;

/** True in the child process that only runs the check. */
export const isBootCheckChild = () => process.env[CHILD] === "1";

/** In the server's process: runs the check in a child (this very build) and blocks until it has answered. */
export function requireUsableDatabase(serverBuildUrl: string) {
  try {
    execFileSync(process.execPath, [fileURLToPath(serverBuildUrl)], {
      env: { ...process.env, [CHILD]: "1" },
      stdio: ["ignore", "ignore", "inherit"],
      timeout: CHILD_TIMEOUT_MS,
    });
  } catch (error) {
    // Exit code 1: the child has printed its line. Anything else (killed, timed out) is said here.
    if ((error as { status?: number | null }).status !== 1)
      console.error(`Cannot start: the database check did not finish within ${CHILD_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }
}

/** In the child: the check, its one line on failure, and the exit code the server's process reads. */
export async function runBootCheck(db: Db, databaseUrl: string, timeoutMs = 10_000): Promise<never> {
  const check = await checkDatabase(db, engineOf(databaseUrl), timeoutMs);
  if (!check.ok)
    console.error(
      `Cannot start: ${check.detail}${check.reason.startsWith("database not migrated") ? " (npm run db:migrate applies them)" : ""}`,
    );
  await db.$disconnect().catch(() => {});
  process.exit(check.ok ? 0 : 1);
}
