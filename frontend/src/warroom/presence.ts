// Who is here: one avatar per person whose browser is in the room (from Yjs awareness).

import type { Awareness } from "y-protocols/awareness";
import { t } from "../i18n";
import { h, initials, isHan, replaceChildren } from "../ui/dom";

/** What each browser publishes about its user in awareness (`user` field, also read by the carets). */
export interface PresenceUser {
  id: string;
  name: string;
  color: string;
}

function isPresenceUser(value: unknown): value is PresenceUser {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === "string" && typeof v.name === "string" && typeof v.color === "string";
}

/** The people in the room, one entry per user even when they have several tabs open. */
export function peopleHere(awareness: Awareness): PresenceUser[] {
  const people = new Map<string, PresenceUser>();
  for (const state of awareness.getStates().values()) {
    const user: unknown = state.user;
    if (isPresenceUser(user) && !people.has(user.id)) people.set(user.id, user);
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function presenceAvatars(awareness: Awareness, meId: string): { el: HTMLElement; dispose: () => void } {
  const el = h("ul", { class: "presence", "aria-label": t("warroom.presence.label"), "data-testid": "presence" });

  function render(): void {
    replaceChildren(
      el,
      ...peopleHere(awareness).map((person) => {
        const me = person.id === meId;
        const letters = initials(person.name);
        return h(
          "li",
          {
            class: ["avatar", me ? "avatar-me" : "", isHan(letters) ? "avatar-han" : ""].filter(Boolean).join(" "),
            style: `--avatar-color: ${person.color}`,
            title: me ? t("warroom.presence.you", { name: person.name }) : person.name,
            "data-user-name": person.name,
          },
          letters,
        );
      }),
    );
  }

  awareness.on("change", render);
  render();
  return { el, dispose: () => awareness.off("change", render) };
}
