import { useEffect, useRef } from 'react'
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js'
import { formatNumber } from '../format'

Chart.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Filler,
)

const DAY = /^\d{4}-\d{2}-\d{2}/

export interface SeriesPoint {
  x: string
  y: number
}

/** One KPI series: a line when x is a date (time series), bars for categories. */
export function KpiChart({ label, points }: { label: string; points: SeriesPoint[] }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const timeSeries = points.length > 0 && points.every((p) => DAY.test(p.x))
  const counts = points.every((p) => Number.isInteger(p.y))

  useEffect(() => {
    const el = canvas.current
    if (!el) return
    const color = '#2f6fed'
    const chart = new Chart(el, {
      type: timeSeries ? 'line' : 'bar',
      data: {
        labels: points.map((p) => (timeSeries ? p.x.slice(5, 10) : p.x)),
        datasets: [
          {
            label,
            data: points.map((p) => p.y),
            borderColor: color,
            backgroundColor: timeSeries ? 'rgba(47,111,237,0.12)' : 'rgba(47,111,237,0.75)',
            fill: timeSeries,
            tension: 0.25,
            pointRadius: points.length > 40 ? 0 : 2,
            borderWidth: 2,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => points[items[0]?.dataIndex ?? 0]?.x ?? '',
              label: (item) => `${label}: ${formatNumber(Number(item.raw))}`,
            },
          },
        },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 } },
          // counts get whole-number ticks (no "0.5 人")
          y: {
            beginAtZero: true,
            ticks: { precision: counts ? 0 : undefined, callback: (v) => formatNumber(Number(v)) },
          },
        },
      },
    })
    // what the y axis shows, for tests and screen readers' neighbours (a count axis has whole numbers only)
    el.dataset.yTicks = (chart.scales.y?.ticks ?? []).map((t) => t.value).join(' ')
    return () => chart.destroy()
  }, [label, points, timeSeries, counts])

  return (
    <div className='chart-box'>
      <canvas ref={canvas} role='img' aria-label={`${label}图表`} />
    </div>
  )
}
