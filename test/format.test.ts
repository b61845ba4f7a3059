import { describe, expect, it } from 'vitest';
import { bytes, clockTime, count, duration, grouped, shortUrl } from '../src/devtools/panel/format';

describe('clockTime', () => {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const expected = (d: Date) =>
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;

  it('writes local HH:MM:SS.mmm', () => {
    const d = new Date(2024, 0, 2, 14, 3, 7, 412); // local time
    expect(clockTime(d.getTime())).toBe('14:03:07.412');
  });

  it('pads every field', () => {
    const d = new Date(2024, 5, 1, 1, 2, 3, 4);
    expect(clockTime(d.getTime())).toBe('01:02:03.004');
    expect(clockTime(new Date(2024, 5, 1, 0, 0, 0, 0).getTime())).toBe('00:00:00.000');
    expect(clockTime(new Date(2024, 5, 1, 23, 59, 59, 999).getTime())).toBe('23:59:59.999');
  });

  it('drops sub-millisecond precision', () => {
    const d = new Date(2024, 5, 1, 9, 8, 7, 65);
    expect(clockTime(d.getTime() + 0.75)).toBe('09:08:07.065');
  });

  it('uses the local time zone, not UTC', () => {
    const saved = process.env.TZ;
    try {
      // Node re-reads TZ when it is assigned; a zone with a half-hour offset from UTC.
      process.env.TZ = 'Asia/Kolkata';
      const ms = Date.UTC(2024, 0, 1, 0, 0, 0, 250);
      expect(new Date(ms).getTimezoneOffset()).toBe(-330);
      expect(clockTime(ms)).toBe('05:30:00.250');
      expect(clockTime(ms)).toBe(expected(new Date(ms)));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('matches the local Date fields for arbitrary epoch times', () => {
    for (const ms of [0, 1_700_000_000_123, 1_234_567_890_005, Date.UTC(2030, 11, 31, 23, 59, 59, 9)]) {
      expect(clockTime(ms)).toBe(expected(new Date(ms)));
      expect(clockTime(ms)).toMatch(/^\d\d:\d\d:\d\d\.\d\d\d$/);
    }
  });
});

describe('duration', () => {
  it('writes under a second in ms', () => {
    expect(duration(0)).toBe('0 ms');
    expect(duration(1)).toBe('1 ms');
    expect(duration(850)).toBe('850 ms');
    expect(duration(999)).toBe('999 ms');
    expect(duration(12.4)).toBe('12 ms');
  });

  it('writes seconds with one decimal from 1000 ms', () => {
    expect(duration(1000)).toBe('1.0 s');
    expect(duration(1500)).toBe('1.5 s');
    expect(duration(3000)).toBe('3.0 s');
    expect(duration(59_900)).toBe('59.9 s');
  });

  it('writes minutes and seconds from 60 s', () => {
    expect(duration(60_000)).toBe('1 min 0 s');
    expect(duration(61_000)).toBe('1 min 1 s');
    expect(duration(125_000)).toBe('2 min 5 s');
    expect(duration(3_600_000)).toBe('60 min 0 s');
  });
});

describe('bytes', () => {
  it('writes bytes below 1 kB', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1)).toBe('1 B');
    expect(bytes(1023)).toBe('1023 B');
  });

  it('writes kB with one decimal from 1024', () => {
    expect(bytes(1024)).toBe('1.0 kB');
    expect(bytes(1536)).toBe('1.5 kB');
    expect(bytes(10 * 1024)).toBe('10.0 kB');
  });

  it('writes MB with one decimal from 1 MiB', () => {
    expect(bytes(1024 * 1024)).toBe('1.0 MB');
    expect(bytes(2.5 * 1024 * 1024)).toBe('2.5 MB');
    expect(bytes(256 * 1024 * 1024)).toBe('256.0 MB');
  });
});

describe('shortUrl', () => {
  it('keeps path and query, dropping scheme, host and fragment', () => {
    expect(shortUrl('http://127.0.0.1:8080/sse/one-shot?x=1&y=2#frag')).toBe('/sse/one-shot?x=1&y=2');
    expect(shortUrl('https://example.com/a/b')).toBe('/a/b');
    expect(shortUrl('https://user:pw@example.com:443/events?since=5')).toBe('/events?since=5');
  });

  it('gives / for a URL without a path', () => {
    expect(shortUrl('https://example.com')).toBe('/');
    expect(shortUrl('https://example.com?q=1')).toBe('/?q=1');
  });

  it('returns an invalid URL as is', () => {
    expect(shortUrl('not a url')).toBe('not a url');
    expect(shortUrl('/relative/path?x=1')).toBe('/relative/path?x=1');
    expect(shortUrl('')).toBe('');
    expect(shortUrl('http://')).toBe('http://');
  });
});

describe('units after rounding', () => {
  it.each([
    [999.6, '1.0 s'],
    [59_970, '1 min 0 s'],
    [119_600, '2 min 0 s'],
    [3_599_999, '60 min 0 s'],
  ])('duration(%s) is %s', (ms, text) => expect(duration(ms)).toBe(text));

  it('bytes just under a megabyte reads 1.0 MB', () => expect(bytes(1_048_575)).toBe('1.0 MB'));
});

describe('count', () => {
  it('writes the singular for one and the plural otherwise', () => {
    expect(count(1, 'event')).toBe('1 event');
    expect(count(0, 'event')).toBe('0 events');
    expect(count(3, 'attempt')).toBe('3 attempts');
  });
});

describe('grouped', () => {
  it('puts a no-break space between thousands', () => {
    expect([0, 999, 1000, 12034, 1234567].map(grouped)).toEqual(['0', '999', '1\u00a0000', '12\u00a0034', '1\u00a0234\u00a0567']);
  });
});
