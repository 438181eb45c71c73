// Taking a pain point back (its author or the case owner): a reason, then WithdrawPainPoint. It becomes
// REJECTED, leaves its cluster, and what it earned is reversed.

import { request } from "../api/client";
import { WithdrawPainPointDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { inlineAction } from "../ui/inline-action";
import type { PainPoint } from "./types";

export function withdrawControl(painPoint: PainPoint, onWithdrawn: (withdrawn: PainPoint) => void): HTMLElement {
  return inlineAction({
    name: "withdraw",
    button: t("painpoints.withdraw.button"),
    formLabel: t("painpoints.withdraw.form"),
    fieldLabel: t("painpoints.withdraw.field"),
    placeholder: t("painpoints.withdraw.placeholder"),
    required: true,
    confirm: t("painpoints.withdraw.confirm"),
    run: async (reason) =>
      (await request(WithdrawPainPointDocument, { id: painPoint.id, reason })).withdrawPainPoint,
    done: onWithdrawn,
  });
}
