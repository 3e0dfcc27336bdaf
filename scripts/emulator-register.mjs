// The emulator's fetch override (tools/shopify-emulator/register.ts), bundled to plain JavaScript so it can be
// loaded with `node --import` before the app: loading TypeScript through tsx's hooks into the Remix CLI hung
// on a cold tsx cache (Node 20), which is every fresh clone. Packages stay external, so they resolve from
// the node_modules beside `outfile` and are the instances the app imports.
import { buildSync } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

export function bundleEmulatorRegister(outfile) {
  buildSync({
    entryPoints: [`${root}tools/shopify-emulator/register.ts`],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
  });
  return outfile;
}
