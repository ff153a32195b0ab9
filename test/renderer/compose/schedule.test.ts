// Send later's times: tomorrow 08:00 by default, a tidy "in one hour", and the inputs' local format.
import { describe, expect, it } from 'vitest';
import { fromLocalInputs, inOneHour, toLocalInputs, tomorrowMorning } from '../../../renderer/src/compose/schedule';

describe('send-later times', () => {
  const now = new Date(2030, 0, 31, 21, 52, 10);

  it('defaults to tomorrow at 08:00 local time, across a month end', () => {
    expect(toLocalInputs(tomorrowMorning(now))).toEqual({ date: '2030-02-01', time: '08:00' });
  });

  it('rounds "in 1 hour" up to the next five minutes', () => {
    expect(toLocalInputs(inOneHour(now))).toEqual({ date: '2030-01-31', time: '22:55' });
  });

  it('reads the inputs back as a local moment, and nothing from half-filled ones', () => {
    expect(fromLocalInputs({ date: '2030-02-01', time: '08:00' })?.getTime()).toBe(new Date(2030, 1, 1, 8, 0).getTime());
    expect(fromLocalInputs({ date: '', time: '08:00' })).toBeNull();
  });
});
