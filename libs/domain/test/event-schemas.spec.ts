import { instant, isCanonicalInstant } from '../src/shared/event-schemas';

/** What the decoder's hand-read instant check may answer: never "valid" for a string `Date.parse` rejects. */
describe('instant', () => {
  const stamped = (ms: number) => new Date(ms).toISOString();
  const samples: string[] = [];
  // Every month's last days, in leap and common years (2000 and 2024 leap, 1900 and 2023 not), at the edges of a day.
  for (const year of ['1900', '2000', '2023', '2024', '0000', '9999'])
    for (let month = 0; month <= 13; month++)
      for (const day of ['00', '01', '28', '29', '30', '31', '32'])
        for (const time of ['00:00:00.000', '23:59:59.999', '24:00:00.000', '23:60:00.000', '23:59:60.000'])
          samples.push(`${year}-${String(month).padStart(2, '0')}-${day}T${time}Z`);
  // Stamped instants, and each of them with one character replaced.
  for (let i = 0; i < 200; i++) {
    const value = stamped(Date.UTC(1970 + ((i * 37) % 200), i % 12, 1 + (i % 28), i % 24, (i * 7) % 60) + i * 997);
    samples.push(value);
    for (let at = 0; at < value.length; at += 3)
      for (const c of ['0', '9', 'x', ' ', '-', ':']) samples.push(value.slice(0, at) + c + value.slice(at + 1));
  }
  samples.push('2026-05-01', '2026-05-01T00:00:00Z', '2026-05-01T00:00:00.000+02:00', '', 'yesterday');

  it('takes the canonical form of every instant Date#toISOString writes, without Date.parse', () => {
    for (let ms = -62_000_000_000_000; ms < 250_000_000_000_000; ms += 7_777_777_777_777)
      expect(isCanonicalInstant(stamped(ms))).toBe(true);
    const parse = jest.spyOn(Date, 'parse');
    try {
      expect(instant.safeParse('2026-05-01T12:34:56.789Z').success).toBe(true);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('accepts exactly what Date.parse accepts', () => {
    for (const value of samples) {
      const parses = !Number.isNaN(Date.parse(value));
      if (isCanonicalInstant(value)) expect([value, parses]).toEqual([value, true]);
      expect([value, instant.safeParse(value).success]).toEqual([value, parses]);
    }
  });
});
