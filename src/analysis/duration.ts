/**
 * Durations as people read them, shared by the text summaries and the view.
 * @module
 */

/** "45s", "5m 12s", "3h 20m", "2d 4h": coarse enough to read, exact enough to compare. */
export function formatDuration(seconds: number): string {
  const units: [string, number][] = [["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]];
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of units) {
    if (parts.length === 2) break;
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || parts.length > 0) parts.push(`${amount}${unit}`);
  }
  return parts.length === 0 ? "0s" : parts.join(" ");
}
