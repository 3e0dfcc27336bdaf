// Usage charts drawn as plain SVG (Polaris Viz is not a dependency). Each is one image with a summary for
// screen readers (role="img", aria-label); the page shows the same numbers in a table beside it. Widths are
// percentages of the card and text stays in CSS pixels, so 390 px and 1280 px both read.

const BAR = "var(--p-color-bg-fill-info-strong, #2c6ecb)";
const TEXT = "var(--p-color-text, #303030)";
const SUBDUED = "var(--p-color-text-secondary, #616161)";

export interface ChartBar {
  label: string;
  value: number;
  /** What the row says beside its label: "24 credits · 12 times". */
  detail: string;
}

// The longest bar takes 70% of the width, leaving room for its numbers after it.
const share = (value: number, max: number) => (max > 0 ? Math.max(0.5, (value / max) * 70) : 0);

/** Horizontal bars, one row per action: its label above, the bar with its numbers after it below. */
export function UsageChart({ bars, summary }: { bars: ChartBar[]; summary: string }) {
  const row = 44;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  return (
    <svg role="img" aria-label={summary} width="100%" height={bars.length * row} style={{ display: "block" }}>
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
  );
}

/** Vertical bars, one per day of the cycle so far, with the first and last day named under them. */
export function DailyChart({
  days,
  summary,
  first,
  last,
}: {
  days: { day: string; credits: number }[];
  summary: string;
  first: string;
  last: string;
}) {
  const height = 96;
  const max = Math.max(0, ...days.map((day) => day.credits));
  const width = 100 / Math.max(1, days.length);
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
      <text x="100%" y={height + 16} fontSize="12" textAnchor="end" style={{ fill: SUBDUED }}>
        {last}
      </text>
    </svg>
  );
}
