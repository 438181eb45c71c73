// Names the UI reads better by, for shapes GraphQL Code Generator derives from graphql/schema.graphql and
// graphql/operations (src/api/generated/graphql.ts, `npm run codegen`).

import type {
  CaseListFieldsFragment,
  CaseMemberFieldsFragment,
  CaseQuery,
  CaseRole,
  DemoLoginsQuery,
  UserFieldsFragment,
} from "./generated/graphql";

export type { CaseRole, UserRole } from "./generated/graphql";

export const CASE_ROLES: readonly CaseRole[] = ["OWNER", "EDITOR", "COMMENTER", "VIEWER"];

export type User = UserFieldsFragment;
export type CaseSummary = CaseListFieldsFragment;
export type CaseMember = CaseMemberFieldsFragment;
export type CaseDetail = CaseQuery["case"];
export type DemoLogin = DemoLoginsQuery["demoLogins"][number];

/** Whether a case role may change the document (viewers and commenters only read it). */
export function canEdit(role: CaseRole): boolean {
  return role === "OWNER" || role === "EDITOR";
}
