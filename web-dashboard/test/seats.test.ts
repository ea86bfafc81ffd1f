import { describe, expect, it } from 'vitest';
import { allocate } from '../src/seats';

// Check figures from shared/DOMAIN.md ("Seats").
describe('seat projection', () => {
  it('840/432/360/328 for 9 seats: Imperiali 5/2/1/1, D’Hondt 4/2/2/1', () => {
    expect(allocate([840, 432, 360, 328], 9, 'imperiali')).toEqual([5, 2, 1, 1]);
    expect(allocate([840, 432, 360, 328], 9, 'dhondt')).toEqual([4, 2, 2, 1]);
  });

  it('400/300/200/100 for 25 seats: Imperiali 11/8/5/1, D’Hondt 10/8/5/2', () => {
    expect(allocate([400, 300, 200, 100], 25, 'imperiali')).toEqual([11, 8, 5, 1]);
    expect(allocate([400, 300, 200, 100], 25, 'dhondt')).toEqual([10, 8, 5, 2]);
  });

  it('gives every seat, and none to a list without votes', () => {
    const won = allocate([500, 0, 250], 7, 'dhondt');
    expect(won.reduce((a, b) => a + b, 0)).toBe(7);
    expect(won[1]).toBe(0);
    expect(allocate([0, 0], 5, 'dhondt')).toEqual([0, 0]);
  });

  it('breaks a tie of quotients in favour of the list with more votes', () => {
    // Quotients 600/2 = 300 and 300/1 = 300 tie for the third seat: the larger list wins.
    expect(allocate([600, 300], 3, 'dhondt')).toEqual([2, 1]);
    expect(allocate([300, 600], 2, 'dhondt')).toEqual([0, 2]);
    expect(allocate([300, 600], 3, 'dhondt')).toEqual([1, 2]);
  });
});

describe('default projection method', () => {
  it('is Imperiali where a publication threshold applies (Flanders), else D’Hondt', async () => {
    const { defaultMethod } = await import('../src/pages/Results');
    expect(defaultMethod(500)).toBe('imperiali');
    expect(defaultMethod(0)).toBe('dhondt');
  });
});
