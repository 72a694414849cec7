//! The bundled corpus: `questions/` compiled into the binary, so `dailydrill` runs from any
//! directory without a copy of the repository.

use std::borrow::Cow;

use include_dir::{Dir, include_dir};

use super::load::SourceFile;

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/questions");

/// The bundled corpus's files, named as they are in the repository.
pub fn bundled_files() -> Vec<SourceFile> {
    let mut files = Vec::new();
    collect(&BUNDLED, &mut files);
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

fn collect(dir: &'static Dir<'static>, files: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        files.push(SourceFile {
            display: format!("questions/{rel}"),
            rel,
            bytes: Cow::Borrowed(file.contents()),
        });
    }
    for sub in dir.dirs() {
        collect(sub, files);
    }
}
