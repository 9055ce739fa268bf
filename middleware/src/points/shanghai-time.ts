/** Asia/Shanghai has been UTC+8 without daylight saving since 1991: a fixed offset is exact for every receipt. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const HAIDE_TIME = /^(\d{4})\.(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * `yyyy.MM.dd HH:mm:ss` in Asia/Shanghai local time → the instant; undefined for another format or a
 * calendar time that does not exist (`2026.02.30`, `24:00:00`).
 */
export function parseShanghaiTime(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = HAIDE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const back = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls over (Feb 30 → Mar 2, 24:00 → next day): a real time reads back unchanged.
  const same = [back.getUTCFullYear(), back.getUTCMonth() + 1, back.getUTCDate(), back.getUTCHours()];
  if (y < 2000 || same.join() !== [y, mo, d, h].join() || mi > 59 || s > 59) return undefined;
  return new Date(back.getTime() - SHANGHAI_OFFSET_MS);
}

/** The Asia/Shanghai calendar day (`yyyy-MM-dd`) of an instant: the business day of a receipt. */
export function shanghaiBusinessDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instants [from, to) of an Asia/Shanghai business day `yyyy-MM-dd`; undefined when not a real day. */
export function shanghaiDayRange(day: string): { from: Date; to: Date } | undefined {
  const from = parseShanghaiTime(`${day.replaceAll('-', '.')} 00:00:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !from) return undefined;
  return { from, to: new Date(from.getTime() + 86_400_000) };
}
