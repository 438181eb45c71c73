// Pain points as R&D list them (a cluster's members, the unclustered ones): text, case facts, status,
// and for R&D the way to adopt one. Lists load a page at a time ("after" is the last id received).

import { errorMessage } from "../api/errors";
import { statusBadge } from "../painpoints/status";
import type { PainPoint } from "../painpoints/types";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";
import { adoptControl } from "./adopt";

/** What a list adds to each row besides adopting (an opened cluster's Move…); null for nothing. */
export type RowAction = (painPoint: PainPoint, row: HTMLElement) => HTMLElement | null;

export function painPointItem(painPoint: PainPoint, canAdopt: boolean, action?: RowAction): HTMLElement {
  const details = [painPoint.customer, painPoint.product, ...painPoint.tags.map((tag) => `#${tag}`)].filter(Boolean).join(" · ");
  const row = h("li", { class: "rd-pain-point", "data-testid": "cluster-member", "data-pain-point-id": painPoint.id });
  const adoptable = canAdopt && painPoint.status === "SUBMITTED";
  replaceChildren(
    row,
    h(
      "div",
      { class: "rd-pain-point-body" },
      h("p", { class: "pain-point-text" }, painPoint.text),
      h("div", { class: "pain-point-details" }, statusBadge(painPoint.status), h("span", {}, details), timeElement(painPoint.createdAt)),
      painPoint.status === "ADOPTED" && painPoint.adoptionNote ? h("p", { class: "hint adoption-note" }, t("clusters.adoptedNote", { note: painPoint.adoptionNote })) : null,
    ),
    adoptable ? adoptControl(painPoint, (adopted) => row.replaceWith(painPointItem(adopted, canAdopt, action))) : null,
    action?.(painPoint, row),
  );
  return row;
}

export interface PagedList {
  el: HTMLElement;
  reload: () => Promise<void>;
}

/** A list that asks `fetch` for one more than a page to know whether there is a next one. */
export function pagedPainPoints(options: {
  label: string;
  pageSize: number;
  canAdopt: boolean;
  emptyText: string;
  fetch: (first: number, after: string | null) => Promise<PainPoint[]>;
  action?: RowAction;
}): PagedList {
  const list = h("ul", { class: "rd-pain-points", "aria-label": options.label });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  const notice = noticeArea();
  let last: string | null = null;
  let loading = 0; // a newer load (a filter, a live change) makes the answers of older ones stale

  async function load(reset: boolean): Promise<void> {
    const attempt = ++loading;
    more.disabled = true;
    try {
      const found = await options.fetch(options.pageSize + 1, reset ? null : last);
      if (attempt !== loading) return;
      const page = found.slice(0, options.pageSize);
      const rows = page.map((painPoint) => painPointItem(painPoint, options.canAdopt, options.action));
      if (reset) replaceChildren(list, ...rows);
      else list.append(...rows);
      if (list.childElementCount === 0) list.append(h("li", { class: "empty" }, options.emptyText));
      if (page.length > 0) last = page[page.length - 1].id;
      more.hidden = found.length <= options.pageSize;
      notice.clear();
    } catch (error) {
      if (attempt === loading) notice.show(errorMessage(error));
    } finally {
      if (attempt === loading) more.disabled = false;
    }
  }

  more.addEventListener("click", () => void load(false));
  return { el: h("div", { class: "paged-pain-points" }, notice.el, list, more), reload: () => load(true) };
}
