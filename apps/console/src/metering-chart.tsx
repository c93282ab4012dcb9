import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface ChartSeries {
  label: string;
  values: number[];
  kind: 'bar' | 'line';
  color: string;
}

/**
 * A Chart.js chart on a canvas. The canvas is an image to assistive technology, named by `label`; the same numbers
 * are in a table beside it. No animation: a screen that re-reads on every live position should not flicker.
 */
export function MeteringChart({ label, labels, series, id }: { label: string; labels: string[]; series: ChartSeries[]; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
    return () => chart.current?.destroy();
  }, []);
  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.data.labels = labels;
    current.data.datasets = series.map((s) => ({
      type: s.kind,
      label: s.label,
      data: s.values,
      backgroundColor: s.color,
      borderColor: s.color,
    }));
    current.update();
  }, [labels, series]);
  return (
    <div class="chart">
      <canvas ref={canvas} id={id} role="img" aria-label={label} data-points={series.map((s) => s.values.join(',')).join(';')} />
    </div>
  );
}
