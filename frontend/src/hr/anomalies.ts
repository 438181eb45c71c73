// Points anomalies: pairs of teammates who keep awarding each other (adoptions, orders, resolved threads)
// far more than the team's other pairs do. HR reads the figures and decides; nothing is changed here.

import { request } from "../api/client";
import { PointAnomaliesDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { plural } from "../ui/plural";

export function pointAnomalies(): HTMLElement {
  const notice = noticeArea();
  const rule = h("p", { class: "hint", "data-testid": "anomaly-rule" });
  const body = h("tbody", {});

  async function load(): Promise<void> {
    notice.clear();
    try {
      const { pointAnomalies: report } = await request(PointAnomaliesDocument, { first: 20 });
      rule.textContent =
        `Since ${new Date(report.since).toLocaleDateString(undefined, { timeZone: "UTC" })}: ${plural(report.pairsSeen, "pair", "pairs")} of teammates granted points (either way) ` +
        `(median ${report.medianPairPoints}). A pair is listed when both award each other, together at least ${report.floor} points ` +
        `and more than ${report.factor} times the median of the other pairs.`;
      replaceChildren(
        body,
        ...report.pairs.map((pair) =>
          h(
            "tr",
            { "data-testid": "anomaly-pair" },
            h("td", {}, `${pair.a.name} ⇄ ${pair.b.name}`),
            h("td", { class: "num" }, `${pair.aFromB} (${pair.aAwards})`),
            h("td", { class: "num" }, `${pair.bFromA} (${pair.bAwards})`),
            h("td", { class: "num" }, String(pair.total)),
            h("td", { class: "num" }, pair.timesMedian === null || pair.timesMedian === undefined ? "—" : `×${pair.timesMedian}`),
          ),
        ),
      );
      if (report.pairs.length === 0) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No pair stands out.")));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  void load();
  return h(
    "section",
    { class: "card", "aria-labelledby": "anomalies-title" },
    h("div", { class: "card-head" }, h("h2", { id: "anomalies-title" }, "Points anomalies"), h("button", { type: "button", class: "button-quiet", onclick: () => void load() }, "Refresh")),
    rule,
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": "Points anomalies" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Pair"),
          h("th", { class: "num" }, "First earned from second (awards)"),
          h("th", { class: "num" }, "Second earned from first (awards)"),
          h("th", { class: "num" }, "Total"),
          h("th", { class: "num" }, "× median of other pairs"),
        ),
      ),
      body,
    ),
  );
}
