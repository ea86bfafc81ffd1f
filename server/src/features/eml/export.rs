//! The provisional count of one municipality as an EML_NL count of a municipality
//! (510b): one reporting unit per station with its votes per list, its blank and
//! invalid votes and its voters (admitted, by poll card, proxy and voter card, and its
//! eligible voters from the strength list), and the municipality's total. Built with
//! the Kiesraad's library, so that its validator and eml2csv take it.
//!
//! The provisional count has totals per list only: the count carries no votes per
//! candidate (the central count of the next day has them).

use std::num::NonZeroU64;

use chrono::{DateTime, Utc};
use eml_nl::{
    EMLError,
    common::{
        AuthorityIdentifier, ContestIdentifier, ManagingAuthority, ReportingUnitIdentifier,
        TransactionId,
    },
    documents::election_count::{
        AffiliationSelection, CountType, ElectionCount, ElectionCountContest,
        ElectionCountSelection, RejectedVotesReason, ReportingUnitVotes, UncountedVotesReason,
    },
    io::EMLWrite as _,
    utils::{AffiliationId, AuthorityId, ReportingUnitIdentifierId},
};
use shared::domain::{CandidateList, Election, ProvisionalResult};
use thiserror::Error;

use super::identity::{Identity, municipality_number};
use crate::features::reporting::results;
use crate::store::stations::StationRecord;

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("{0} is not a Dutch municipality's CBS code (GM and four digits)")]
    Municipality(String),
    #[error("no station of {municipality} has a provisional result yet")]
    NoResults { municipality: String },
    #[error(
        "{} of {stations} stations have no provisional result yet ({}); export with --partial to leave them out",
        .missing.len(),
        .missing.join(", ")
    )]
    Incomplete {
        stations: usize,
        missing: Vec<String>,
    },
    #[error("station {station} has votes for list {list}, which election {election} does not have")]
    UnknownList {
        station: String,
        list: u32,
        election: String,
    },
    #[error("the EML_NL library does not take the count: {0}")]
    Eml(#[from] EMLError),
}

/// What to export.
pub struct Count<'a> {
    pub election: &'a Election,
    /// The EML election: the one imported (`store::eml`) or `Identity::derived`.
    pub identity: &'a Identity,
    /// "GM0106".
    pub municipality_code: &'a str,
    pub municipality_name: &'a str,
    /// The municipality's stations in the election.
    pub stations: &'a [StationRecord],
    /// Leave out the stations without a provisional result (else they are an error).
    pub partial: bool,
    pub created_at: DateTime<Utc>,
}

/// An exported count.
#[derive(Debug, Clone)]
pub struct Exported {
    pub xml: String,
    /// The Kiesraad's name for it: "Telling_GR2026_Assen.eml.xml".
    pub file_name: String,
    /// Stations in the count.
    pub stations: usize,
    /// Stations left out for want of a result (`partial`).
    pub left_out: Vec<String>,
    /// Stations in the count without a number of voters (their eligible voters are 0).
    pub without_voters: Vec<String>,
}

/// A Dutch postcode, "9401JW" or "9401 jw", as the count's reporting units write it,
/// "9401 JW"; anything else as it is.
fn postcode(raw: &str) -> String {
    let compact: Vec<char> = raw.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.as_slice() {
        [digits @ .., a, b]
            if digits.len() == 4
                && digits.iter().all(char::is_ascii_digit)
                && a.is_ascii_alphabetic()
                && b.is_ascii_alphabetic() =>
        {
            let digits: String = digits.iter().collect();
            format!(
                "{digits} {}{}",
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase()
            )
        }
        _ => raw.trim().to_owned(),
    }
}

/// The reporting unit's name as the Kiesraad's software writes it: "Stembureau
/// <name> (postcode: 9401 JW)".
fn unit_name(record: &StationRecord) -> String {
    let station = &record.station;
    let code = postcode(&station.location.postcode);
    if code.is_empty() {
        format!("Stembureau {}", station.name)
    } else {
        format!("Stembureau {} (postcode: {code})", station.name)
    }
}

fn affiliation(list: &CandidateList, votes: u64) -> Result<ElectionCountSelection, EMLError> {
    let id = NonZeroU64::new(u64::from(list.number))
        .map(AffiliationId::new)
        .ok_or_else(|| {
            EMLError::value_conversion(std::io::Error::other(format!(
                "list number {} is not positive",
                list.number
            )))
        })?;
    ElectionCountSelection::builder()
        .affiliation(AffiliationSelection::new(id, list.name.as_str()))
        .valid_votes(votes)
        .build()
}

