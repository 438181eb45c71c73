// "Start a case from this": the new case's title (the asset's, to begin with), customer and region; the case
// is created in the person's team with the asset's text as its document, and its war room opens.

import { request } from "../api/client";
import { CreateCaseFromKnowledgeAssetDocument, TeamRegionsDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { casePath, navigate } from "../router";
import { formDialog, type DialogField } from "../ui/form-dialog";
import type { AssetSummary } from "./types";

export async function startCaseFrom(asset: AssetSummary): Promise<void> {
  let regions: string[] = [];
  try {
    regions = (await request(TeamRegionsDocument)).teamRegions;
  } catch {
    // Without the list the case starts without a region.
  }
  const fields: DialogField[] = [
    { name: "title", label: t("cases.title"), value: asset.title, required: true, maxLength: 200 },
    { name: "customer", label: t("cases.customer"), required: true, maxLength: 200, placeholder: t("cases.customerPlaceholder") },
  ];
  if (regions.length) {
    fields.push({ name: "region", label: t("cases.region"), options: [{ value: "", label: t("cases.noRegion") }, ...regions.map((r) => ({ value: r, label: r }))] });
  }
  const created = await formDialog({
    title: t("knowledge.start.title"),
    message: t("knowledge.start.message", { title: asset.title }),
    fields,
    confirmLabel: t("knowledge.start.confirm"),
    testId: "start-case-dialog",
    run: async ({ title, customer, region }) =>
      (await request(CreateCaseFromKnowledgeAssetDocument, { assetId: asset.id, input: { title, customer, region: region || null } })).createCaseFromKnowledgeAsset,
  });
  if (created) navigate(casePath(created.id));
}
