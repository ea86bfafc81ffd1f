import { describe, expect, it } from 'vitest';
import { accessibilityFacts, distanceKm, isLong, matches, ordered, queueRank, type FinderStation } from '../src/finder';

const none = {
  wheelchair: null,
  accessible_transit_stop: null,
  accessible_toilet: null,
  host: null,
  guidance_lines: null,
  audio_support: null,
  braille_candidate_list: null,
  large_print_candidate_list: null,
  sign_language_interpreter: null,
  signing_member: null,
  hearing_friendly: null,
  low_stimulus: null,
  low_stimulus_companion: null,
  notes: '',
};

function station(number: number, over: Partial<FinderStation> = {}, at: [number, number] = [52, 4.8]): FinderStation {
  return {
    id: `GM1-${number}`,
    number,
    name: `Station ${number}`,
    district: null,
    location: { name: `Station ${number}`, address: 'Kapellestraat 39', postcode: '3421CT', city: 'Oudewater', latitude: at[0], longitude: at[1], accessibility: none },
    extra_stops: [],
    opens_at: 0,
    closes_at: 1,
    status: 'open',
    queue: null,
    ...over,
  };
}

describe('the finder', () => {
  it('measures distances on the globe', () => {
    // Oudewater to Utrecht centraal: about 20 km.
    const d = distanceKm({ latitude: 52.021, longitude: 4.8745 }, { latitude: 52.0894, longitude: 5.1101 });
    expect(d).toBeGreaterThan(17);
    expect(d).toBeLessThan(18.5);
  });

  it('finds a station by postcode with or without the space, place, street or number', () => {
    const s = station(12, { district: 'Binnenstad' });
    for (const typed of ['3421 CT', '3421ct', '3421', 'oudewater', 'Kapelle', '12', 'binnenstad']) expect(matches(s, typed)).toBe(true);
    for (const typed of ['3422', 'Utrecht', '13']) expect(matches(s, typed)).toBe(false);
    // A mobile station is found by any of its stops.
    const mobile = station(3, { extra_stops: [{ ...s.location, city: 'Hekendorp', postcode: '3467AA' }] });
    expect(matches(mobile, 'Hekendorp')).toBe(true);
  });

  it('orders nearest first, or shortest reported queue first with closed and outdated last', () => {
    const here = { latitude: 52.0, longitude: 4.8 };
    const far = station(1, {}, [52.2, 4.8]);
    const near = station(2, {}, [52.01, 4.8]);
    expect(ordered([far, near], 'distance', here).map((s) => s.number)).toEqual([2, 1]);
    const q = (length: FinderStation['queue'] extends infer Q ? (Q extends { length: infer L } ? L : never) : never, outdated = false) => ({ length, reported_at: 0, age_minutes: 5, outdated });
    const long = station(1, { queue: q('long') });
    const minutes = station(2, { queue: q({ minutes: 10 }) });
    const empty = station(3, { queue: q('none') });
    const stale = station(4, { queue: q('none', true) });
    const closed = station(5, { status: 'closed' });
    const unknown = station(6);
    expect(ordered([closed, stale, long, minutes, unknown, empty], 'queue', null).map((s) => s.number)).toEqual([3, 2, 1, 4, 6, 5]);
    expect(queueRank('short')).toBeLessThan(queueRank({ minutes: 5 }));
  });

  it('says only the accessibility facts the municipality stated', () => {
    const facts = accessibilityFacts({ ...none, wheelchair: true, accessible_toilet: false, sign_language_interpreter: 'remote' });
    expect(facts).toEqual([
      { key: 'a11y_wheelchair', yes: true },
      { key: 'a11y_toilet', yes: false },
      { key: 'a11y_interpreter_remote', yes: true },
    ]);
  });

  it('calls a queue long from half an hour, as the alert does', () => {
    expect(isLong('long')).toBe(true);
    expect(isLong({ minutes: 30 })).toBe(true);
    expect(isLong({ minutes: 29 })).toBe(false);
    expect(isLong('short')).toBe(false);
  });
});

describe("the finder's times", () => {
  it('are the election\'s own, whatever the reader\'s zone', async () => {
    const { electionTime, electionDate } = await import('../src/finder');
    // 18 March 2026 06:30 UTC is 07:30 in the Netherlands (UTC+1).
    const opens = Date.UTC(2026, 2, 18, 6, 30);
    expect(electionTime(opens, 60, 'nl')).toBe('07:30');
    expect(electionDate(opens, 60, 'nl')).toBe('18 maart');
    // Just before midnight UTC is the next day locally.
    expect(electionDate(Date.UTC(2026, 2, 17, 23, 30), 60, 'en')).toBe('18 March');
  });
});
