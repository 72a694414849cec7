//! The picture `/stats` attaches: a calendar heatmap of a member's answers over the last 18
//! weeks (the streak made visible) and their average grade per track. Drawn with plotters into
//! an RGB buffer and encoded as PNG; the font is compiled in (DejaVu Sans, `assets/`), so the
//! picture looks the same on any machine, with no system fonts.

use std::collections::BTreeMap;
use std::sync::Once;

use chrono::{Datelike, Duration, NaiveDate};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

/// The picture's size in pixels: wide enough for both panels, small enough to upload fast.
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 300;
/// How many weeks the heatmap shows, ending with today's.
pub const WEEKS: u32 = 18;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

/// A track's line in the picture.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackAverage {
    pub name: String,
    /// 0 to 4.
    pub average: f64,
    pub answers: u32,
}

/// What the picture shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsPicture {
    pub title: String,
    pub today: NaiveDate,
    /// Answers (daily questions and practice) per day.
    pub days: BTreeMap<NaiveDate, u32>,
    pub tracks: Vec<TrackAverage>,
    pub current_streak: u32,
    pub longest_streak: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

fn draw_error(e: impl std::fmt::Display) -> PictureError {
    PictureError::Draw(e.to_string())
}

/// The heatmap's colour for a day with `n` answers.
fn shade(n: u32) -> RGBColor {
    match n {
        0 => RGBColor(0xeb, 0xed, 0xf0),
        1 => RGBColor(0x9b, 0xe9, 0xa8),
        2 => RGBColor(0x40, 0xc4, 0x63),
        3 => RGBColor(0x30, 0xa1, 0x4e),
        _ => RGBColor(0x21, 0x6e, 0x39),
    }
}

const CELL: i32 = 16;
const GAP: i32 = 3;
const GRID_X: i32 = 56;
const GRID_Y: i32 = 84;
const PANEL_X: i32 = 500;

/// Renders the picture as PNG bytes.
pub fn render(picture: &StatsPicture) -> Result<Vec<u8>, PictureError> {
    REGISTER.call_once(|| {
        // The bundled font is valid; were it not, text would be missing, not the picture.
        let _ = register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        root.draw(&Text::new(picture.title.clone(), (20, 16), text(22)))
            .map_err(draw_error)?;
        heatmap(&root, picture)?;
        tracks(&root, picture)?;
        root.present().map_err(draw_error)?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
    }
    Ok(out)
}

fn text(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&BLACK)
}

fn grey(size: u32) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&RGBColor(0x55, 0x5b, 0x65))
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// One column per week (Monday at the top), today's week last.
fn heatmap(root: &Area<'_>, picture: &StatsPicture) -> Result<(), PictureError> {
    let monday =
        picture.today - Duration::days(i64::from(picture.today.weekday().num_days_from_monday()));
    let first = monday - Duration::weeks(i64::from(WEEKS - 1));
    let mut total = 0;
    let mut last_month = None;
    for week in 0..WEEKS {
        let start = first + Duration::weeks(i64::from(week));
        let x = GRID_X + i32::try_from(week).unwrap_or(0) * (CELL + GAP);
        if last_month != Some(start.month()) {
            last_month = Some(start.month());
            let name = start.format("%b").to_string();
            root.draw(&Text::new(name, (x, GRID_Y - 18), grey(12)))
                .map_err(draw_error)?;
        }
        for day in 0..7 {
            let date = start + Duration::days(day);
            if date > picture.today {
                continue;
            }
            let n = picture.days.get(&date).copied().unwrap_or(0);
            total += n;
            let y = GRID_Y + i32::try_from(day).unwrap_or(0) * (CELL + GAP);
            root.draw(&Rectangle::new(
                [(x, y), (x + CELL, y + CELL)],
                shade(n).filled(),
            ))
            .map_err(draw_error)?;
        }
    }
    for (day, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")] {
        let y = GRID_Y + day * (CELL + GAP) + 2;
        root.draw(&Text::new(name, (14, y), grey(12)))
            .map_err(draw_error)?;
    }
    let below = GRID_Y + 7 * (CELL + GAP) + 10;
    root.draw(&Text::new("Less", (GRID_X, below + 2), grey(12)))
        .map_err(draw_error)?;
    for n in 0..5u8 {
        let x = GRID_X + 34 + i32::from(n) * (CELL + GAP);
        root.draw(&Rectangle::new(
            [(x, below), (x + CELL, below + CELL)],
            shade(u32::from(n)).filled(),
        ))
        .map_err(draw_error)?;
    }
    root.draw(&Text::new(
        "More",
        (GRID_X + 34 + 5 * (CELL + GAP) + 4, below + 2),
        grey(12),
    ))
    .map_err(draw_error)?;
    let summary = format!(
        "{total} answers in {WEEKS} weeks · streak {} (longest {})",
        picture.current_streak, picture.longest_streak
    );
    root.draw(&Text::new(summary, (GRID_X, below + 34), text(15)))
        .map_err(draw_error)?;
    Ok(())
}

