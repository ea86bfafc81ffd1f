//! Seat allocation: which list gets how many of the council's seats, per election kind.
//!
//! - Flanders (DOMAIN.md, "Seats"): municipal councils by Imperiali (divisors 2, 3, 4, ...),
//!   provincial and district councils by D'Hondt (divisors 1, 2, 3, ...); a tie between
//!   quotients goes to the list with more votes.
//! - Netherlands (Kieswet, chapter P): quota (kiesdeler) = votes for lists / seats (P 5);
//!   a full seat for each time a list's votes hold the quota (P 6); residual seats for
//!   councils of 19 seats or more by largest averages (P 7), for fewer than 19 seats by
//!   largest remainders, only for lists with at least 75 % of the quota, at most one such
//!   seat per list, and the seats still left by largest averages with at most one seat
//!   per list (P 8); a list with more than half of the votes but not more than half of the
//!   seats gets the seat last given as a residual seat (P 9). Ties go by lot "zo nodig":
//!   only when more lists are tied than seats are left.
//!
//! The software cannot draw lots: when one is needed the allocation stops there and says
//! which lists are tied for which seats, so that a person decides.
//!
//! Arithmetic is exact: averages and remainders are compared as integer cross products,
//! checked for overflow. Not modelled: list combinations and groups (P 3, P 4), lists with
//! fewer candidates than seats (P 10), and the Flemish rule for equal votes (reported as a
//! tie to decide). Bill 36641 (2024) would require the full quota for any residual seat at
//! council elections; it is not applied here (not in force in the sources used).

use std::cmp::Ordering;

use facet::Facet;
use serde::{Deserialize, Serialize};

use super::Jurisdiction;

/// Councils of this many seats or more take residual seats by largest averages
/// (Kieswet P 7); smaller ones by largest remainders (P 8).
pub const LARGE_COUNCIL_SEATS: u32 = 19;

/// The body being elected; with the jurisdiction and the number of seats it decides the
/// method. Stored elections without it are municipal councils.
#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum CouncilKind {
    /// Gemeenteraad.
    #[default]
    Municipal,
    /// Provincieraad (BE) / provinciale staten (NL).
    Provincial,
    /// Districtsraad (Antwerp's districts, BE).
    District,
}

/// How the seats are allocated.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SeatMethod {
    /// Flemish municipal councils: highest averages with divisors 2, 3, 4, ...
    Imperiali,
    /// Flemish provincial and district councils: highest averages with divisors 1, 2, 3, ...
    DHondt,
    /// Dutch councils of 19 seats or more: quota, full seats, residual seats by largest
    /// averages (Kieswet P 5 to P 7, P 9).
    QuotaLargestAverages,
    /// Dutch councils of fewer than 19 seats: quota, full seats, residual seats by largest
    /// remainders with the 75 % threshold, then largest averages (Kieswet P 5, P 6, P 8, P 9).
    QuotaLargestRemainders,
}

impl SeatMethod {
    /// The method the law prescribes for this election kind.
    #[must_use]
    pub const fn for_election(
        jurisdiction: Jurisdiction,
        council: CouncilKind,
        seats: u32,
    ) -> Self {
        match jurisdiction {
            Jurisdiction::Flanders => match council {
                CouncilKind::Municipal => Self::Imperiali,
                CouncilKind::Provincial | CouncilKind::District => Self::DHondt,
            },
            Jurisdiction::Netherlands => {
                if seats >= LARGE_COUNCIL_SEATS {
                    Self::QuotaLargestAverages
                } else {
                    Self::QuotaLargestRemainders
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatError {
    #[error("there are no seats to allocate")]
    NoSeats,
    #[error("list {0} appears more than once")]
    DuplicateList(u32),
    #[error("the vote totals are too large to compute with")]
    Overflow,
}

/// A list's votes, as input.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListVotes {
    pub list: u32,
    pub votes: u64,
}

/// How a seat beyond the full seats was given.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SeatStage {
    /// Flemish highest averages (every seat).
    HighestAverage,
    /// Dutch residual seat by largest averages (P 7, or P 8 second sentence).
    LargestAverage,
    /// Dutch residual seat by largest remainder (P 8).
    LargestRemainder,
    /// Seat moved to the list with an absolute majority of the votes (P 9).
    AbsoluteMajority,
}

/// Who decides a tie that the rules leave open.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TieRule {
    /// Kieswet P 7, P 8, P 9: "beslist het lot"; the central electoral committee draws.
    DrawingOfLots,
    /// Flanders: equal quotients and equal votes; the decree's further rule is applied by
    /// the main office, not here.
    EqualVotes,
}

/// Seats the rules could not give: `lists` are tied for `seats` seats, numbered from
/// `first_seat` (counted over all the council's seats, 1-based) at `stage`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Tie {
    pub stage: SeatStage,
    pub rule: TieRule,
    pub first_seat: u32,
    pub seats: u32,
    pub lists: Vec<u32>,
}

/// One list's part of the allocation.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListSeats {
    pub list: u32,
    pub votes: u64,
    /// Dutch full seats (P 6); 0 for the Flemish methods, whose seats are all in `seats`.
    pub full_seats: u32,
    /// All seats the list has, full seats included.
    pub seats: u32,
}

