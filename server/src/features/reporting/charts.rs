//! Charts for the control room and for reports: turnout over the day and votes per
//! list, as SVG (text) or PNG (bytes). Pure functions over plain data, no database.
//! Every word and number on them is in the caller's language: Dutch ("Tijd", 47,3 %,
//! 12.345) or English ("Time", 47.3%, 12,345).
//!
//! There are no system fonts on the servers, so the text is drawn with DejaVu Sans,
//! embedded in the binary (`server/assets/DejaVuSans.ttf`; its Bitstream Vera licence
//! permits redistribution and is carried in the font file itself) and registered with
//! plotters as "sans-serif" on first use. SVG output names the family "sans-serif", so
//! browsers use their own sans-serif font.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use shared::domain::Timestamp;
use shared::validation::Language;
use thiserror::Error;

/// Size of every chart, in pixels (SVG user units for SVG).
pub const CHART_SIZE: (u32, u32) = (960, 540);

const FONT_FAMILY: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

const MS_PER_MINUTE: f64 = 60_000.0;
const MINUTES_PER_DAY: i64 = 24 * 60;

/// Distinguishable line and bar colours (Tableau 10), used in turn.
const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

#[derive(Debug, Error)]
pub enum ChartError {
    #[error("the embedded chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Drawing(String),
    #[error("encoding the PNG failed: {0}")]
    Io(#[from] std::io::Error),
}

fn drawing<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> ChartError {
    ChartError::Drawing(e.to_string())
}

/// Cumulative voters over the day for one district or the whole municipality.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnoutSeries {
    pub label: String,
    pub expected_voters: u64,
    /// (moment, voters so far); in any order, sorted before drawing.
    pub points: Vec<(Timestamp, u64)>,
    /// The unit's turnout now, as the report's table shows it (the one figure the
    /// legend shows); None when no voters are expected.
    pub figure: Option<f64>,
}

/// The words and number formats of a chart, in one language.
#[derive(Debug, Clone, Copy)]
struct Words(Language);

impl Words {
    const fn pick(self, dutch: &'static str, english: &'static str) -> &'static str {
        match self.0 {
            Language::Dutch => dutch,
            Language::English => english,
        }
    }

    /// "12.345" in Dutch, "12,345" in English.
    fn thousands(self, value: u64) -> String {
        let dutch = group_thousands(value);
        match self.0 {
            Language::Dutch => dutch,
            Language::English => dutch.replace('.', ","),
        }
    }

    /// "47,3 %" in Dutch, "47.3%" in English, with `decimals` decimals.
    fn percent(self, value: f64, decimals: usize) -> String {
        let number = format!("{value:.decimals$}");
        match self.0 {
            Language::Dutch => format!("{} %", number.replace('.', ",")),
            Language::English => format!("{number}%"),
        }
    }
}

/// Registers the embedded font once per process.
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// The plotted values of one series: (minutes since `opens_at`, percentage of
/// `expected_voters`), sorted by time. Empty when `expected_voters` is 0, as no
/// percentage can be computed then.
#[must_use]
pub fn turnout_percent(
    points: &[(Timestamp, u64)],
    expected_voters: u64,
    opens_at: Timestamp,
) -> Vec<(f64, f64)> {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|(t, _)| *t);
    sorted
        .into_iter()
        .filter_map(|(t, voters)| {
            let minutes = (t.0 - opens_at.0) as f64 / MS_PER_MINUTE;
            Some((
                minutes,
                shared::domain::turnout_percent(voters, expected_voters)?,
            ))
        })
        .collect()
}

/// Local "HH:MM" for an x value in hours since local midnight of the opening day.
fn hours_label(hours: f64) -> String {
    let minutes = ((hours * 60.0).round() as i64).rem_euclid(MINUTES_PER_DAY);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "12.345": thousands grouped with dots, as Dutch readers expect.
fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn font(size: f64) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&BLACK)
}

fn no_data_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    words: Words,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.dim_in_pixel();
    let style = font(22.0)
        .color(&RGBColor(110, 110, 110))
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw_text(
        words.pick("Geen gegevens", "No data"),
        &style,
        (
            i32::try_from(w / 2).unwrap_or(0),
            i32::try_from(h / 2).unwrap_or(0),
        ),
    )
    .map_err(drawing)
}

