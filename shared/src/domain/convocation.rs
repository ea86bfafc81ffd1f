//! Convocation: the people a municipality may call on to staff its stations
//! (candidates), which station and role each is assigned, and the suggestion that
//! fills every station's roles. Pure: the server stores and audits, the rules are here.
//!
//! The suggestion fills, per station, the roles the election needs (`StaffingNeed`):
//! the scarcest roles first (chairs, then secretaries, then members, then
//! substitutes), each slot with a candidate who may take that role, preferring one who
//! wished for that station (by its number, id or district) and then the most
//! experienced. Nobody is assigned twice on the same day, no station gets more than
//! the maximum, and candidates on the reserve list are kept for replacing those who
//! decline. What cannot be filled is a gap.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{Jurisdiction, StaffRole};

/// A person the municipality may convoke.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    /// Stable within the election (the import's, or one it made).
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: Option<String>,
    /// Languages spoken (e.g. "nl", "en", "ar"), for stations where they help.
    pub languages: Vec<String>,
    /// Elections served before.
    pub experience: u32,
    /// The roles the person may take. Empty: member, counter or substitute; a chair
    /// or secretary must be named here.
    pub roles: Vec<StaffRole>,
    /// Stations wished for: a station's number, its id, or its district.
    pub wishes: Vec<String>,
    /// Kept in reserve: not assigned by the suggestion, called on when someone
    /// declines.
    pub reserve: bool,
}

impl Candidate {
    /// Whether the person may take `role`.
    #[must_use]
    pub fn may_take(&self, role: StaffRole) -> bool {
        if self.roles.is_empty() {
            matches!(
                role,
                StaffRole::Member | StaffRole::Counter | StaffRole::Substitute
            )
        } else {
            self.roles.contains(&role)
                // Who may chair or be a member may stand in as a substitute.
                || (role == StaffRole::Substitute && !self.roles.is_empty())
        }
    }

    /// Whether the person wished for `station` (its number, id or district).
    #[must_use]
    pub fn wishes_for(&self, station: &StationSlot) -> bool {
        self.wishes.iter().any(|wish| {
            let wish = wish.trim();
            wish == station.number.to_string()
                || wish.eq_ignore_ascii_case(&station.id)
                || station
                    .district
                    .as_deref()
                    .is_some_and(|d| wish.eq_ignore_ascii_case(d))
        })
    }
}

/// The roles each station needs filled.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingNeed {
    pub chairs: u32,
    pub secretaries: u32,
    pub members: u32,
    pub substitutes: u32,
    /// The most people assigned to one station, substitutes included.
    pub max_per_station: u32,
}

impl StaffingNeed {
    /// The usual need: in the Netherlands a chair and two members (three present to
    /// open) and a substitute; in Flanders a chair, a secretary, four assessors and a
    /// substitute (DOMAIN.md).
    #[must_use]
    pub const fn usual(jurisdiction: Jurisdiction) -> Self {
        match jurisdiction {
            Jurisdiction::Netherlands => Self {
                chairs: 1,
                secretaries: 0,
                members: 2,
                substitutes: 1,
                max_per_station: 7,
            },
            Jurisdiction::Flanders => Self {
                chairs: 1,
                secretaries: 1,
                members: 4,
                substitutes: 1,
                max_per_station: 9,
            },
        }
    }

    /// How many of `role` a station needs.
    #[must_use]
    pub const fn of(&self, role: StaffRole) -> u32 {
        match role {
            StaffRole::Chair => self.chairs,
            StaffRole::Secretary => self.secretaries,
            StaffRole::Member => self.members,
            StaffRole::Substitute => self.substitutes,
            StaffRole::Counter => 0,
        }
    }
}

/// The roles in the order the suggestion fills them: the scarcest first.
pub const FILL_ORDER: [StaffRole; 4] = [
    StaffRole::Chair,
    StaffRole::Secretary,
    StaffRole::Member,
    StaffRole::Substitute,
];

/// What the suggestion needs to know of a station.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationSlot {
    pub id: String,
    pub number: u32,
    pub district: Option<String>,
}

/// One person at one station in one role.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub candidate_id: String,
    pub station_id: String,
    pub role: StaffRole,
}

/// Where a person's convocation stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConvocationStatus {
    /// Assigned, not yet told.
    Proposed,
    /// Told (by e-mail or letter), no answer yet.
    Invited,
    Confirmed,
    Declined,
    /// No answer in the time the municipality allowed: the code no longer works and a
    /// substitute from the reserve is proposed (`kiesdag staff substitute`).
    Lapsed,
    /// Neither yes nor no: the person said when they are available (another shift,
    /// part of the day); the administrator decides. Holds the place meanwhile.
    AvailabilityStated,
}

