// My cases: the list of cases I belong to, and a form to open a new one (I become its owner).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import {
  ArchiveCaseDocument,
  CaseCustomersDocument,
  CasesDocument,
  CreateCaseDocument,
  TeamRegionsDocument,
  UnarchiveCaseDocument,
} from "../api/generated/graphql";
import type { CaseSummary } from "../api/types";
import { archivedArgument, caseFilters, isFiltered, type CaseFilter } from "../cases/filters";
import { caseRow } from "../cases/row";
import { t } from "../i18n";
import { casePath, navigate } from "../router";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

function emptyMessage(filter: CaseFilter): string {
  if (filter.query !== "") return t("cases.noMatch", { query: filter.query });
  if (filter.archived === "archived" && filter.customer === null && filter.myRole === null) return t("cases.noArchived");
  return isFiltered(filter) ? t("cases.noFilterMatch") : t("cases.empty");
}

function newCaseForm(): HTMLElement {
  const title = h("input", { name: "title", required: true, maxlength: 200, placeholder: t("cases.titlePlaceholder") });
  const customer = h("input", { name: "customer", required: true, maxlength: 200, placeholder: t("cases.customerPlaceholder") });
  // The team's regions, once they are known; the field stays hidden while the team has none.
  const region = h("select", { name: "region" }, h("option", { value: "" }, t("cases.noRegion")));
  const regionField = h("label", { hidden: true }, t("cases.region"), region);
  const submit = h("button", { type: "submit", class: "button-primary" }, t("cases.create"));
  const notice = noticeArea();
  request(TeamRegionsDocument)
    .then(({ teamRegions }) => {
      region.append(...teamRegions.map((name) => h("option", { value: name }, name)));
      regionField.hidden = teamRegions.length === 0;
    })
    .catch(() => {
      // Without the list the case is created without a region, as before regions existed.
    });

  async function create(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    submit.disabled = true;
    try {
      const { createCase } = await request(CreateCaseDocument, {
        input: { title: title.value.trim(), customer: customer.value.trim(), region: region.value || null },
      });
      navigate(casePath(createCase.id));
    } catch (error) {
      notice.show(errorMessage(error));
      submit.disabled = false;
    }
  }

  return h(
    "form",
    { class: "card new-case", onsubmit: (event) => void create(event) },
    h("h2", {}, t("cases.newCase")),
    h("label", {}, t("cases.title"), title),
    h("label", {}, t("cases.customer"), customer),
    regionField,
    notice.el,
    submit,
  );
}

export function casesPage(): Page {
  const list = h("ul", { class: "case-list", "aria-live": "polite", "aria-busy": "false" });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  const notice = noticeArea();
  const status = noticeArea();
  let cursor: string | null = null;
  // Each new search or filter starts again; an answer to an older one is dropped.
  let generation = 0;
  const filters = caseFilters(() => {
    status.clear(); // an archive notice is about the list before the change
    void load(true);
  });

  async function loadCustomers(): Promise<void> {
    try {
      const { caseCustomers } = await request(CaseCustomersDocument, {});
      filters.setCustomers(caseCustomers);
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function setArchived(item: CaseSummary): Promise<void> {
    notice.clear();
    status.clear();
    try {
      if (item.archivedAt === null) {
        await request(ArchiveCaseDocument, { caseId: item.id });
        status.show(t("cases.archivedDone", { title: item.title }), "info");
      } else {
        await request(UnarchiveCaseDocument, { caseId: item.id });
        status.show(t("cases.unarchivedDone", { title: item.title }), "info");
      }
    } catch (error) {
      notice.show(errorMessage(error));
    }
    await load(true);
  }

  async function load(fresh: boolean): Promise<void> {
    const mine = fresh ? ++generation : generation;
    if (fresh) cursor = null;
    const filter = filters.current();
    more.disabled = true;
    list.setAttribute("aria-busy", "true");
    try {
      const { cases } = await request(CasesDocument, {
        first: 50,
        after: cursor,
        query: filter.query || null,
        customer: filter.customer,
        myRole: filter.myRole,
        archived: archivedArgument(filter.archived),
      });
      if (mine !== generation) return;
      notice.clear();
      const rows = cases.nodes.map((item) => caseRow(item, (chosen) => void setArchived(chosen)));
      if (cursor === null) {
        replaceChildren(list, ...(rows.length ? rows : [h("li", { class: "empty" }, emptyMessage(filter))]));
      } else {
        list.append(...rows);
      }
      cursor = cases.pageInfo.endCursor;
      more.hidden = !cases.pageInfo.hasNextPage;
    } catch (error) {
      if (mine === generation) notice.show(errorMessage(error));
    } finally {
      if (mine === generation) {
        more.disabled = false;
        list.setAttribute("aria-busy", "false");
      }
    }
  }

  more.addEventListener("click", () => void load(false));
  void load(true);
  void loadCustomers();

  const el = h(
    "div",
    { class: "cases-page" },
    h("section", { class: "cases" }, h("h1", {}, t("cases.heading")), filters.el, notice.el, status.el, list, more),
    newCaseForm(),
  );
  return { el };
}
