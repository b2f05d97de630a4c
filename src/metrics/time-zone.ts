/**
 * Calendar dates and months in an IANA time zone, turned into UTC instants so the database
 * compares ISO texts only (SQLite knows no time zones): a date's start is its local midnight,
 * found through Intl (daylight saving included).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether Intl knows the zone (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localParts(utcMs: number, timeZone: string): LocalParts {
  const parts = new Map<string, string>(
    formatFor(timeZone)
      .formatToParts(new Date(utcMs))
      .map((part) => [part.type, part.value]),
  );
  const number = (type: string): number => Number(parts.get(type));
  return {
    year: number('year'),
    month: number('month'),
    day: number('day'),
    hour: number('hour') % 24,
    minute: number('minute'),
    second: number('second'),
  };
}

/** The zone's offset from UTC at an instant, in ms (Berlin in winter: +3,600,000). */
function offsetAt(utcMs: number, timeZone: string): number {
  const local = localParts(utcMs, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of local midnight at the start of a day (month 1-based; day may overflow, Date.UTC rolls it). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

function parseDate(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}

/** ISO UTC text of the start of `date` (YYYY-MM-DD) in the zone. */
export function dayStart(date: string, timeZone: string): string {
  const { year, month, day } = parseDate(date);
  return new Date(localMidnight(year, month, day, timeZone)).toISOString();
}

/** ISO UTC text of the start of the day after `date` in the zone (an inclusive end's exclusive bound). */
export function dayAfterStart(date: string, timeZone: string): string {
  const { year, month, day } = parseDate(date);
  return new Date(localMidnight(year, month, day + 1, timeZone)).toISOString();
}

/** The local date (YYYY-MM-DD) of an ISO instant in the zone. */
export function localDate(iso: string, timeZone: string): string {
  const { year, month, day } = localParts(Date.parse(iso), timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface MonthBoundary {
  /** YYYY-MM */
  readonly month: string;
  /** ISO UTC text of the month's first local midnight. */
  readonly start: string;
}

/** The months (local) from the one holding `first` to the one holding `last`, each with its start. */
export function monthsBetween(first: string, last: string, timeZone: string): MonthBoundary[] {
  const from = parseDate(localDate(first, timeZone));
  const to = parseDate(localDate(last, timeZone));
  const months: MonthBoundary[] = [];
  for (let year = from.year, month = from.month; year < to.year || (year === to.year && month <= to.month); ) {
    months.push({
      month: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`,
      start: new Date(localMidnight(year, month, 1, timeZone)).toISOString(),
    });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}
