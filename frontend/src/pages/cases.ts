// My cases: the list of cases I belong to, and a form to open a new one (I become its owner).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { CasesDocument, CreateCaseDocument } from "../api/generated/graphql";
import type { CaseSummary } from "../api/types";
import { t } from "../i18n";
import { casePath, navigate } from "../router";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { timeElement } from "../ui/time";

function caseRow(item: CaseSummary): HTMLElement {
  return h(
    "li",
    { class: "case-row" },
    h(
      "a",
      { href: `#${casePath(item.id)}`, class: "case-link", "data-case-id": item.id },
      h("span", { class: "case-title" }, item.title),
      h("span", { class: "case-customer" }, item.customer),
    ),
    h("span", { class: `badge role-${item.myRole.toLowerCase()}` }, t(`roles.case.${item.myRole}`)),
    timeElement(item.createdAt),
  );
}

function newCaseForm(): HTMLElement {
  const title = h("input", { name: "title", required: true, maxlength: 200, placeholder: t("cases.titlePlaceholder") });
  const customer = h("input", { name: "customer", required: true, maxlength: 200, placeholder: t("cases.customerPlaceholder") });
  const submit = h("button", { type: "submit", class: "button-primary" }, t("cases.create"));
  const notice = noticeArea();

  async function create(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    submit.disabled = true;
    try {
      const { createCase } = await request(CreateCaseDocument, {
        input: { title: title.value.trim(), customer: customer.value.trim() },
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
    notice.el,
    submit,
  );
}

export function casesPage(): Page {
  const list = h("ul", { class: "case-list", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  const notice = noticeArea();
  let cursor: string | null = null;

  async function load(): Promise<void> {
    more.disabled = true;
    try {
      const { cases } = await request(CasesDocument, { first: 50, after: cursor });
      if (cursor === null && cases.nodes.length === 0) {
        replaceChildren(list, h("li", { class: "empty" }, t("cases.empty")));
      }
      list.append(...cases.nodes.map(caseRow));
      cursor = cases.pageInfo.endCursor;
      more.hidden = !cases.pageInfo.hasNextPage;
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => void load());
  void load();

  const el = h(
    "div",
    { class: "cases-page" },
    h("section", { class: "cases" }, h("h1", {}, t("cases.heading")), notice.el, list, more),
    newCaseForm(),
  );
  return { el };
}
