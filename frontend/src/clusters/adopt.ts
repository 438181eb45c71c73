// Adopting a pain point into the roadmap (R&D): a note, then AdoptPainPoint; the row shows the result.

import { request } from "../api/client";
import { AdoptPainPointDocument } from "../api/generated/graphql";
import type { PainPoint } from "../painpoints/types";
import { t } from "../i18n";
import { inlineAction } from "../ui/inline-action";

/** The "Adopt" button and its small form; `onAdopted` gets the pain point as the server now has it. */
export function adoptControl(painPoint: PainPoint, onAdopted: (adopted: PainPoint) => void): HTMLElement {
  return inlineAction({
    name: "adopt",
    button: t("clusters.adopt.button"),
    formLabel: t("clusters.adopt.form"),
    fieldLabel: t("clusters.adopt.field"),
    placeholder: t("clusters.adopt.placeholder"),
    required: false,
    confirm: t("clusters.adopt.confirm"),
    run: async (note) =>
      (await request(AdoptPainPointDocument, { id: painPoint.id, note: note || null })).adoptPainPoint,
    done: onAdopted,
  });
}
