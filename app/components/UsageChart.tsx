// Usage charts drawn as plain SVG (Polaris Viz is not a dependency). Each is one image with a summary for
// screen readers (role="img", aria-label); the by-action chart writes its numbers beside each bar and keeps
// a visually hidden table of them for screen readers. Widths are percentages of the card and text stays in
// CSS pixels, so 390 px and 1280 px both read.
import type { CSSProperties } from "react";

const BAR = "var(--p-color-bg-fill-info-strong, #2c6ecb)";
const TEXT = "var(--p-color-text, #303030)";
const SUBDUED = "var(--p-color-text-secondary, #616161)";

export interface ChartBar {
  label: string;
  value: number;
  /** What the row says beside its bar: "24 credits · 12×". */
  detail: string;
  /** The row of the table alternative, after the label. */
  cells: string[];
}

// Read by screen readers, not drawn (the clip pattern Polaris's own visually hidden text uses).
const VISUALLY_HIDDEN: CSSProperties = {
  position: "absolute",
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
};

// The longest bar takes 70% of the width, leaving room for its numbers after it.
const share = (value: number, max: number) => (max > 0 ? Math.max(0.5, (value / max) * 70) : 0);

/** Horizontal bars, one row per action: its label above, the bar with its numbers after it below. */
export function UsageChart({
  bars,
  summary,
  caption,
  headings,
}: {
  bars: ChartBar[];
  summary: string;
  caption: string;
  headings: string[];
}) {
  const row = 44;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  return (
    <div style={{ position: "relative" }}>
      <table style={VISUALLY_HIDDEN}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {headings.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row">{bar.label}</th>
              {bar.cells.map((cell, index) => (
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <svg
        role="img"
        aria-label={summary}
        width="100%"
        height={bars.length * row}
        style={{ display: "block" }}
      >
        {bars.map((bar, index) => (
          <g key={bar.label}>
            <text x="0" y={index * row + 16} fontSize="13" style={{ fill: TEXT }}>
              {bar.label}
            </text>
            <rect
              x="0"
              y={index * row + 24}
              width={`${share(bar.value, max)}%`}
              height="12"
              rx="3"
              style={{ fill: BAR }}
            />
            <text
              x={`${share(bar.value, max)}%`}
              dx="6"
              y={index * row + 35}
              fontSize="12"
              style={{ fill: SUBDUED }}
            >
              {bar.detail}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

/**
 * Vertical bars, one per day of the cycle so far, in slots for the whole cycle (so one day is one narrow
 * bar, not the card's width), with the first and last day named under them.
 */
export function DailyChart({
  days,
  slots,
  summary,
  first,
  last,
}: {
  days: { day: string; credits: number }[];
  slots: number;
  summary: string;
  first: string;
  last: string;
}) {
  const height = 96;
  const max = Math.max(0, ...days.map((day) => day.credits));
  const width = 100 / Math.max(1, slots, days.length);
  return (
    <svg role="img" aria-label={summary} width="100%" height={height + 20} style={{ display: "block" }}>
      {days.map((day, index) => {
        const tall = max > 0 ? (day.credits / max) * height : 0;
        return (
          <rect
            key={day.day}
            x={`${index * width + width * 0.1}%`}
            y={height - tall}
            width={`${width * 0.8}%`}
            height={tall}
            style={{ fill: BAR }}
          />
        );
      })}
      <text x="0" y={height + 16} fontSize="12" style={{ fill: SUBDUED }}>
        {first}
      </text>
      {last !== first && (
        <text
          x={`${days.length * width}%`}
          y={height + 16}
          fontSize="12"
          textAnchor={days.length * width > 80 ? "end" : "middle"}
          style={{ fill: SUBDUED }}
        >
          {last}
        </text>
      )}
    </svg>
  );
}
