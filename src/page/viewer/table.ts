/**
 * Every trial in a table that sorts by any column (click its header; again
 * to reverse) and filters by a query: words match anywhere in a row, and
 * `column<value`, `>`, `<=`, `>=`, `=` (equals) or `:` (contains) test one
 * column, e.g. `status=failed lr<0.01`. The first rows that match are shown,
 * more on request.
 */
import type { PageModel, PageTrial } from "../../report/page-model.ts";
import { TRIAL_SELECTED } from "./charts.ts";
import { el, fmt, section } from "./dom.ts";
import type { Part } from "./part.ts";

type Cell = number | string | null;

interface Column {
  readonly title: string;
  readonly numeric: boolean;
  readonly get: (t: PageTrial) => Cell;
}

export function columnsOf(model: PageModel): Column[] {
  const num = (title: string, get: (t: PageTrial) => number | null): Column => ({ title, numeric: true, get });
  const text = (title: string, get: (t: PageTrial) => string): Column => ({ title, numeric: false, get });
  return [
    num("trial", (t) => t.id),
    num("round", (t) => t.round),
    text("status", (t) => t.status),
    text("mark", marksOf),
    ...model.objectives.map((o, k) => num(o.metric, (t) => t.values[k] ?? null)),
    ...model.metrics.map((m) => num(m, (t) => t.metrics[m] ?? null)),
    ...(model.resource && model.trials.some((t) => t.resource !== null)
      ? [num(model.resource, (t) => t.resource)]
      : []),
    ...(model.trials.some((t) => t.rung) ? [text("rung", (t) => t.rung)] : []),
    ...model.parameters.map(
      (a): Column => ({ title: a.name, numeric: a.kind === "number", get: (t) => t.params[a.name] ?? null }),
    ),
    num("seconds", (t) => t.seconds),
    text("note", (t) => t.note),
  ];
}

/** What sets the trial apart: the study's result, the front, a reference run, a constraint it missed. */
function marksOf(t: PageTrial): string {
  const marks = [t.best ? "★ best" : "", t.front && !t.best ? "front" : "", t.reference ? "reference" : ""];
  if (t.values[0] !== null && !t.feasible) marks.push("infeasible");
  return marks.filter(Boolean).join(", ");
}

/** Rows drawn at first and per "show more": a table of thousands is read by sorting and filtering, not scrolling. */
const PAGE = 200;

export function tablePart(model: PageModel): Part {
  const columns = columnsOf(model);
  const rows = model.trials.map((t): TableRow => {
    const cells = columns.map((c) => c.get(t));
    return { trial: t, cells, text: cells.map((v) => fmt(v).toLowerCase()).join(" ") };
  });
  const tbody = el("tbody");
  const query = el("input", { id: "filter", title: "words, or column<value, >, <=, >=, = or :" });
  query.type = "search";
  query.placeholder = "filter: e.g.  status=succeeded lr<0.01";
  const shown = el("span", { id: "shown" });
  const problem = el("span", { id: "filter-problem", class: "problem" });
  const more = el("button", { id: "more" });
  const headers = columns.map((c, i) => {
    const th = el("th", {}, el("button", { title: `sort by ${c.title}` }, c.title));
    th.setAttribute("aria-sort", "none");
    th.addEventListener("click", () => sortBy(i));
    return th;
  });
  let order = rows;
  let sorted: { column: number; dir: 1 | -1 } | undefined;
  let limit = PAGE;

  function sortBy(i: number): void {
    const dir: 1 | -1 = sorted?.column === i && sorted.dir === 1 ? -1 : 1;
    sorted = { column: i, dir };
    order = [...rows].sort((a, b) => compare(a.cells[i]!, b.cells[i]!, dir) || a.trial.id - b.trial.id);
    headers.forEach((h, k) => {
      h.setAttribute("aria-sort", k !== i ? "none" : dir === 1 ? "ascending" : "descending");
    });
    render();
  }

  function render(): void {
    const parsed = parseQuery(query.value, columns);
    problem.textContent = parsed.problem ?? "";
    const keep = order.filter((r) => parsed.tests.every((test) => test(r)));
    const fragment = document.createDocumentFragment();
    for (const r of keep.slice(0, limit)) fragment.append(rowElement(r, columns));
    tbody.replaceChildren(fragment);
    shown.textContent = `${keep.length} of ${rows.length} trials`;
    more.hidden = keep.length <= limit;
    more.textContent = `show ${Math.min(PAGE, keep.length - limit)} more (${limit} of ${keep.length} shown)`;
  }

  query.addEventListener("input", () => {
    limit = PAGE;
    render();
  });
  more.addEventListener("click", () => {
    limit += PAGE;
    render();
  });
  // A trial clicked in a chart: the table shows it alone, in view.
  document.addEventListener(TRIAL_SELECTED, (e) => {
    query.value = `trial=${(e as CustomEvent<number>).detail}`;
    limit = PAGE;
    render();
    node.scrollIntoView({ block: "start" });
  });
  const node = section(
    "trials",
    "Trials",
    "Click a column's name to sort by it, or a trial's point in a chart to see it here. Filter with words, or with column<value (also >, <=, >=, = and : for contains).",
    el("div", { class: "controls" }, query, shown, problem),
    el("div", { class: "scroll" }, el("table", { class: "trials" }, el("thead", {}, el("tr", {}, ...headers)), tbody)),
    more,
  );
  return { node, draw: [render] };
}

