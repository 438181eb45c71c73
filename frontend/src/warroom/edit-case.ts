// The owner's form to change a case's title, customer and region (one of the team's regions, or none).

import { request } from "../api/client";
import { TeamRegionsDocument, UpdateCaseDocument, type UpdateCaseMutation } from "../api/generated/graphql";
import type { CaseDetail } from "../api/types";
import { t } from "../i18n";
import { formDialog } from "../ui/form-dialog";

export type CaseEdit = UpdateCaseMutation["updateCase"];

/** Resolves with the case as saved, or null when the owner cancels. */
export async function editCase(item: CaseDetail): Promise<CaseEdit | null> {
  let regions: string[] = [];
  try {
    regions = (await request(TeamRegionsDocument)).teamRegions;
  } catch {
    // Without the list the region stays as it is (left out of the update).
  }
  const options = [{ value: "", label: t("cases.noRegion") }, ...regions.map((name) => ({ value: name, label: name }))];
  if (item.region && !regions.includes(item.region)) options.push({ value: item.region, label: item.region });
  return formDialog({
    title: t("warroom.editCase.title"),
    message: t("warroom.editCase.message"),
    confirmLabel: t("warroom.editCase.save"),
    testId: "edit-case-dialog",
    fields: [
      { name: "title", label: t("cases.title"), value: item.title, required: true, maxLength: 200 },
      { name: "customer", label: t("cases.customer"), value: item.customer, required: true, maxLength: 200 },
      { name: "region", label: t("cases.region"), value: item.region ?? "", options },
    ],
    run: async (values) =>
      (
        await request(UpdateCaseDocument, {
          id: item.id,
          input: { title: values.title, customer: values.customer, region: values.region },
        })
      ).updateCase,
  });
}
