import {
  Cycle,
  Period,
  cycleAt,
  cyclesBetween,
  isValidTimeZone,
  nextCycle,
  parseCycleId,
  previousCycle,
  retainedUntil,
} from './cycles';

const HOUR_MS = 3_600_000;
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const ALL: Cycle = { period: 'all', id: 'all', startsAt: null, endsAt: null };

const iso = (date: Date | null): string | undefined => date?.toISOString();
const hours = (cycle: Cycle): number =>
  (cycle.endsAt!.getTime() - cycle.startsAt!.getTime()) / HOUR_MS;
/** [startsAt, endsAt, length in hours] of a bounded cycle. */
const span = (c: Cycle): unknown[] => [iso(c.startsAt), iso(c.endsAt), hours(c)];
const idAt = (period: Period, zone: string, instant: string | number): string =>
  cycleAt(period, zone, new Date(instant)).id;
const parsed = (period: Period, id: string, zone: string): Cycle => {
  const cycle = parseCycleId(period, id, zone);
  if (!cycle) throw new Error(`expected ${period} id ${id} to parse`);
  return cycle;
};

describe('cycleAt', () => {
  it('returns the unbounded all cycle for period all', () => {
    expect(cycleAt('all', BERLIN, new Date())).toEqual(ALL);
  });

  it('makes the Europe/Berlin fall-back day 2026-10-25 25 hours long, ending at 23:00Z', () => {
    const day = cycleAt('daily', BERLIN, new Date('2026-10-25T12:00:00Z'));
    expect(day.id).toBe('2026-10-25');
    expect(span(day)).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25]);
  });

  it('puts 00:30 before fall-back, both 02:30s and 23:30 CET into Berlin 2026-10-25', () => {
    expect(idAt('daily', BERLIN, '2026-10-25T00:30:00+02:00')).toBe('2026-10-25');
    expect(idAt('daily', BERLIN, '2026-10-25T02:30:00+02:00')).toBe('2026-10-25');
    expect(idAt('daily', BERLIN, '2026-10-25T02:30:00+01:00')).toBe('2026-10-25');
    expect(idAt('daily', BERLIN, '2026-10-25T23:30:00+01:00')).toBe('2026-10-25');
    expect(idAt('daily', BERLIN, '2026-10-25T22:59:59.999Z')).toBe('2026-10-25');
    expect(idAt('daily', BERLIN, '2026-10-25T23:00:00Z')).toBe('2026-10-26');
    expect(idAt('daily', BERLIN, '2026-10-24T21:59:59.999Z')).toBe('2026-10-24');
  });

  it('makes America/New_York 2026-11-01 25 hours and 2026-03-08 23 hours long', () => {
    const fallBack = cycleAt('daily', NEW_YORK, new Date('2026-11-01T12:00:00Z'));
    expect(span(fallBack)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25]);
    const spring = cycleAt('daily', NEW_YORK, new Date('2026-03-08T12:00:00Z'));
    expect(spring.id).toBe('2026-03-08');
    expect(span(spring)).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23]);
  });

  it('starts a day whose midnight was skipped at the transition instant', () => {
    // Havana, Beirut and (until 2019) Sao Paulo spring forward at 00:00, so the day begins at 01:00.
    const havana = parsed('daily', '2026-03-08', 'America/Havana');
    expect(span(havana)).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23]);
    const beirut = parsed('daily', '2026-03-29', 'Asia/Beirut');
    expect(span(beirut)).toEqual(['2026-03-28T22:00:00.000Z', '2026-03-29T21:00:00.000Z', 23]);
    const saoPaulo = parsed('daily', '2018-11-04', 'America/Sao_Paulo');
    expect(span(saoPaulo)).toEqual(['2018-11-04T03:00:00.000Z', '2018-11-05T02:00:00.000Z', 23]);
  });

  it('starts a day whose midnight happens twice at the first occurrence', () => {
    // Havana falls back 01:00 CDT → 00:00 CST, so 00:30 CDT already belongs to 2026-11-01.
    const day = cycleAt('daily', 'America/Havana', new Date('2026-11-01T04:30:00Z'));
    expect(day.id).toBe('2026-11-01');
    expect(span(day)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25]);
    expect(cycleAt('daily', 'America/Havana', new Date('2026-11-01T05:30:00Z'))).toEqual(day);
  });

  const tricky = ['Europe/Berlin', NEW_YORK, 'America/Havana', 'Asia/Beirut', 'America/Santiago'];
  // Sao Paulo dropped DST in 2019, so its midnight gap needs an earlier year.
  it.each([...tricky.map((zone) => [zone, 2026] as const), ['America/Sao_Paulo', 2018] as const])(
    'tiles %s through %i with contiguous cycles that contain their own instants',
    (zone, year) => {
      const firsts: [Period, string][] = [
        ['daily', `${year}-01-01`],
        ['weekly', `${year}-W01`],
        ['monthly', `${year}-01`],
      ];
      for (const [period, id] of firsts) {
        let cycle = parsed(period, id, zone);
        while (cycle.id.startsWith(String(year))) {
          const next = nextCycle(cycle, zone);
          expect(next.startsAt).toEqual(cycle.endsAt);
          expect(idAt(period, zone, cycle.startsAt!.getTime())).toBe(cycle.id);
          expect(idAt(period, zone, cycle.endsAt!.getTime() - 1)).toBe(cycle.id);
          if (period === 'daily') expect([23, 24, 25]).toContain(hours(cycle));
          cycle = next;
        }
      }
    },
  );

  it('puts 2026-12-31 and 2027-01-01 in 2026-W53 and 2027-01-04 in 2027-W01', () => {
    expect(idAt('weekly', BERLIN, '2026-12-31T12:00:00+01:00')).toBe('2026-W53');
    expect(idAt('weekly', BERLIN, '2027-01-01T12:00:00+01:00')).toBe('2026-W53');
    expect(idAt('weekly', BERLIN, '2027-01-03T23:59:59+01:00')).toBe('2026-W53');
    expect(idAt('weekly', BERLIN, '2027-01-04T00:00:00+01:00')).toBe('2027-W01');
    expect(idAt('weekly', 'UTC', '2026-01-01T00:00:00Z')).toBe('2026-W01');
    expect(idAt('weekly', 'UTC', '2021-01-03T00:00:00Z')).toBe('2020-W53');
  });

  it('starts weeks on Monday in the board zone, so Sunday 23:30 local is the previous week', () => {
    expect(idAt('weekly', BERLIN, '2026-11-29T23:30:00+01:00')).toBe('2026-W48');
    expect(idAt('weekly', BERLIN, '2026-11-30T00:30:00+01:00')).toBe('2026-W49');
    // The same instant is already Monday in UTC+2 zones but still Sunday in Berlin.
    expect(idAt('weekly', 'Europe/Helsinki', '2026-11-29T23:30:00+01:00')).toBe('2026-W49');
    const week = cycleAt('weekly', BERLIN, new Date('2026-11-25T12:00:00Z'));
    expect(span(week)).toEqual(['2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z', 168]);
  });

  it('gives the week and month containing a fall-back one extra hour', () => {
    expect(hours(parsed('weekly', '2026-W43', BERLIN))).toBe(7 * 24 + 1);
    const october = parsed('monthly', '2026-10', BERLIN);
    expect(span(october)).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', 745]);
  });

  it('maps 2026-12-31T23:30 Tokyo to the old year and 00:30 Tokyo to the new one, unlike UTC', () => {
    const lateTokyo = '2026-12-31T23:30:00+09:00';
    expect(idAt('daily', 'Asia/Tokyo', lateTokyo)).toBe('2026-12-31');
    expect(idAt('monthly', 'Asia/Tokyo', lateTokyo)).toBe('2026-12');
    const newYearTokyo = '2027-01-01T00:30:00+09:00';
    expect(idAt('daily', 'Asia/Tokyo', newYearTokyo)).toBe('2027-01-01');
    expect(idAt('monthly', 'Asia/Tokyo', newYearTokyo)).toBe('2027-01');
    expect(idAt('weekly', 'Asia/Tokyo', newYearTokyo)).toBe('2026-W53');
    expect(idAt('daily', 'UTC', newYearTokyo)).toBe('2026-12-31');
    expect(idAt('monthly', 'UTC', newYearTokyo)).toBe('2026-12');
    const december = parsed('monthly', '2026-12', 'Asia/Tokyo');
    expect(iso(december.endsAt)).toBe('2026-12-31T15:00:00.000Z');
  });

  it('maps one UTC instant to three local dates in Kiritimati (+14), UTC and Pago Pago (-11)', () => {
    const instant = '2026-11-25T10:30:00Z';
    expect(idAt('daily', 'Pacific/Kiritimati', instant)).toBe('2026-11-26');
    expect(idAt('daily', 'UTC', instant)).toBe('2026-11-25');
    expect(idAt('daily', 'Pacific/Pago_Pago', instant)).toBe('2026-11-24');
    const kiritimati = cycleAt('daily', 'Pacific/Kiritimati', new Date(instant));
    expect(iso(kiritimati.startsAt)).toBe('2026-11-25T10:00:00.000Z');
    const pagoPago = cycleAt('daily', 'Pacific/Pago_Pago', new Date(instant));
    expect(iso(pagoPago.endsAt)).toBe('2026-11-25T11:00:00.000Z');
  });

  it('rejects invalid zones, invalid dates and unknown periods', () => {
    expect(() => cycleAt('constructor' as Period, BERLIN, new Date())).toThrow(RangeError);
    expect(() => cycleAt('daily', 'Mars/Olympus', new Date())).toThrow(RangeError);
    expect(() => cycleAt('daily', BERLIN, new Date('nope'))).toThrow(RangeError);
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zone names and UTC, but not offsets, aliases for the host zone or junk', () => {
    for (const zone of ['UTC', BERLIN, 'America/Argentina/Buenos_Aires', 'Pacific/Kiritimati']) {
      expect(isValidTimeZone(zone)).toBe(true);
    }
    const invalid = ['', 'Mars/Olympus', '+02:00', 'UTC+2', 'local', 'system', ' Europe/Berlin'];
    for (const zone of invalid) {
      expect(isValidTimeZone(zone)).toBe(false);
    }
  });
});