interface TableRow extends Row {
  readonly trial: PageTrial;
  /** Made the first time the row is shown. */
  tr?: HTMLTableRowElement;
}

function rowElement(row: TableRow, columns: readonly Column[]): HTMLTableRowElement {
  if (!row.tr) {
    row.tr = el(
      "tr",
      row.trial.best ? { class: "best" } : {},
      ...row.cells.map((v, i) => el("td", columns[i]!.numeric ? { class: "num" } : {}, fmt(v))),
    );
    row.tr.dataset.trial = String(row.trial.id);
  }
  return row.tr;
}

/** Missing values last in either direction; numbers as numbers, text as text. */
function compare(a: Cell, b: Cell, dir: 1 | -1): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return dir * (a - b);
  return dir * String(a).localeCompare(String(b), undefined, { numeric: true });
}

interface Row {
  readonly cells: readonly Cell[];
  readonly text: string;
}

const TERM = /^(.+?)(<=|>=|<|>|=|:)(.*)$/;

/** The query's tests, and what was wrong with it (a column it does not have, a comparison that needs a number). */
export function parseQuery(
  query: string,
  columns: readonly Column[],
): { tests: ((r: Row) => boolean)[]; problem?: string } {
  const tests: ((r: Row) => boolean)[] = [];
  const problems: string[] = [];
  for (const term of query.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
    const m = TERM.exec(term);
    const column = m ? columns.findIndex((c) => c.title.toLowerCase() === m[1]) : -1;
    if (!m || column < 0) {
      if (m && /^[\w.-]+$/.test(m[1]!)) problems.push(`no column named ${m[1]}`);
      tests.push((r) => r.text.includes(term));
      continue;
    }
    const [, , op, raw] = m as unknown as [string, string, string, string];
    const numeric = columns[column]!.numeric;
    const target = Number(raw);
    if ("<>".includes(op[0]!) && (raw === "" || !Number.isFinite(target))) {
      problems.push(`${op} needs a number, not "${raw}"`);
      continue;
    }
    tests.push((r) => {
      const v = r.cells[column];
      if (v === null || v === undefined) return false;
      const n = typeof v === "number" ? v : Number(v);
      switch (op) {
        case "<":
          return n < target;
        case "<=":
          return n <= target;
        case ">":
          return n > target;
        case ">=":
          return n >= target;
        case "=":
          return numeric && raw !== "" && Number.isFinite(target) ? n === target : fmt(v).toLowerCase() === raw;
        default:
          return fmt(v).toLowerCase().includes(raw);
      }
    });
  }
  return problems.length ? { tests, problem: problems.join("; ") } : { tests };
}
