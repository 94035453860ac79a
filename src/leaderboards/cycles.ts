import { DateTime, IANAZone } from 'luxon';
import type { DateObjectUnits, DurationLikeObject } from 'luxon';

export type Period = 'all' | 'daily' | 'weekly' | 'monthly';
export const PERIODS: readonly Period[] = ['all', 'daily', 'weekly', 'monthly'];

export interface Cycle {
  period: Period;
  id: string;
  /** First instant of the cycle; null for 'all'. */
  startsAt: Date | null;
  /** Exclusive: the first instant of the next cycle; null for 'all'. */
  endsAt: Date | null;
}

type TimedPeriod = Exclude<Period, 'all'>;
type Unit = 'day' | 'week' | 'month';

interface PeriodSpec {
  unit: Unit;
  format: string;
  pattern: RegExp;
  fields: (numbers: number[]) => DateObjectUnits;
  step: (count: number) => DurationLikeObject;
}

// Weeks use luxon's ISO week-year (kkkk) so that 2027-01-01 is '2026-W53', not '2027-W53'.
const SPECS: Record<TimedPeriod, PeriodSpec> = {
  daily: {
    unit: 'day',
    format: 'yyyy-MM-dd',
    pattern: /^(\d{4})-(\d{2})-(\d{2})$/,
    fields: ([year, month, day]) => ({ year, month, day }),
    step: (days) => ({ days }),
  },
  weekly: {
    unit: 'week',
    format: "kkkk-'W'WW",
    pattern: /^(\d{4})-W(\d{2})$/,
    fields: ([weekYear, weekNumber]) => ({ weekYear, weekNumber, weekday: 1 }),
    step: (weeks) => ({ weeks }),
  },
  monthly: {
    unit: 'month',
    format: 'yyyy-MM',
    pattern: /^(\d{4})-(\d{2})$/,
    fields: ([year, month]) => ({ year, month, day: 1 }),
    step: (months) => ({ months }),
  },
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isValidTimeZone(zone: string): boolean {
  return zone === 'UTC' || IANAZone.isValidZone(zone);
}

/**
 * Zone arithmetic costs a few hundred µs per call, and every submission and read asks for the
 * current cycle of each period: answers are memoised (the last cycle per period and zone, and
 * bounded maps for ids and retention ends). The functions stay pure; each call gets a fresh copy.
 */
const MEMO_MAX = 10_000;
const lastCycle = new Map<string, Cycle>();
const parsedIds = new Map<string, Cycle | null>();
const retainedEnds = new Map<string, number | null>();

function copy(c: Cycle): Cycle {
  return {
    period: c.period,
    id: c.id,
    startsAt: c.startsAt && new Date(c.startsAt),
    endsAt: c.endsAt && new Date(c.endsAt),
  };
}

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MEMO_MAX) map.clear();
  map.set(key, value);
  return value;
}

export function cycleAt(period: Period, zone: string, at: Date): Cycle {
  const spec = specOf(period);
  if (!spec) return allCycle();
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('cycleAt: invalid date');
  const key = `${period}|${zone}`;
  const last = lastCycle.get(key);
  if (last && last.startsAt!.getTime() <= ms && ms < last.endsAt!.getTime()) return copy(last);
  const computed = computeCycleAt(period, spec, zone, ms);
  return copy(remember(lastCycle, key, computed));
}

function computeCycleAt(period: Period, spec: PeriodSpec, zone: string, ms: number): Cycle {
  const tz = ianaZone(zone);
  const local = DateTime.fromMillis(ms, { zone: tz });
  // Calendar arithmetic happens on the zone-local date held as a UTC DateTime, which has no DST.
  const day = DateTime.utc(local.year, local.month, local.day).startOf(spec.unit);
  return buildCycle(period, spec, tz, day);
}

export function parseCycleId(period: Period, id: string, zone: string): Cycle | null {
  const key = `${period}|${zone}|${id}`;
  const known = parsedIds.get(key);
  if (known !== undefined) return known && copy(known);
  const parsed = computeParseCycleId(period, id, zone);
  return remember(parsedIds, key, parsed) && copy(parsed!);
}

function computeParseCycleId(period: Period, id: string, zone: string): Cycle | null {
  const spec = specOf(period);
  if (!spec) return id === 'all' ? allCycle() : null;
  const tz = ianaZone(zone);
  const day = localDayOf(spec, id);
  return day ? buildCycle(period, spec, tz, day) : null;
}

export function previousCycle(cycle: Cycle, zone: string): Cycle {
  return shiftCycle(cycle, zone, -1);
}

export function nextCycle(cycle: Cycle, zone: string): Cycle {
  return shiftCycle(cycle, zone, 1);
}

/**
 * How many cycles `older` ends before `current` starts: 0 for the same cycle, 1 for the one just
 * before, ... (for 'all' always 0). Negative when `older` is in fact later than `current`.
 */
