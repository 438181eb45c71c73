// A visibility policy's form, every field of its input: to create one, or to rewrite one (the server replaces
// every field). Mistakes are named next to their field before anything is sent (validate.ts).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import {
  CreateVisibilityPolicyDocument,
  UpdateVisibilityPolicyDocument,
  type AccessView,
  type CaseAccess,
  type PolicyScope,
  type UserRole,
  type VisibilityPolicyInput,
} from "../api/generated/graphql";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { CASE_ACCESS, caseAccessLabel, roleLabel, SCOPES, scopeLabel, USER_ROLES, viewLabel, VIEWS } from "./labels";
import type { Person, Policy } from "./state";
import { fromLocalInput, toLocalInput } from "./times";
import { MAX_NAME, problems, type DraftField, type PolicyDraft } from "./validate";

export interface PolicyFormOptions {
  people: Person[];
  /** The policy to rewrite; none to create one. */
  policy: Policy | null;
  onSaved: (policy: Policy) => void;
  onCancel: () => void;
}

let formCount = 0;

function checkboxes<T extends string>(name: string, values: readonly T[], label: (value: T) => string, checked: readonly T[]) {
  return values.map((value) => ({
    value,
    box: h("input", { type: "checkbox", name, value, checked: checked.includes(value) }),
    label: label(value),
  }));
}

