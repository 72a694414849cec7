//! Importing a server deck (`/deck import`): a zip of question files unpacked with every entry
//! capped, checked with the corpus's rules, stored in one transaction and loaded into the bot's
//! question lookup; and refusing a zip bomb. Against the baseline of reading the zip's entries
//! with no check at all.
//!
//! `cargo bench --bench deck_import [-- --questions N --runs R]` (defaults: 150 questions, 7 runs).
//! The deck is the bundled questions, cycled, each copy with its own id, in one deck.

mod support;

use std::io::{Cursor, Read};

use dailydrill::corpus::server_deck::parse_deck;
use dailydrill::corpus::{bundled_files, deck_archive};
use dailydrill::domain::ids::{GuildId, UserId};
use support::{arg, time, utc};

/// A zip of `n` question files of the deck `ours`.
fn deck(n: usize) -> (Vec<u8>, usize) {
    let files = bundled_files();
    let questions: Vec<_> = files
        .iter()
        .filter(|f| f.rel.ends_with(".md") && f.rel.contains('/'))
        .collect();
    let mut entries = Vec::new();
    let mut text_bytes = 0;
    for i in 0..n {
        let source = questions[i % questions.len()];
        let text = std::str::from_utf8(&source.bytes).unwrap();
        let text = text.replacen("\"\n", &format!("-copy{i}\"\n"), 1);
        let text: String = text
            .split_inclusive('\n')
            .filter(|line| !line.starts_with("follow_up_of"))
            .collect();
        text_bytes += text.len();
        entries.push((format!("ours/{i:04}.md"), text));
    }
    (deck_archive::zip_entries(&entries).unwrap(), text_bytes)
}

fn main() {
    let n = arg("--questions", 150);
    let runs = arg("--runs", 7);
    let (bytes, text_bytes) = deck(n);
    let name = "ours".parse().unwrap();

    let baseline = time(runs, || {
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut total = 0;
        for i in 0..zip.len() {
            let mut text = Vec::new();
            zip.by_index(i).unwrap().read_to_end(&mut text).unwrap();
            total += text.len();
        }
        assert_eq!(total, text_bytes);
    });
    let checked = time(runs, || {
        let files = deck_archive::unpack("ours.zip", &bytes).unwrap();
        let deck = parse_deck(&files, Some(&name), &[]).unwrap();
        assert_eq!(deck.files.len(), n);
    });

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (service, _clock) =
        runtime.block_on(support::service(dir.path(), utc("2026-06-01T08:00:00Z")));
    let imported = time(runs, || {
        runtime.block_on(async {
            let done = service
                .import_deck(GuildId(1), UserId(1), "ours.zip", &bytes, Some(&name))
                .await
                .unwrap();
            assert_eq!(done.questions, n);
        })
    });
    let restart = time(runs, || runtime.block_on(service.load_decks()).unwrap());

    let zeros = vec![0u8; 50 * 1024 * 1024];
    let bomb = deck_archive::zip_entries(&[("ours/bomb.md", zeros)]).unwrap();
    let refused = time(runs, || {
        assert!(deck_archive::unpack("bomb.zip", &bomb).is_err());
    });

    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let ratio = |d: std::time::Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "deck import, {n} questions ({:.2} MiB of text, a {:.0} KiB zip), median of {runs} runs",
        text_bytes as f64 / 1048576.0,
        bytes.len() as f64 / 1024.0
    );
    println!(
        "  baseline: read the zip's entries      {:>8.2} ms",
        ms(baseline)
    );
    println!(
        "  unpack (capped) + check every file    {:>8.2} ms  {:>6.1} x",
        ms(checked),
        ratio(checked)
    );
    println!(
        "  /deck import: + store + load           {:>8.2} ms  {:>6.1} x",
        ms(imported),
        ratio(imported)
    );
    println!(
        "  start-up: load every deck              {:>8.2} ms  {:>6.1} x",
        ms(restart),
        ratio(restart)
    );
    println!(
        "  refuse a zip bomb ({} KiB, 50 MiB inside) {:>6.1} us  {:>6.3} x",
        bomb.len() / 1024,
        refused.as_secs_f64() * 1e6,
        ratio(refused)
    );
}