describe('parseCycleId', () => {
  it('round-trips ids produced by cycleAt, with bounds in the given zone', () => {
    for (const period of ['all', 'daily', 'weekly', 'monthly'] as const) {
      const cycle = cycleAt(period, NEW_YORK, new Date('2026-11-01T12:00:00Z'));
      expect(parseCycleId(period, cycle.id, NEW_YORK)).toEqual(cycle);
    }
    expect(iso(parsed('daily', '2026-11-25', 'UTC').startsAt)).toBe('2026-11-25T00:00:00.000Z');
    expect(iso(parsed('daily', '2026-11-25', BERLIN).startsAt)).toBe('2026-11-24T23:00:00.000Z');
  });

  it.each([
    ['all', ['', 'ALL', 'all ', '2026-11-25']],
    ['daily', ['', '2026-1-05', '2026-01-5', '20260105', '2026/01/05', '2026-01-05T00']],
    ['daily', [' 2026-01-05', '2026-01-05 ', '026-01-05', '12026-01-05']],
    ['daily', ['2026-02-30', '2026-02-29', '2026-04-31', '2026-00-10', '2026-13-01', '2026-01-00']],
    ['weekly', ['', '2026-W1', '2026-w01', '2026W01', '2026-W01-1', '2026-01', '2026-W00']],
    ['weekly', ['2025-W53', '2026-W54', '2026-W99']],
    ['monthly', ['', '2026-1', '2026-13', '2026-00', '2026-01-01', '202601', '2026-W01']],
  ] as [Period, string[]][])('rejects malformed or impossible %s ids', (period, ids) => {
    for (const id of ids) expect(parseCycleId(period, id, BERLIN)).toBeNull();
  });

  it('accepts week 53 only in ISO years that have one', () => {
    expect(iso(parsed('weekly', '2026-W53', 'UTC').startsAt)).toBe('2026-12-28T00:00:00.000Z');
    expect(parsed('weekly', '2020-W53', 'UTC').id).toBe('2020-W53');
    expect(parseCycleId('weekly', '2025-W53', 'UTC')).toBeNull();
    expect(parsed('daily', '2024-02-29', 'UTC').id).toBe('2024-02-29');
  });

  it('throws for an invalid zone rather than returning null', () => {
    expect(() => parseCycleId('daily', '2026-11-25', 'Nowhere/Land')).toThrow(RangeError);
  });
});

