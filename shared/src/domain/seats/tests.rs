use super::*;

fn votes(v: &[u64]) -> Vec<ListVotes> {
    (1..)
        .zip(v)
        .map(|(list, &votes)| ListVotes { list, votes })
        .collect()
}

fn seats_per_list(a: &Allocation) -> Vec<u32> {
    a.lists.iter().map(|l| l.seats).collect()
}

fn run(method: SeatMethod, seats: u32, v: &[u64]) -> Allocation {
    allocate(method, seats, &votes(v)).unwrap()
}

#[test]
fn method_follows_jurisdiction_council_and_size() {
    use CouncilKind::*;
    use Jurisdiction::*;
    assert_eq!(
        SeatMethod::for_election(Flanders, Municipal, 9),
        SeatMethod::Imperiali
    );
    assert_eq!(
        SeatMethod::for_election(Flanders, Provincial, 31),
        SeatMethod::DHondt
    );
    assert_eq!(
        SeatMethod::for_election(Flanders, District, 15),
        SeatMethod::DHondt
    );
    assert_eq!(
        SeatMethod::for_election(Netherlands, Municipal, 18),
        SeatMethod::QuotaLargestRemainders
    );
    assert_eq!(
        SeatMethod::for_election(Netherlands, Municipal, 19),
        SeatMethod::QuotaLargestAverages
    );
}

// DOMAIN.md, "Seats": the check figures.
#[test]
fn domain_check_figures_9_seats() {
    let v = [840, 432, 360, 328];
    assert_eq!(
        seats_per_list(&run(SeatMethod::Imperiali, 9, &v)),
        [5, 2, 1, 1]
    );
    assert_eq!(
        seats_per_list(&run(SeatMethod::DHondt, 9, &v)),
        [4, 2, 2, 1]
    );
}

#[test]
fn domain_check_figures_25_seats() {
    let v = [400, 300, 200, 100];
    let imperiali = run(SeatMethod::Imperiali, 25, &v);
    assert_eq!(seats_per_list(&imperiali), [11, 8, 5, 1]);
    assert_eq!(imperiali.unassigned, 0);
    assert!(imperiali.tie.is_none());
    assert_eq!(
        seats_per_list(&run(SeatMethod::DHondt, 25, &v)),
        [10, 8, 5, 2]
    );
    // Quota, full seats and largest averages give the same as D'Hondt (Kieswet P 6, P 7).
    let dutch = run(SeatMethod::QuotaLargestAverages, 25, &v);
    assert_eq!(seats_per_list(&dutch), [10, 8, 5, 2]);
    assert_eq!(dutch.quota, Some((1000, 25)));
    assert_eq!(
        dutch.lists.iter().map(|l| l.full_seats).collect::<Vec<_>>(),
        [10, 7, 5, 2]
    );
    assert_eq!(dutch.awards.len(), 1);
    assert_eq!(dutch.awards[0].seat, 25);
    assert_eq!(dutch.awards[0].list, 2);
}

#[test]
fn flemish_equal_quotients_go_to_more_votes() {
    // Imperiali, 3 seats: quotients 300/2 = 150, then 300/3 = 100 = 200/2: list 2 has
    // more votes and takes the second seat; the third goes to list 1 (100 > 75).
    let a = allocate(
        SeatMethod::Imperiali,
        3,
        &[
            ListVotes {
                list: 1,
                votes: 200,
            },
            ListVotes {
                list: 2,
                votes: 300,
            },
        ],
    )
    .unwrap();
    assert_eq!(a.seats_of(2), Some(2));
    assert_eq!(a.seats_of(1), Some(1));
    assert_eq!(
        a.awards.iter().map(|w| w.list).collect::<Vec<_>>(),
        [2, 2, 1]
    );
}