/// A seat given after the full seats, in order.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatAward {
    /// The seat's number over all the council's seats, 1-based.
    pub seat: u32,
    pub list: u32,
    pub stage: SeatStage,
    /// For `AbsoluteMajority`: the list the seat was taken from.
    pub taken_from: Option<u32>,
}

/// The outcome: seats per list, how they were given, and a tie left for a person.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub method: SeatMethod,
    pub seats: u32,
    /// Votes for all lists together.
    pub total_votes: u64,
    /// The Dutch quota as a fraction (numerator, denominator); none for Flanders.
    pub quota: Option<(u64, u32)>,
    pub lists: Vec<ListSeats>,
    pub awards: Vec<SeatAward>,
    /// Seats not given: with a tie, its seats and any after; without votes, all.
    pub unassigned: u32,
    pub tie: Option<Tie>,
}

impl Allocation {
    /// Seats of `list`, if it takes part.
    #[must_use]
    pub fn seats_of(&self, list: u32) -> Option<u32> {
        self.lists.iter().find(|l| l.list == list).map(|l| l.seats)
    }
}

/// Allocates `seats` over `votes` by `method`.
///
/// # Errors
/// No seats, a list given twice, or totals too large for exact arithmetic.
pub fn allocate(
    method: SeatMethod,
    seats: u32,
    votes: &[ListVotes],
) -> Result<Allocation, SeatError> {
    if seats == 0 {
        return Err(SeatError::NoSeats);
    }
    for (i, v) in votes.iter().enumerate() {
        if votes[..i].iter().any(|w| w.list == v.list) {
            return Err(SeatError::DuplicateList(v.list));
        }
    }
    let total_votes = votes
        .iter()
        .try_fold(0_u64, |sum, v| sum.checked_add(v.votes))
        .ok_or(SeatError::Overflow)?;
    let mut alloc = Allocation {
        method,
        seats,
        total_votes,
        quota: None,
        lists: votes
            .iter()
            .map(|v| ListSeats {
                list: v.list,
                votes: v.votes,
                full_seats: 0,
                seats: 0,
            })
            .collect(),
        awards: Vec::new(),
        unassigned: seats,
        tie: None,
    };
    if total_votes == 0 {
        return Ok(alloc);
    }
    match method {
        SeatMethod::Imperiali => flemish(&mut alloc, 2)?,
        SeatMethod::DHondt => flemish(&mut alloc, 1)?,
        SeatMethod::QuotaLargestAverages | SeatMethod::QuotaLargestRemainders => {
            dutch(&mut alloc)?;
        }
    }
    Ok(alloc)
}

/// `a/b` against `c/d`, exactly.
fn cmp_fraction(a: u64, b: u64, c: u64, d: u64) -> Ordering {
    // Products of two u64 fit in u128.
    (u128::from(a) * u128::from(d)).cmp(&(u128::from(c) * u128::from(b)))
}

/// Lists (indices) whose value is the greatest among `candidates`, by `cmp`.
fn best<F>(candidates: &[usize], cmp: F) -> Vec<usize>
where
    F: Fn(usize, usize) -> Ordering,
{
    let mut top: Vec<usize> = Vec::new();
    for &i in candidates {
        match top.first().map(|&t| cmp(i, t)) {
            None | Some(Ordering::Equal) => top.push(i),
            Some(Ordering::Greater) => top = vec![i],
            Some(Ordering::Less) => {}
        }
    }
    top
}

impl Allocation {
    fn next_seat_number(&self) -> u32 {
        self.seats - self.unassigned + 1
    }

