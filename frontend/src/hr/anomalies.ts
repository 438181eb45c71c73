// Points anomalies: pairs of teammates who keep awarding each other (adoptions, orders, resolved threads)
// far more than the team's other pairs do. HR reads the figures and decides; nothing is changed here.

import { request } from "../api/client";
import { PointAnomaliesDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { formatNumber, formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { dayOf } from "../ui/time";

export function pointAnomalies(): HTMLElement {
  const notice = noticeArea();
  const rule = h("p", { class: "hint", "data-testid": "anomaly-rule" });
  const body = h("tbody", {});

  async function load(): Promise<void> {
    notice.clear();
    try {
      const { pointAnomalies: report } = await request(PointAnomaliesDocument, { first: 20 });
      rule.textContent = t("hr.anomalies.rule", {
        since: dayOf(report.since),
        count: report.pairsSeen,
        median: formatNumber(report.medianPairPoints),
        floor: formatPoints(report.floor),
        factor: formatNumber(report.factor),
      });
      replaceChildren(
        body,
        ...report.pairs.map((pair) =>
          h(
            "tr",
            { "data-testid": "anomaly-pair" },
            h("td", {}, `${pair.a.name} ⇄ ${pair.b.name}`),
            h("td", { class: "num" }, `${formatPoints(pair.aFromB)} (${formatNumber(pair.aAwards)})`),
            h("td", { class: "num" }, `${formatPoints(pair.bFromA)} (${formatNumber(pair.bAwards)})`),
            h("td", { class: "num" }, formatPoints(pair.total)),
            h("td", { class: "num" }, pair.timesMedian === null || pair.timesMedian === undefined ? "—" : `×${formatNumber(pair.timesMedian)}`),
          ),
        ),
      );
      if (report.pairs.length === 0) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, t("hr.anomalies.none"))));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  void load();
  return h(
    "section",
    { class: "card", "aria-labelledby": "anomalies-title" },
    h("div", { class: "card-head" }, h("h2", { id: "anomalies-title" }, t("hr.anomalies.title")), h("button", { type: "button", class: "button-quiet", onclick: () => void load() }, t("common.refresh"))),
    rule,
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": t("hr.anomalies.title") },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("hr.anomalies.pair")),
          h("th", { class: "num" }, t("hr.anomalies.firstFromSecond")),
          h("th", { class: "num" }, t("hr.anomalies.secondFromFirst")),
          h("th", { class: "num" }, t("hr.anomalies.total")),
          h("th", { class: "num" }, t("hr.anomalies.timesMedian")),
        ),
      ),
      body,
    ),
  );
}
