// Who has what: pick a person, see what they may see now and why: their regions, their case memberships,
// and each policy that applies to them (by role or by name) with what it gives.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { EffectiveAccessDocument, type EffectiveAccessFieldsFragment } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatNames } from "../i18n/format";
import { casePath } from "../router";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { exactTime } from "../ui/time";
import { becauseLabel, caseAccessLabel, roleLabel, scopeLabel, viewsLabel } from "./labels";
import type { AccessState, Section } from "./state";

type Access = EffectiveAccessFieldsFragment;

function grants(access: Access): HTMLElement {
  if (!access.policies.length) return h("p", { class: "hint" }, t("admin.who.noPolicy"));
  return h(
    "ul",
    { class: "who-list" },
    ...access.policies.map((grant) =>
      h(
        "li",
        { "data-testid": "who-policy", "data-policy-id": grant.policyId },
        h("strong", { translate: "no" }, grant.name),
        " — ",
        becauseLabel(grant.because),
        h(
          "div",
          { class: "hint" },
          t("admin.who.gives", {
            scope: scopeLabel(grant.scope),
            access: caseAccessLabel(grant.caseAccess),
            views: viewsLabel(grant.views),
          }),
          grant.maxAgeDays !== null ? ` ${t("admin.who.maxAge", { count: grant.maxAgeDays })}` : "",
          grant.maskCustomerFields ? ` ${t("admin.who.masked")}` : "",
          grant.validUntil ? ` ${t("admin.who.until", { until: exactTime(grant.validUntil) })}` : "",
        ),
      ),
    ),
  );
}

function memberships(access: Access): HTMLElement {
  if (!access.memberships.length) return h("p", { class: "hint" }, t("admin.who.noMembership"));
  return h(
    "ul",
    { class: "who-list" },
    ...access.memberships.map((m) =>
      h(
        "li",
        { "data-testid": "who-membership" },
        h("a", { href: `#${casePath(m.caseId)}`, translate: "no" }, m.caseTitle),
        " — ",
        t(`roles.caseName.${m.role}`),
      ),
    ),
  );
}

export function whoSection(): Section {
  const notice = noticeArea();
  const pick = h("select", { name: "person", "data-testid": "who-person" });
  const result = h("div", { class: "who-result", "data-testid": "who-result", "aria-live": "polite" });
  let asked = 0;

  async function show(userId: string): Promise<void> {
    const mine = ++asked;
    notice.clear();
    if (!userId) {
      result.replaceChildren();
      return;
    }
    try {
      const { effectiveAccess: access } = await request(EffectiveAccessDocument, { userId });
      if (mine !== asked) return;
      replaceChildren(
        result,
        h("p", {}, t("admin.who.asOf", { name: access.user.name, role: roleLabel(access.user.role), at: exactTime(access.at) })),
        h("h3", {}, t("admin.who.regions")),
        h("p", { translate: "no", "data-testid": "who-regions" }, access.regions.length ? formatNames(access.regions) : t("admin.people.noRegion")),
        h("h3", {}, t("admin.who.memberships")),
        memberships(access),
        h("h3", {}, t("admin.who.policies")),
        grants(access),
      );
    } catch (error) {
      if (mine === asked) notice.show(errorMessage(error));
    }
  }

  pick.addEventListener("change", () => void show(pick.value));
  return {
    el: h(
      "section",
      { class: "card", "aria-labelledby": "who-title" },
      h("h2", { id: "who-title" }, t("admin.who.title")),
      h("p", { class: "hint" }, t("admin.who.hint")),
      h("label", {}, t("admin.who.person"), pick),
      notice.el,
      result,
    ),
    show(state: AccessState) {
      const chosen = pick.value;
      replaceChildren(
        pick,
        h("option", { value: "" }, t("admin.who.choose")),
        ...state.people.map((p) => h("option", { value: p.id, selected: p.id === chosen }, `${p.name} · ${p.email}`)),
      );
      // What changed (a policy, a region) may change their answer.
      if (pick.value) void show(pick.value);
    },
  };
}
