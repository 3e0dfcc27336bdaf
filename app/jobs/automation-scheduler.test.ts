// The scheduler's tick on the job mechanism: a timer on SQLite, pg-boss's cron schedule on PostgreSQL (one
// instance a minute takes it), and a tick at start on every instance.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, type TestDb } from "../../tests/db";
import { startJobQueue } from "./queue.server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noJobs = async () => undefined;

describe("recurring tasks on sqlite: a timer in the process", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
  });
  afterAll(() => t.drop());

  test("run once at start, then every interval, never two at once; stop waits for the one running", async () => {
    const queue = await startJobQueue(t.db, t.url, noJobs, { recoverEveryMs: 60_000 });
    let running = 0;
    let overlapped = false;
    let runs = 0;
    let finished = 0;
    await queue.recurring(
      "tick",
      async () => {
        runs++;
        overlapped ||= running > 0;
        running++;
        await sleep(120); // longer than the interval: the timer's next calls find it running
        running--;
        finished++;
      },
      50,
    );
    expect(runs).toBe(1); // the start-up tick, before the first interval
    await sleep(700);
    await queue.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(runs).toBeLessThanOrEqual(7);
    expect(overlapped).toBe(false);
    expect(finished).toBe(runs);
    const after = runs;
    await sleep(200);
    expect(runs).toBe(after);
  });
});

describe("recurring tasks on postgres: pg-boss's schedule", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
  });
  afterAll(() => t.drop());

  test("two instances each tick at start, then one of them per minute", async () => {
    const instances = [t.db, t.connectAnother()];
    const ticks: { instance: number; at: Date }[] = [];
    const queues = await Promise.all(
      instances.map((db) => startJobQueue(db, t.url, noJobs, { recoverEveryMs: 60_000 })),
    );
    try {
      await Promise.all(
        queues.map((queue, instance) =>
          queue.recurring("test-tick", async () => void ticks.push({ instance, at: new Date() }), 1_000),
        ),
      );
      await sleep(200);
      expect(ticks.map((tick) => tick.instance).sort()).toEqual([0, 1]);
      // The schedule's first minute (pg-boss checks its crons every 30 s); then a little longer, for a second.
      const deadline = Date.now() + 95_000;
      while (ticks.length < 3 && Date.now() < deadline) await sleep(500);
      await sleep(3_000);
      const scheduled = ticks.slice(2);
      expect(scheduled.length).toBeGreaterThanOrEqual(1);
      // Never two scheduled ticks in one minute, whichever instance took them.
      const minutes = scheduled.map((tick) => tick.at.toISOString().slice(0, 16));
      expect(new Set(minutes).size).toBe(minutes.length);
    } finally {
      await Promise.all(queues.map((queue) => queue.stop()));
    }
  }, 120_000);
});
