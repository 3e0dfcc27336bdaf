// Prints `npm run bench -- web-vitals` as Markdown tables: the vitals of Billing and Home (median, p75,
// max), Billing against Home, Billing's p75 against Built for Shopify's thresholds and the issue's aims,
// each interaction's latency, what the LCP and the shifts were, and the scripts each page loads.
import { median } from "./measure";
import { AIMS, BUDGETS, type Cache, type PageName, type Visit, type WebVitalsResult } from "./web-vitals";
import { EVENT_THRESHOLD_MS } from "./web-vitals-page";
import { percentile } from "./webhook-burst";

const CACHES: Cache[] = ["cold", "warm"];
const PAGE_NAMES: PageName[] = ["Home", "Billing"];

interface Spread {
  median: number;
  p75: number;
  max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted), p75: percentile(sorted, 75), max: sorted.at(-1) ?? Number.NaN };
}

const ms = (value: number) => (value <= EVENT_THRESHOLD_MS ? `≤${EVENT_THRESHOLD_MS}` : value.toFixed(0));
const whole = (value: number) => value.toFixed(0);
const shift = (value: number) => value.toFixed(3);
const cells = (s: Spread, format: (n: number) => string) =>
  `${format(s.median)} / ${format(s.p75)} / ${format(s.max)}`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
/** Vite's content hash off a chunk's name, so the same chunk reads the same across builds. */
const chunkName = (path: string) => path.replace(/^\/assets\//, "").replace(/-[\w-]{8}\.js$/, ".js");

function of(visits: Visit[], page: PageName, cache?: Cache) {
  return visits.filter((v) => v.page === page && (cache === undefined || v.cache === cache));
}

function metrics(visits: Visit[]) {
  return {
    lcp: spread(visits.map((v) => v.lcpMs)),
    lcpFromAdmin: spread(visits.map((v) => v.lcpFromAdminMs)),
    ttfb: spread(visits.map((v) => v.ttfbMs)),
    loadCls: spread(visits.map((v) => v.loadCls)),
    visitCls: spread(visits.map((v) => v.visitCls)),
    inp: spread(visits.map((v) => v.inpMs)),
  };
}

const tally = (values: string[]) =>
  [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())]
    .sort((a, b) => b[1] - a[1])
    .map(([value, count]) => `${value} (${count}×)`);

