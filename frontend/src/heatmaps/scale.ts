// The colour scale shared by both heatmaps: five steps from pale to deep blue, and its legend.

import { t } from "../i18n";
import { h } from "../ui/dom";

const STEPS = ["#dbe4fb", "#a9bff3", "#7096e6", "#3f6bd6", "#1e3f9e"];
export const EMPTY_COLOR = "#f1f3f5";

/** The step (0..4) of `value` on a scale from 0 to `max`; values above 0 get at least the first step. */
export function step(value: number, max: number): number {
  if (max <= 0) return 0;
  return Math.min(STEPS.length - 1, Math.max(0, Math.ceil((value / max) * STEPS.length) - 1));
}

/** Whether text on the colour of `value` should be light (the deeper steps). */
export function isDeep(value: number, max: number): boolean {
  return value > 0 && step(value, max) >= 2;
}

export function colorFor(value: number, max: number): string {
  return value > 0 ? STEPS[step(value, max)] : EMPTY_COLOR;
}

/** "less [] [] [] [] [] more", each swatch with the range it stands for. */
export function legend(max: number, format: (value: number) => string, caption: string): HTMLElement {
  const width = max / STEPS.length;
  return h(
    "div",
    { class: "heatmap-legend", "aria-label": t("heatmaps.scale", { caption }) },
    h("span", {}, format(0)),
    ...STEPS.map((color, i) =>
      h("span", {
        class: "swatch",
        style: `background:${color}`,
        title: `${format(i * width)} – ${format((i + 1) * width)}`,
      }),
    ),
    h("span", {}, format(max)),
    h("span", { class: "legend-caption" }, caption),
  );
}
