// The production build as an operator makes it (`npm run build`), in a temporary copy of the repository so
// the working tree's build/ stays untouched; for tests and benchmarks that start it with `npm start`.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;
const NOT_COPIED = new Set(["node_modules", ".git", "build", ".cache", "tests", "bench", "docs"]);

export interface ProductionBuild {
  dir: string;
  remove(): void;
}

export async function buildInCopy(prefix: string): Promise<ProductionBuild> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const entry of readdirSync(ROOT))
      if (!NOT_COPIED.has(entry)) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    await promisify(execFile)("npm", ["run", "build"], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: "production" },
    });
    return { dir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** A port free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
