//! What each rule says to a person, in Dutch and English, keyed by rule.

use facet::Facet;
use serde::{Deserialize, Serialize};

use super::Rule;

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum Language {
    #[default]
    Dutch,
    English,
}

#[must_use]
pub const fn message(rule: Rule, language: Language) -> &'static str {
    let (nl, en) = texts(rule);
    match language {
        Language::Dutch => nl,
        Language::English => en,
    }
}

const fn texts(rule: Rule) -> (&'static str, &'static str) {
    match rule {
        Rule::ResultAdmittedVotersSum => (
            "Stempassen + volmachtbewijzen + kiezerspassen (A+B+C) is niet gelijk aan het aantal toegelaten kiezers (D).",
            "Poll cards + proxy certificates + voter cards (A+B+C) do not add up to admitted voters (D).",
        ),
        Rule::ResultListTotalsSum => (
            "De lijsttotalen tellen niet op tot het aantal stemmen op kandidaten (E).",
            "The list totals do not add up to the votes for candidates (E).",
        ),
        Rule::ResultVotesCastSum => (
            "Stemmen op kandidaten + blanco + ongeldig (E+F+G) is niet gelijk aan het aantal uitgebrachte stemmen (H).",
            "Votes for candidates + blank + invalid (E+F+G) do not add up to votes cast (H).",
        ),
        Rule::ResultMoreCounted => (
            "Er zijn meer stembiljetten geteld dan kiezers toegelaten: vul bij I het verschil H − D in en laat J leeg.",
            "More ballots counted than voters admitted: enter the difference H − D at I and leave J empty.",
        ),
        Rule::ResultFewerCounted => (
            "Er zijn minder stembiljetten geteld dan kiezers toegelaten: vul bij J het verschil D − H in en laat I leeg.",
            "Fewer ballots counted than voters admitted: enter the difference D − H at J and leave I empty.",
        ),
        Rule::ResultNoDifference => (
            "Geteld en toegelaten zijn gelijk: laat I en J leeg.",
            "Ballots counted equal voters admitted: leave I and J empty.",
        ),
        Rule::ResultUnknownList => (
            "Een lijstnummer staat niet op het stembiljet of komt twee keer voor.",
            "A list number is not on the ballot or appears twice.",
        ),
        Rule::ResultAboveAssignedVoters => (
            "Meer kiezers dan aan dit stembureau toegewezen.",
            "More voters than assigned to this station.",
        ),
        Rule::ResultManyBlankVotes => (
            "Het aantal blanco stemmen is 3% of meer van de uitgebrachte stemmen. Controleer het.",
            "Blank votes are 3% or more of votes cast. Please check.",
        ),
        Rule::ResultManyInvalidVotes => (
            "Het aantal ongeldige stemmen is 3% of meer van de uitgebrachte stemmen. Controleer het.",
            "Invalid votes are 3% or more of votes cast. Please check.",
        ),
        Rule::ResultLargeDifference => (
            "Het verschil tussen toegelaten kiezers en getelde stembiljetten is groot (2% of meer, of 15 of meer). Controleer het.",
            "The difference between admitted voters and ballots counted is large (2% or more, or 15 or more). Please check.",
        ),
        Rule::ResultNoVotesCast => (
            "Er zijn geen stemmen uitgebracht. Klopt dat?",
            "No votes were cast. Is that right?",
        ),
        Rule::ResultAboveExpectedVoters => (
            "Meer kiezers dan verwacht voor dit stembureau. Controleer het.",
            "More voters than expected for this station. Please check.",
        ),
        Rule::ResultVotersEqualVotes => (
            "De kiezersaantallen zijn cijfer voor cijfer gelijk aan de stemaantallen. Is er per ongeluk twee keer hetzelfde ingevuld?",
            "The voter figures equal the vote figures one by one. Were the same numbers entered twice by mistake?",
        ),
        Rule::ResultExplanationMissing => (
            "Geef een verklaring voor het verschil tussen toegelaten kiezers en getelde stembiljetten.",
            "Explain the difference between admitted voters and ballots counted.",
        ),
        Rule::CountingOfficeSameAsOther => (
            "Dubbele ingave van eenzelfde telbureau? De uitslag is cijfer voor cijfer gelijk aan die van een ander telbureau.",
            "Double entry of the same counting office? The result equals another counting office's figure by figure.",
        ),
        Rule::TurnoutDecrease => (
            "De opkomst is lager dan de vorige melding. Meld dit als correctie met een reden.",
            "Turnout is lower than the previous report. Send it as a correction with a reason.",
        ),
        Rule::TurnoutAboveAssignedVoters => (
            "De opkomst is hoger dan het aantal toegewezen kiezers.",
            "Turnout is higher than the number of assigned voters.",
        ),
        Rule::TurnoutAboveExpectedVoters => (
            "De opkomst is hoger dan het verwachte aantal kiezers. Controleer het.",
            "Turnout is higher than the expected number of voters. Please check.",
        ),
        Rule::TurnoutUnknownMoment => (
            "Dit is geen opkomstmoment van deze verkiezing.",
            "This is not a turnout moment of this election.",
        ),
        Rule::StockRemainingAboveReceived => (
            "Er kunnen niet meer stembiljetten over zijn dan er ontvangen zijn.",
            "Remaining ballots cannot exceed ballots received.",
        ),
        Rule::ResupplyQuantityZero => (
            "Vul in hoeveel stembiljetten nodig zijn.",
            "Enter how many ballots are needed.",
        ),
        Rule::QueueMinutesOutOfRange => (
            "Zo lang wachten kiezers niet: geef een wachttijd van hooguit 300 minuten.",
            "Voters do not wait that long: give a wait of at most 300 minutes.",
        ),
        Rule::OpeningTooFewMembers => (
            "Er zijn te weinig leden aanwezig om het stembureau te openen.",
            "Too few members are present to open the station.",
        ),
        Rule::OpeningChecklistIncomplete => (
            "Rond eerst de hele openingschecklist af.",
            "Complete the whole opening checklist first.",
        ),
        Rule::OpeningTooEarly => (
            "Het stembureau mag nog niet open.",
            "The station may not open yet.",
        ),
        Rule::ClosingBeforeTime => (
            "Het is nog geen sluitingstijd. Weet u zeker dat het stembureau sluit?",
            "It is not closing time yet. Are you sure the station is closing?",
        ),
        Rule::ClosingChecklistIncomplete => (
            "Rond eerst de hele sluitingschecklist af.",
            "Complete the whole closing checklist first.",
        ),
        Rule::CountOutOfRange => (
            "Dit aantal is groter dan een stembureau kan hebben.",
            "This number is larger than any station can have.",
        ),
        Rule::TextMissing => ("Vul dit veld in.", "Fill in this field."),
        Rule::TextTooLong => ("Deze tekst is te lang.", "This text is too long."),
        Rule::NameTooLong => (
            "Deze naam is te lang (hoogstens 100 tekens).",
            "This name is too long (100 characters at most).",
        ),
        Rule::TooManyItems => (
            "Deze lijst heeft meer regels dan toegestaan.",
            "This list has more entries than allowed.",
        ),
        Rule::IdTooLong => ("Deze code is te lang.", "This identifier is too long."),
        Rule::TooManyMembers => (
            "Er kunnen niet meer dan 40 leden tegelijk aanwezig zijn.",
            "No more than 40 members can be present at once.",
        ),
        Rule::TooManyIncidents => (
            "Dit stembureau heeft het grootste aantal meldingen voor vandaag bereikt. Bel de regiekamer.",
            "This station has reached the largest number of incidents for the day. Call the control room.",
        ),
        Rule::TooManyMessages => (
            "Deze melding heeft het grootste aantal berichten bereikt. Bel de regiekamer.",
            "This incident has reached the largest number of messages. Call the control room.",
        ),
        Rule::RecordedAtImplausible => (
            "De tijd van deze melding klopt niet: de klok van het apparaat staat verkeerd of de melding valt buiten de verkiezingsdag.",
            "The time of this report is not plausible: the device's clock is wrong or the report falls outside the election day.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_speaks_dutch_and_english() {
        for rule in Rule::ALL {
            let (nl, en) = texts(rule);
            assert!(!nl.is_empty() && !en.is_empty(), "{rule:?}");
            assert_ne!(nl, en, "{rule:?} is not translated");
        }
    }

    /// The texts that name a limit name the one in force.
    #[test]
    fn limits_in_texts_match_the_constants() {
        use crate::validation::{MAX_MEMBERS_PRESENT, MAX_NAME_CHARS};
        for language in [Language::Dutch, Language::English] {
            assert!(message(Rule::NameTooLong, language).contains(&MAX_NAME_CHARS.to_string()));
            assert!(
                message(Rule::TooManyMembers, language).contains(&MAX_MEMBERS_PRESENT.to_string())
            );
        }
    }
}
