/**
 * The two most important parameters together: the model's prediction of the
 * first objective over a grid of the two, averaged over the others (partial
 * dependence), as colored cells, with the trials on top.
 */
import type { PageAxis, PageContour, PageModel, PageTrial } from "../../report/page-model.ts";
import { chart, SCALE, tooltip } from "./charts.ts";
import { el, fmt, section } from "./dom.ts";
import { type Part, paramAxis, withValue } from "./part.ts";

interface RenderApi {
  value(dim: number): number;
  coord(point: readonly [number, number]): [number, number];
}

export function contourPart(model: PageModel): Part | null {
  const c = model.contour;
  if (!c) return null;
  const box = el("div", { class: "chart tall" });
  const objective = model.objectives[0]!;
  const zs = c.z.flat();
  // The cell's grid values place it on the axes; its column and row find its extent.
  const cells = c.ys.flatMap((y, row) => c.xs.map((x, col) => [x, y, c.z[row]![col]!, col, row]));
  const fitted = new Set(c.trials);
  const trials = withValue(model).filter((t) => fitted.has(t.id) && c.x.name in t.params && c.y.name in t.params);
  const xSpan = spans(c.x, c.xs);
  const ySpan = spans(c.y, c.ys);
  return {
    node: section(
      "contour",
      `${c.x.name} × ${c.y.name}`,
      `The model's ${c.metric} over the two most important parameters, averaged over the others (partial dependence, fitted to ${c.basis}); dots are trials. Darker is better.`,
      box,
    ),
    draw: [
      () =>
        chart(box, {
          grid: { left: 80, right: 110, top: 36, bottom: 50 },
          tooltip: {
            trigger: "item",
            formatter: (p: { seriesIndex: number; value: number[]; data: { trial?: PageTrial } }) =>
              p.seriesIndex === 0
                ? tooltip(`model ${c.metric}`, [
                    [c.x.name, fmt(c.xs[p.value[3]!])],
                    [c.y.name, fmt(c.ys[p.value[4]!])],
                    ["predicted", fmt(p.value[2])],
                  ])
                : tooltip(`trial ${p.data.trial!.id}`, [
                    [c.x.name, fmt(p.value[0])],
                    [c.y.name, fmt(p.value[1])],
                    [c.metric, fmt(p.value[2])],
                  ]),
          },
          visualMap: {
            type: "continuous",
            seriesIndex: 0,
            dimension: 2,
            min: Math.min(...zs),
            max: Math.max(...zs),
            inRange: { color: objective.goal === "minimize" ? [...SCALE].reverse() : SCALE },
            right: 0,
            top: "middle",
            calculable: true,
            formatter: (v: number) => fmt(v),
          },
          xAxis: { ...paramAxis(c.x), ...extent(c.x, xSpan), name: c.x.name, nameLocation: "middle", nameGap: 30 },
          yAxis: { ...paramAxis(c.y), ...extent(c.y, ySpan), name: c.y.name },
          series: [
            {
              type: "custom",
              data: cells,
              encode: { x: 0, y: 1, tooltip: 2 },
              renderItem: (_: unknown, api: RenderApi) => {
                const [x0, x1] = xSpan[api.value(3)]!;
                const [y0, y1] = ySpan[api.value(4)]!;
                const a = api.coord([x0, y0]);
                const b = api.coord([x1, y1]);
                return {
                  type: "rect",
                  shape: {
                    x: Math.min(a[0], b[0]),
                    y: Math.min(a[1], b[1]),
                    width: Math.abs(b[0] - a[0]),
                    height: Math.abs(b[1] - a[1]),
                  },
                  // Stroked in its own color, so that no hairline shows between cells.
                  style: { fill: color(api), stroke: color(api), lineWidth: 1 },
                };
              },
            },
            {
              type: "scatter",
              // Smaller dots where there are many, so that the model's colors still show.
              symbolSize: trials.length > 300 ? 4 : 7,
              itemStyle: { color: "#fff", borderColor: "#24292f", borderWidth: 1 },
              data: trials.map((t) => ({ value: [t.params[c.x.name], t.params[c.y.name], t.values[0]], trial: t })),
            },
          ],
        }),
    ],
  };
}

function color(api: RenderApi): string {
  return (api as unknown as { visual(key: string): string }).visual("color");
}

/** A numeric axis from the first cell's edge to the last's, so that no cell is cut off. */
function extent(axis: PageAxis, spans: readonly [number, number][]): { min?: number; max?: number } {
  return axis.kind === "category" ? {} : { min: spans[0]![0], max: spans[spans.length - 1]![1] };
}

/**
 * Each cell's extent along an axis, in the axis' own data: halfway (in its
 * scale) to the neighbouring grid values, as far again at the ends; a
 * category's band is its index ± ½.
 */
function spans(axis: PageAxis, values: PageContour["xs"]): [number, number][] {
  if (axis.kind === "category")
    return values.map((v) => {
      const i = axis.categories.indexOf(String(v));
      return [i - 0.5, i + 0.5];
    });
  const toScale = (x: number) => (axis.log ? Math.log(x) : x);
  const fromScale = (s: number) => (axis.log ? Math.exp(s) : s);
  const s = values.map((v) => toScale(Number(v)));
  return s.map((x, i) => {
    const lo = i > 0 ? (s[i - 1]! + x) / 2 : x - ((s[1] ?? x + 1) - x) / 2;
    const hi = i < s.length - 1 ? (x + s[i + 1]!) / 2 : x + (x - (s[i - 1] ?? x - 1)) / 2;
    return [fromScale(lo), fromScale(hi)];
  });
}