fn draw_turnout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    words: Words,
    title: &str,
    series: &[TurnoutSeries],
    opens_at: Timestamp,
    closes_at: Timestamp,
    utc_offset_minutes: i32,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(drawing)?;
    let plotted: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| turnout_percent(&s.points, s.expected_voters, opens_at))
        .collect();

    // The x axis spans the day (and any report outside it), in hours since local
    // midnight of the opening day, so that ticks fall on whole hours.
    let day_minutes = (closes_at.0 - opens_at.0) as f64 / MS_PER_MINUTE;
    let (mut start, mut end) = (0.0_f64, day_minutes.max(0.0));
    for &(m, _) in plotted.iter().flatten() {
        start = start.min(m);
        end = end.max(m);
    }
    if end - start < 60.0 {
        end = start + 60.0;
    }
    let local_open_minutes = (opens_at.0.div_euclid(60_000) + i64::from(utc_offset_minutes))
        .rem_euclid(MINUTES_PER_DAY) as f64;
    let to_x = |minutes: f64| (local_open_minutes + minutes) / 60.0;

    let max_percent = plotted
        .iter()
        .flatten()
        .map(|&(_, p)| p)
        .fold(0.0_f64, f64::max);
    let y_max = if max_percent <= 100.0 {
        100.0
    } else {
        (max_percent / 10.0).ceil() * 10.0
    };

    let mut chart = ChartBuilder::on(root)
        .caption(title, font(26.0))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(to_x(start)..to_x(end), 0.0..y_max)
        .map_err(drawing)?;
    chart
        .configure_mesh()
        .x_labels(14)
        .y_labels(11)
        .x_label_formatter(&|h| hours_label(*h))
        .y_label_formatter(&|p| words.percent(*p, 0))
        .x_desc(words.pick("Tijd", "Time"))
        .y_desc(words.pick(
            "Opkomst (% van de verwachte kiezers)",
            "Turnout (% of expected voters)",
        ))
        .label_style(font(14.0))
        .axis_desc_style(font(14.0))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(drawing)?;

    for (i, (s, values)) in series.iter().zip(&plotted).enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let points: Vec<(f64, f64)> = values.iter().map(|&(m, p)| (to_x(m), p)).collect();
        let legend = match s.figure {
            Some(p) => format!("{} ({})", s.label, words.percent(p, 1)),
            None if s.expected_voters == 0 && !s.points.is_empty() => format!(
                "{} ({})",
                s.label,
                words.pick("verwachte kiezers onbekend", "expected voters unknown")
            ),
            None => format!(
                "{} ({})",
                s.label,
                words.pick("geen meldingen", "no reports")
            ),
        };
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(drawing)?
            .label(legend)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(drawing)?;
    }
    if !series.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(font(14.0))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .draw()
            .map_err(drawing)?;
    }
    if plotted.iter().all(Vec::is_empty) {
        no_data_note(root, words)?;
    }
    Ok(())
}

/// Longest list name drawn in full before it is shortened with an ellipsis.
const MAX_NAME_CHARS: usize = 36;

fn short_name(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        name.to_owned()
    } else {
        let mut short: String = name.chars().take(MAX_NAME_CHARS - 1).collect();
        short.push('…');
        short
    }
}

