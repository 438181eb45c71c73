// The co-creation ranking: points earned per person in a year, half, quarter or month (UTC).

import { request } from "../api/client";
import { ContributionRankingDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { actionLabel } from "../points/labels";
import { t } from "../i18n";
import { formatDate, formatNumber, formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { dayOf } from "../ui/time";

type Granularity = "year" | "half" | "quarter" | "month";

/** The parts of a year the API names (H1, Q3, 05), as the UI's language says them. */
function partsOf(granularity: Granularity): { value: string; label: string }[] {
  switch (granularity) {
    case "year":
      return [];
    case "half":
      return (["H1", "H2"] as const).map((p) => ({ value: p, label: t(`hr.ranking.parts.${p}`) }));
    case "quarter":
      return (["Q1", "Q2", "Q3", "Q4"] as const).map((p) => ({ value: p, label: t(`hr.ranking.parts.${p}`) }));
    case "month":
      return Array.from({ length: 12 }, (_, i) => ({
        value: String(i + 1).padStart(2, "0"),
        label: formatDate(Date.UTC(2000, i, 1), { month: "long", timeZone: "UTC" }),
      }));
  }
}

/** The period string the API reads: 2026, 2026-H1, 2026-Q3 or 2026-05. */
export function periodOf(year: number, granularity: Granularity, part: string): string {
  return granularity === "year" ? String(year) : `${year}-${part}`;
}

function currentPart(granularity: Granularity, now: Date): string {
  const month = now.getUTCMonth();
  if (granularity === "half") return month < 6 ? "H1" : "H2";
  if (granularity === "quarter") return `Q${Math.floor(month / 3) + 1}`;
  if (granularity === "month") return String(month + 1).padStart(2, "0");
  return "";
}

export function contributionRanking(): HTMLElement {
  const now = new Date();
  const notice = noticeArea();
  const granularity = h(
    "select",
    { "aria-label": t("hr.ranking.granularity"), "data-testid": "ranking-granularity" },
    h("option", { value: "year" }, t("hr.ranking.year")),
    h("option", { value: "half" }, t("hr.ranking.half")),
    h("option", { value: "quarter" }, t("hr.ranking.quarter")),
    h("option", { value: "month" }, t("hr.ranking.month")),
  );
  const year = h("input", { type: "number", min: 2000, max: 2100, value: now.getUTCFullYear(), "aria-label": t("hr.ranking.yearField"), class: "narrow" });
  const part = h("select", { "aria-label": t("hr.ranking.part"), hidden: true });
  const caption = h("p", { class: "hint", "data-testid": "ranking-period" });
  const body = h("tbody", {});

  function fillParts(): void {
    const g = granularity.value as Granularity;
    replaceChildren(part, ...partsOf(g).map((p) => h("option", { value: p.value, selected: p.value === currentPart(g, now) }, p.label)));
    part.hidden = g === "year";
  }

  async function load(): Promise<void> {
    notice.clear();
    const period = periodOf(Number(year.value), granularity.value as Granularity, part.value);
    try {
      const { contributionRanking: ranking } = await request(ContributionRankingDocument, { period });
      caption.textContent = t("hr.ranking.caption", {
        period: ranking.period,
        start: dayOf(ranking.start),
        end: dayOf(new Date(new Date(ranking.end).getTime() - 1)),
      });
      replaceChildren(
        body,
        ...ranking.rows.map((row) =>
          h(
            "tr",
            { "data-testid": "ranking-row" },
            h("td", { class: "num" }, formatNumber(row.rank)),
            h("td", {}, row.user.name),
            h("td", { class: "num" }, formatPoints(row.points)),
            h("td", { class: "num" }, formatNumber(row.awards)),
            h("td", { class: "hint" }, row.byAction.map((a) => t("hr.ranking.byActionItem", { action: actionLabel(a.action), points: formatPoints(a.points) })).join(" · ")),
          ),
        ),
      );
      if (ranking.rows.length === 0) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, t("hr.ranking.nobody"))));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  granularity.addEventListener("change", () => {
    fillParts();
    void load();
  });
  year.addEventListener("change", () => void load());
  part.addEventListener("change", () => void load());
  fillParts();
  void load();

  return h(
    "section",
    { class: "card", "aria-labelledby": "ranking-title" },
    h("div", { class: "card-head" }, h("h2", { id: "ranking-title" }, t("hr.ranking.title")), granularity, year, part),
    caption,
    h("p", { class: "hint", "data-testid": "ranking-scale" }, t("hr.ranking.pointsHelp")),
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": t("hr.ranking.title") },
      h("thead", {}, h("tr", {}, h("th", { class: "num" }, t("hr.ranking.rank")), h("th", {}, t("hr.ranking.person")), h("th", { class: "num" }, h("abbr", { class: "scale-help", title: t("hr.ranking.pointsHelp") }, t("hr.ranking.points"))), h("th", { class: "num" }, t("hr.ranking.awards")), h("th", {}, t("hr.ranking.byAction")))),
      body,
    ),
  );
}
