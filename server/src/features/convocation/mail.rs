//! Convocations by e-mail: one message per invited person with an address, in Dutch,
//! naming their station, its address, the times and their role, with their personal
//! link (`answer`). Sent over SMTP (`smtp://host:port` on a local relay;
//! `smtp://host:587?tls=required` for STARTTLS, `smtps://host` for TLS, with
//! `user:password@` where the relay asks), one at a time: a message refused is
//! reported, and the others are still sent.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use shared::domain::StaffRole;

use super::answer::Invitation;

/// Why mail could not be sent at all (a bad address or relay).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the sender {0:?} is not an e-mail address")]
    Sender(String),
    #[error("the mail relay {0} cannot be used: {1}")]
    Relay(String, String),
}

/// What the message says about where and when, from the person's convocation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Details {
    pub election: String,
    pub date: String,
    pub station: String,
    pub location: String,
    pub opens: String,
    pub closes: String,
    /// Where the training material is, if the municipality said.
    pub training: Option<String>,
}

/// One person's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// No e-mail address: a letter is needed.
    NoAddress,
    Failed(String),
}

fn role_nl(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Chair => "voorzitter",
        StaffRole::Member => "stembureaulid",
        StaffRole::Secretary => "secretaris",
        StaffRole::Counter => "teller",
        StaffRole::Substitute => "plaatsvervanger",
    }
}

/// The message's text.
#[must_use]
pub fn body(invitation: &Invitation, link: &str) -> String {
    let details = &invitation.details;
    format!(
        "Beste {name},\n\n\
         U bent opgeroepen als {role} voor {election} op {date}.\n\n\
         Stembureau: {station}\n\
         Adres: {location}\n\
         Tijden: van {opens} tot {closes}\n\n\
         {training}\
         Laat ons weten of u komt, wanneer u wel kunt, of waarom u niet kunt, via uw\n\
         persoonlijke link:\n\
         {link}\n\n\
         Of ga naar de pagina zonder de link en vul uw persoonlijke code in: {code}\n\n\
         Deze link is alleen voor u; stuur hem niet door.\n\n\
         Met vriendelijke groet,\n\
         Het verkiezingsteam van uw gemeente\n",
        name = invitation.name,
        role = role_nl(invitation.role),
        election = details.election,
        date = details.date,
        station = details.station,
        location = details.location,
        opens = details.opens,
        closes = details.closes,
        code = invitation.code,
        training = details
            .training
            .as_deref()
            .map_or_else(String::new, |url| format!(
                "Ter voorbereiding staat de instructie voor stembureauleden op:\n{url}\n\n"
            )),
    )
}

/// Sends each invitation that has an address, through `relay_url`, from `from`;
/// the outcome per invitation, in order.
///
/// # Errors
/// `Sender` or `Relay` when nothing can be sent at all.
pub fn send_all(
    relay_url: &str,
    from: &str,
    invitations: &[(Invitation, String)],
) -> Result<Vec<Outcome>, MailError> {
    let sender: Mailbox = from
        .parse()
        .map_err(|_| MailError::Sender(from.to_owned()))?;
    let relay = SmtpTransport::from_url(relay_url)
        .map_err(|e| MailError::Relay(redacted(relay_url), e.to_string()))?
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build();
    // A relay that refuses three messages in a row is not tried for the rest: each
    // try can take the timeout.
    let mut failures_in_a_row = 0;
    Ok(invitations
        .iter()
        .map(|(invitation, link)| {
            if failures_in_a_row >= 3 {
                return if invitation.email.is_some() {
                    Outcome::Failed("not tried: the relay failed three times in a row".into())
                } else {
                    Outcome::NoAddress
                };
            }
            let outcome = send_one(&relay, &sender, invitation, link);
            match outcome {
                Outcome::Failed(_) => failures_in_a_row += 1,
                Outcome::Sent => failures_in_a_row = 0,
                Outcome::NoAddress => {}
            }
            outcome
        })
        .collect())
}

/// One message; its outcome.
fn send_one(
    relay: &SmtpTransport,
    sender: &Mailbox,
    invitation: &Invitation,
    link: &str,
) -> Outcome {
    let details = &invitation.details;
    let Some(address) = invitation.email.as_deref() else {
        return Outcome::NoAddress;
    };
    let to = match address.parse::<lettre::Address>() {
        Ok(a) => Mailbox::new(Some(invitation.name.clone()), a),
        Err(e) => return Outcome::Failed(format!("not an address: {e}")),
    };
    let message = Message::builder()
        .from(sender.clone())
        .to(to)
        .subject(format!(
            "Oproep stembureau {}: {}",
            details.station, details.date
        ))
        .header(ContentType::TEXT_PLAIN)
        .body(body(invitation, link));
    match message {
        Ok(message) => match relay.send(&message) {
            Ok(_) => Outcome::Sent,
            Err(e) => Outcome::Failed(e.to_string()),
        },
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// The relay's URL without its user and password, for messages.
fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
        (None, Some((_, host))) => format!("…@{host}"),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_points_to_the_training_material_when_there_is_some() {
        let mut invitation = Invitation {
            candidate_id: "GM0599:1".into(),
            name: "Anneke".into(),
            email: None,
            phone: None,
            station_id: "GM0599-1".into(),
            role: StaffRole::Chair,
            code: "AAAA-BBBB-CCCC-DDDD".into(),
            details: Details {
                election: "GR2026".into(),
                date: "18-03-2026".into(),
                station: "1 (Muziekhuis)".into(),
                location: "Kapellestraat 39, Oudewater".into(),
                opens: "07:30".into(),
                closes: "21:00".into(),
                training: None,
            },
        };
        let without = body(&invitation, "https://k.nl/antwoord#code=x");
        assert!(!without.contains("instructie"), "{without}");
        invitation.details.training = Some("https://www.example.nl/instructie".into());
        let with = body(&invitation, "https://k.nl/antwoord#code=x");
        assert!(
            with.contains(
                "instructie voor stembureauleden op:\nhttps://www.example.nl/instructie\n"
            ),
            "{with}"
        );
    }

    #[test]
    fn a_relay_password_never_shows_in_a_message() {
        assert_eq!(
            redacted("smtps://user:geheim@smtp.example.nl"),
            "smtps://…@smtp.example.nl"
        );
        assert_eq!(redacted("smtp://localhost:2525"), "smtp://localhost:2525");
        assert_eq!(redacted("user:geheim@smtp.example.nl"), "…@smtp.example.nl");
    }
}