    fn give(&mut self, i: usize, stage: SeatStage) {
        let seat = self.next_seat_number();
        if let Some(l) = self.lists.get_mut(i) {
            l.seats += 1;
            self.awards.push(SeatAward {
                seat,
                list: l.list,
                stage,
                taken_from: None,
            });
            self.unassigned -= 1;
        }
    }

    /// Gives a seat to each of `tied` if there are seats enough; otherwise records the tie.
    /// Returns false when the allocation must stop.
    fn give_tied(&mut self, tied: &[usize], stage: SeatStage, rule: TieRule) -> bool {
        let n = u32::try_from(tied.len()).unwrap_or(u32::MAX);
        if n > self.unassigned {
            self.tie = Some(Tie {
                stage,
                rule,
                first_seat: self.next_seat_number(),
                seats: self.unassigned,
                lists: tied.iter().map(|&i| self.lists[i].list).collect(),
            });
            return false;
        }
        for &i in tied {
            self.give(i, stage);
        }
        true
    }
}

/// Flemish highest averages, seat by seat: quotient votes / (seats won + `first`); equal
/// quotients go to the list with more votes.
fn flemish(alloc: &mut Allocation, first: u64) -> Result<(), SeatError> {
    let voted: Vec<usize> = (0..alloc.lists.len())
        .filter(|&i| alloc.lists[i].votes > 0)
        .collect();
    while alloc.unassigned > 0 {
        let lists = &alloc.lists;
        let divisor = |i: usize| u64::from(lists[i].seats) + first;
        let tied = best(&voted, |i, j| {
            cmp_fraction(lists[i].votes, divisor(i), lists[j].votes, divisor(j))
                .then(lists[i].votes.cmp(&lists[j].votes))
        });
        if tied.is_empty() {
            return Err(SeatError::Overflow);
        }
        if !alloc.give_tied(&tied, SeatStage::HighestAverage, TieRule::EqualVotes) {
            break;
        }
    }
    Ok(())
}

/// Kieswet P 5 to P 9.
fn dutch(alloc: &mut Allocation) -> Result<(), SeatError> {
    let seats = u64::from(alloc.seats);
    let total = alloc.total_votes;
    // P 5: quota = total / seats.
    alloc.quota = Some((total, alloc.seats));
    // P 6: full seats = floor(votes / quota) = floor(votes * seats / total).
    for l in &mut alloc.lists {
        let full = u128::from(l.votes) * u128::from(seats) / u128::from(total);
        l.full_seats = u32::try_from(full).map_err(|_| SeatError::Overflow)?;
        l.seats = l.full_seats;
    }
    let full: u32 = alloc
        .lists
        .iter()
        .try_fold(0_u32, |s, l| s.checked_add(l.full_seats))
        .ok_or(SeatError::Overflow)?;
    alloc.unassigned = alloc.seats.checked_sub(full).ok_or(SeatError::Overflow)?;
    let voted: Vec<usize> = (0..alloc.lists.len())
        .filter(|&i| alloc.lists[i].votes > 0)
        .collect();

    let mut stopped = false;
    if alloc.method == SeatMethod::QuotaLargestRemainders {
        // P 8, first sentence: largest remainders, for lists with at least 75 % of the
        // quota (votes * 4 * seats >= 3 * total), at most one such seat per list.
        // Remainder = votes - full * quota = (votes * seats - full * total) / seats; the
        // denominator is the same for all lists, so compare numerators.
        let remainder = |l: &ListSeats| {
            u128::from(l.votes) * u128::from(seats) - u128::from(l.full_seats) * u128::from(total)
        };
        let mut eligible: Vec<usize> = voted
            .iter()
            .copied()
            .filter(|&i| {
                u128::from(alloc.lists[i].votes) * 4 * u128::from(seats) >= 3 * u128::from(total)
            })
            .collect();
        while alloc.unassigned > 0 && !eligible.is_empty() {
            let lists = &alloc.lists;
            let tied = best(&eligible, |i, j| {
                remainder(&lists[i]).cmp(&remainder(&lists[j]))
            });
            if !alloc.give_tied(&tied, SeatStage::LargestRemainder, TieRule::DrawingOfLots) {
                stopped = true;
                break;
            }
            eligible.retain(|i| !tied.contains(i));
        }
        // P 8, second sentence: the seats left by largest averages, at most one per list
        // (the 75 % threshold is for the remainders only). Residual seats are fewer than
        // the lists with votes (each adds less than one to the sum of the fractions), so
        // this round cannot run out; were it to, the rest would go by plain largest
        // averages, as the Electoral Council's Abacus does.
        let mut round: Vec<usize> = voted.clone();
        let mut one_each = true;
        while !stopped && alloc.unassigned > 0 {
            if one_each && round.is_empty() {
                one_each = false;
                round.clone_from(&voted);
            }
            let tied = best_average(&alloc.lists, &round);
            if !alloc.give_tied(&tied, SeatStage::LargestAverage, TieRule::DrawingOfLots) {
                stopped = true;
                break;
            }
            if one_each {
                round.retain(|i| !tied.contains(i));
            }
        }
    } else {
        // P 7: largest averages, votes / (seats + 1).
        while alloc.unassigned > 0 {
            let tied = best_average(&alloc.lists, &voted);
            if !alloc.give_tied(&tied, SeatStage::LargestAverage, TieRule::DrawingOfLots) {
                stopped = true;
                break;
            }
        }
    }
    if !stopped {
        absolute_majority(alloc);
    }
    Ok(())
}

