'use client'
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'

/**
 * Readiness charts (Recharts, rendered in the browser as SVG). Every chart is decorative for assistive
 * technology (aria-hidden): the page renders the same numbers as a table next to it, which is the
 * accessible alternative. Labels arrive translated from the server component.
 */
const pct = (v: number) => `${Math.round(v * 100)}%`
const COLORS = ['#c2410c', '#d97706', '#0e7490', '#15803d']

export function RoleReadinessChart({
  data,
}: {
  data: Array<{ name: string; share: number; selected?: boolean }>
}) {
  return (
    <div
      aria-hidden="true"
      className="chart"
      data-testid="chart-roles"
      style={{ height: Math.max(120, data.length * 36 + 40) }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
          <CartesianGrid horizontal={false} strokeOpacity={0.3} />
          <XAxis type="number" domain={[0, 1]} tickFormatter={pct} />
          <YAxis type="category" dataKey="name" width={170} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v) => pct(Number(v))} />
          <Bar dataKey="share" fill="var(--brand)" radius={[0, 4, 4, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}

export function ReadinessTrendChart({
  data,
  label,
}: {
  data: Array<{ date: string; share: number }>
  label: string
}) {
  return (
    <div aria-hidden="true" className="chart" data-testid="chart-trend" style={{ height: 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ left: 0, right: 24, top: 8, bottom: 4 }}>
          <CartesianGrid strokeOpacity={0.3} />
          <XAxis dataKey="date" tick={{ fontSize: 12 }} />
          <YAxis domain={[0, 1]} tickFormatter={pct} width={48} />
          <Tooltip formatter={(v) => pct(Number(v))} />
          <Line
            type="monotone"
            dataKey="share"
            name={label}
            stroke="var(--brand)"
            strokeWidth={2}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  )
}

/** Stacked people-per-bucket bars per role (HR distribution). */
export function DistributionChart({
  data,
  buckets,
}: {
  data: Array<{ name: string; counts: number[] }>
  buckets: string[]
}) {
  const rows = data.map((d) => ({
    name: d.name,
    ...Object.fromEntries(d.counts.map((c, i) => [`b${i}`, c])),
  }))
  return (
    <div
      aria-hidden="true"
      className="chart"
      data-testid="chart-distribution"
      style={{ height: Math.max(140, data.length * 38 + 60) }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
          <CartesianGrid horizontal={false} strokeOpacity={0.3} />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={170} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend itemSorter="dataKey" />
          {buckets.map((b, i) => (
            <Bar key={b} dataKey={`b${i}`} name={b} stackId="s" fill={COLORS[i]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
