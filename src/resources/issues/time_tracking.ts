/**
 * GitLab's time tracking units (Gitlab::TimeTrackingFormatter with the default 8-hour day and
 * 5-day week): "1w 2d 3h 4m 5s" both ways. Months ("mo") count as 4 weeks.
 */
const UNITS: Array<[string, number]> = [
  ['mo', 4 * 5 * 8 * 3600],
  ['w', 5 * 8 * 3600],
  ['d', 8 * 3600],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** Seconds → "1w 2d 3h", or null for 0. */
export function humanDuration(seconds: number): string | null {
  if (!seconds) return null;
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  for (const [unit, size] of UNITS.slice(1)) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return sign + parts.join(' ');
}

/** "1h30m", "3h 30m", "1w 2d", "-2h", or plain seconds → seconds; null when it does not parse. */
export function parseDuration(input: string): number | null {
  const text = input.trim().toLowerCase();
  if (/^-?\d+$/.test(text)) return Number(text);
  const m = /^(-)?\s*((?:\d+(?:\.\d+)?\s*(?:mo|w|d|h|m|s)\s*)+)$/.exec(text);
  if (!m) return null;
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)\s*(mo|w|d|h|m|s)/g))
    total += Number(part[1]) * UNITS.find(([u]) => u === part[2])![1];
  return Math.round(m[1] ? -total : total);
}
