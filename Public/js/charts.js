// Small SVG charts, drawn here rather than with a library: stacked bars over time with an
// optional line and limit. Each chart is an image with a text description for screen readers,
// and each bar says its figures on hover (its <title>).
const SVG = "http://www.w3.org/2000/svg";

function node(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A round axis top at or above `value`: 1, 2 or 5 times a power of ten. */
export function niceMax(value) {
  if (value <= 0) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * Stacked bars, one per bucket. `stacks`: [{key, label, color}] read from each bucket by key;
 * `line`: {key, label, color}, drawn over the bars; `limit`: a dashed line at that value,
 * drawn when it is within sight of the bars; `labelOf(index)`: the bucket's time label.
 */
export function barChart({ buckets, stacks, line, limit, labelOf, description, width = 720, height = 200 }) {
  // Drawn at the width it is shown at, so that its text stays the size of the page's.
  width = Math.max(240, Math.round(width));
  const left = 40, right = 8, top = 10, bottom = 26;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const totals = buckets.map((b) => stacks.reduce((sum, s) => sum + (b[s.key] || 0), 0));
  const peak = Math.max(1, ...totals, ...(line ? buckets.map((b) => b[line.key] || 0) : []));
  const showLimit = limit && limit <= peak * 4;
  const max = niceMax(showLimit ? Math.max(peak, limit) : peak);
  const y = (value) => top + plotHeight - (value / max) * plotHeight;
  const slot = plotWidth / buckets.length;
  const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": description, class: "chart" });
  svg.append(node("title", {}, description));
  for (const fraction of [0, 0.5, 1]) {
    const value = Math.round(max * fraction);
    svg.append(node("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
    svg.append(node("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", class: "tick" }, String(value)));
  }
  buckets.forEach((bucket, index) => {
    let base = 0;
    const x = left + index * slot + slot * 0.15;
    const group = node("g", { "data-bucket": index });
    group.append(node("title", {}, `${labelOf(index)}: ` + [...stacks, ...(line ? [line] : [])].map((s) => `${bucket[s.key] || 0} ${s.label}`).join(", ")));
    for (const stack of stacks) {
      const value = bucket[stack.key] || 0;
      if (value > 0) group.append(node("rect", { x, width: slot * 0.7, y: y(base + value), height: y(base) - y(base + value), fill: stack.color }));
      base += value;
    }
    // A transparent column keeps the whole bucket hoverable, even an empty one.
    group.append(node("rect", { x: left + index * slot, width: slot, y: top, height: plotHeight, fill: "transparent" }));
    svg.append(group);
    // As many time labels as fit, about one per 90 px.
    const every = Math.ceil(buckets.length / Math.max(2, Math.floor(plotWidth / 90)));
    if (index % every === 0) svg.append(node("text", { x: left + index * slot + slot / 2, y: height - 8, "text-anchor": "middle", class: "tick" }, labelOf(index)));
  });
  if (line) {
    const points = buckets.map((b, i) => `${left + i * slot + slot / 2},${y(b[line.key] || 0)}`).join(" ");
    svg.append(node("polyline", { points, fill: "none", stroke: line.color, "stroke-width": 2, class: "series-line" }));
  }
  if (showLimit) {
    svg.append(node("line", { x1: left, x2: width - right, y1: y(limit), y2: y(limit), class: "limit" }));
    svg.append(node("text", { x: width - right - 4, y: y(limit) - 4, "text-anchor": "end", class: "tick" }, `limit ${limit}`));
  }
  return svg;
}

/** The key under a chart: a swatch and a label per series. */
export function legend(items) {
  const list = document.createElement("ul");
  list.className = "legend";
  for (const { label, color, dashed } of items) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch" + (dashed ? " dashed" : "");
    swatch.style.background = dashed ? "transparent" : color;
    swatch.style.borderColor = color;
    swatch.setAttribute("aria-hidden", "true");
    item.append(swatch, label);
    list.append(item);
  }
  return list;
}