export function printWebVitalsReport(header: string, result: WebVitalsResult): void {
  const { visits } = result;
  console.log(`\n## Billing page in the browser (${header})\n`);
  console.log(
    `${result.loads} rounds, each Home and Billing cold (cache cleared) then warm, the order alternating; ` +
      `Chromium ${result.chromium} headless, 1280×800; ${result.version}. Cells: median / p75 / max.\n`,
  );
  console.log(
    "| Page | Cache | LCP in the app frame (ms) | of it, the document's first byte (ms) | LCP from the admin's start (ms) | CLS to the first click | CLS, whole visit | INP (ms) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const page of PAGE_NAMES)
    for (const cache of CACHES) {
      const m = metrics(of(visits, page, cache));
      console.log(
        `| ${page} | ${cache} | ${cells(m.lcp, whole)} | ${cells(m.ttfb, whole)} | ${cells(m.lcpFromAdmin, whole)} | ` +
          `${cells(m.loadCls, shift)} | ` +
          `${cells(m.visitCls, shift)} | ${cells(m.inp, ms)} |`,
      );
    }

  console.log("\n| Cache | Billing / Home, LCP median | LCP p75 | INP median (against Home's two clicks) |");
  console.log("|---|---|---|---|");
  for (const cache of CACHES) {
    const b = metrics(of(visits, "Billing", cache));
    const h = metrics(of(visits, "Home", cache));
    console.log(
      `| ${cache} | ${(b.lcp.median / h.lcp.median).toFixed(2)}× | ${(b.lcp.p75 / h.lcp.p75).toFixed(2)}× | ` +
        `${(b.inp.median / h.inp.median).toFixed(2)}× |`,
    );
  }

  console.log("\n| Billing, p75 | Built for Shopify | Aim | Cold | Warm |");
  console.log("|---|---|---|---|---|");
  const p75 = (cache: Cache) => metrics(of(visits, "Billing", cache));
  const rows: [
    string,
    number,
    number | undefined,
    (m: ReturnType<typeof metrics>) => number,
    (n: number) => string,
  ][] = [
    ["LCP (ms)", BUDGETS.lcpMs, AIMS.lcpMs, (m) => m.lcp.p75, whole],
    ["CLS (whole visit)", BUDGETS.cls, AIMS.cls, (m) => m.visitCls.p75, shift],
    ["INP (ms)", BUDGETS.inpMs, undefined, (m) => m.inp.p75, ms],
  ];
  for (const [name, budget, aim, pick, format] of rows) {
    const verdict = (value: number) =>
      `${format(value)} ${value <= budget ? "met" : "MISSED"}${aim === undefined ? "" : value < aim ? ", aim met" : ", aim missed"}`;
    console.log(
      `| ${name} | ≤ ${budget} | ${aim === undefined ? "" : `< ${aim}`} | ${verdict(pick(p75("cold")))} | ${verdict(pick(p75("warm")))} |`,
    );
  }

  console.log(
    `\n| Page | Interaction | Latency, ms (median / p75 / max; ≤${EVENT_THRESHOLD_MS}: no entry reported) | Of it in event handlers, ms (median / max) |`,
  );
  console.log("|---|---|---|---|");
  for (const page of PAGE_NAMES) {
    const pageVisits = of(visits, page);
    for (const { name } of pageVisits[0]?.interactions ?? []) {
      const found = pageVisits.map((v) => v.interactions.find((i) => i.name === name));
      const handlers = spread(found.map((i) => i?.handlersMs ?? Number.NaN));
      console.log(
        `| ${page} | ${name} | ${cells(spread(found.map((i) => i?.ms ?? Number.NaN)), ms)} | ` +
          `${handlers.median.toFixed(0)} / ${handlers.max.toFixed(0)} |`,
      );
    }
  }

  console.log("\n| Page | LCP element | Layout shifts (element, rect before → after) |");
  console.log("|---|---|---|");
  for (const page of PAGE_NAMES) {
    const pageVisits = of(visits, page);
    const sources = tally(pageVisits.flatMap((v) => v.clsSources));
    console.log(
      `| ${page} | ${tally(pageVisits.map((v) => v.lcpElement)).join("; ")} | ${sources.join("; ") || "none"} |`,
    );
  }

  printScripts(visits);
  if (result.aborted.length) console.log(`\nAborted (off this machine): ${result.aborted.join(", ")}`);
  if (result.pageErrors.length) console.log(`\nPage errors: ${[...new Set(result.pageErrors)].join("; ")}`);
}

/** The scripts of each page's first measured cold visit, per chunk; every other cold visit must match. */
function printScripts(visits: Visit[]): void {
  const firsts = new Map<PageName, Visit>();
  for (const page of PAGE_NAMES) {
    const cold = of(visits, page, "cold");
    const first = cold[0];
    if (!first) continue;
    firsts.set(page, first);
    const paths = (v: Visit) =>
      v.scripts
        .map((s) => s.path)
        .sort()
        .join(" ");
    const differing = cold.filter((v) => paths(v) !== paths(first)).length;
    if (differing) console.log(`\n${page}: ${differing} cold visit(s) loaded other scripts than the first`);
  }
  const home = firsts.get("Home")?.scripts ?? [];
  const billing = firsts.get("Billing")?.scripts ?? [];
  const total = (scripts: typeof home) => scripts.reduce((sum, s) => sum + s.gzipBytes, 0);
  const encodings = [...new Set([...home, ...billing].map((s) => s.encoding))].join(", ");
  console.log(
    `\nJS the app's frame loads before the first click, gzip (zlib default level; served as: ${encodings}):\n`,
  );
  console.log("| Page | Scripts | Raw | Gzip | Gzip / Home | Document (HTML, gzip) |");
  console.log("|---|---|---|---|---|---|");
  for (const [page, scripts] of [
    ["Home", home],
    ["Billing", billing],
  ] as const)
    console.log(
      `| ${page} | ${scripts.length} | ${kb(scripts.reduce((sum, s) => sum + s.bytes, 0))} | ${kb(total(scripts))} | ` +
        `${(total(scripts) / total(home)).toFixed(2)}× | ${kb(firsts.get(page)?.documentGzipBytes ?? 0)} |`,
    );
  console.log("\n| Chunk | Gzip | Home | Billing |");
  console.log("|---|---|---|---|");
  const chunks = new Map([...home, ...billing].map((s) => [s.path, s]));
  for (const chunk of [...chunks.values()].sort((a, b) => b.gzipBytes - a.gzipBytes)) {
    const on = (scripts: typeof home) => (scripts.some((s) => s.path === chunk.path) ? "yes" : "");
    console.log(`| ${chunkName(chunk.path)} | ${kb(chunk.gzipBytes)} | ${on(home)} | ${on(billing)} |`);
  }
}
