//! The files of a deck upload (one question file, or a zip of them) and of a deck export. A zip is
//! read entry by entry with every size capped as it is read, whatever its headers claim: a zip
//! bomb stops at the cap instead of filling memory.

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};

use super::load::SourceFile;
use super::problem::Problem;
use super::server_deck::{
    DeckFile, MAX_BYTES_PER_SERVER, MAX_QUESTION_BYTES, MAX_QUESTIONS_PER_SERVER,
};

/// Entries a zip may list, question files or not: a deck has at most
/// [`MAX_QUESTIONS_PER_SERVER`] questions, and a few folders and notes besides.
pub const MAX_ZIP_ENTRIES: usize = MAX_QUESTIONS_PER_SERVER + 100;

/// The question files of an upload called `filename`: the file itself when it is a `.md`, the
/// `.md` entries of a `.zip` (folders, notes and `README.md` are skipped). A problem names the
/// upload, or the entry, and why it cannot be read.
pub fn unpack(filename: &str, bytes: &[u8]) -> Result<Vec<SourceFile>, Problem> {
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".md") {
        return Ok(vec![SourceFile {
            rel: filename.to_owned(),
            display: filename.to_owned(),
            bytes: Cow::Owned(bytes.to_vec()),
        }]);
    }
    if !lower.ends_with(".zip") {
        return Err(Problem::new(
            filename,
            1,
            "is neither a question file (.md) nor a zip of them (.zip)",
        ));
    }
    let refuse = |why: String| Problem::new(filename, 1, why);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refuse(format!("is not a readable zip archive ({e})")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(refuse(format!(
            "lists {} entries; a deck archive holds at most {MAX_ZIP_ENTRIES}",
            zip.len()
        )));
    }
    let mut files = Vec::new();
    let mut total = 0usize;
    for index in 0..zip.len() {
        let mut entry = zip
            .by_index(index)
            .map_err(|e| refuse(format!("entry {} cannot be read ({e})", index + 1)))?;
        let name = entry
            .name()
            .map_err(|e| refuse(format!("entry {} has an unreadable name ({e})", index + 1)))?
            .into_owned();
        let at = |why: String| Problem::new(format!("{filename}/{name}"), 1, why);
        if entry.is_dir() || skipped(&name) {
            continue;
        }
        let Some(path) = entry.enclosed_name() else {
            return Err(at("has a path outside the archive".into()));
        };
        if entry.size() > MAX_QUESTION_BYTES as u64 {
            return Err(at(format!(
                "unpacks to {} bytes; a question file holds at most {MAX_QUESTION_BYTES}",
                entry.size()
            )));
        }
        let mut text = Vec::new();
        (&mut entry)
            .take(MAX_QUESTION_BYTES as u64 + 1)
            .read_to_end(&mut text)
            .map_err(|e| at(format!("cannot be unpacked ({e})")))?;
        if text.len() > MAX_QUESTION_BYTES {
            return Err(at(format!(
                "unpacks to more than {MAX_QUESTION_BYTES} bytes, the most a question file holds"
            )));
        }
        total += text.len();
        if total > MAX_BYTES_PER_SERVER {
            return Err(refuse(format!(
                "unpacks to more than {MAX_BYTES_PER_SERVER} bytes, the most a server's decks hold"
            )));
        }
        let rel = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push(SourceFile {
            display: rel.clone(),
            rel,
            bytes: Cow::Owned(text),
        });
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(files)
}

/// Entries of an archive that are not question files: anything but `.md`, a README, and the
/// metadata macOS and editors leave.
fn skipped(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    !base.to_ascii_lowercase().ends_with(".md")
        || base.eq_ignore_ascii_case("README.md")
        || base.starts_with('.')
        || name.starts_with("__MACOSX/")
}

/// A zip of a deck's files under a folder named for the deck: what `/deck export` attaches, and
/// what `/deck import` takes back unchanged.
pub fn pack(deck: &str, files: &[DeckFile]) -> std::io::Result<Vec<u8>> {
    let entries: Vec<(String, &[u8])> = files
        .iter()
        .map(|file| {
            let base = file.path.rsplit('/').next().unwrap_or(&file.path);
            (format!("{deck}/{base}"), file.text.as_bytes())
        })
        .collect();
    zip_entries(&entries)
}

/// A deflated zip of `(name, bytes)` entries, in order: a deck's export, or a deck an author (or
/// a test) builds.
pub fn zip_entries(entries: &[(impl AsRef<str>, impl AsRef<[u8]>)]) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_ref(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes.as_ref())?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        zip_entries(entries).unwrap()
    }

    #[test]
    fn a_markdown_file_is_one_question_file() {
        let files = unpack("gil.md", b"+++").unwrap();
        assert_eq!((files.len(), files[0].rel.as_str()), (1, "gil.md"));
        let err = unpack("deck.pdf", b"%PDF").unwrap_err();
        assert!(
            err.to_string().starts_with("deck.pdf:1: is neither"),
            "{err}"
        );
    }

    #[test]
    fn a_zip_gives_its_question_files_and_skips_the_rest() {
        let bytes = zip_of(&[
            ("ours/b.md", b"b"),
            ("ours/a.md", b"a"),
            ("ours/README.md", b"notes"),
            ("__MACOSX/ours/._a.md", b"junk"),
            ("ours/notes.txt", b"x"),
        ]);
        let files = unpack("ours.zip", &bytes).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(names, ["ours/a.md", "ours/b.md"]);
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap() {
        // 50 MB of zeros compress to about 50 KB: each entry claims its real size, so the header
        // check refuses it before a byte is inflated.
        let zeros = vec![0u8; 50 * 1024 * 1024];
        let bytes = zip_of(&[("bomb.md", &zeros)]);
        assert!(bytes.len() < 200_000, "{}", bytes.len());
        let err = unpack("bomb.zip", &bytes).unwrap_err();
        assert!(
            err.to_string().contains("a question file holds at most"),
            "{err}"
        );
        // Many entries just under the per-file cap still stop at the server's total.
        let file = vec![b'a'; MAX_QUESTION_BYTES];
        let names: Vec<String> = (0..200).map(|i| format!("q{i}.md")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &file[..])).collect();
        let err = unpack("many.zip", &zip_of(&entries)).unwrap_err();
        assert!(
            err.to_string().contains("the most a server's decks hold"),
            "{err}"
        );
    }

    #[test]
    fn an_entry_outside_the_archive_is_refused() {
        let bytes = zip_of(&[("../../outside.md", b"+++")]);
        let err = unpack("deck.zip", &bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "deck.zip/../../outside.md:1: has a path outside the archive"
        );
    }

    #[test]
    fn a_broken_zip_is_named() {
        let err = unpack("deck.zip", b"PK\x03\x04 not really").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("deck.zip:1: is not a readable zip"),
            "{err}"
        );
    }

    #[test]
    fn an_export_unpacks_to_the_same_files() {
        let files = [DeckFile {
            slug: "a".parse().unwrap(),
            path: "somewhere/a.md".into(),
            text: "+++\n".into(),
        }];
        let bytes = pack("ours", &files).unwrap();
        let back = unpack("ours.zip", &bytes).unwrap();
        assert_eq!(back[0].rel, "ours/a.md");
        assert_eq!(&*back[0].bytes, b"+++\n");
    }
}