export function cyclesBetween(older: Cycle, current: Cycle, zone: string): number {
  if (older.period !== current.period) {
    throw new RangeError(`cyclesBetween: ${older.period} vs ${current.period} cycles`);
  }
  const spec = specOf(current.period);
  // The count does not depend on the zone, but a misconfigured board should fail here as elsewhere.
  ianaZone(zone);
  if (!spec) return 0;
  const from = requireLocalDay(spec, older);
  const to = requireLocalDay(spec, current);
  // Both sides are period starts in UTC, so the diff is an exact whole number of units.
  return Math.round(to.diff(from, spec.unit).get(spec.unit));
}

/**
 * A finished cycle stays queryable while cyclesBetween(cycle, current) <= retain; returns the
 * instant it stops being retained: the endsAt of the cycle `retain` cycles after it. null for 'all'.
 */
export function retainedUntil(cycle: Cycle, zone: string, retain: number): Date | null {
  if (!Number.isInteger(retain) || retain < 0) {
    throw new RangeError(`retainedUntil: retain must be a non-negative integer, got ${retain}`);
  }
  const key = `${cycle.period}|${zone}|${cycle.id}|${retain}`;
  let end = retainedEnds.get(key);
  if (end === undefined) {
    const spec = specOf(cycle.period);
    const tz = ianaZone(zone);
    end = spec ? firstInstant(tz, requireLocalDay(spec, cycle).plus(spec.step(retain + 1))) : null;
    remember(retainedEnds, key, end);
  }
  return end === null ? null : new Date(end);
}

function allCycle(): Cycle {
  // A fresh object each call so a caller mutating its copy cannot affect anyone else's.
  return { period: 'all', id: 'all', startsAt: null, endsAt: null };
}

function specOf(period: Period): PeriodSpec | null {
  if (period === 'all') return null;
  // Periods often arrive from request params or stored config, where the type is only a promise;
  // hasOwn keeps inherited keys such as 'constructor' from passing as periods.
  if (!Object.hasOwn(SPECS, period)) throw new RangeError(`Unknown period: ${String(period)}`);
  return SPECS[period];
}

function ianaZone(zone: string): IANAZone {
  if (!isValidTimeZone(zone)) throw new RangeError(`Invalid IANA time zone: ${zone}`);
  return IANAZone.create(zone);
}

function buildCycle(period: Period, spec: PeriodSpec, tz: IANAZone, day: DateTime): Cycle {
  return {
    period,
    id: day.toFormat(spec.format),
    startsAt: new Date(firstInstant(tz, day)),
    endsAt: new Date(firstInstant(tz, day.plus(spec.step(1)))),
  };
}

/** The first local day of the cycle `id` names, as a UTC DateTime; null unless `id` is canonical. */
function localDayOf(spec: PeriodSpec, id: string): DateTime | null {
  const match = spec.pattern.exec(id);
  if (!match) return null;
  const day = DateTime.fromObject(spec.fields(match.slice(1).map(Number)), { zone: 'utc' });
  // luxon rejects out-of-range parts (2026-02-30, 2025-W53); the round trip catches W00 and
  // anything else that would otherwise name the same cycle under a second id.
  return day.isValid && day.toFormat(spec.format) === id ? day : null;
}

function requireLocalDay(spec: PeriodSpec, cycle: Cycle): DateTime {
  const day = localDayOf(spec, cycle.id);
  if (!day) throw new RangeError(`Not a ${cycle.period} cycle id: ${cycle.id}`);
  return day;
}

function shiftCycle(cycle: Cycle, zone: string, count: number): Cycle {
  const spec = specOf(cycle.period);
  if (!spec) throw new RangeError("The 'all' cycle has no neighbours");
  const day = requireLocalDay(spec, cycle);
  return buildCycle(cycle.period, spec, ianaZone(zone), day.plus(spec.step(count)));
}

/**
 * The first instant whose wall clock in `tz` reads `day` (a UTC DateTime at local midnight) or later.
 * luxon alone is not enough: for an ambiguous midnight (America/Havana falls back 01:00 → 00:00)
 * it picks the later occurrence, or the earlier one when starting from an instant in the first, so
 * two code paths could disagree on where the day starts.
 */
function firstInstant(tz: IANAZone, day: DateTime): number {
  const wall = day.toMillis();
  const offsetMs = (ts: number): number => Math.round(tz.offset(ts) * MINUTE_MS);
  // The real instant lies within ±14 h of `wall`, so probing a day either side sees the offsets
  // on both sides of any transition near that midnight.
  const probes = [wall - DAY_MS, wall, wall + DAY_MS];
  const candidates = [...new Set(probes.map((probe) => wall - offsetMs(probe)))];
  // tzdb never has two transitions within two days: one offset throughout means none in between.
  if (candidates.length === 1) return candidates[0];
  const exact = candidates.filter((ts) => ts + offsetMs(ts) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // Midnight was skipped (spring-forward gap, e.g. Asia/Beirut), so the day starts at the
  // transition itself; it lies between the candidates, found by bisection with ms precision.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetMs(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
