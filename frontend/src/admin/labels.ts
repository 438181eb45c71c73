// The words of the access model (scopes, case access, views, why a policy applies) and a policy's window,
// in the UI's language.

import type { AccessView, AppliesBecause, CaseAccess, PolicyScope, UserRole } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatList } from "../i18n/format";
import { exactTime } from "../ui/time";

export const SCOPES: readonly PolicyScope[] = ["MEMBER_CASES", "REGION_CASES", "TEAM_CASES"];
export const CASE_ACCESS: readonly CaseAccess[] = ["NONE", "VIEWER"];
export const VIEWS: readonly AccessView[] = ["CASES", "PAIN_POINTS", "CLUSTERS", "HEATMAPS", "COMMENTS", "RANKING"];
export const USER_ROLES: readonly UserRole[] = ["MEMBER", "RD", "HR", "LEGAL", "FINANCE", "ADMIN"];

export function scopeLabel(scope: PolicyScope): string {
  return t(`admin.scope.${scope}`);
}

export function caseAccessLabel(access: CaseAccess): string {
  return t(`admin.caseAccess.${access}`);
}

export function viewLabel(view: AccessView): string {
  return t(`admin.view.${view}`);
}

export function viewsLabel(views: readonly AccessView[]): string {
  return formatList(views.map(viewLabel));
}

export function becauseLabel(because: AppliesBecause): string {
  return t(`admin.because.${because}`);
}

export function roleLabel(role: UserRole): string {
  return t(`roles.user.${role}`);
}

export type PolicyState = "active" | "scheduled" | "expired";

/** Whether a policy applies now, will later, or did. */
export function policyState(validFrom: string | null, validUntil: string | null, now: Date = new Date()): PolicyState {
  if (validUntil !== null && new Date(validUntil) <= now) return "expired";
  if (validFrom !== null && new Date(validFrom) > now) return "scheduled";
  return "active";
}

/** "From 5 Dec 2026, 09:00 until 19 Dec 2026, 09:00", "Always", in the UI's language. */
export function windowLabel(validFrom: string | null, validUntil: string | null): string {
  if (validFrom && validUntil) return t("admin.window.between", { from: exactTime(validFrom), until: exactTime(validUntil) });
  if (validFrom) return t("admin.window.from", { from: exactTime(validFrom) });
  if (validUntil) return t("admin.window.until", { until: exactTime(validUntil) });
  return t("admin.window.always");
}
