// Taking a pain point back (its author or the case owner): a reason, then WithdrawPainPoint. It becomes
// REJECTED, leaves its cluster, and what it earned is reversed.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { PainPoint } from "./types";

export function withdrawControl(painPoint: PainPoint, onWithdrawn: (withdrawn: PainPoint) => void): HTMLElement {
  const open = h("button", { type: "button", class: "button-quiet withdraw-button" }, "Withdraw");
  const reason = h("input", { name: "reason", required: true, maxlength: 500, placeholder: "e.g. recorded in the wrong case" });
  const confirm = h("button", { type: "submit", class: "button-primary" }, "Withdraw pain point");
  const cancel = h("button", { type: "button", class: "button-quiet" }, "Cancel");
  const notice = noticeArea();
  const form = h(
    "form",
    { class: "withdraw-form", hidden: true, "aria-label": "Withdraw this pain point" },
    h("label", {}, "Why is it withdrawn?", reason),
    h("div", { class: "form-actions" }, confirm, cancel),
    notice.el,
  );

  open.addEventListener("click", () => {
    open.hidden = true;
    form.hidden = false;
    reason.focus();
  });
  cancel.addEventListener("click", () => {
    form.hidden = true;
    open.hidden = false;
    notice.clear();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    confirm.disabled = true;
    notice.clear();
    request<{ withdrawPainPoint: PainPoint }>("WithdrawPainPoint", { id: painPoint.id, reason: reason.value.trim() })
      .then(({ withdrawPainPoint }) => onWithdrawn(withdrawPainPoint))
      .catch((error: unknown) => {
        notice.show(errorMessage(error));
        confirm.disabled = false;
      });
  });
  return h("div", { class: "withdraw" }, open, form);
}