fn best_average(lists: &[ListSeats], among: &[usize]) -> Vec<usize> {
    let avg = |i: usize| (lists[i].votes, u64::from(lists[i].seats) + 1);
    best(among, |i, j| {
        let (a, b) = avg(i);
        let (c, d) = avg(j);
        cmp_fraction(a, b, c, d)
    })
}

/// P 9: a list with more than half of all votes but not more than half of the seats gets
/// one more, taken from the list that last got a residual seat. When that last seat went
/// to several lists at once (they were equal), the lot decides which loses it.
fn absolute_majority(alloc: &mut Allocation) {
    let total = u128::from(alloc.total_votes);
    let Some(m) = alloc
        .lists
        .iter()
        .position(|l| u128::from(l.votes) * 2 > total && l.seats * 2 <= alloc.seats)
    else {
        return;
    };
    let majority = alloc.lists[m].list;
    // The last residual seat given to another list, and any given with it as equals.
    let Some(last) = alloc.awards.iter().rposition(|a| a.list != majority) else {
        return;
    };
    let stage = alloc.awards[last].stage;
    let value = |list: u32| -> Option<(u64, u64, u32)> {
        let l = alloc.lists.iter().find(|l| l.list == list)?;
        Some((l.votes, u64::from(l.seats), l.full_seats))
    };
    let same_step: Vec<u32> = alloc
        .awards
        .iter()
        .rev()
        .take_while(|a| a.stage == stage && a.list != majority)
        .filter(|a| {
            // Equal to the last by the rule that gave it: same remainder or same average.
            let (Some(x), Some(y)) = (value(a.list), value(alloc.awards[last].list)) else {
                return false;
            };
            equal_claim(stage, alloc.seats, alloc.total_votes, x, y)
        })
        .map(|a| a.list)
        .collect();
    if same_step.len() > 1 {
        alloc.tie = Some(Tie {
            stage: SeatStage::AbsoluteMajority,
            rule: TieRule::DrawingOfLots,
            first_seat: alloc.awards[last].seat,
            seats: 1,
            lists: same_step,
        });
        return;
    }
    let from = alloc.awards[last].list;
    let seat = alloc.awards[last].seat;
    if let Some(l) = alloc.lists.iter_mut().find(|l| l.list == from) {
        l.seats -= 1;
    }
    alloc.lists[m].seats += 1;
    alloc.awards.push(SeatAward {
        seat,
        list: majority,
        stage: SeatStage::AbsoluteMajority,
        taken_from: Some(from),
    });
}

/// Whether two lists that got residual seats at `stage` had equal claims: the same
/// remainder, or the same average at the seat (seats counted after the award).
fn equal_claim(
    stage: SeatStage,
    seats: u32,
    total: u64,
    (va, sa, fa): (u64, u64, u32),
    (vb, sb, fb): (u64, u64, u32),
) -> bool {
    match stage {
        SeatStage::LargestRemainder => {
            let r = |v: u64, f: u32| {
                u128::from(v) * u128::from(seats) - u128::from(f) * u128::from(total)
            };
            r(va, fa) == r(vb, fb)
        }
        _ => cmp_fraction(va, sa, vb, sb) == Ordering::Equal,
    }
}

#[cfg(test)]
mod tests;
