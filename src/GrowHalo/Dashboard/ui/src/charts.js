import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip,
} from 'chart.js';
import { label } from './dates.js';
import { h, replace } from './dom.js';
import { count, money, num, ratio } from './format.js';
import { emptyState, errorState, loadingState } from './states.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.color = '#9aa4b8';
Chart.defaults.borderColor = 'rgba(148, 163, 184, 0.12)';
Chart.defaults.font.family = 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const COLORS = { revenue: '#34d399', spend: '#f59e0b', roas: '#8b9dff', orders: '#38bdf8', customers: '#f472b6', aov: '#a78bfa' };

// Each chart: which series it draws and how its axis reads.
const CHARTS = [
  { id: 'revenue-vs-ad-spend', title: 'Revenue vs ad spend', axis: 'money', series: [
    { key: 'revenue', label: 'Revenue', color: COLORS.revenue, type: 'line', fill: true },
    { key: 'ad_spend', label: 'Ad spend', color: COLORS.spend, type: 'line' }] },
  { id: 'roas', title: 'ROAS (blended)', axis: 'ratio', series: [
    { key: 'roas', label: 'ROAS', color: COLORS.roas, type: 'line', fill: true }] },
  { id: 'orders-vs-new-customers', title: 'Orders vs new customers', axis: 'count', series: [
    { key: 'orders_count', label: 'Orders', color: COLORS.orders, type: 'bar' },
    { key: 'new_customers', label: 'New customers', color: COLORS.customers, type: 'bar' }] },
  { id: 'aov', title: 'Average order value', axis: 'money', series: [
    { key: 'avg_order_value', label: 'AOV', color: COLORS.aov, type: 'line' }] },
];

const tick = (axis, currency) => (value) =>
  axis === 'money' ? money(value, currency).replace(/\.00(?=\D*$)/, '') : axis === 'ratio' ? ratio(value) : count(value);

export function createCharts() {
  const panels = CHARTS.map((spec) => {
    const body = h('div', { class: 'chart-body' });
    const el = h('article', { class: 'card chart-card', dataset: { chart: spec.id, state: 'loading' } }, h('h3', {}, spec.title), body);
    return { spec, el, body, chart: null, canvas: null };
  });
  const element = h('div', { class: 'chart-grid' }, panels.map((p) => p.el));

  function draw(panel, rows, granularity, currency) {
    const labels = rows.map((r) => label(r.date, granularity));
    const datasets = panel.spec.series.map((s) => ({
      label: s.label,
      type: s.type,
      data: rows.map((r) => num(r[s.key])),
      borderColor: s.color,
      backgroundColor: s.type === 'bar' ? `${s.color}cc` : `${s.color}22`,
      fill: !!s.fill,
      tension: 0.3,
      pointRadius: rows.length > 45 ? 0 : 2.5,
      pointHoverRadius: 5,
      borderWidth: 2,
      borderRadius: s.type === 'bar' ? 3 : 0,
      spanGaps: false,
    }));
    if (panel.chart) {
      panel.chart.data.labels = labels;
      panel.chart.data.datasets = datasets;
      panel.chart.options.scales.y.ticks.callback = tick(panel.spec.axis, currency);
      panel.chart.update('none');
      return;
    }
    panel.canvas = h('canvas', { role: 'img', 'aria-label': panel.spec.title });
    replace(panel.body, h('div', { class: 'chart-frame' }, panel.canvas));
    panel.chart = new Chart(panel.canvas, {
      type: panel.spec.series[0].type,
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 350 },
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { display: panel.spec.series.length > 1, labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${tick(panel.spec.axis, currency)(c.parsed.y)}` } },
        },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { beginAtZero: true, ticks: { callback: tick(panel.spec.axis, currency), maxTicksLimit: 6 } },
        },
      },
    });
  }

  function clear(panel, content, state) {
    panel.chart?.destroy();
    panel.chart = null;
    panel.canvas = null;
    panel.el.dataset.state = state;
    replace(panel.body, content);
  }

  return {
    element,
    loading() {
      for (const p of panels) if (!p.chart) clear(p, loadingState('Loading chart…'), 'loading');
    },
    show(response, granularity, currency) {
      const rows = Array.isArray(response?.data) ? response.data : [];
      for (const p of panels) {
        const hasValues = rows.some((r) => p.spec.series.some((s) => num(r[s.key]) !== null));
        if (!hasValues) {
          clear(p, emptyState(rows.length ? 'No values in this period yet.' : 'No data in this period.'), 'empty');
          continue;
        }
        draw(p, rows, granularity, currency);
        p.el.dataset.state = 'ready';
        p.el.dataset.points = String(rows.length);
      }
    },
    error(error, onRetry) {
      for (const p of panels) clear(p, errorState('this chart', error, onRetry), 'error');
    },
    destroy() {
      for (const p of panels) p.chart?.destroy();
    },
  };
}