/// A bar per track: the average grade on the 0-4 scale, with the number of answers.
fn tracks(root: &Area<'_>, picture: &StatsPicture) -> Result<(), PictureError> {
    const LABEL: i32 = 150;
    const BAR: f64 = 170.0;
    const ROW: i32 = 26;
    root.draw(&Text::new(
        "Average grade by track (0-4)",
        (PANEL_X, GRID_Y - 30),
        text(16),
    ))
    .map_err(draw_error)?;
    if picture.tracks.is_empty() {
        root.draw(&Text::new(
            "No graded answers yet.",
            (PANEL_X, GRID_Y + 4),
            grey(14),
        ))
        .map_err(draw_error)?;
        return Ok(());
    }
    for (i, track) in picture.tracks.iter().take(8).enumerate() {
        let y = GRID_Y + i32::try_from(i).unwrap_or(0) * ROW;
        let name: String = track.name.chars().take(18).collect();
        root.draw(&Text::new(name, (PANEL_X, y + 3), text(14)))
            .map_err(draw_error)?;
        let x = PANEL_X + LABEL;
        root.draw(&Rectangle::new(
            [(x, y), (x + BAR as i32, y + CELL + 2)],
            RGBColor(0xeb, 0xed, 0xf0).filled(),
        ))
        .map_err(draw_error)?;
        let width = (track.average.clamp(0.0, 4.0) / 4.0 * BAR).round() as i32;
        root.draw(&Rectangle::new(
            [(x, y), (x + width, y + CELL + 2)],
            RGBColor(0x30, 0xa1, 0x4e).filled(),
        ))
        .map_err(draw_error)?;
        let label = format!("{:.1} ({})", track.average, track.answers);
        root.draw(&Text::new(label, (x + BAR as i32 + 8, y + 3), grey(13)))
            .map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture() -> StatsPicture {
        let today = NaiveDate::from_ymd_opt(2026, 6, 17).unwrap();
        let days = (0..60)
            .filter(|d| d % 3 != 0)
            .map(|d| (today - Duration::days(d), u32::try_from(d % 5).unwrap()))
            .collect();
        StatsPicture {
            title: "Ada's practice".to_owned(),
            today,
            days,
            tracks: vec![
                TrackAverage {
                    name: "Python".to_owned(),
                    average: 2.6,
                    answers: 12,
                },
                TrackAverage {
                    name: "Django".to_owned(),
                    average: 1.0,
                    answers: 3,
                },
            ],
            current_streak: 5,
            longest_streak: 9,
        }
    }

    fn pixel(png_bytes: &[u8], x: u32, y: u32) -> [u8; 3] {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        let i = ((y * WIDTH + x) * 3) as usize;
        [buf[i], buf[i + 1], buf[i + 2]]
    }

    #[test]
    fn a_png_of_the_stated_size_with_the_days_shaded() {
        let p = picture();
        let bytes = render(&p).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        // Today (a Wednesday, in the last column) had 0 answers: the empty shade; the Monday
        // before (2 days ago, 2 answers) the second green.
        let last = GRID_X + (WEEKS as i32 - 1) * (CELL + GAP) + CELL / 2;
        let row = |day: i32| (GRID_Y + day * (CELL + GAP) + CELL / 2) as u32;
        let empty = shade(0);
        assert_eq!(
            pixel(&bytes, last as u32, row(2)),
            [empty.0, empty.1, empty.2]
        );
        let two = shade(2);
        assert_eq!(pixel(&bytes, last as u32, row(0)), [two.0, two.1, two.2]);
        // Days after today are not drawn.
        assert_eq!(pixel(&bytes, last as u32, row(6)), [255, 255, 255]);
    }

    #[test]
    fn no_history_still_draws() {
        let mut p = picture();
        p.days.clear();
        p.tracks.clear();
        assert!(render(&p).unwrap().starts_with(b"\x89PNG"));
    }
}
