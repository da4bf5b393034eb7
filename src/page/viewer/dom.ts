/**
 * Building the page from text only: every string from the study (names,
 * values, notes, a trial's output) goes in as a text node or through
 * escapeHtml, never as markup.
 */
import { fmtNumber } from "../../report/format.ts";

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; id?: string; title?: string } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.id) node.id = props.id;
  if (props.title) node.title = props.title;
  for (const c of children) if (c) node.append(c);
  return node;
}

/** For the one place markup is built from strings: chart tooltips, which ECharts sets as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function fmt(x: number | string | null | undefined): string {
  if (x === null || x === undefined) return "–";
  return typeof x === "number" ? fmtNumber(x) : x;
}

/** A page section: its heading, a line saying what it shows, and its content. */
export function section(id: string, title: string, intro: string, ...content: Child[]): HTMLElement {
  return el("section", { id }, el("h2", {}, title), intro ? el("p", { class: "intro" }, intro) : null, ...content);
}