impl ConvocationStatus {
    pub const ALL: [Self; 6] = [
        Self::Proposed,
        Self::Invited,
        Self::Confirmed,
        Self::Declined,
        Self::Lapsed,
        Self::AvailabilityStated,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Invited => "invited",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Lapsed => "lapsed",
            Self::AvailabilityStated => "availability_stated",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the person still counts for the station: everyone but who declined or
    /// did not answer in time.
    #[must_use]
    pub const fn holds_the_place(self) -> bool {
        !matches!(self, Self::Declined | Self::Lapsed)
    }
}

/// Services after which a Flemish voter may refuse a further convocation: who has sat
/// on a polling or counting station twice may refuse a third time.
pub const FLEMISH_SERVICES_BEFORE_REFUSAL: u32 = 2;

/// Whether a person who served `services` elections before may refuse this
/// convocation without giving a reason: in Flanders after two services; in the
/// Netherlands membership is voluntary and a decline always only asks why.
#[must_use]
pub const fn may_refuse_further_service(jurisdiction: Jurisdiction, services: u32) -> bool {
    matches!(jurisdiction, Jurisdiction::Flanders) && services >= FLEMISH_SERVICES_BEFORE_REFUSAL
}

/// One election a person served in (sat on a station), as the municipality keeps it
/// across elections for the Flemish rule.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub election_id: String,
    pub election_name: String,
    /// The election's day (its opening, ms since the epoch).
    pub date: i64,
    pub role: StaffRole,
    /// The station's number.
    pub station_number: u32,
}

/// A role a station still lacks.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    pub station_id: String,
    pub role: StaffRole,
    pub missing: u32,
}

/// New assignments, and what is still missing after them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suggestion {
    pub assignments: Vec<Assignment>,
    pub gaps: Vec<Gap>,
}

