//! `dailydrill deck import-doc`: a study document split into question files with draft rubrics,
//! for a deck author to finish, and a report of what could not be split.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::corpus::import_doc::{question_file, question_id, split_document};
use crate::corpus::{Difficulty, TrackId};

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
