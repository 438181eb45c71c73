// What the admin page's sections share: the team's regions, its people, its policies; each section shows
// them again when one of them changes.

import type { AccessPeopleQuery, VisibilityPolicyFieldsFragment } from "../api/generated/graphql";

export type Person = AccessPeopleQuery["users"]["nodes"][number];
export type Policy = VisibilityPolicyFieldsFragment;

export interface AccessState {
  regions: string[];
  people: Person[];
  policies: Policy[];
}

export interface Section {
  el: HTMLElement;
  show: (state: AccessState) => void;
}

/** Who the page's sections call after a change: everything is read again and shown. */
export type Reload = () => Promise<void>;

export function isAdmin(role: string | undefined): boolean {
  return role === "ADMIN";
}
