// The team's regions: the list cases and people take theirs from, in the admin's order; add one, remove one
// (the server refuses while a case or a person is still in it).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { SetTeamRegionsDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { AccessState, Reload, Section } from "./state";

export function regionsSection(reload: Reload): Section {
  const notice = noticeArea();
  const list = h("ul", { class: "region-list", "data-testid": "team-regions" });
  const input = h("input", { name: "region", maxlength: 100, placeholder: t("admin.regions.placeholder"), "aria-label": t("admin.regions.new") });
  let regions: string[] = [];

  async function save(next: string[], done: string): Promise<void> {
    notice.clear();
    try {
      await request(SetTeamRegionsDocument, { regions: next });
      notice.show(done, "info");
      await reload();
      return;
    } catch (error) {
      notice.show(errorMessage(error, "regions"));
    }
  }

  async function add(event: Event): Promise<void> {
    event.preventDefault();
    const name = input.value.trim().split(/\s+/).join(" ");
    if (!name) {
      notice.show(t("admin.regions.nameMissing"));
      input.focus();
      return;
    }
    if (regions.includes(name)) {
      notice.show(t("admin.regions.already", { region: name }));
      return;
    }
    input.value = "";
    await save([...regions, name], t("admin.regions.added", { region: name }));
  }

  const form = h(
    "form",
    { class: "inline-form", onsubmit: (event) => void add(event) },
    input,
    h("button", { type: "submit", class: "button-primary" }, t("admin.regions.add")),
  );

  return {
    el: h(
      "section",
      { class: "card", "aria-labelledby": "regions-title" },
      h("h2", { id: "regions-title" }, t("admin.regions.title")),
      h("p", { class: "hint" }, t("admin.regions.hint")),
      notice.el,
      list,
      form,
    ),
    show(state: AccessState) {
      regions = state.regions;
      replaceChildren(
        list,
        ...(regions.length
          ? regions.map((region) =>
              h(
                "li",
                { "data-testid": "team-region", "data-region": region },
                h("span", { translate: "no" }, region),
                h(
                  "button",
                  {
                    type: "button",
                    class: "button-quiet",
                    "aria-label": t("admin.regions.removeNamed", { region }),
                    onclick: () => void save(regions.filter((r) => r !== region), t("admin.regions.removed", { region })),
                  },
                  t("admin.regions.remove"),
                ),
              ),
            )
          : [h("li", { class: "empty" }, t("admin.regions.none"))]),
      );
    },
  };
}