fn unit(
    number: &str,
    record: &StationRecord,
    result: &ProvisionalResult,
    lists: &[CandidateList],
    voter_cards: bool,
) -> Result<ReportingUnitVotes, EMLError> {
    let id = ReportingUnitIdentifierId::new(format!("{number}::SB{}", record.station.number))?;
    let mut builder = ReportingUnitVotes::builder()
        .identifier(ReportingUnitIdentifier::new(id, unit_name(record)))
        .eligible_voter_count(u64::from(record.station.expected_voters.unwrap_or(0)))
        .candidate_votes_count(u64::from(result.votes.votes_for_candidates))
        .rejected_votes(RejectedVotesReason::Blank, result.votes.blank_votes)
        .rejected_votes(RejectedVotesReason::Invalid, result.votes.invalid_votes)
        .uncounted_votes(
            UncountedVotesReason::ValidPollCards,
            result.voters.poll_cards,
        )
        .uncounted_votes(
            UncountedVotesReason::ValidProxyCertificates,
            result.voters.proxy_certificates,
        )
        .uncounted_votes(
            UncountedVotesReason::AdmittedVoters,
            result.voters.admitted_voters,
        )
        .uncounted_votes(
            UncountedVotesReason::MoreBallotsCounted,
            result.more_ballots_counted,
        )
        .uncounted_votes(
            UncountedVotesReason::FewerBallotsCounted,
            result.fewer_ballots_counted,
        );
    if voter_cards {
        builder = builder.uncounted_votes(
            UncountedVotesReason::ValidVoterCards,
            result.voters.voter_cards,
        );
    }
    for list in lists {
        let votes = result
            .votes
            .list_votes
            .iter()
            .filter(|v| v.list_number == list.number)
            .map(|v| u64::from(v.votes))
            .sum();
        builder = builder.push_selection(affiliation(list, votes)?);
    }
    builder.build()
}

