// Where the margin's cards go: each as level with its passage as it can be, none overlapping. The active
// card sits exactly beside its passage; the cards below it are pushed down, those above it pushed up
// (and all of them down again where that would run above the top).

export interface Slot {
  id: string;
  /** Where its passage starts, in the margin's coordinates. */
  target: number;
  height: number;
}

/** The top of each card, by id; `slots` in document order. */
export function stack(slots: readonly Slot[], activeId: string | null, gap: number): Map<string, number> {
  const tops = slots.map((slot) => slot.target);
  const pivot = slots.findIndex((slot) => slot.id === activeId);
  const from = pivot < 0 ? 0 : pivot;
  for (let i = from + 1; i < slots.length; i++) {
    tops[i] = Math.max(slots[i].target, tops[i - 1] + slots[i - 1].height + gap);
  }
  for (let i = from - 1; i >= 0; i--) {
    tops[i] = Math.min(slots[i].target, tops[i + 1] - gap - slots[i].height);
  }
  let floor = 0;
  for (let i = 0; i < slots.length; i++) {
    tops[i] = Math.max(tops[i], floor);
    floor = tops[i] + slots[i].height + gap;
  }
  return new Map(slots.map((slot, i) => [slot.id, tops[i]]));
}