#[test]
fn flemish_tie_with_equal_votes_is_left_to_a_person() {
    let a = run(SeatMethod::DHondt, 3, &[100, 100, 50]);
    // Seats 1 and 2 go to lists 1 and 2 (both 100, two seats: no tie to decide); seat 3:
    // 100/2 = 50 = 100/2 = 50/1, and list 3 has fewer votes, so lists 1 and 2 tie.
    assert_eq!(a.unassigned, 1);
    assert_eq!(
        a.tie,
        Some(Tie {
            stage: SeatStage::HighestAverage,
            rule: TieRule::EqualVotes,
            first_seat: 3,
            seats: 1,
            lists: vec![1, 2],
        })
    );
}

#[test]
fn dutch_ties_among_as_many_lists_as_seats_need_no_lot() {
    let a = run(SeatMethod::QuotaLargestAverages, 20, &[100, 100]);
    assert_eq!(seats_per_list(&a), [10, 10]);
    let a = run(SeatMethod::QuotaLargestAverages, 21, &[100, 100]);
    assert_eq!(a.unassigned, 1);
    assert_eq!(
        a.tie,
        Some(Tie {
            stage: SeatStage::LargestAverage,
            rule: TieRule::DrawingOfLots,
            first_seat: 21,
            seats: 1,
            lists: vec![1, 2],
        })
    );
}

// Kieswet P 8: only lists with at least 75 % of the quota take part in the largest
// remainders. 5 seats, quota 200, threshold 150: list 1 has 4 full seats and no
// remainder, lists 2 to 4 larger remainders but fewer than 150 votes.
#[test]
fn remainder_seats_need_three_quarters_of_the_quota() {
    let a = run(SeatMethod::QuotaLargestRemainders, 5, &[800, 90, 60, 50]);
    assert_eq!(seats_per_list(&a), [5, 0, 0, 0]);
    assert_eq!(a.awards[0].stage, SeatStage::LargestRemainder);
    // At exactly 75 % the list takes part: 150 of 1000 for 5 seats.
    let a = run(SeatMethod::QuotaLargestRemainders, 5, &[800, 150, 50]);
    assert_eq!(seats_per_list(&a), [4, 1, 0]);
    // One vote fewer and it does not (149 * 4 * 5 < 3 * 999).
    let a = run(SeatMethod::QuotaLargestRemainders, 5, &[800, 149, 50]);
    assert_eq!(seats_per_list(&a), [5, 0, 0]);
}

// Kieswet P 8: one residual seat per list by largest remainder; the seats left go by
// largest averages, at most one per list. 10 seats, quota 100, threshold 75: only list 1
// qualifies (6 full seats, remainder 40) and takes the first residual seat; by averages
// list 1 (640 / 8 = 80) then lists 2 and 3 (70 each; list 1 may not have a second one,
// though its 640 / 9 = 71.1 is larger).
#[test]
fn one_remainder_seat_per_list_then_one_average_seat_per_list() {
    let a = run(
        SeatMethod::QuotaLargestRemainders,
        10,
        &[640, 70, 70, 60, 60, 50, 50],
    );
    assert_eq!(seats_per_list(&a), [8, 1, 1, 0, 0, 0, 0]);
    assert_eq!(
        a.awards
            .iter()
            .map(|w| (w.seat, w.list, w.stage))
            .collect::<Vec<_>>(),
        [
            (7, 1, SeatStage::LargestRemainder),
            (8, 1, SeatStage::LargestAverage),
            (9, 2, SeatStage::LargestAverage),
            (10, 3, SeatStage::LargestAverage),
        ]
    );
    // Largest averages alone (19 seats or more) would give list 1 the ninth seat.
    let dhondt = run(SeatMethod::DHondt, 10, &[640, 70, 70, 60, 60, 50, 50]);
    assert_eq!(dhondt.seats_of(1), Some(9));
}

#[test]
fn lot_for_more_tied_lists_than_seats_left() {
    let a = run(
        SeatMethod::QuotaLargestRemainders,
        10,
        &[640, 60, 60, 60, 60, 60, 60],
    );
    assert_eq!(seats_per_list(&a), [8, 0, 0, 0, 0, 0, 0]);
    assert_eq!(a.unassigned, 2);
    assert_eq!(
        a.tie,
        Some(Tie {
            stage: SeatStage::LargestAverage,
            rule: TieRule::DrawingOfLots,
            first_seat: 9,
            seats: 2,
            lists: vec![2, 3, 4, 5, 6, 7],
        })
    );
}

