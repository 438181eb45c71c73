// Narrowing clusters: created since/until (whole days), product, customer, smallest size.

import type { ClusterFilter } from "../painpoints/types";
import { t } from "../i18n";
import { h } from "../ui/dom";

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

export function filtersForm(onApply: (filter: ClusterFilter) => void): HTMLElement {
  const since = h("input", { type: "date", name: "since" });
  const until = h("input", { type: "date", name: "until" });
  const product = h("input", { name: "product", placeholder: t("clusters.filters.anyProduct") });
  const customer = h("input", { name: "customer", placeholder: t("clusters.filters.anyCustomer") });
  const minSize = h("input", { type: "number", name: "minSize", min: 1, value: 1 });

  function current(): ClusterFilter {
    const filter: ClusterFilter = {};
    // Dates are UTC days; "until" includes its day (the API's `until` is exclusive).
    if (since.value) filter.since = `${since.value}T00:00:00Z`;
    if (until.value) filter.until = nextDay(until.value);
    if (product.value.trim()) filter.product = product.value.trim();
    if (customer.value.trim()) filter.customer = customer.value.trim();
    const size = Number.parseInt(minSize.value, 10);
    if (Number.isFinite(size) && size > 1) filter.minSize = size;
    return filter;
  }

  const form = h(
    "form",
    { class: "cluster-filters", "aria-label": t("clusters.filters.label"), "data-reapply": true },
    h("label", {}, t("clusters.filters.since"), since),
    h("label", {}, t("clusters.filters.until"), until),
    h("label", {}, t("clusters.filters.product"), product),
    h("label", {}, t("clusters.filters.customer"), customer),
    h("label", {}, t("clusters.filters.minSize"), minSize),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", class: "button-primary" }, t("clusters.filters.apply")),
      h("button", { type: "reset", class: "button-quiet" }, t("clusters.filters.clear")),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onApply(current());
  });
  // After the reset has emptied the fields.
  form.addEventListener("reset", () => window.setTimeout(() => onApply(current()), 0));
  return form;
}
