// The case list's search box and filters: customer, my role, open/archived. Typing waits for a pause.

import type { CaseRole } from "../api/types";
import { CASE_ROLES } from "../api/types";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";

export const SEARCH_DELAY_MS = 300;

export type ArchivedChoice = "open" | "archived" | "all";

export interface CaseFilter {
  query: string;
  customer: string | null;
  myRole: CaseRole | null;
  archived: ArchivedChoice;
}

export function isFiltered(filter: CaseFilter): boolean {
  return filter.query !== "" || filter.customer !== null || filter.myRole !== null || filter.archived !== "open";
}

/** What the `cases` query takes for `archived`: false open cases, true archived ones, null both. */
export function archivedArgument(choice: ArchivedChoice): boolean | null {
  return choice === "all" ? null : choice === "archived";
}

export function caseFilters(onChange: (filter: CaseFilter) => void): {
  el: HTMLElement;
  current: () => CaseFilter;
  setCustomers: (customers: string[]) => void;
} {
  const query = h("input", {
    type: "search",
    name: "query",
    maxlength: 200,
    placeholder: t("cases.filters.searchPlaceholder"),
    autocomplete: "off",
  });
  const customer = h("select", { name: "customer" }, h("option", { value: "" }, t("cases.filters.anyCustomer")));
  const role = h(
    "select",
    { name: "myRole" },
    h("option", { value: "" }, t("cases.filters.anyRole")),
    ...CASE_ROLES.map((r) => h("option", { value: r }, t(`roles.caseName.${r}`))),
  );
  const archived = h(
    "select",
    { name: "archived" },
    h("option", { value: "open" }, t("cases.filters.open")),
    h("option", { value: "archived" }, t("cases.filters.archived")),
    h("option", { value: "all" }, t("cases.filters.all")),
  );

  function current(): CaseFilter {
    return {
      query: query.value.trim(),
      customer: customer.value || null,
      myRole: (role.value || null) as CaseRole | null,
      archived: archived.value as ArchivedChoice,
    };
  }

  let timer: number | undefined;
  query.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => onChange(current()), SEARCH_DELAY_MS);
  });
  for (const select of [customer, role, archived]) select.addEventListener("change", () => onChange(current()));

  const el = h(
    "form",
    { class: "case-filters", role: "search", "aria-label": t("cases.filters.label") },
    h("label", { class: "case-search" }, t("cases.filters.search"), query),
    h("label", {}, t("cases.filters.customer"), customer),
    h("label", {}, t("cases.filters.myRole"), role),
    h("label", {}, t("cases.filters.status"), archived),
  );
  el.addEventListener("submit", (event) => {
    // Enter searches at once.
    event.preventDefault();
    window.clearTimeout(timer);
    onChange(current());
  });

  function setCustomers(customers: string[]): void {
    const chosen = customer.value;
    replaceChildren(
      customer,
      h("option", { value: "" }, t("cases.filters.anyCustomer")),
      ...customers.map((name) => h("option", { value: name }, name)),
    );
    customer.value = customers.includes(chosen) ? chosen : "";
  }

  return { el, current, setCustomers };
}
