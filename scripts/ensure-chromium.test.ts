// npm test's pretest step (scripts/ensure-chromium.mjs) decides from fake machines: found, install, fail.

import { describe, expect, it, vi } from "vitest";
import { chromiumPlan, ensureChromium } from "./ensure-chromium.mjs";

const machine = (executables: string[], facts: { uid?: number; apt?: boolean; sudo?: boolean } = {}) => ({
  isExecutable: (path: string) => executables.includes(path),
  uid: facts.uid ?? 0,
  hasAptGet: () => facts.apt ?? true,
  hasSudo: () => facts.sudo ?? false,
});

describe("locating Chromium for the browser tests", () => {
  it("uses /usr/bin/chromium, or CHROMIUM_PATH when set", () => {
    expect(chromiumPlan({ env: {}, ...machine(["/usr/bin/chromium"]) })).toEqual({
      action: "found",
      path: "/usr/bin/chromium",
    });
    expect(chromiumPlan({ env: { CHROMIUM_PATH: "/opt/c/chrome" }, ...machine(["/opt/c/chrome"]) })).toEqual({
      action: "found",
      path: "/opt/c/chrome",
    });
  });

  it("installs Debian's chromium when missing: as root directly, otherwise through passwordless sudo", () => {
    expect(chromiumPlan({ env: {}, ...machine([], { uid: 0 }) })).toEqual({
      action: "install",
      path: "/usr/bin/chromium",
      sudo: false,
    });
    expect(chromiumPlan({ env: {}, ...machine([], { uid: 1000, sudo: true }) })).toMatchObject({
      action: "install",
      sudo: true,
    });
  });

  it("fails with one line saying what to do otherwise", () => {
    const fail = (plan: ReturnType<typeof chromiumPlan>) => {
      expect(plan.action).toBe("fail");
      const message = (plan as { message: string }).message;
      expect(message).not.toContain("\n");
      return message;
    };
    expect(fail(chromiumPlan({ env: {}, ...machine([], { uid: 1000 }) }))).toBe(
      "Chromium not found at /usr/bin/chromium: run `sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (or set CHROMIUM_PATH), then npm test again",
    );
    expect(fail(chromiumPlan({ env: {}, ...machine([], { apt: false }) }))).toMatch(
      /apt-get is not available/,
    );
    // A CHROMIUM_PATH that is wrong is not papered over by installing another browser.
    expect(
      fail(chromiumPlan({ env: { CHROMIUM_PATH: "/nope" }, ...machine(["/usr/bin/chromium"]) })),
    ).toMatch(/^CHROMIUM_PATH=\/nope is not an executable file/);
  });

  it("runs apt-get update and install non-interactively, and reports a failed install", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const calls: string[] = [];
      const failing = (command: string, args: string[], options: object) => {
        calls.push([command, ...args].join(" "));
        expect(options).toMatchObject({ env: { DEBIAN_FRONTEND: "noninteractive" } });
        return { status: args.includes("install") ? 100 : 0 };
      };
      expect(ensureChromium({ action: "install", path: "/usr/bin/chromium", sudo: false }, failing)).toBe(1);
      expect(calls).toEqual(["apt-get update -qq", "apt-get install -y -qq chromium"]);
      expect(log).toHaveBeenCalledWith(
        expect.stringMatching(/^Chromium not found at \/usr\/bin\/chromium: installing/),
      );
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/^apt-get could not install chromium/));

      calls.length = 0;
      ensureChromium({ action: "install", path: "/usr/bin/chromium", sudo: true }, failing);
      expect(calls[0]).toBe("sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq");
      expect(ensureChromium({ action: "found", path: "/usr/bin/chromium" }, failing)).toBe(0);
      expect(ensureChromium({ action: "fail", message: "no" }, failing)).toBe(1);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
