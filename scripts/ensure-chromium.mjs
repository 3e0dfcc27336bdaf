#!/usr/bin/env node
// `npm test`'s pretest step: the browser tests (tests/e2e, tools/shopify-emulator/admin-frame.test.ts) drive
// Chromium at CHROMIUM_PATH or /usr/bin/chromium. Found: nothing to do. Missing on Debian as root (or with
// passwordless sudo): installs Debian's `chromium` with apt-get, non-interactively. Otherwise: one line
// saying what to do, and a failing exit code (a skipped browser test would hide an unchecked journey).
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { pathToFileURL } from "node:url";

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const runs = (command, args) => spawnSync(command, args, { stdio: "ignore" }).status === 0;

// What to do, from facts about the machine (injected in tests):
//   { action: "found", path } | { action: "install", path, sudo: boolean } | { action: "fail", message }
export function chromiumPlan({
  env = process.env,
  isExecutable = executable,
  uid = process.getuid?.() ?? -1,
  hasAptGet = () => isExecutable("/usr/bin/apt-get"),
  hasSudo = () => runs("sudo", ["-n", "true"]),
} = {}) {
  const configured = env.CHROMIUM_PATH;
  const path = configured || DEFAULT_CHROMIUM_PATH;
  if (isExecutable(path)) return { action: "found", path };
  if (configured) {
    return {
      action: "fail",
      message: `CHROMIUM_PATH=${configured} is not an executable file: point it at Chromium, or unset it to use ${DEFAULT_CHROMIUM_PATH}`,
    };
  }
  const install = "DEBIAN_FRONTEND=noninteractive apt-get install -y chromium";
  if (!hasAptGet()) {
    return {
      action: "fail",
      message: `Chromium not found at ${path} and apt-get is not available: install Chromium and set CHROMIUM_PATH`,
    };
  }
  if (uid === 0) return { action: "install", path, sudo: false };
  if (hasSudo()) return { action: "install", path, sudo: true };
  return {
    action: "fail",
    message: `Chromium not found at ${path}: run \`sudo ${install}\` (or set CHROMIUM_PATH), then npm test again`,
  };
}

export function ensureChromium(plan = chromiumPlan(), run = spawnSync) {
  if (plan.action === "found") return 0;
  if (plan.action === "fail") {
    console.error(plan.message);
    return 1;
  }
  console.log(
    `Chromium not found at ${plan.path}: installing Debian's chromium with apt-get (browser tests)`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => {
    const [command, rest] = plan.sudo
      ? ["sudo", ["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", ...args]]
      : ["apt-get", args];
    return run(command, rest, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
  };
  if (!apt(["update", "-qq"]) || !apt(["install", "-y", "-qq", "chromium"])) {
    console.error(`apt-get could not install chromium: install it yourself or set CHROMIUM_PATH`);
    return 1;
  }
  if (!executable(plan.path)) {
    console.error(`apt-get installed chromium but ${plan.path} is still missing: set CHROMIUM_PATH`);
    return 1;
  }
  console.log(`Chromium installed at ${plan.path}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = ensureChromium();
