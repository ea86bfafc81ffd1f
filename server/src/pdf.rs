//! Printable documents: pages of text in PDF, with the standard Helvetica fonts (every
//! PDF reader has them, so nothing is embedded) in the Windows-1252 encoding, which
//! holds Dutch and French letters (é, ë, ï, ç). Used for convocation letters; a line
//! longer than the page is wrapped at word boundaries.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// A4 in points.
const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 72.0;

/// One line (or paragraph) of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub size: f32,
    pub bold: bool,
}

impl Line {
    #[must_use]
    pub fn heading(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: 16.0,
            bold: true,
        }
    }

    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: 11.0,
            bold: false,
        }
    }

    #[must_use]
    pub fn strong(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: 11.0,
            bold: true,
        }
    }

    /// An empty line.
    #[must_use]
    pub fn gap() -> Self {
        Self::text("")
    }
}

/// `text` in Windows-1252: ASCII and Latin-1 letters as they are, the euro sign and
/// typographic quotes and dashes where that encoding has them, anything else as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            '€' => 0x80,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            '…' => 0x85,
            _ => b'?',
        })
        .collect()
}

/// `text` wrapped into lines of at most `width` characters (a long word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// A PDF of `pages`, each a list of lines from the top; a page that overflows goes on
/// on a next page.
#[must_use]
pub fn document(pages: &[Vec<Line>]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let mut next = 5;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };

    // Lay out first: overflowing pages continue on new ones.
    let mut laid: Vec<Vec<(f32, &Line, String)>> = Vec::new();
    for page in pages {
        let mut y = HEIGHT - MARGIN;
        let mut current = Vec::new();
        for line in page {
            let leading = line.size * 1.4;
            // Helvetica is about half an em wide per character on average.
            let width = ((WIDTH - 2.0 * MARGIN) / (line.size * 0.5)) as usize;
            for part in wrap(&line.text, width.max(20)) {
                if y - leading < MARGIN {
                    laid.push(std::mem::take(&mut current));
                    y = HEIGHT - MARGIN;
                }
                y -= leading;
                current.push((y, line, part));
            }
        }
        laid.push(current);
    }

    let ids: Vec<(Ref, Ref)> = laid.iter().map(|_| (alloc(), alloc())).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(ids.len()).unwrap_or(i32::MAX));
    for (lines, (page_id, content_id)) in laid.iter().zip(&ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();

        let mut content = Content::new();
        for (y, line, part) in lines {
            content.begin_text();
            content.set_font(Name(if line.bold { b"F2" } else { b"F1" }), line.size);
            content.next_line(MARGIN, *y);
            content.show(Str(&win_ansi(part)));
            content.end_text();
        }
        // Uncompressed: small, and searchable by a test.
        pdf.stream(*content_id, &content.finish());
    }
    for (id, name) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_their_text_in_the_dutch_encoding_and_long_text_wraps() {
        let long = "woord ".repeat(200);
        let pdf = document(&[
            vec![Line::heading("Oproep"), Line::text("Beste Anneke Brouwër,")],
            vec![Line::text(long.trim())],
        ]);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 2"), "two pages");
        assert!(text.contains("WinAnsiEncoding"));
        // ë is 0xEB in Windows-1252; a line with it is written in hex.
        assert!(text.to_lowercase().contains("42726f7577eb72"), "{text}");
        assert!(wrap(long.trim(), 80).len() > 10);
        assert!(
            wrap(long.trim(), 80)
                .iter()
                .all(|l| l.chars().count() <= 80)
        );
    }
}