describe('previousCycle and nextCycle', () => {
  it.each([
    ['daily', '2026-10-25'],
    ['daily', '2026-03-29'],
    ['weekly', '2026-W43'],
    ['monthly', '2026-10'],
    ['monthly', '2026-03'],
  ] as [Period, string][])('are inverse and adjacent around Berlin DST for %s %s', (period, id) => {
    const cycle = parsed(period, id, BERLIN);
    const before = previousCycle(cycle, BERLIN);
    const after = nextCycle(cycle, BERLIN);
    expect(before.endsAt).toEqual(cycle.startsAt);
    expect(after.startsAt).toEqual(cycle.endsAt);
    expect(nextCycle(before, BERLIN)).toEqual(cycle);
    expect(previousCycle(after, BERLIN)).toEqual(cycle);
  });

  it.each([
    ['daily', '2026-12-31', '2027-01-01'],
    ['weekly', '2026-W53', '2027-W01'],
    ['weekly', '2025-W52', '2026-W01'],
    ['monthly', '2026-12', '2027-01'],
  ] as [Period, string, string][])('cross the year boundary for %s %s → %s', (period, a, b) => {
    expect(nextCycle(parsed(period, a, 'Asia/Tokyo'), 'Asia/Tokyo').id).toBe(b);
    expect(previousCycle(parsed(period, b, 'Asia/Tokyo'), 'Asia/Tokyo').id).toBe(a);
  });

  it('throw for the all cycle and for cycles with a corrupt id', () => {
    expect(() => previousCycle(ALL, BERLIN)).toThrow(RangeError);
    expect(() => nextCycle(ALL, BERLIN)).toThrow(RangeError);
    const corrupt: Cycle = { period: 'daily', id: '2026-02-30', startsAt: null, endsAt: null };
    expect(() => nextCycle(corrupt, BERLIN)).toThrow(RangeError);
  });
});

