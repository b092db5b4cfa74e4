"use client";

// Inline SVG line charts for the VRAM page: a few series over shared sample times, a y axis from 0.

export const SERIES_COLORS = [
  { stroke: "stroke-sky-400", swatch: "bg-sky-400" },
  { stroke: "stroke-emerald-400", swatch: "bg-emerald-400" },
  { stroke: "stroke-amber-400", swatch: "bg-amber-400" },
  { stroke: "stroke-violet-400", swatch: "bg-violet-400" },
  { stroke: "stroke-rose-400", swatch: "bg-rose-400" },
  { stroke: "stroke-cyan-400", swatch: "bg-cyan-400" },
  { stroke: "stroke-lime-400", swatch: "bg-lime-400" },
  { stroke: "stroke-fuchsia-400", swatch: "bg-fuchsia-400" },
] as const;

export type Series = { name: string; values: number[]; color: (typeof SERIES_COLORS)[number]; dashed?: boolean };

const WIDTH = 100;
const HEIGHT = 40;

/** Lines over `times` (ISO strings, oldest first); values in GB. */
export function LineChart({ times, series, label, testId }: { times: string[]; series: Series[]; label: string; testId?: string }) {
  const max = Math.max(0.1, ...series.flatMap((line) => line.values));
  const x = (index: number) => (times.length <= 1 ? (index === 0 ? 0 : WIDTH) : (index / (times.length - 1)) * WIDTH);
  const y = (value: number) => HEIGHT - (value / max) * (HEIGHT - 2);
  const points = (values: number[]) => {
    // A single sample is drawn as a flat line across the chart.
    const drawn = values.length === 1 ? [values[0], values[0]] : values;
    return drawn.map((value, index) => `${x(index).toFixed(2)},${y(value).toFixed(2)}`).join(" ");
  };
  return (
    <figure data-testid={testId} className="min-w-0">
      <div className="flex text-xs text-slate-500">
        <span className="w-14 shrink-0 text-right tabular-nums">{max.toFixed(1)} GB</span>
      </div>
      <div className="flex gap-2">
        <div className="w-12 shrink-0" />
        <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" className="h-36 w-full min-w-0 border-b border-l border-slate-700">
          <title>{label}</title>
          {[0.25, 0.5, 0.75].map((fraction) => <line key={fraction} x1="0" x2={WIDTH} y1={HEIGHT * fraction} y2={HEIGHT * fraction} className="stroke-slate-800" strokeWidth="1" vectorEffect="non-scaling-stroke" />)}
          {series.map((line) => (
            <polyline key={line.name} points={points(line.values)} fill="none" className={line.color.stroke} strokeWidth="2" strokeDasharray={line.dashed ? "4 3" : undefined} vectorEffect="non-scaling-stroke" />
          ))}
        </svg>
      </div>
      <div className="ml-14 flex justify-between text-xs text-slate-500 tabular-nums">
        <span>{times[0] ? clock(times[0]) : ""}</span>
        <span>{times.length ? clock(times[times.length - 1]) : ""}</span>
      </div>
      <figcaption>
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-300">
          {series.map((line) => (
            <li key={line.name} className="flex min-w-0 items-center gap-1">
              <span className={`inline-block h-2 w-3 shrink-0 rounded-sm ${line.color.swatch} ${line.dashed ? "opacity-60" : ""}`} />
              <span className="truncate">{line.name}</span>
              <span className="tabular-nums text-slate-500">{(line.values.at(-1) ?? 0).toFixed(2)} GB</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** A horizontal bar: `value` of `max`, with tick marks at the given percentages. */
export function UsageBar({ value, max, ticks, label, testId }: { value: number; max: number; ticks: { pct: number; label: string; strong?: boolean }[]; label: string; testId?: string }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  const fill = pct >= 95 ? "fill-rose-500" : pct >= 85 ? "fill-amber-500" : pct >= 75 ? "fill-yellow-400" : "fill-emerald-500";
  return (
    <div data-testid={testId}>
      <svg viewBox="0 0 100 6" preserveAspectRatio="none" className="h-4 w-full" role="img" aria-label={label}>
        <title>{label}</title>
        <rect width="100" height="6" className="fill-slate-800" />
        <rect width={pct} height="6" className={fill} />
        {ticks.map((tick) => <line key={tick.label} x1={tick.pct} x2={tick.pct} y1="0" y2="6" className={tick.strong ? "stroke-amber-400" : "stroke-slate-300"} strokeWidth={tick.strong ? 2 : 1} vectorEffect="non-scaling-stroke" />)}
      </svg>
      <div className="relative h-4 text-[10px] text-slate-500">
        {ticks.map((tick) => (
          <span key={tick.label} className={`absolute -translate-x-1/2 whitespace-nowrap ${tick.strong ? "text-amber-300" : ""}`} style={{ left: `${tick.pct}%` }}>{tick.label}</span>
        ))}
      </div>
    </div>
  );
}

const clock = (iso: string) => new Date(iso).toISOString().slice(11, 19) + "Z";
