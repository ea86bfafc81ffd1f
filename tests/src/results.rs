//! Provisional results that satisfy the official arithmetic, for simulated counts.

use shared::domain::{ListVotes, ProvisionalResult, VotersCounts, VotesCounts};

/// A result for `admitted` voters, votes shared over the lists in proportion to
/// `weights` (list 1 first), with `voter_cards` of the admitted voters on voter cards
/// (capped so that the counts stay consistent). Every sum in the official check
/// holds: poll cards + proxies + voter cards = admitted = votes cast, and the lists'
/// votes add up to the votes for candidates.
#[must_use]
pub fn consistent_result(admitted: u32, weights: &[u32], voter_cards: u32) -> ProvisionalResult {
    let proxies = admitted / 20;
    let cards = voter_cards.min(admitted - proxies);
    let blank = admitted / 150;
    let invalid = admitted / 300;
    let for_lists = admitted - blank - invalid;
    let total_weight = weights.iter().sum::<u32>().max(1);
    let mut list_votes: Vec<ListVotes> = weights
        .iter()
        .zip(1..)
        .map(|(w, number)| ListVotes {
            list_number: number,
            votes: u32::try_from(u64::from(for_lists) * u64::from(*w) / u64::from(total_weight))
                .unwrap_or(0),
        })
        .collect();
    let assigned: u32 = list_votes.iter().map(|l| l.votes).sum();
    if let Some(first) = list_votes.first_mut() {
        first.votes += for_lists - assigned;
    }
    ProvisionalResult {
        voters: VotersCounts {
            poll_cards: admitted - proxies - cards,
            proxy_certificates: proxies,
            voter_cards: cards,
            admitted_voters: admitted,
        },
        votes: VotesCounts {
            list_votes,
            votes_for_candidates: for_lists,
            blank_votes: blank,
            invalid_votes: invalid,
            votes_cast: admitted,
        },
        more_ballots_counted: 0,
        fewer_ballots_counted: 0,
        explanation: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_results_satisfy_the_arithmetic() {
        let weights = [27, 13, 11, 9, 9, 8, 5, 4, 4, 3, 3, 4];
        for (admitted, cards) in [(0, 3), (1, 4), (17, 0), (480, 2), (1_313, 1)] {
            let r = consistent_result(admitted, &weights, cards);
            let v = &r.voters;
            assert_eq!(
                v.poll_cards + v.proxy_certificates + v.voter_cards,
                v.admitted_voters
            );
            assert_eq!(
                r.votes.list_votes.iter().map(|l| l.votes).sum::<u32>(),
                r.votes.votes_for_candidates
            );
            assert_eq!(
                r.votes.votes_for_candidates + r.votes.blank_votes + r.votes.invalid_votes,
                r.votes.votes_cast
            );
            assert_eq!(r.votes.votes_cast, admitted);
        }
    }
}
