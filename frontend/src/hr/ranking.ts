// The co-creation ranking: points earned per person in a year, half, quarter or month (UTC).

import { request } from "../api/client";
import { ContributionRankingDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { ACTION_LABELS } from "../points/labels";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";

type Granularity = "year" | "half" | "quarter" | "month";

const PARTS: Record<Granularity, { value: string; label: string }[]> = {
  year: [],
  half: ["H1", "H2"].map((p) => ({ value: p, label: p })),
  quarter: ["Q1", "Q2", "Q3", "Q4"].map((p) => ({ value: p, label: p })),
  month: Array.from({ length: 12 }, (_, i) => {
    const value = String(i + 1).padStart(2, "0");
    return { value, label: new Date(Date.UTC(2000, i, 1)).toLocaleString(undefined, { month: "long", timeZone: "UTC" }) };
  }),
};

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
    { "aria-label": "Period length", "data-testid": "ranking-granularity" },
    h("option", { value: "year" }, "Year"),
    h("option", { value: "half" }, "Half year"),
    h("option", { value: "quarter" }, "Quarter"),
    h("option", { value: "month" }, "Month"),
  );
  const year = h("input", { type: "number", min: 2000, max: 2100, value: now.getUTCFullYear(), "aria-label": "Year", class: "narrow" });
  const part = h("select", { "aria-label": "Part of the year", hidden: true });
  const caption = h("p", { class: "hint", "data-testid": "ranking-period" });
  const body = h("tbody", {});

  function fillParts(): void {
    const g = granularity.value as Granularity;
    replaceChildren(part, ...PARTS[g].map((p) => h("option", { value: p.value, selected: p.value === currentPart(g, now) }, p.label)));
    part.hidden = g === "year";
  }

  async function load(): Promise<void> {
    notice.clear();
    const period = periodOf(Number(year.value), granularity.value as Granularity, part.value);
    try {
      const { contributionRanking: ranking } = await request(ContributionRankingDocument, { period });
      caption.textContent = `${ranking.period}: ${new Date(ranking.start).toLocaleDateString(undefined, { timeZone: "UTC" })} to ${new Date(new Date(ranking.end).getTime() - 1).toLocaleDateString(undefined, { timeZone: "UTC" })} (UTC).`;
      replaceChildren(
        body,
        ...ranking.rows.map((row) =>
          h(
            "tr",
            { "data-testid": "ranking-row" },
            h("td", { class: "num" }, String(row.rank)),
            h("td", {}, row.user.name),
            h("td", { class: "num" }, String(row.points)),
            h("td", { class: "num" }, String(row.awards)),
            h("td", { class: "hint" }, row.byAction.map((a) => `${ACTION_LABELS[a.action] ?? a.action}: ${a.points}`).join(" · ")),
          ),
        ),
      );
      if (ranking.rows.length === 0) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "Nobody earned points in this period.")));
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
    h("div", { class: "card-head" }, h("h2", { id: "ranking-title" }, "Contribution ranking"), granularity, year, part),
    caption,
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": "Contribution ranking" },
      h("thead", {}, h("tr", {}, h("th", { class: "num" }, "Rank"), h("th", {}, "Person"), h("th", { class: "num" }, "Points"), h("th", { class: "num" }, "Awards"), h("th", {}, "By action"))),
      body,
    ),
  );
}
