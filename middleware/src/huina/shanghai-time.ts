/** `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai local time (UTC+8 all year: China has had no daylight saving since 1991). */
const LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const OFFSET_MS = 8 * 3600_000;

/** The instant of a Shanghai local time, or undefined when the text is malformed or the date/time does not exist. */
export function parseShanghai(text: string): number | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2026-02-30 over into March: a date that does not come back unchanged does not exist.
  if (new Date(utc).getUTCDate() !== d) return undefined;
  return utc - OFFSET_MS;
}

/** The Shanghai local time of an instant, as `yyyy-MM-dd HH:mm:ss`. */
export function formatShanghai(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Minutes and seconds of the local time (for bucket alignment). */
export function localParts(ms: number): { hour: number; minute: number; second: number } {
  const d = new Date(ms + OFFSET_MS);
  return { hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}
