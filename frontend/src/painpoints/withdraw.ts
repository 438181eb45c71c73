// Taking a pain point back (its author or the case owner): a reason, then WithdrawPainPoint. It becomes
// REJECTED, leaves its cluster, and what it earned is reversed.

import { request } from "../api/client";
import { WithdrawPainPointDocument } from "../api/generated/graphql";
import { inlineAction } from "../ui/inline-action";
import type { PainPoint } from "./types";

export function withdrawControl(painPoint: PainPoint, onWithdrawn: (withdrawn: PainPoint) => void): HTMLElement {
  return inlineAction({
    name: "withdraw",
    button: "Withdraw",
    formLabel: "Withdraw this pain point",
    fieldLabel: "Why is it withdrawn?",
    placeholder: "e.g. recorded in the wrong case",
    required: true,
    confirm: "Withdraw pain point",
    run: async (reason) =>
      (await request(WithdrawPainPointDocument, { id: painPoint.id, reason })).withdrawPainPoint,
    done: onWithdrawn,
  });
}
