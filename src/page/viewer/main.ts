/**
 * The report page's script: reads the study from the page's JSON block and
 * draws each section (src/report/page-model.ts says what is in it).
 */
import type { PageModel } from "../../report/page-model.ts";
import { whenDrawn } from "./charts.ts";
import { contourPart } from "./contour.ts";
import { curvesPart, rungsPart } from "./curves.ts";
import { frontPart, historyPart } from "./history.ts";
import { importancePart } from "./importance.ts";
import { parallelPart } from "./parallel.ts";
import type { Part } from "./part.ts";
import { slicesPart } from "./slices.ts";
import { summaryPart } from "./summary.ts";
import { tablePart } from "./table.ts";

const data = document.getElementById("study-data");
if (!data?.textContent) throw new Error("the page has no study data (#study-data)");
const model = JSON.parse(data.textContent) as PageModel;

const parts = [
  summaryPart(model),
  historyPart(model),
  frontPart(model),
  importancePart(model),
  contourPart(model),
  parallelPart(model),
  slicesPart(model),
  curvesPart(model),
  rungsPart(model),
  tablePart(model),
].filter((p): p is Part => p !== null);

const main = document.getElementById("app")!;
main.replaceChildren(...parts.map((p) => p.node));
// One chart after another, each in a task of its own: with thousands of
// trials, drawing them all at once would hold the page still for seconds.
const drawing = parts.flatMap((p) => p.draw ?? []);
const drawNext = () => {
  const draw = drawing.shift();
  if (!draw) return whenDrawn();
  draw();
  setTimeout(drawNext, 0);
};
setTimeout(drawNext, 0);
