//! Convocations on paper: one printable page (PDF, Dutch) per person who is not
//! reached by e-mail, with the same words as the e-mail: their station, its address,
//! the times, their role, and their personal link and code.

use super::answer::Invitation;
use super::mail;
use crate::pdf::{self, Line};

/// The letters, one page per invitation, in the order given.
#[must_use]
pub fn letters(invitations: &[&(Invitation, String)]) -> Vec<u8> {
    let pages: Vec<Vec<Line>> = invitations
        .iter()
        .map(|(invitation, link)| {
            let mut page = vec![
                Line::heading(format!("Oproep stembureau {}", invitation.details.station)),
                Line::gap(),
            ];
            for paragraph in mail::body(invitation, link).lines() {
                page.push(if paragraph.contains(&invitation.code) {
                    Line::strong(paragraph)
                } else {
                    Line::text(paragraph)
                });
            }
            page
        })
        .collect();
    pdf::document(&pages)
}
