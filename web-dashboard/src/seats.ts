// Seat projections: highest averages with D'Hondt's divisors (1, 2, 3, ...) or
// Imperiali's (2, 3, 4, ...), for Flemish municipal councils. Ties go to the list with
// more votes, then to the lower list number. Unofficial: the legal allocation also
// applies thresholds, list combinations and the central count.

export type Method = 'dhondt' | 'imperiali';

export function allocate(votes: number[], seats: number, method: Method): number[] {
  const won = votes.map(() => 0);
  const first = method === 'dhondt' ? 1 : 2;
  for (let seat = 0; seat < seats; seat += 1) {
    let best = -1;
    let bestQuotient = -1;
    votes.forEach((v, i) => {
      if (v <= 0) return;
      const q = v / (won[i] + first);
      if (
        best < 0 ||
        q > bestQuotient ||
        (q === bestQuotient && v > votes[best])
      ) {
        best = i;
        bestQuotient = q;
      }
    });
    if (best < 0) break;
    won[best] += 1;
  }
  return won;
}