export function policyForm(options: PolicyFormOptions): HTMLElement {
  const id = `policy-form-${++formCount}`;
  const policy = options.policy;
  const notice = noticeArea();
  const name = h("input", { name: "name", maxlength: MAX_NAME, value: policy?.name ?? "", placeholder: t("admin.policy.namePlaceholder") });
  const roles = checkboxes<UserRole>("roles", USER_ROLES, roleLabel, policy?.appliesTo.roles ?? []);
  const people = checkboxes<string>("userIds", options.people.map((p) => p.id), (userId) => {
    const person = options.people.find((p) => p.id === userId);
    return person ? `${person.name} · ${person.email}` : userId;
  }, policy?.appliesTo.userIds ?? []);
  const scope = h("select", { name: "scope" }, ...SCOPES.map((s) => h("option", { value: s, selected: (policy?.scope ?? "REGION_CASES") === s }, scopeLabel(s))));
  const caseAccess = h("select", { name: "caseAccess" }, ...CASE_ACCESS.map((a) => h("option", { value: a, selected: (policy?.caseAccess ?? "NONE") === a }, caseAccessLabel(a))));
  const views = checkboxes<AccessView>("views", VIEWS, viewLabel, policy?.views ?? []);
  const maxAge = h("input", { name: "maxAgeDays", type: "number", min: 1, max: 36500, step: 1, value: policy?.maxAgeDays ?? "", placeholder: t("admin.policy.noLimit"), class: "narrow" });
  const mask = h("input", { type: "checkbox", name: "maskCustomerFields", checked: policy?.maskCustomerFields ?? false });
  const validFrom = h("input", { type: "datetime-local", name: "validFrom", value: toLocalInput(policy?.validFrom ?? null) });
  const validUntil = h("input", { type: "datetime-local", name: "validUntil", value: toLocalInput(policy?.validUntil ?? null) });
  const submit = h("button", { type: "submit", class: "button-primary", "data-testid": "save-policy" }, policy ? t("admin.policy.save") : t("admin.policy.create"));

  // Each field's error sits under it, and names it for screen readers (aria-describedby).
  const errors = new Map<DraftField, HTMLElement>();
  function errorFor(field: DraftField): HTMLElement {
    const el = h("p", { class: "field-error", id: `${id}-${field}-error`, hidden: true, "data-testid": `error-${field}` });
    errors.set(field, el);
    return el;
  }
  const controls: Record<DraftField, HTMLElement> = {
    name,
    appliesTo: h("fieldset", { class: "checks", "aria-describedby": `${id}-appliesTo-error` }),
    scope,
    views: h("fieldset", { class: "checks", "aria-describedby": `${id}-views-error` }),
    maxAgeDays: maxAge,
    validFrom,
    validUntil,
  };
  for (const field of ["name", "scope", "maxAgeDays", "validFrom", "validUntil"] as const) {
    controls[field].setAttribute("aria-describedby", `${id}-${field}-error`);
  }

  const rolesSet = controls.appliesTo;
  rolesSet.append(
    h("legend", {}, t("admin.policy.appliesTo")),
    h("p", { class: "hint" }, t("admin.policy.appliesToHint")),
    h("div", { class: "check-group", role: "group", "aria-label": t("admin.policy.roles") }, h("span", { class: "check-title" }, t("admin.policy.roles")), ...roles.map(({ box, label }) => h("label", { class: "inline" }, box, label))),
    h(
      "div",
      { class: "check-group people-checks", role: "group", "aria-label": t("admin.policy.people") },
      h("span", { class: "check-title" }, t("admin.policy.people")),
      ...people.map(({ box, label }) => h("label", { class: "inline", translate: "no" }, box, label)),
    ),
  );
  controls.views.append(h("legend", {}, t("admin.policy.views")), h("p", { class: "hint" }, t("admin.policy.viewsHint")), ...views.map(({ box, label }) => h("label", { class: "inline" }, box, label)));

  function draft(): PolicyDraft {
    return {
      name: name.value,
      roles: roles.filter((r) => r.box.checked).map((r) => r.value),
      userIds: people.filter((p) => p.box.checked).map((p) => p.value),
      scope: scope.value as PolicyScope,
      caseAccess: caseAccess.value as CaseAccess,
      views: views.filter((v) => v.box.checked).map((v) => v.value),
      maxAgeDays: maxAge.value,
      maskCustomerFields: mask.checked,
      // A half-typed datetime-local reads as "" but is invalid: say so rather than send "no limit".
      validFrom: validFrom.validity.badInput ? undefined : fromLocalInput(validFrom.value),
      validUntil: validUntil.validity.badInput ? undefined : fromLocalInput(validUntil.value),
    };
  }

  function showProblems(found: Partial<Record<DraftField, string>>): boolean {
    let first: HTMLElement | null = null;
    for (const [field, el] of errors) {
      const key = found[field];
      const control = controls[field];
      if (key) {
        el.textContent = t(`admin.invalid.${key}` as "admin.invalid.nameMissing");
        el.hidden = false;
        control.setAttribute("aria-invalid", "true");
        first ??= control;
      } else {
        el.textContent = "";
        el.hidden = true;
        control.removeAttribute("aria-invalid");
      }
    }
    if (first) {
      notice.show(t("admin.invalid.summary"));
      (first.matches("fieldset") ? first.querySelector<HTMLElement>("input") : first)?.focus();
      return true;
    }
    return false;
  }

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    const values = draft();
    if (showProblems(problems(values, policy === null))) return;
    const input: VisibilityPolicyInput = {
      name: values.name.trim(),
      appliesTo: { roles: values.roles, userIds: values.userIds },
      scope: values.scope,
      caseAccess: values.caseAccess,
      views: values.views,
      maxAgeDays: values.maxAgeDays.trim() === "" ? null : Number(values.maxAgeDays),
      maskCustomerFields: values.maskCustomerFields,
      validFrom: values.validFrom ?? null,
      validUntil: values.validUntil ?? null,
    };
    submit.disabled = true;
    try {
      const saved = policy
        ? (await request(UpdateVisibilityPolicyDocument, { id: policy.id, input })).updateVisibilityPolicy
        : (await request(CreateVisibilityPolicyDocument, { input })).createVisibilityPolicy;
      options.onSaved(saved);
    } catch (error) {
      notice.show(errorMessage(error));
      submit.disabled = false;
    }
  }

  const title = policy ? t("admin.policy.editTitle", { name: policy.name }) : t("admin.policy.newTitle");
  return h(
    "form",
    { class: "policy-form", "data-testid": "policy-form", "aria-labelledby": `${id}-title`, novalidate: true, onsubmit: (event) => void save(event) },
    h("h3", { id: `${id}-title` }, title),
    h("label", {}, t("admin.policy.name"), name),
    errorFor("name"),
    rolesSet,
    errorFor("appliesTo"),
    h("div", { class: "policy-grid" },
      h("div", {}, h("label", {}, t("admin.policy.scope"), scope), h("p", { class: "hint" }, t("admin.policy.scopeHint")), errorFor("scope")),
      h("div", {}, h("label", {}, t("admin.policy.caseAccess"), caseAccess), h("p", { class: "hint" }, t("admin.policy.caseAccessHint"))),
    ),
    controls.views,
    errorFor("views"),
    h("div", { class: "policy-grid" },
      h("div", {}, h("label", {}, t("admin.policy.maxAgeDays"), maxAge), h("p", { class: "hint" }, t("admin.policy.maxAgeHint")), errorFor("maxAgeDays")),
      h("div", {}, h("label", { class: "inline" }, mask, t("admin.policy.mask")), h("p", { class: "hint" }, t("admin.policy.maskHint"))),
    ),
    h("div", { class: "policy-grid" },
      h("div", {}, h("label", {}, t("admin.policy.validFrom"), validFrom), h("p", { class: "hint" }, t("admin.policy.validFromHint")), errorFor("validFrom")),
      h("div", {}, h("label", {}, t("admin.policy.validUntil"), validUntil), h("p", { class: "hint" }, t("admin.policy.validUntilHint")), errorFor("validUntil")),
    ),
    notice.el,
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "button-quiet", onclick: options.onCancel }, t("common.cancel")), submit),
  );
}
