/** The page's head: the study, how it went, and the result (the chosen trial) with its configuration. */
import type { PageModel } from "../../report/page-model.ts";
import { el, fmt } from "./dom.ts";
import type { Part } from "./part.ts";

export function summaryPart(model: PageModel): Part {
  const best = model.trials.find((t) => t.best);
  const result = best
    ? el(
        "div",
        { class: "best" },
        el(
          "p",
          {},
          `${model.objectives.length > 1 ? "Chosen" : "Best"}: trial ${best.id}, `,
          model.objectives.map((o, k) => `${o.metric} ${fmt(best.values[k])}`).join(", "),
        ),
        el(
          "pre",
          {},
          Object.entries(best.params)
            .map(([k, v]) => `${k}: ${fmt(v)}`)
            .join("\n"),
        ),
      )
    : el("p", {}, "No trial has a result yet.");
  return {
    node: el(
      "header",
      { id: "summary" },
      el("h1", {}, model.study),
      el("p", {}, `Strategy ${model.strategy}: ${model.lines[0]}.`),
      ...model.lines.slice(1).map((line) => el("p", {}, line)),
      result,
    ),
  };
}