/// Fills what `existing` leaves open at `stations` from `candidates` (see the
/// module's description). Deterministic: the same input gives the same suggestion.
#[must_use]
pub fn suggest(
    stations: &[StationSlot],
    candidates: &[Candidate],
    existing: &[Assignment],
    need: StaffingNeed,
) -> Suggestion {
    let mut taken: BTreeSet<&str> = existing.iter().map(|a| a.candidate_id.as_str()).collect();
    let mut filled: HashMap<(&str, StaffRole), u32> = HashMap::new();
    let mut per_station: BTreeMap<&str, u32> = BTreeMap::new();
    for a in existing {
        *filled.entry((a.station_id.as_str(), a.role)).or_default() += 1;
        *per_station.entry(a.station_id.as_str()).or_default() += 1;
    }
    let mut stations: Vec<&StationSlot> = stations.iter().collect();
    stations.sort_by(|a, b| a.number.cmp(&b.number).then_with(|| a.id.cmp(&b.id)));
    // The most experienced first; the id settles ties, so the result is stable.
    let mut pool: Vec<&Candidate> = candidates.iter().filter(|c| !c.reserve).collect();
    pool.sort_by(|a, b| {
        b.experience
            .cmp(&a.experience)
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut assignments = Vec::new();
    // First those who wished for a station, each at a station they wished for; then
    // everyone else where they are needed.
    for wished_only in [true, false] {
        for role in FILL_ORDER {
            for station in &stations {
                loop {
                    let have = filled
                        .get(&(station.id.as_str(), role))
                        .copied()
                        .unwrap_or(0);
                    let total = per_station.get(station.id.as_str()).copied().unwrap_or(0);
                    if have >= need.of(role) || total >= need.max_per_station {
                        break;
                    }
                    let Some(candidate) = pool.iter().find(|c| {
                        !taken.contains(c.id.as_str())
                            && c.may_take(role)
                            && (!wished_only || c.wishes_for(station))
                    }) else {
                        break;
                    };
                    taken.insert(candidate.id.as_str());
                    *filled.entry((station.id.as_str(), role)).or_default() += 1;
                    *per_station.entry(station.id.as_str()).or_default() += 1;
                    assignments.push(Assignment {
                        candidate_id: candidate.id.clone(),
                        station_id: station.id.clone(),
                        role,
                    });
                }
            }
        }
    }

    let mut gaps = Vec::new();
    for station in &stations {
        for role in FILL_ORDER {
            let have = filled
                .get(&(station.id.as_str(), role))
                .copied()
                .unwrap_or(0);
            let missing = need.of(role).saturating_sub(have);
            if missing > 0 {
                gaps.push(Gap {
                    station_id: station.id.clone(),
                    role,
                    missing,
                });
            }
        }
    }
    Suggestion { assignments, gaps }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flanders_two_services_allow_refusing_a_third() {
        assert!(!may_refuse_further_service(Jurisdiction::Flanders, 1));
        assert!(may_refuse_further_service(Jurisdiction::Flanders, 2));
        assert!(!may_refuse_further_service(Jurisdiction::Netherlands, 5));
    }

    #[test]
    fn who_did_not_answer_in_time_holds_no_place() {
        assert!(!ConvocationStatus::Lapsed.holds_the_place());
        assert_eq!(
            ConvocationStatus::parse("lapsed"),
            Some(ConvocationStatus::Lapsed)
        );
    }

    fn station(number: u32, district: &str) -> StationSlot {
        StationSlot {
            id: format!("GM0599-{number}"),
            number,
            district: Some(district.into()),
        }
    }

    fn candidate(id: &str, experience: u32, roles: &[StaffRole], wishes: &[&str]) -> Candidate {
        Candidate {
            id: id.into(),
            name: format!("Persoon {id}"),
            email: None,
            phone: None,
            postcode: None,
            languages: Vec::new(),
            experience,
            roles: roles.to_vec(),
            wishes: wishes.iter().map(|w| (*w).to_string()).collect(),
            reserve: false,
        }
    }

    const NEED: StaffingNeed = StaffingNeed::usual(Jurisdiction::Netherlands);

    #[test]
    fn every_role_is_filled_by_someone_who_may_take_it_and_nobody_twice() {
        let stations = [station(1, "Noord"), station(2, "Zuid")];
        let mut candidates = vec![
            candidate("c1", 5, &[StaffRole::Chair], &[]),
            candidate("c2", 1, &[StaffRole::Chair], &[]),
        ];
        for n in 3..=8 {
            candidates.push(candidate(&format!("c{n}"), 0, &[], &[]));
        }
        let suggestion = suggest(&stations, &candidates, &[], NEED);
        assert!(suggestion.gaps.is_empty(), "{:?}", suggestion.gaps);
        assert_eq!(suggestion.assignments.len(), 8);
        let people: BTreeSet<&str> = suggestion
            .assignments
            .iter()
            .map(|a| a.candidate_id.as_str())
            .collect();
        assert_eq!(people.len(), 8, "nobody twice");
        for a in &suggestion.assignments {
            let c = candidates.iter().find(|c| c.id == a.candidate_id).unwrap();
            assert!(c.may_take(a.role), "{a:?}");
        }
        let chairs: Vec<&str> = suggestion
            .assignments
            .iter()
            .filter(|a| a.role == StaffRole::Chair)
            .map(|a| a.candidate_id.as_str())
            .collect();
        assert_eq!(chairs, ["c1", "c2"], "chairs from those who may chair");
    }

    #[test]
    fn wishes_come_before_experience_and_reserves_are_kept() {
        let stations = [station(1, "Noord"), station(2, "Zuid")];
        let mut wisher = candidate("w", 0, &[], &["2"]);
        wisher.experience = 0;
        let mut reserve = candidate("r", 9, &[], &[]);
        reserve.reserve = true;
        let candidates = vec![
            candidate("x", 9, &[], &[]),
            wisher,
            reserve,
            candidate("d", 0, &[], &["Noord"]),
        ];
        let suggestion = suggest(&stations, &candidates, &[], NEED);
        let at = |id: &str| {
            suggestion
                .assignments
                .iter()
                .find(|a| a.candidate_id == id)
                .map(|a| a.station_id.as_str())
        };
        assert_eq!(
            at("w"),
            Some("GM0599-2"),
            "the station wished for, by number"
        );
        assert_eq!(at("d"), Some("GM0599-1"), "the district wished for");
        assert_eq!(at("r"), None, "the reserve is kept");
        assert!(at("x").is_some());
        // No chair could be found: two chair gaps, and members short.
        assert!(suggestion.gaps.contains(&Gap {
            station_id: "GM0599-1".into(),
            role: StaffRole::Chair,
            missing: 1
        }));
    }

    #[test]
    fn what_is_assigned_counts_and_the_maximum_holds() {
        let stations = [station(1, "Noord")];
        let existing = vec![Assignment {
            candidate_id: "c1".into(),
            station_id: "GM0599-1".into(),
            role: StaffRole::Chair,
        }];
        let candidates: Vec<Candidate> = (1..=9)
            .map(|n| {
                candidate(
                    &format!("c{n}"),
                    0,
                    &[StaffRole::Chair, StaffRole::Member],
                    &[],
                )
            })
            .collect();
        let tight = StaffingNeed {
            max_per_station: 2,
            ..NEED
        };
        let suggestion = suggest(&stations, &candidates, &existing, tight);
        assert_eq!(suggestion.assignments.len(), 1, "{suggestion:?}");
        assert_ne!(
            suggestion.assignments[0].candidate_id, "c1",
            "already assigned"
        );
        assert_eq!(suggestion.assignments[0].role, StaffRole::Member);
        assert_eq!(
            suggestion.gaps,
            [
                Gap {
                    station_id: "GM0599-1".into(),
                    role: StaffRole::Member,
                    missing: 1
                },
                Gap {
                    station_id: "GM0599-1".into(),
                    role: StaffRole::Substitute,
                    missing: 1
                }
            ]
        );
    }
}