fn draw_results<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    words: Words,
    title: &str,
    lists: &[(String, u64)],
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(drawing)?;
    let rows = lists.len().max(1);
    let names: Vec<String> = lists.iter().map(|(name, _)| short_name(name)).collect();
    let label_style = font(if rows > 24 { 11.0 } else { 14.0 });
    let widest = names
        .iter()
        .filter_map(|n| root.estimate_text_size(n, &label_style).ok())
        .map(|(w, _)| w)
        .max()
        .unwrap_or(0);
    let max_votes = lists.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let total = lists
        .iter()
        .fold(0_u64, |sum, (_, v)| sum.saturating_add(*v));
    // Room to the right of the longest bar for its count and share.
    let x_max = (max_votes as f64 * 1.25).max(1.0);

    let mut chart = ChartBuilder::on(root)
        .caption(title, font(26.0))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(widest.saturating_add(16).clamp(40, 360))
        .build_cartesian_2d(0.0..x_max, 0.0..rows as f64)
        .map_err(drawing)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&|v| {
            if *v >= 0.0 && v.fract() == 0.0 {
                words.thousands(*v as u64)
            } else {
                String::new()
            }
        })
        .x_desc(words.pick("Stemmen", "Votes"))
        .label_style(font(14.0))
        .axis_desc_style(font(14.0))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(drawing)?;

    if lists.is_empty() {
        no_data_note(root, words)?;
        return Ok(());
    }
    // The first list at the top: row i spans [rows - 1 - i, rows - i].
    let top = |i: usize| (rows - i) as f64;
    chart
        .draw_series(lists.iter().enumerate().map(|(i, (_, votes))| {
            Rectangle::new(
                [(0.0, top(i) - 0.15), (*votes as f64, top(i) - 0.85)],
                COLOURS[i % COLOURS.len()].filled(),
            )
        }))
        .map_err(drawing)?;
    let value_style = label_style.pos(Pos::new(HPos::Left, VPos::Center));
    let name_style = label_style.pos(Pos::new(HPos::Right, VPos::Center));
    for (i, (_, votes)) in lists.iter().enumerate() {
        let mut text = words.thousands(*votes);
        if total > 0 {
            let share = *votes as f64 * 100.0 / total as f64;
            let _ = write!(text, " ({})", words.percent(share, 1));
        }
        let (x, y) = chart.backend_coord(&(*votes as f64, top(i) - 0.5));
        root.draw_text(&text, &value_style, (x + 6, y))
            .map_err(drawing)?;
        let (x0, _) = chart.backend_coord(&(0.0, 0.0));
        root.draw_text(&names[i], &name_style, (x0 - 8, y))
            .map_err(drawing)?;
    }
    Ok(())
}

fn svg_with(
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, CHART_SIZE).into_drawing_area();
        draw(&root)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// Removes the temporary PNG however drawing ends.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Draws into plotters' bitmap backend, which encodes PNG (through the `image` crate)
/// only when writing a file; the file is read back and removed.
fn png_with(
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let file =
        TempFile(std::env::temp_dir().join(format!("kiesdag-chart-{}.png", uuid::Uuid::new_v4())));
    {
        let root = BitMapBackend::new(&file.0, CHART_SIZE).into_drawing_area();
        draw(&root)?;
        root.present().map_err(drawing)?;
    }
    Ok(std::fs::read(&file.0)?)
}

/// Turnout over the day as a percentage of expected voters, one line per series with
/// a legend; x axis in local time (HH:MM) from opening to closing.
///
/// # Errors
/// When the font cannot be loaded or drawing fails.
pub fn turnout_svg(
    language: Language,
    title: &str,
    series: &[TurnoutSeries],
    opens_at: Timestamp,
    closes_at: Timestamp,
    utc_offset_minutes: i32,
) -> Result<String, ChartError> {
    svg_with(|root| {
        draw_turnout(
            root,
            Words(language),
            title,
            series,
            opens_at,
            closes_at,
            utc_offset_minutes,
        )
    })
}

/// [`turnout_svg`] as a PNG of [`CHART_SIZE`].
///
/// # Errors
/// When the font cannot be loaded, drawing fails or the temporary file cannot be used.
pub fn turnout_png(
    language: Language,
    title: &str,
    series: &[TurnoutSeries],
    opens_at: Timestamp,
    closes_at: Timestamp,
    utc_offset_minutes: i32,
) -> Result<Vec<u8>, ChartError> {
    png_with(|root| {
        draw_turnout(
            root,
            Words(language),
            title,
            series,
            opens_at,
            closes_at,
            utc_offset_minutes,
        )
    })
}

/// Votes per list as horizontal bars, in the given order (first at the top), each
/// with its count and share of the lists' total.
///
/// # Errors
/// When the font cannot be loaded or drawing fails.
pub fn results_svg(
    language: Language,
    title: &str,
    lists: &[(String, u64)],
) -> Result<String, ChartError> {
    svg_with(|root| draw_results(root, Words(language), title, lists))
}

