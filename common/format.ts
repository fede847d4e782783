/** Numbers as the alerts' and panels' prose shows them; shared by both, so neither reaches into the other. */

/** `0.1` → `10%`, for prose next to a ratio threshold. */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(4))}%`;
}
