//! `dailydrill deck import-doc`: a study document split into question files with draft rubrics,
//! for a deck author to finish, and a report of what could not be split; `dailydrill deck check`:
//! a deck checked as `/deck import` would.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::corpus::import_doc::{question_file, question_id, split_document};
use crate::corpus::{Difficulty, TrackId, deck_archive, server_deck};

pub(super) fn import_doc(file: &Path, out: &Path, track: &str, difficulty: &str) -> ExitCode {
    let track: TrackId = match track.parse() {
        Ok(track) => track,
        Err(why) => {
            eprintln!("error: the track {track:?} {why}");
            return ExitCode::from(2);
        }
    };
    let difficulty: Difficulty = match difficulty.parse() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let split = split_document(&text);
    let folder = out.join(track.as_str());
    if let Err(e) = std::fs::create_dir_all(&folder) {
        eprintln!("error: cannot create {}: {e}", folder.display());
        return ExitCode::from(2);
    }
    // Files are never overwritten: an author may have started editing them.
    let mut written: Vec<PathBuf> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (i, item) in split.items.iter().enumerate() {
        let mut id = question_id(track.as_str(), &item.question);
        let base = id.clone();
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{}-{n}", &base[..base.len().min(60)]);
            n += 1;
        }
        let name = format!("{:02}-{}.md", i + 1, &id[track.as_str().len() + 1..]);
        let path = folder.join(name);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| {
                use std::io::Write;
                f.write_all(question_file(item, &id, track.as_str(), difficulty).as_bytes())
            });
        if let Err(e) = created {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        written.push(path);
    }
    let tracks = out.join("tracks.toml");
    if !tracks.exists() {
        let entry = format!(
            "[[track]]\nid = \"{0}\"\nname = \"{0}\"\ndescription = \"Imported from {1}; rename and describe it.\"\n",
            track.as_str(),
            file.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        );
        if let Err(e) = std::fs::write(&tracks, entry) {
            eprintln!("error: cannot write {}: {e}", tracks.display());
            return ExitCode::from(2);
        }
    }
    for (line, problem) in &split.problems {
        eprintln!("{}:{line}: {problem}", file.display());
    }
    println!(
        "{} question(s) split from {} into {}; {} part(s) of the document could not be split or need a fence (listed above as FILE:line).",
        written.len(),
        file.display(),
        folder.display(),
        split.problems.len()
    );
    println!(
        "Each file's rubric is a draft (`rubric_draft = true`): `dailydrill corpus check --dir {}` lists them until an author finishes them.",
        out.display()
    );
    if written.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(super) fn check(file: &Path, name: Option<&str>) -> ExitCode {
    let name: Option<TrackId> = match name.map(str::parse).transpose() {
        Ok(name) => name,
        Err(why) => {
            eprintln!("error: the deck name {why}");
            return ExitCode::from(2);
        }
    };
    let corpus = match crate::corpus::CorpusSource::Bundled.load() {
        Ok(corpus) => corpus,
        Err(e) => {
            eprintln!("error: the bundled corpus: {e}");
            return ExitCode::from(2);
        }
    };
    let taken: Vec<TrackId> = corpus.tracks().iter().map(|t| t.id.clone()).collect();
    if file.is_dir() {
        return match deck_folder(file) {
            Ok(files) => report(server_deck::parse_deck(&files, name.as_ref(), &taken)),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                ExitCode::from(2)
            }
        };
    }
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    if bytes.len() > server_deck::MAX_UPLOAD_BYTES {
        eprintln!(
            "{}:1: the file is {} bytes; a deck upload is at most {}",
            file.display(),
            bytes.len(),
            server_deck::MAX_UPLOAD_BYTES
        );
        return ExitCode::from(1);
    }
    let filename = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let deck = deck_archive::unpack(&filename, &bytes)
        .map_err(|p| crate::corpus::Problems(vec![p]))
        .and_then(|files| server_deck::parse_deck(&files, name.as_ref(), &taken));
    report(deck)
}

/// The deck's summary, or every problem (exit 1).
fn report(deck: Result<server_deck::ParsedDeck, crate::corpus::Problems>) -> ExitCode {
    match deck {
        Ok(deck) => {
            println!(
                "deck {:?}: {} question(s), {} without a rubric (scored on answering only), {} bytes; ready for /deck import",
                deck.name.as_str(),
                deck.files.len(),
                deck.without_rubric,
                deck.bytes()
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for problem in problems.iter() {
                eprintln!("{problem}");
            }
            ExitCode::from(1)
        }
    }
}

/// The question files of a deck being written in a folder: its `.md` files and those of its
/// subfolders (one per track, as `import-doc` writes them), READMEs aside, named by their path.
fn deck_folder(dir: &Path) -> std::io::Result<Vec<crate::corpus::SourceFile>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path)? {
                paths.push(inner?.path());
            }
        } else {
            paths.push(path);
        }
    }
    paths.retain(|p| {
        p.is_file()
            && p.extension().is_some_and(|e| e == "md")
            && !p
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
    });
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path)?;
            let display = path.display().to_string();
            Ok(crate::corpus::SourceFile {
                rel: display.clone(),
                display,
                bytes: std::borrow::Cow::Owned(bytes),
            })
        })
        .collect()
}
