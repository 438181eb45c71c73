// HR's reward catalogue: add a reward, change its name, kind, cost or stock, withdraw or offer it again.

import { request } from "../api/client";
import { CreateRewardDocument, RewardsDocument, UpdateRewardDocument, type UpdateRewardInput } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { kindLabel } from "../points/labels";
import { REWARD_KINDS, type Reward, type RewardKind } from "../points/types";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";

function kindSelect(selected: RewardKind): HTMLSelectElement {
  return h("select", { "aria-label": t("hr.rewards.kind") }, ...REWARD_KINDS.map((k) => h("option", { value: k, selected: k === selected }, kindLabel(k))));
}

/** A blank stock field means unlimited (null). */
function stockValue(input: HTMLInputElement): number | null {
  return input.value.trim() === "" ? null : Number(input.value);
}

export function rewardEditor(): HTMLElement {
  const notice = noticeArea();
  const body = h("tbody", {});

  async function save(reward: Reward, input: UpdateRewardInput): Promise<void> {
    notice.clear();
    try {
      const { updateReward } = await request(UpdateRewardDocument, { id: reward.id, input });
      notice.show(updateReward.active ? t("hr.rewards.saved", { name: updateReward.name }) : t("hr.rewards.savedWithdrawn", { name: updateReward.name }), "info");
      await load();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  function row(reward: Reward): HTMLElement {
    const name = h("input", { value: reward.name, required: true, maxlength: 200, "aria-label": t("hr.rewards.name") });
    const kind = kindSelect(reward.kind);
    const cost = h("input", { type: "number", min: 1, value: reward.cost, required: true, "aria-label": t("hr.rewards.cost"), class: "narrow" });
    const stock = h("input", { type: "number", min: 0, value: reward.stock ?? "", placeholder: t("hr.rewards.unlimited"), "aria-label": t("hr.rewards.stock"), class: "narrow" });
    const active = h("input", { type: "checkbox", checked: reward.active, "aria-label": t("hr.rewards.offered") });
    return h(
      "tr",
      { "data-reward-id": reward.id, "data-testid": "reward-edit", class: reward.active ? "" : "inactive" },
      h("td", {}, name),
      h("td", {}, kind),
      h("td", {}, cost),
      h("td", {}, stock),
      h("td", {}, h("label", { class: "inline" }, active, t("hr.rewards.offeredLabel"))),
      h(
        "td",
        {},
        h(
          "button",
          {
            type: "button",
            class: "button-quiet",
            onclick: () =>
              void save(reward, {
                name: name.value.trim(),
                kind: kind.value as RewardKind,
                cost: Number(cost.value),
                stock: stockValue(stock),
                active: active.checked,
              }),
          },
          t("common.save"),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      const { rewards } = await request(RewardsDocument, { includeInactive: true, first: 100 });
      replaceChildren(body, ...rewards.nodes.map(row));
      if (rewards.nodes.length === 0) body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, t("hr.rewards.empty"))));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  // Each field has a visible label: a placeholder alone disappears as soon as someone types.
  const newName = h("input", { required: true, maxlength: 200, placeholder: t("hr.rewards.namePlaceholder") });
  const newKind = kindSelect("TRAINING");
  newKind.removeAttribute("aria-label");
  const newCost = h("input", { type: "number", min: 1, required: true, class: "narrow" });
  const newStock = h("input", { type: "number", min: 0, placeholder: t("hr.rewards.unlimited"), class: "narrow" });
  const newDescription = h("input", { maxlength: 1000 });
  const field = (label: string, control: HTMLElement): HTMLElement => h("label", { class: "field" }, h("span", { class: "field-label" }, label), control);

  async function create(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    try {
      const { createReward } = await request(CreateRewardDocument, {
        input: {
          name: newName.value.trim(),
          kind: newKind.value as RewardKind,
          cost: Number(newCost.value),
          stock: stockValue(newStock),
          description: newDescription.value.trim(),
        },
      });
      (event.target as HTMLFormElement).reset();
      notice.show(t("hr.rewards.created", { name: createReward.name }), "info");
      await load();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  void load();
  return h(
    "section",
    { class: "card", "aria-labelledby": "catalogue-title", "data-testid": "reward-catalogue" },
    h("h2", { id: "catalogue-title" }, t("hr.rewards.title")),
    h(
      "form",
      { class: "inline-form new-reward", "aria-label": t("hr.rewards.newTitle"), onsubmit: (event) => void create(event) },
      field(t("hr.rewards.newName"), newName),
      field(t("hr.rewards.newKind"), newKind),
      field(t("hr.rewards.newCost"), newCost),
      field(t("hr.rewards.newStock"), newStock),
      field(t("hr.rewards.newDescription"), newDescription),
      h("button", { type: "submit", class: "button-primary" }, t("hr.rewards.add")),
    ),
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": t("hr.rewards.title") },
      h("thead", {}, h("tr", {}, h("th", {}, t("hr.rewards.name")), h("th", {}, t("hr.rewards.kind")), h("th", {}, t("hr.rewards.cost")), h("th", {}, t("hr.rewards.stock")), h("th", {}, t("hr.rewards.offered")), h("th", {}, ""))),
      body,
    ),
  );
}
