//! Drawing the `/stats` picture (heatmap and grade bars, PNG-encoded), against PNG-encoding a
//! blank picture of the same size: the drawing's own cost. The issue asks for under 100 ms.
//!
//! `cargo bench --bench stats_image [-- --runs R]` (default 31 runs).

mod support;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use dailydrill::stats_image::{HEIGHT, StatsPicture, TrackAverage, WIDTH, render};
use support::{arg, time};

/// A busy member: answers on most of the heatmap's days (up to 6 a day) in eight tracks.
fn busy() -> StatsPicture {
    let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let days: BTreeMap<NaiveDate, u32> = (0..7 * 18)
        .filter(|d| d % 4 != 1)
        .map(|d| (today - Duration::days(d), u32::try_from(d % 7).unwrap()))
        .collect();
    let tracks = (0..8)
        .map(|i| TrackAverage {
            name: format!("Track number {i}"),
            average: f64::from(i) / 2.0,
            answers: 40 - i,
        })
        .collect();
    StatsPicture {
        title: "Practice of a very busy member".to_owned(),
        today,
        days,
        tracks,
        current_streak: 12,
        longest_streak: 40,
    }
}

fn main() {
    let runs = arg("--runs", 31);
    let picture = busy();
    render(&picture).unwrap(); // registers the font once, outside the timing
    let blank = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    let mut size = 0;
    let baseline = time(runs, || {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .unwrap()
            .write_image_data(&blank)
            .unwrap();
    });
    let full = time(runs, || size = render(&picture).unwrap().len());
    println!("stats picture, {WIDTH}x{HEIGHT}, median of {runs} runs");
    println!(
        "  baseline: encode a blank PNG        {:>8.2} ms",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "  draw + encode the picture           {:>8.2} ms ({} bytes)",
        full.as_secs_f64() * 1e3,
        size
    );
    println!(
        "  ratio to baseline                   {:>8.1} x",
        full.as_secs_f64() / baseline.as_secs_f64()
    );
}
