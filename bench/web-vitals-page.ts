// What the bench reads inside the app's frame: PerformanceObservers installed before any of the page's own
// scripts run (an init script, so in every frame, buffered), and the arithmetic Google's web-vitals
// library does on their entries: LCP is the last largest-contentful-paint before the first input, CLS the
// largest session window of layout shifts without recent input (gaps under 1 s, at most 5 s long), and an
// interaction's latency the longest event-timing entry sharing its interactionId.

export interface LcpEntry {
  startTime: number;
  size: number;
  element: string;
  url: string;
}

export interface ShiftEntry {
  startTime: number;
  value: number;
  hadRecentInput: boolean;
  sources: string[];
}

export interface EventEntry {
  name: string;
  interactionId: number;
  startTime: number;
  duration: number;
  processingStart: number;
  processingEnd: number;
  target: string;
}

export interface FrameVitals {
  /** performance.timeOrigin of the frame, to place its times on the admin page's clock. */
  timeOrigin: number;
  lcp: LcpEntry[];
  shifts: ShiftEntry[];
  events: EventEntry[];
}

/** Event timing only reports entries at least this long (16 ms is the smallest threshold allowed). */
export const EVENT_THRESHOLD_MS = 16;

// A string, not a function: tsx's transform may add helpers to a function's text that the page lacks.
export const OBSERVERS = `(() => {
  const describe = (node) => {
    if (!node || node.nodeType !== 1) return node ? node.nodeName : "";
    const id = node.id ? "#" + node.id : "";
    const cls = typeof node.className === "string" && node.className
      ? "." + node.className.trim().split(/\\s+/).slice(0, 2).join(".") : "";
    const text = (node.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return node.tagName.toLowerCase() + id + cls + (text ? ' "' + text + '"' : "");
  };
  const vitals = { timeOrigin: performance.timeOrigin, lcp: [], shifts: [], events: [] };
  window.__webVitals = vitals;
  const observe = (type, options, each) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(each)).observe({ type, buffered: true, ...options });
    } catch {}
  };
  observe("largest-contentful-paint", {}, (e) =>
    vitals.lcp.push({ startTime: e.startTime, size: e.size, element: describe(e.element), url: e.url }));
  observe("layout-shift", {}, (e) =>
    vitals.shifts.push({
      startTime: e.startTime,
      value: e.value,
      hadRecentInput: e.hadRecentInput,
      sources: (e.sources || []).map((s) => {
        const a = s.previousRect, b = s.currentRect;
        return describe(s.node) + " " + a.x + "," + a.y + " " + a.width + "x" + a.height + " → " +
          b.x + "," + b.y + " " + b.width + "x" + b.height;
      }),
    }));
  observe("event", { durationThreshold: ${EVENT_THRESHOLD_MS} }, (e) => {
    if (e.interactionId)
      vitals.events.push({
        name: e.name, interactionId: e.interactionId, startTime: e.startTime, duration: e.duration,
        processingStart: e.processingStart, processingEnd: e.processingEnd, target: describe(e.target),
      });
  });
})();`;

export const READ_VITALS = "JSON.parse(JSON.stringify(window.__webVitals))";

/** The LCP candidate the page settled on: the last one reported before the first input. */
export function largestContentfulPaint(vitals: FrameVitals, firstInputAt = Infinity): LcpEntry | undefined {
  return vitals.lcp.filter((entry) => entry.startTime < firstInputAt).at(-1);
}

/** The largest session window: shifts less than 1 s apart, a window at most 5 s long. */
export function cumulativeLayoutShift(shifts: ShiftEntry[]): { value: number; sources: string[] } {
  let best = { value: 0, sources: [] as string[] };
  let window = { value: 0, sources: [] as string[], first: 0, last: 0 };
  for (const shift of shifts) {
    if (shift.hadRecentInput) continue;
    const joins =
      window.value > 0 && shift.startTime - window.last < 1000 && shift.startTime - window.first < 5000;
    window = joins
      ? {
          ...window,
          value: window.value + shift.value,
          sources: [...window.sources, ...shift.sources],
          last: shift.startTime,
        }
      : { value: shift.value, sources: shift.sources, first: shift.startTime, last: shift.startTime };
    if (window.value > best.value) best = { value: window.value, sources: window.sources };
  }
  return best;
}

/**
 * The latency of the interactions whose entries arrived after the first `seen` events: the longest entry
 * among them, or the threshold when the browser reported none (every entry was shorter than it); and how
 * long the handlers of all those events ran (pointerdown … click; the rest is input delay and rendering).
 */
export function interactionLatency(vitals: FrameVitals, seen: number): { ms: number; handlersMs: number } {
  const fresh = vitals.events.slice(seen);
  return {
    ms: Math.max(EVENT_THRESHOLD_MS, ...fresh.map((entry) => entry.duration)),
    handlersMs: fresh.reduce((sum, entry) => sum + entry.processingEnd - entry.processingStart, 0),
  };
}