#[test]
fn lot_for_equal_remainders() {
    // 3 seats, quota 100: lists 1 and 2 both have remainder 50 for the one residual seat.
    let a = run(SeatMethod::QuotaLargestRemainders, 3, &[150, 150]);
    assert_eq!(seats_per_list(&a), [1, 1]);
    let tie = a.tie.unwrap();
    assert_eq!(tie.stage, SeatStage::LargestRemainder);
    assert_eq!(tie.lists, [1, 2]);
    assert_eq!((tie.first_seat, tie.seats), (3, 1));
}

// Kieswet P 9. 9 seats, quota 111 1/9: list 1 has 502 of 1000 votes, 4 full seats and the
// smallest remainder; the residual seats go to lists 3 and 2, so list 1 would have 4 of 9.
// It takes the seat last given, list 2's.
#[test]
fn absolute_majority_of_votes_gets_a_majority_of_seats() {
    let a = run(SeatMethod::QuotaLargestRemainders, 9, &[502, 300, 198]);
    assert_eq!(seats_per_list(&a), [5, 2, 2]);
    let last = a.awards.last().unwrap();
    assert_eq!(last.stage, SeatStage::AbsoluteMajority);
    assert_eq!((last.list, last.taken_from, last.seat), (1, Some(2), 9));
    // Exactly half of the votes is not more than half: no transfer.
    let a = run(SeatMethod::QuotaLargestRemainders, 9, &[500, 302, 198]);
    assert_eq!(seats_per_list(&a), [4, 3, 2]);
}

#[test]
fn absolute_majority_in_a_large_council() {
    // 20 seats, quota 50: full seats 10, 4, 5; largest averages give the one residual seat
    // to list 2 (249/5 = 49.8 > 501/11 and 250/6), leaving list 1, with 501 of 1000 votes,
    // 10 of 20 seats. It takes list 2's residual seat.
    let a = run(SeatMethod::QuotaLargestAverages, 20, &[501, 249, 250]);
    assert_eq!(
        a.lists.iter().map(|l| l.full_seats).collect::<Vec<_>>(),
        [10, 4, 5]
    );
    assert_eq!(seats_per_list(&a), [11, 4, 5]);
    let last = a.awards.last().unwrap();
    assert_eq!(
        (last.stage, last.taken_from),
        (SeatStage::AbsoluteMajority, Some(2))
    );
}

#[test]
fn no_votes_no_seats_and_bad_input_is_refused() {
    let a = run(SeatMethod::QuotaLargestRemainders, 9, &[0, 0]);
    assert_eq!(a.unassigned, 9);
    assert_eq!(seats_per_list(&a), [0, 0]);
    let a = run(SeatMethod::DHondt, 2, &[10, 0]);
    assert_eq!(seats_per_list(&a), [2, 0]);
    assert_eq!(
        allocate(SeatMethod::DHondt, 0, &votes(&[1])),
        Err(SeatError::NoSeats)
    );
    assert_eq!(
        allocate(
            SeatMethod::DHondt,
            1,
            &[
                ListVotes { list: 3, votes: 1 },
                ListVotes { list: 3, votes: 2 }
            ]
        ),
        Err(SeatError::DuplicateList(3))
    );
    assert_eq!(
        allocate(SeatMethod::DHondt, 1, &votes(&[u64::MAX, 1])),
        Err(SeatError::Overflow)
    );
}

#[test]
fn huge_totals_stay_exact() {
    let a = run(
        SeatMethod::QuotaLargestRemainders,
        17,
        &[u64::MAX / 4, u64::MAX / 4 - 1, u64::MAX / 8],
    );
    assert_eq!(a.seats - a.unassigned, 17);
}

