// The war room's "Contribution" tab: who contributed when (people × days or weeks) and whose text each
// section is made of. Heatmaps are computed in the background; while newer edits wait to be counted
// (`stale`), the tab asks again by itself a few times. The tab keeps a summary (the most active people, the
// largest sections: heatmaps/summary.ts) and links to the full-width contribution page (#/cases/ID/contribution),
// which shows the tables, names and section titles never cut.

import "../styles/heatmaps.css";
import { request } from "../api/client";
import { ContributionHeatmapDocument, SectionHeatmapDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { slot, withNodes } from "../i18n/nodes";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";
import { contributionPath } from "../router";
import { contributionTable } from "./contribution";
import { pictureButton } from "./picture";
import { sectionTable } from "./sections";
import { contributorsSummary, sectionsSummary } from "./summary";
import type { HeatmapBucket } from "./types";

const STALE_RETRY_MS = 5_000;
const STALE_RETRIES = 12; // the server's job runs within its delay (30 s by default)
const DAYS = 14;
const WEEKS = 12; // the server's default period of weeks

interface Period {
  bucket: HeatmapBucket;
  from: string | null;
}

function periodOf(choice: string): Period {
  if (choice === "weeks") return { bucket: "WEEK", from: null }; // the server's default: WEEKS weeks
  const start = new Date();
  start.setUTCDate(start.getUTCDate() - (DAYS - 1));
  return { bucket: "DAY", from: start.toISOString().slice(0, 10) };
}

function empty(): HTMLElement {
  return h("p", { class: "empty", "data-testid": "heatmap-empty" }, t("heatmaps.empty"));
}

export interface ContributionOptions {
  /** The full-width page rather than the side panel's tab. */
  full?: boolean;
  /** Told the case's title once the heatmaps arrive. */
  onTitle?: (title: string) => void;
}

export function contributionPanel(caseId: string, onDispose: (cleanup: () => void) => void, options: ContributionOptions = {}): HTMLElement {
  const period = h(
    "select",
    { "aria-label": t("heatmaps.period") },
    h("option", { value: "days", selected: true }, t("heatmaps.lastDays", { count: DAYS })),
    h("option", { value: "weeks" }, t("heatmaps.lastWeeks", { count: WEEKS })),
  );
  const refresh = h("button", { type: "button", class: "button-quiet" }, t("common.refresh"));
  const notice = noticeArea();
  const freshness = h("p", { class: "hint heatmap-freshness", "data-testid": "heatmap-freshness" });
  const contribution = h("div", { class: "heatmap-holder" }, h("p", { class: "loading" }, t("common.loading")));
  const sections = h("div", { class: "heatmap-holder" }, h("p", { class: "loading" }, t("common.loading")));
  let retries = 0;
  let timer: number | undefined;
  let closed = false;
  onDispose(() => {
    closed = true;
    window.clearTimeout(timer);
  });

  function pictureQuery(): URLSearchParams {
    const chosen = periodOf(period.value);
    const query = new URLSearchParams({ bucket: chosen.bucket.toLowerCase() });
    if (chosen.from) query.set("from", chosen.from);
    return query;
  }

  async function load(): Promise<void> {
    window.clearTimeout(timer);
    refresh.disabled = true;
    const chosen = periodOf(period.value);
    try {
      const [c, s] = await Promise.all([
        request(ContributionHeatmapDocument, { caseId, bucket: chosen.bucket, from: chosen.from }),
        request(SectionHeatmapDocument, { caseId }),
      ]);
      const heatmap = c.contributionHeatmap;
      const bySection = s.sectionHeatmap;
      if (heatmap.subject.title) options.onTitle?.(heatmap.subject.title);
      const full = options.full === true;
      if (!heatmap.rows.length) replaceChildren(contribution, empty());
      else replaceChildren(contribution, full ? contributionTable(heatmap) : contributorsSummary(heatmap));
      // The newest columns matter most: start scrolled to the right end.
      const scroller = contribution.querySelector(".heatmap-scroll");
      if (scroller) scroller.scrollLeft = scroller.scrollWidth;
      if (!bySection.rows.length || !bySection.sections.length) replaceChildren(sections, empty());
      else replaceChildren(sections, full ? sectionTable(bySection) : sectionsSummary(bySection));
      notice.clear();
      const stale = heatmap.stale || bySection.stale;
      const computed = heatmap.computedAt ?? bySection.computedAt;
      replaceChildren(
        freshness,
        stale ? t("heatmaps.stale") : null,
        computed ? h("span", {}, ...withNodes(t("heatmaps.counted", { time: slot("time") }), { time: timeElement(computed) })) : null,
      );
      // Keep asking while edits wait to be counted, but only while the room is open.
      if (stale && retries < STALE_RETRIES && !closed) {
        retries++;
        timer = window.setTimeout(() => void load(), STALE_RETRY_MS);
      }
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      refresh.disabled = false;
    }
  }

  function reload(): void {
    retries = 0;
    void load();
  }

  period.addEventListener("change", reload);
  refresh.addEventListener("click", reload);
  const showError = (message: string): void => notice.show(message);

  const fullView = options.full
    ? null
    : h("a", { class: "full-view-link", href: `#${contributionPath(caseId)}`, "data-testid": "contribution-full-link" }, t("heatmaps.openFull"));
  const el = h(
    "div",
    { class: options.full ? "contribution contribution-full" : "contribution" },
    h("div", { class: "heatmap-controls" }, h("label", { class: "inline" }, t("heatmaps.show"), period), refresh),
    fullView,
    notice.el,
    h(
      "section",
      { class: "heatmap-section", "aria-labelledby": "contribution-heading" },
      h("div", { class: "heatmap-head" }, h("h3", { id: "contribution-heading" }, t("heatmaps.whoWhen")), options.full ? pictureButton(caseId, "contribution", pictureQuery, showError) : null),
      contribution,
    ),
    h(
      "section",
      { class: "heatmap-section", "aria-labelledby": "sections-heading" },
      h("div", { class: "heatmap-head" }, h("h3", { id: "sections-heading" }, t("heatmaps.whoseText")), options.full ? pictureButton(caseId, "sections", () => new URLSearchParams(), showError) : null),
      sections,
    ),
    freshness,
  );
  void load();
  return el;
}