describe('cyclesBetween', () => {
  const between = (period: Period, older: string, current: string, zone = BERLIN): number =>
    cyclesBetween(parsed(period, older, zone), parsed(period, current, zone), zone);

  it('is 0 for the same cycle and 1 for the one just before', () => {
    expect(between('daily', '2026-10-25', '2026-10-25')).toBe(0);
    expect(between('daily', '2026-10-25', '2026-10-26')).toBe(1);
    expect(between('weekly', '2026-W53', '2027-W01')).toBe(1);
    expect(between('monthly', '2026-12', '2027-01')).toBe(1);
  });

  it('counts whole cycles across years and DST changes', () => {
    expect(between('daily', '2020-01-01', '2026-11-25')).toBe(2520);
    expect(between('daily', '2026-03-01', '2026-11-01', NEW_YORK)).toBe(245);
    expect(between('weekly', '2026-W01', '2027-W01')).toBe(53);
    expect(between('weekly', '2025-W01', '2026-W01')).toBe(52);
    expect(between('monthly', '2025-11', '2026-11')).toBe(12);
  });

  it('is negative when the first cycle is the later one, and always 0 for all', () => {
    expect(between('daily', '2026-10-26', '2026-10-25')).toBe(-1);
    expect(between('all', 'all', 'all')).toBe(0);
  });

  it('refuses to compare cycles of different periods', () => {
    const day = parsed('daily', '2026-10-25', BERLIN);
    const month = parsed('monthly', '2026-10', BERLIN);
    expect(() => cyclesBetween(day, month, BERLIN)).toThrow(RangeError);
  });
});

describe('retainedUntil', () => {
  it('keeps daily 2026-11-01 (retain 7) until the end of 2026-11-08 in New York', () => {
    const cycle = parsed('daily', '2026-11-01', NEW_YORK);
    const until = retainedUntil(cycle, NEW_YORK, 7)!;
    expect(until.toISOString()).toBe('2026-11-09T05:00:00.000Z');
    const lastRetained = cycleAt('daily', NEW_YORK, new Date(until.getTime() - 1));
    expect(lastRetained.id).toBe('2026-11-08');
    expect(cyclesBetween(cycle, lastRetained, NEW_YORK)).toBe(7);
    expect(cyclesBetween(cycle, cycleAt('daily', NEW_YORK, until), NEW_YORK)).toBe(8);
  });

  it('returns endsAt for retain 0 and handles weeks and months across year ends', () => {
    const day = parsed('daily', '2026-10-25', BERLIN);
    expect(retainedUntil(day, BERLIN, 0)).toEqual(day.endsAt);
    const week = parsed('weekly', '2026-W53', 'UTC');
    expect(iso(retainedUntil(week, 'UTC', 2))).toBe('2027-01-18T00:00:00.000Z');
    const october = parsed('monthly', '2026-10', BERLIN);
    expect(iso(retainedUntil(october, BERLIN, 3))).toBe('2027-01-31T23:00:00.000Z');
  });

  it('is null for all and rejects negative or fractional retention', () => {
    expect(retainedUntil(ALL, BERLIN, 7)).toBeNull();
    const day = parsed('daily', '2026-10-25', BERLIN);
    expect(() => retainedUntil(day, BERLIN, -1)).toThrow(RangeError);
    expect(() => retainedUntil(day, BERLIN, 1.5)).toThrow(RangeError);
  });
});