/// The 2018 council elections of Vlieland and Schiermonnikoog (9 seats each), from
/// `data/nl_GR2018_seats_small_councils.csv`; sources per row in the file:
/// <https://www.omropfryslan.nl/nieuws/799853-schiermonnikoog-wint-strijd-om-eerste-verkiezingsuitslag>
/// (votes; Vlieland's seats) and
/// <https://rtvnof.nl/amelandeen-wint-op-ameland-ons-belang-grootste-op-schiermonnikoog/559948>
/// (Schiermonnikoog's 2018 seats, from each party's change in 2022).
/// In both, D'Hondt would give a different result.
#[test]
fn real_small_dutch_councils_gr2018() {
    let csv = include_str!("../../../../data/nl_GR2018_seats_small_councils.csv");
    let mut by_municipality: Vec<(String, u32, Vec<ListVotes>, Vec<u32>)> = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (name, council, list, votes, seats) = (
            f[0].to_owned(),
            f[2].parse::<u32>().unwrap(),
            f[3].parse::<u32>().unwrap(),
            f[5].parse::<u64>().unwrap(),
            f[6].parse::<u32>().unwrap(),
        );
        if by_municipality.last().is_none_or(|m| m.0 != name) {
            by_municipality.push((name, council, Vec::new(), Vec::new()));
        }
        let m = by_municipality.last_mut().unwrap();
        m.2.push(ListVotes { list, votes });
        m.3.push(seats);
    }
    assert_eq!(by_municipality.len(), 2);
    for (name, council, lists, official) in by_municipality {
        let method =
            SeatMethod::for_election(Jurisdiction::Netherlands, CouncilKind::Municipal, council);
        assert_eq!(method, SeatMethod::QuotaLargestRemainders);
        let a = allocate(method, council, &lists).unwrap();
        assert_eq!(seats_per_list(&a), official, "{name}");
        assert!(a.tie.is_none());
        let dhondt = allocate(SeatMethod::DHondt, council, &lists).unwrap();
        assert_ne!(seats_per_list(&dhondt), official, "{name}");
    }
}

// Properties: every seat is given or left to a tie; no list loses seats when the council
// grows for the Flemish methods (house monotonicity of divisor methods).
mod properties {
    use proptest::prelude::*;

    use super::*;

    const METHODS: [SeatMethod; 4] = [
        SeatMethod::Imperiali,
        SeatMethod::DHondt,
        SeatMethod::QuotaLargestAverages,
        SeatMethod::QuotaLargestRemainders,
    ];

    proptest! {
        #[test]
        fn all_seats_accounted_for(
            v in proptest::collection::vec(0_u64..5000, 1..10),
            seats in 1_u32..60,
            m in 0_usize..4,
        ) {
            let a = allocate(METHODS[m], seats, &votes(&v)).unwrap();
            let given: u32 = a.lists.iter().map(|l| l.seats).sum();
            prop_assert_eq!(given + a.unassigned, seats);
            if a.total_votes > 0 && a.tie.is_none() {
                prop_assert_eq!(a.unassigned, 0);
            }
            if let Some(t) = &a.tie {
                prop_assert!(t.lists.len() > t.seats as usize || t.stage == SeatStage::AbsoluteMajority);
            }
            for l in &a.lists {
                prop_assert!(l.votes > 0 || l.seats == 0);
            }
            // Fewer residual seats than lists with votes: P 8's round of one average
            // seat per list never runs out.
            let voted = a.lists.iter().filter(|l| l.votes > 0).count();
            let residual = a.awards.iter().filter(|w| w.stage != SeatStage::AbsoluteMajority).count();
            if METHODS[m] == SeatMethod::QuotaLargestRemainders || METHODS[m] == SeatMethod::QuotaLargestAverages {
                prop_assert!(residual < voted.max(1));
            }
        }

        #[test]
        fn divisor_methods_are_house_monotone(
            v in proptest::collection::vec(1_u64..5000, 1..8),
            seats in 1_u32..40,
            m in 0_usize..2,
        ) {
            let a = allocate(METHODS[m], seats, &votes(&v)).unwrap();
            let b = allocate(METHODS[m], seats + 1, &votes(&v)).unwrap();
            if a.tie.is_none() && b.tie.is_none() {
                for (x, y) in a.lists.iter().zip(&b.lists) {
                    prop_assert!(y.seats >= x.seats);
                }
            }
        }
    }
}
