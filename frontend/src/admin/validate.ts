// A policy form's values checked as the server checks them (server/domain/access/policies.py), so a mistake
// is named next to its field in the UI's language before anything is sent.

import type { AccessView, CaseAccess, PolicyScope, UserRole } from "../api/generated/graphql";

export const MAX_NAME = 200;
export const MAX_AGE_DAYS = 36500;

export interface PolicyDraft {
  name: string;
  roles: UserRole[];
  userIds: string[];
  scope: PolicyScope;
  caseAccess: CaseAccess;
  views: AccessView[];
  /** As typed: "" for no limit. */
  maxAgeDays: string;
  maskCustomerFields: boolean;
  /** ISO times, or null for none; undefined when what was typed is not a time. */
  validFrom: string | null | undefined;
  validUntil: string | null | undefined;
}

export type DraftField = "name" | "appliesTo" | "scope" | "views" | "maxAgeDays" | "validFrom" | "validUntil";

/** Message keys under admin.invalid, by field: empty when the draft may be sent. */
export type Problems = Partial<Record<DraftField, string>>;

export function problems(draft: PolicyDraft, creating: boolean, now: Date = new Date()): Problems {
  const found: Problems = {};
  const name = draft.name.trim();
  if (!name) found.name = "nameMissing";
  else if (name.length > MAX_NAME) found.name = "nameTooLong";
  if (draft.roles.length === 0 && draft.userIds.length === 0) found.appliesTo = "nobody";
  if (draft.views.length === 0) found.views = "noView";
  else if (draft.views.includes("CASES") !== (draft.caseAccess === "VIEWER")) found.views = "casesWithViewer";
  if (draft.caseAccess === "VIEWER" && draft.scope === "MEMBER_CASES") found.scope = "viewerOverMemberCases";
  if (draft.maxAgeDays.trim() !== "") {
    const days = Number(draft.maxAgeDays);
    if (!Number.isInteger(days) || days < 1 || days > MAX_AGE_DAYS) found.maxAgeDays = "maxAgeDays";
  }
  if (draft.validFrom === undefined) found.validFrom = "notATime";
  if (draft.validUntil === undefined) found.validUntil = "notATime";
  else if (draft.validUntil !== null) {
    if (draft.validFrom && new Date(draft.validUntil) <= new Date(draft.validFrom)) found.validUntil = "untilBeforeFrom";
    else if (creating && new Date(draft.validUntil) <= now) found.validUntil = "untilPast";
  }
  return found;
}