/// The municipality's provisional count as a 510b.
///
/// # Errors
/// A code that is not a Dutch municipality's, no result at all, stations without a
/// result (unless `partial`), votes for a list the election does not have, or a value
/// the library does not take.
pub fn count(input: &Count<'_>) -> Result<Exported, ExportError> {
    let number = municipality_number(input.municipality_code)
        .ok_or_else(|| ExportError::Municipality(input.municipality_code.to_owned()))?;
    let mut stations: Vec<&StationRecord> = input.stations.iter().collect();
    stations.sort_by_key(|r| r.station.number);
    let (with, without): (Vec<&StationRecord>, Vec<&StationRecord>) =
        stations.into_iter().partition(|r| r.day.result.is_some());
    let left_out: Vec<String> = without.iter().map(|r| r.station.id.clone()).collect();
    if with.is_empty() {
        return Err(ExportError::NoResults {
            municipality: input.municipality_code.to_owned(),
        });
    }
    if !left_out.is_empty() && !input.partial {
        return Err(ExportError::Incomplete {
            stations: input.stations.len(),
            missing: left_out,
        });
    }
    let lists = &input.election.lists;
    for record in &with {
        for votes in record.day.result.iter().flat_map(|r| &r.votes.list_votes) {
            if votes.votes > 0 && !lists.iter().any(|l| l.number == votes.list_number) {
                return Err(ExportError::UnknownList {
                    station: record.station.id.clone(),
                    list: votes.list_number,
                    election: input.election.id.clone(),
                });
            }
        }
    }
    // Voter cards are not used in municipal elections: their row only where one is.
    let voter_cards = input.identity.category != "GR"
        || with.iter().any(|r| {
            r.day
                .result
                .as_ref()
                .is_some_and(|r| r.voters.voter_cards > 0)
        });
    let mut units = Vec::with_capacity(with.len());
    for record in &with {
        if let Some(result) = &record.day.result {
            units.push(unit(number, record, result, lists, voter_cards)?);
        }
    }
    let included: Vec<StationRecord> = with.iter().map(|r| (*r).clone()).collect();
    let totals = results::total(&included);
    let eligible: u64 = with
        .iter()
        .map(|r| u64::from(r.station.expected_voters.unwrap_or(0)))
        .sum();
    let mut contest = ElectionCountContest::builder()
        .identifier(ContestIdentifier::geen())
        .total_eligible_voter_count(eligible)
        .total_candidate_votes_count(totals.votes_for_candidates)
        .total_rejected_votes(RejectedVotesReason::Blank, totals.blank_votes)
        .total_rejected_votes(RejectedVotesReason::Invalid, totals.invalid_votes)
        .total_uncounted_votes(UncountedVotesReason::ValidPollCards, totals.poll_cards)
        .total_uncounted_votes(
            UncountedVotesReason::ValidProxyCertificates,
            totals.proxy_certificates,
        )
        .total_uncounted_votes(UncountedVotesReason::AdmittedVoters, totals.admitted_voters)
        .total_uncounted_votes(
            UncountedVotesReason::MoreBallotsCounted,
            totals.more_ballots_counted,
        )
        .total_uncounted_votes(
            UncountedVotesReason::FewerBallotsCounted,
            totals.fewer_ballots_counted,
        );
    if voter_cards {
        contest = contest
            .total_uncounted_votes(UncountedVotesReason::ValidVoterCards, totals.voter_cards);
    }
    for list in lists {
        let votes = totals.list_votes.get(&list.number).copied().unwrap_or(0);
        contest = contest.push_total_votes_selection(affiliation(list, votes)?);
    }
    let contest = contest.reporting_unit_votes(units).build()?;
    let document = ElectionCount::builder()
        .count_type(CountType::Municipal)
        .transaction_id(TransactionId::new(1))
        .managing_authority(ManagingAuthority::new(
            AuthorityIdentifier::new(AuthorityId::new(number)?).with_name(input.municipality_name),
        ))
        .creation_date_time(input.created_at)
        .election_identifier(input.identity.for_count()?)
        .contests([contest])
        .build()?;
    Ok(Exported {
        xml: document.write_eml_root_str(true, true)?,
        file_name: format!("Telling_{}.eml.xml", input.identity.id),
        stations: with.len(),
        left_out: without.iter().map(|r| r.station.id.clone()).collect(),
        without_voters: with
            .iter()
            .filter(|r| r.station.expected_voters.is_none())
            .map(|r| r.station.id.clone())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use eml_nl::io::{EMLParsingMode, EMLRead as _};
    use shared::domain::{Jurisdiction, StationDay};
    use shared::fixtures;

    use super::*;

    fn record(number: u32, result: Option<ProvisionalResult>) -> StationRecord {
        StationRecord {
            election_id: "GR2026".into(),
            station: fixtures::station("GM0599", number),
            day: StationDay {
                result,
                ..StationDay::default()
            },
            last_event_seq: 0,
            last_seen_at: None,
        }
    }

    fn export(stations: &[StationRecord], partial: bool) -> Result<Exported, ExportError> {
        let election = fixtures::election(Jurisdiction::Netherlands, 3);
        let identity = Identity::derived(&election, "GM0599", "Rotterdam").unwrap();
        count(&Count {
            election: &election,
            identity: &identity,
            municipality_code: "GM0599",
            municipality_name: "Rotterdam",
            stations,
            partial,
            created_at: DateTime::from_timestamp(1_773_800_000, 0).unwrap(),
        })
    }

    #[test]
    fn the_count_reads_back_strictly_with_every_station_and_the_total() {
        let stations = [
            record(
                2,
                Some(fixtures::result((900, 80, 0), &[500, 300, 150], 20, 10)),
            ),
            record(1, Some(fixtures::result((100, 0, 0), &[50, 30, 19], 1, 0))),
        ];
        let exported = export(&stations, false).unwrap();
        assert_eq!(exported.file_name, "Telling_GR2026_Rotterdam.eml.xml");
        assert_eq!(exported.stations, 2);
        let (read, warnings) = ElectionCount::parse_eml(&exported.xml, EMLParsingMode::Strict)
            .ok_with_errors()
            .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let contest = &read.count.election.contests[0];
        let units: Vec<String> = contest
            .reporting_unit_votes
            .iter()
            .map(|u| format!("{} {}", u.identifier.id.raw(), u.identifier.name))
            .collect();
        assert_eq!(
            units,
            [
                "0599::SB1 Stembureau Stembureau 1 (postcode: 3011 AA)",
                "0599::SB2 Stembureau Stembureau 2 (postcode: 3011 AA)"
            ]
        );
        let total = contest.total_votes.as_ref().unwrap();
        assert_eq!(total.candidate_votes_count.copied_value().unwrap(), 1049);
        assert_eq!(total.eligible_voter_count.copied_value().unwrap(), 4000);
        assert_eq!(total.blank_votes().unwrap().copied_value().unwrap(), 21);
        assert_eq!(
            total
                .find_affiliation_valid_votes(AffiliationId::from_u64(1).unwrap())
                .unwrap(),
            550
        );
        // A municipal election has no voter cards: no row for them.
        assert!(!exported.xml.contains("geldige kiezerspassen"));
    }

    #[test]
    fn stations_without_a_result_are_refused_unless_partial() {
        let stations = [
            record(1, Some(fixtures::result((100, 0, 0), &[50, 30, 20], 0, 0))),
            record(2, None),
        ];
        let refused = export(&stations, false).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "1 of 2 stations have no provisional result yet (GM0599-2); export with --partial to leave them out"
        );
        let partial = export(&stations, true).unwrap();
        assert_eq!(
            (partial.stations, partial.left_out.as_slice()),
            (1, &["GM0599-2".to_owned()][..])
        );
        assert!(matches!(
            export(&[record(1, None)], true),
            Err(ExportError::NoResults { .. })
        ));
    }

    #[test]
    fn votes_for_a_list_the_election_lacks_are_refused() {
        let stations = [record(
            1,
            Some(fixtures::result((100, 0, 0), &[50, 30, 10, 10], 0, 0)),
        )];
        assert_eq!(
            export(&stations, false).unwrap_err().to_string(),
            "station GM0599-1 has votes for list 4, which election GR2026 does not have"
        );
    }

    #[test]
    fn postcodes_are_written_as_the_count_writes_them() {
        assert_eq!(postcode("9401JW"), "9401 JW");
        assert_eq!(postcode(" 9401 jw "), "9401 JW");
        assert_eq!(postcode(""), "");
        assert_eq!(postcode("B-9000"), "B-9000");
    }
}
