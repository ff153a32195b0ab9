// `compose --at` takes an ISO 8601 time with an offset or a local "YYYY-MM-DD HH:MM", checked field by field.
import { describe, expect, it } from 'vitest';
import { parseScheduleTime } from '../../electron/cli/schedule-time';

const now = Date.parse('2030-01-01T00:00:00Z');

describe('parseScheduleTime', () => {
  it('takes ISO 8601 with Z or an offset, with or without seconds', () => {
    expect(parseScheduleTime('2030-05-17T09:30:00Z', now)).toBe('2030-05-17T09:30:00.000Z');
    expect(parseScheduleTime('2030-05-17T09:30+02:00', now)).toBe('2030-05-17T07:30:00.000Z');
    expect(parseScheduleTime('2030-05-17T09:30:15.5-0130', now)).toBe('2030-05-17T11:00:15.500Z');
  });

  it('reads "YYYY-MM-DD HH:MM" and a T without offset as local time', () => {
    expect(parseScheduleTime('2030-05-17 09:30', now)).toBe(new Date(2030, 4, 17, 9, 30).toISOString());
    expect(parseScheduleTime('2030-05-17T09:30:20', now)).toBe(new Date(2030, 4, 17, 9, 30, 20).toISOString());
  });

  it.each([
    '2030-02-30 10:00',
    '2030-13-01 10:00',
    '2030-05-17 24:00',
    '2030-05-17 10:60',
    '17/05/2030 10:00',
    'next tuesday',
    '2030-05-17',
    '',
  ])('refuses %j', (value) => {
    expect(() => parseScheduleTime(value, now)).toThrow(/not a time/);
  });

  it('refuses a time in the past, with a minute of slack for a slow typist', () => {
    expect(() => parseScheduleTime('2029-12-31 00:00', now)).toThrow(/in the past/);
    expect(parseScheduleTime('2029-12-31T23:59:30Z', now)).toBe('2029-12-31T23:59:30.000Z');
  });
});
