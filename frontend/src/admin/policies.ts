// The team's visibility policies, current or not: what each gives to whom and when; create, edit, expire
// now (its validUntil set to this moment) and delete.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { DeleteVisibilityPolicyDocument, UpdateVisibilityPolicyDocument, type VisibilityPolicyInput } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatNames } from "../i18n/format";
import { confirmDialog } from "../ui/confirm";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { caseAccessLabel, policyState, roleLabel, scopeLabel, viewsLabel, windowLabel } from "./labels";
import { policyForm } from "./policy-form";
import type { AccessState, Person, Policy, Reload, Section } from "./state";

/** The policy's fields as its input, `validUntil` replaced: how "expire now" rewrites it. */
function asInput(policy: Policy, validUntil: string | null): VisibilityPolicyInput {
  return {
    name: policy.name,
    appliesTo: { roles: policy.appliesTo.roles, userIds: policy.appliesTo.userIds },
    scope: policy.scope,
    caseAccess: policy.caseAccess,
    views: policy.views,
    maxAgeDays: policy.maxAgeDays,
    maskCustomerFields: policy.maskCustomerFields,
    validFrom: policy.validFrom,
    validUntil,
  };
}

function appliesToText(policy: Policy, people: Person[]): string {
  const names = policy.appliesTo.userIds.map((id) => people.find((p) => p.id === id)?.name ?? t("admin.policies.formerTeammate"));
  return formatNames([...policy.appliesTo.roles.map((role) => t("admin.policies.everyRole", { role: roleLabel(role) })), ...names]);
}

function fact(label: string, value: string): HTMLElement[] {
  return [h("dt", {}, label), h("dd", {}, value)];
}

export function policiesSection(reload: Reload): Section {
  const notice = noticeArea();
  const list = h("ul", { class: "policy-list", "data-testid": "policies" });
  const formHost = h("div", {});
  let people: Person[] = [];
  // Disabled until the team's people are known: the form lists them.
  const create = h("button", { type: "button", class: "button-primary", "data-testid": "new-policy", disabled: true, onclick: () => openForm(null) }, t("admin.policies.new"));

  function closeForm(): void {
    formHost.replaceChildren();
    create.hidden = false;
  }

  function openForm(policy: Policy | null): void {
    notice.clear();
    create.hidden = true;
    const form = policyForm({
      people,
      policy,
      onCancel: () => {
        closeForm();
        create.focus();
      },
      onSaved: (saved) => {
        closeForm();
        notice.show(t(policy ? "admin.policies.saved" : "admin.policies.created", { name: saved.name }), "info");
        void reload();
      },
    });
    formHost.replaceChildren(form);
    form.scrollIntoView({ block: "nearest" });
    form.querySelector<HTMLInputElement>("input[name=name]")?.focus();
  }

  async function expire(policy: Policy): Promise<void> {
    notice.clear();
    try {
      await request(UpdateVisibilityPolicyDocument, { id: policy.id, input: asInput(policy, new Date().toISOString()) });
      notice.show(t("admin.policies.expired", { name: policy.name }), "info");
      await reload();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function remove(policy: Policy): Promise<void> {
    const sure = await confirmDialog({
      title: t("admin.policies.deleteTitle", { name: policy.name }),
      message: t("admin.policies.deleteMessage"),
      confirmLabel: t("admin.policies.delete"),
      danger: true,
      testId: "delete-policy-dialog",
    });
    if (!sure) return;
    notice.clear();
    try {
      await request(DeleteVisibilityPolicyDocument, { id: policy.id });
      notice.show(t("admin.policies.deleted", { name: policy.name }), "info");
      await reload();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  function item(policy: Policy): HTMLElement {
    const state = policyState(policy.validFrom, policy.validUntil);
    const named = { name: policy.name };
    return h(
      "li",
      { class: `policy policy-${state}`, "data-testid": "policy", "data-policy-id": policy.id, "data-state": state },
      h(
        "div",
        { class: "policy-head" },
        h("h3", { translate: "no" }, policy.name),
        h("span", { class: `badge policy-state-${state}`, "data-testid": "policy-state" }, t(`admin.state.${state}`)),
      ),
      h(
        "dl",
        { class: "policy-facts" },
        ...fact(t("admin.policy.appliesTo"), appliesToText(policy, people)),
        ...fact(t("admin.policy.scope"), scopeLabel(policy.scope)),
        ...fact(t("admin.policy.caseAccess"), caseAccessLabel(policy.caseAccess)),
        ...fact(t("admin.policy.views"), viewsLabel(policy.views)),
        ...fact(t("admin.policy.maxAgeDays"), policy.maxAgeDays === null ? t("admin.policy.noLimit") : t("admin.policies.days", { count: policy.maxAgeDays })),
        ...fact(t("admin.policy.mask"), policy.maskCustomerFields ? t("admin.policies.yes") : t("admin.policies.no")),
        ...fact(t("admin.policies.window"), windowLabel(policy.validFrom, policy.validUntil)),
      ),
      h(
        "div",
        { class: "policy-actions" },
        h("button", { type: "button", class: "button-quiet", "data-testid": "edit-policy", "aria-label": t("admin.policies.editNamed", named), onclick: () => openForm(policy) }, t("admin.policies.edit")),
        state === "active"
          ? h("button", { type: "button", class: "button-quiet", "data-testid": "expire-policy", "aria-label": t("admin.policies.expireNamed", named), onclick: () => void expire(policy) }, t("admin.policies.expire"))
          : null,
        h("button", { type: "button", class: "button-quiet", "data-testid": "delete-policy", "aria-label": t("admin.policies.deleteNamed", named), onclick: () => void remove(policy) }, t("admin.policies.delete")),
      ),
    );
  }

  return {
    el: h(
      "section",
      { class: "card", "aria-labelledby": "policies-title" },
      h("h2", { id: "policies-title" }, t("admin.policies.title")),
      h("p", { class: "hint" }, t("admin.policies.hint")),
      notice.el,
      list,
      create,
      formHost,
    ),
    show(state: AccessState) {
      people = state.people;
      create.disabled = false;
      replaceChildren(list, ...(state.policies.length ? state.policies.map(item) : [h("li", { class: "empty" }, t("admin.policies.none"))]));
    },
  };
}
