// HR's reward catalogue: add a reward, change its name, kind, cost or stock, withdraw or offer it again.

import { request } from "../api/client";
import { CreateRewardDocument, RewardsDocument, UpdateRewardDocument, type UpdateRewardInput } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { KIND_LABELS } from "../points/labels";
import { REWARD_KINDS, type Reward, type RewardKind } from "../points/types";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";

function kindSelect(selected: RewardKind): HTMLSelectElement {
  return h("select", { "aria-label": "Kind" }, ...REWARD_KINDS.map((k) => h("option", { value: k, selected: k === selected }, KIND_LABELS[k])));
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
      notice.show(`${updateReward.name} is saved${updateReward.active ? "" : " (withdrawn: members no longer see it)"}.`, "info");
      await load();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  function row(reward: Reward): HTMLElement {
    const name = h("input", { value: reward.name, required: true, maxlength: 200, "aria-label": "Name" });
    const kind = kindSelect(reward.kind);
    const cost = h("input", { type: "number", min: 1, value: reward.cost, required: true, "aria-label": "Cost", class: "narrow" });
    const stock = h("input", { type: "number", min: 0, value: reward.stock ?? "", placeholder: "unlimited", "aria-label": "Stock", class: "narrow" });
    const active = h("input", { type: "checkbox", checked: reward.active, "aria-label": "Offered" });
    return h(
      "tr",
      { "data-reward-id": reward.id, "data-testid": "reward-edit", class: reward.active ? "" : "inactive" },
      h("td", {}, name),
      h("td", {}, kind),
      h("td", {}, cost),
      h("td", {}, stock),
      h("td", {}, h("label", { class: "inline" }, active, "offered")),
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
          "Save",
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      const { rewards } = await request(RewardsDocument, { includeInactive: true, first: 100 });
      replaceChildren(body, ...rewards.nodes.map(row));
      if (rewards.nodes.length === 0) body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No rewards yet. Add the first one above.")));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  const newName = h("input", { required: true, maxlength: 200, placeholder: "e.g. Leadership course", "aria-label": "New reward name" });
  const newKind = kindSelect("TRAINING");
  newKind.setAttribute("aria-label", "New reward kind");
  const newCost = h("input", { type: "number", min: 1, required: true, placeholder: "cost", "aria-label": "New reward cost", class: "narrow" });
  const newStock = h("input", { type: "number", min: 0, placeholder: "unlimited", "aria-label": "New reward stock", class: "narrow" });
  const newDescription = h("input", { maxlength: 1000, placeholder: "Description (optional)", "aria-label": "New reward description" });

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
      notice.show(`${createReward.name} is in the catalogue.`, "info");
      await load();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  void load();
  return h(
    "section",
    { class: "card", "aria-labelledby": "catalogue-title", "data-testid": "reward-catalogue" },
    h("h2", { id: "catalogue-title" }, "Reward catalogue"),
    h(
      "form",
      { class: "inline-form new-reward", onsubmit: (event) => void create(event) },
      newName,
      newKind,
      newCost,
      newStock,
      newDescription,
      h("button", { type: "submit", class: "button-primary" }, "Add reward"),
    ),
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": "Reward catalogue" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Kind"), h("th", {}, "Cost"), h("th", {}, "Stock"), h("th", {}, "Offered"), h("th", {}, ""))),
      body,
    ),
  );
}
