// The overview's charts as inline SVG, drawn here: no chart library, nothing fetched. The page's
// Content-Security-Policy allows no inline style, so the drawing uses SVG attributes for geometry
// and console.css's classes (.chart-*) for colour; text goes in with textContent, never as markup.
// Each chart draws into an <svg> of index.html, whose namespace its new elements take.

const WIDTH = 640;
let namespace = null;

function element(name, attributes, text) {
  const node = document.createElementNS(namespace, name);
  for (const [key, value] of Object.entries(attributes || {})) {
    node.setAttribute(key, String(value));
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

// The smallest 1, 2 or 5 times a power of ten at or above `value`: the top of the scale.
export function scaleTop(value) {
  if (value <= 1) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }
  return 10 * power;
}

function start(svg, height, label) {
  namespace = svg.namespaceURI;
  svg.replaceChildren();
  svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + height);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.append(element('title', {}, label));
}

function nothing(svg, height, text) {
  svg.append(element('text', { x: WIDTH / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, text));
}

/**
 * Columns over time: `points` is [{label, value, title}], oldest first; every `tickEvery`-th point
 * gets its label under the axis. Each column carries a <title> (the browser shows it on hover).
 */
export function columnChart(svg, points, { label, empty, tickEvery }) {
  const height = 220;
  const left = 48;
  const right = 8;
  const top = 10;
  const bottom = 26;
  start(svg, height, label);
  const plotWidth = WIDTH - left - right;
  const plotHeight = height - top - bottom;
  const max = scaleTop(Math.max(0, ...points.map((p) => p.value)));
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotHeight * (1 - fraction);
    svg.append(element('line', { x1: left, x2: WIDTH - right, y1: y, y2: y, class: 'chart-grid' }));
    svg.append(element('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'chart-axis' },
      String(Math.round(max * fraction))));
  }
  const slot = plotWidth / Math.max(1, points.length);
  points.forEach((point, i) => {
    const x = left + i * slot;
    if (point.value > 0) {
      const h = Math.max(1, (point.value / max) * plotHeight);
      const column = element('rect', {
        x: (x + slot * 0.12).toFixed(2), y: (top + plotHeight - h).toFixed(2),
        width: (slot * 0.76).toFixed(2), height: h.toFixed(2), class: 'chart-bar',
      });
      column.append(element('title', {}, point.title));
      svg.append(column);
    }
    if (tickEvery && i % tickEvery === 0) {
      svg.append(element('text', { x: (x + slot / 2).toFixed(2), y: height - 8, 'text-anchor': 'middle',
        class: 'chart-axis' }, point.label));
    }
  });
  if (points.every((p) => p.value === 0)) {
    nothing(svg, height, empty);
  }
}

/** Horizontal bars, one per row of [{label, value}], largest first as given; the value beside each. */
export function barChart(svg, rows, { label, empty }) {
  const rowHeight = 30;
  const labelWidth = 190;
  const valueWidth = 70;
  const height = Math.max(1, rows.length) * rowHeight + 12;
  start(svg, height, label);
  if (rows.length === 0) {
    nothing(svg, height, empty);
    return;
  }
  const max = Math.max(1, ...rows.map((r) => r.value));
  const span = WIDTH - labelWidth - valueWidth;
  rows.forEach((row, i) => {
    const y = 6 + i * rowHeight;
    const w = Math.max(2, (row.value / max) * span);
    svg.append(element('text', { x: labelWidth - 10, y: y + rowHeight / 2 + 4, 'text-anchor': 'end',
      class: 'chart-label' }, row.label));
    const bar = element('rect', { x: labelWidth, y: y + 4, width: w.toFixed(2), height: rowHeight - 8,
      class: 'chart-bar chart-bar-error', 'data-label': row.label });
    bar.append(element('title', {}, row.label + ': ' + row.value));
    svg.append(bar);
    svg.append(element('text', { x: (labelWidth + w + 8).toFixed(2), y: y + rowHeight / 2 + 4,
      class: 'chart-value' }, String(row.value)));
  });
}