/// [`results_svg`] as a PNG of [`CHART_SIZE`].
///
/// # Errors
/// When the font cannot be loaded, drawing fails or the temporary file cannot be used.
pub fn results_png(
    language: Language,
    title: &str,
    lists: &[(String, u64)],
) -> Result<Vec<u8>, ChartError> {
    png_with(|root| draw_results(root, Words(language), title, lists))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: Language = Language::English;

    // 2026-03-18T06:30:00Z: 07:30 in the Netherlands (UTC+1).
    const OPEN: Timestamp = Timestamp(1_773_815_400_000);

    fn at(minutes_after_open: i64) -> Timestamp {
        OPEN.plus_minutes(minutes_after_open)
    }

    fn close() -> Timestamp {
        at(13 * 60 + 30)
    }

    fn series() -> Vec<TurnoutSeries> {
        vec![
            TurnoutSeries {
                label: "Centrum".into(),
                expected_voters: 2000,
                points: vec![(at(150), 300), (at(330), 700), (at(570), 1100)],
                figure: Some(55.0),
            },
            TurnoutSeries {
                label: "Noord".into(),
                expected_voters: 1500,
                points: vec![(at(330), 450), (at(150), 150)],
                figure: Some(30.0),
            },
            TurnoutSeries {
                label: "Gemeente totaal".into(),
                expected_voters: 3500,
                points: vec![(at(150), 450), (at(330), 1150)],
                figure: Some(32.857),
            },
        ]
    }

    fn assert_well_formed_svg(svg: &str) {
        let trimmed = svg.trim();
        assert!(
            trimmed.starts_with("<svg"),
            "{}",
            &svg[..svg.len().min(200)]
        );
        assert!(trimmed.ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(svg.contains(r#"width="960""#) && svg.contains(r#"height="540""#));
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    }

    /// Width and height from the IHDR chunk, after checking the signature.
    fn png_size(png: &[u8]) -> (u32, u32) {
        assert!(png.len() > 33);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        (width, height)
    }

    #[test]
    fn percentages_are_against_expected_voters_and_sorted() {
        let values = turnout_percent(&[(at(330), 450), (at(150), 150)], 1500, OPEN);
        assert_eq!(values, vec![(150.0, 10.0), (330.0, 30.0)]);
        let half_minute = turnout_percent(&[(Timestamp(OPEN.0 + 30_000), 1)], 3, OPEN);
        assert_eq!(half_minute.len(), 1);
        assert!((half_minute[0].0 - 0.5).abs() < 1e-9);
        assert!((half_minute[0].1 - 100.0 / 3.0).abs() < 1e-9);
        // More voters than expected (voters may vote at any station) is above 100%.
        assert_eq!(turnout_percent(&[(OPEN, 30)], 20, OPEN), vec![(0.0, 150.0)]);
        assert!(turnout_percent(&[(OPEN, 30)], 0, OPEN).is_empty());
    }

    #[test]
    fn local_time_labels_and_thousands() {
        assert_eq!(hours_label(7.5), "07:30");
        assert_eq!(hours_label(21.0), "21:00");
        assert_eq!(hours_label(24.25), "00:15");
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1.000");
        assert_eq!(group_thousands(1_234_567), "1.234.567");
    }

    #[test]
    fn turnout_svg_has_title_labels_and_local_times() {
        let svg = turnout_svg(EN, "Opkomst Rotterdam", &series(), OPEN, close(), 60).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Opkomst Rotterdam"));
        assert!(svg.contains("Centrum (55.0%)"));
        assert!(svg.contains("Noord (30.0%)"));
        assert!(svg.contains("Gemeente totaal"));
        assert!(svg.contains("08:00") && svg.contains("20:00"));
        assert!(!svg.contains("No data"));
    }

    /// Dutch words and numbers, and the legend shows the unit's figure now (the
    /// table's), not the last point drawn, which may lag behind it.
    #[test]
    fn a_dutch_chart_speaks_dutch_and_shows_the_tables_figure() {
        let mut lagging = series();
        lagging[0].figure = Some(58.26);
        let svg = turnout_svg(Language::Dutch, "Opkomst", &lagging, OPEN, close(), 60).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Centrum (58,3 %)"), "the table's figure");
        assert!(!svg.contains("55,0"), "not the last point's");
        assert!(svg.contains("Tijd") && svg.contains("Opkomst (% van de verwachte kiezers)"));
        assert!(svg.contains("100 %"));
        assert!(!svg.contains("Time") && !svg.contains("expected voters"));
        let blank = [TurnoutSeries {
            label: "West".into(),
            expected_voters: 100,
            points: vec![],
            figure: None,
        }];
        let svg = turnout_svg(Language::Dutch, "Opkomst", &blank, OPEN, close(), 60).unwrap();
        assert!(svg.contains("West (geen meldingen)") && svg.contains("Geen gegevens"));

        let lists = [
            ("Leefbaar Rotterdam".to_owned(), 12_345),
            ("VVD".to_owned(), 8_000),
        ];
        let svg = results_svg(Language::Dutch, "Voorlopige uitslag", &lists).unwrap();
        assert!(svg.contains("12.345 (60,7 %)") && svg.contains("Stemmen"));
        let svg = results_svg(EN, "Provisional result", &lists).unwrap();
        assert!(svg.contains("12,345 (60.7%)") && svg.contains("Votes"));
    }

    #[test]
    fn titles_are_escaped_in_svg() {
        let svg = results_svg(EN, "Lijsten <A & B>", &[("A & B".into(), 3)]).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Lijsten &lt;A &amp; B&gt;"));
    }

    #[test]
    fn empty_input_gives_a_chart_with_a_note() {
        let svg = turnout_svg(EN, "Opkomst", &[], OPEN, close(), 60).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("No data"));
        // Series without reports or without expected voters, and a day of no length.
        let blank = vec![
            TurnoutSeries {
                label: "Zuid".into(),
                expected_voters: 0,
                points: vec![(at(60), 10)],
                figure: None,
            },
            TurnoutSeries {
                label: "West".into(),
                expected_voters: 100,
                points: vec![],
                figure: None,
            },
        ];
        let svg = turnout_svg(EN, "Opkomst", &blank, OPEN, OPEN, 0).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Zuid (expected voters unknown)"));
        assert!(svg.contains("West (no reports)"));
        assert!(svg.contains("No data"));

        let svg = results_svg(EN, "Uitslag", &[]).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Uitslag") && svg.contains("No data"));
        let svg = results_svg(EN, "Uitslag", &[("Lijst".into(), 0)]).unwrap();
        assert_well_formed_svg(&svg);
        assert_eq!(
            png_size(&turnout_png(EN, "Opkomst", &[], OPEN, close(), 60).unwrap()),
            CHART_SIZE
        );
        assert_eq!(
            png_size(&results_png(EN, "Uitslag", &[]).unwrap()),
            CHART_SIZE
        );
    }

    #[test]
    fn results_svg_lists_every_list_with_votes() {
        let lists = vec![
            ("Leefbaar Rotterdam".to_owned(), 12_345),
            ("VVD".to_owned(), 8_000),
            ("GroenLinks-PvdA".to_owned(), 4_655),
        ];
        let svg = results_svg(EN, "Uitslag gemeente", &lists).unwrap();
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Uitslag gemeente"));
        for name in ["Leefbaar Rotterdam", "VVD", "GroenLinks-PvdA"] {
            assert!(svg.contains(name), "{name}");
        }
        assert!(svg.contains("12,345 (49.4%)"));
        assert!(svg.contains("4,655 (18.6%)"));
        let long = "Een bijzonder lange lijstnaam die niet in de marge past";
        let svg = results_svg(EN, "Uitslag", &[(long.into(), 1)]).unwrap();
        assert!(svg.contains("Een bijzonder lange lijstnaam die n…"));
    }

    #[test]
    fn pngs_have_the_chart_size() {
        let png = turnout_png(EN, "Opkomst", &series(), OPEN, close(), 60).unwrap();
        assert_eq!(png_size(&png), CHART_SIZE);
        let many: Vec<(String, u64)> = (1..=40).map(|i| (format!("Lijst {i}"), i * 100)).collect();
        let png = results_png(EN, "Uitslag", &many).unwrap();
        assert_eq!(png_size(&png), CHART_SIZE);
    }
}
