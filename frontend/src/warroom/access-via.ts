// Why I may open this case, said in the war room's header: my membership and its role, and every visibility
// policy that opens it read-only (and until when), each in a sentence of its own.

import type { CaseDetail } from "../api/types";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { exactTime } from "../ui/time";

type Reason = CaseDetail["accessReasons"][number];

function sentence(via: Reason): string {
  if (via.membership) return t("warroom.accessVia.member", { role: t(`roles.caseName.${via.role}`) });
  if (via.validUntil) return t("warroom.accessVia.policyUntil", { name: via.policyName ?? "", until: exactTime(via.validUntil) });
  return t("warroom.accessVia.policy", { name: via.policyName ?? "" });
}

export function accessVia(item: CaseDetail): HTMLElement {
  const reasons = item.accessReasons;
  const policies = reasons.flatMap((via) => (via.policyId ? [via.policyId] : []));
  return h(
    "span",
    // The ids of every policy that opens the case, space-separated (none for a member only).
    { class: "access-via", "data-testid": "access-via", "data-policy-id": policies.length ? policies.join(" ") : null },
    ...reasons.map((via, index) =>
      h("span", { class: "access-reason", "data-testid": "access-reason", "data-policy-id": via.policyId ?? null }, index > 0 ? ` ${sentence(via)}` : sentence(via)),
    ),
  );
}
