//! The shape of the source tree, kept as the restructuring left it: no module imports one that
//! imports it back (directly or around a circle), and no source file is over 600 lines, so each
//! can be read in one sitting. Read from the files, as `secrets` reads who touches the token.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/discord/outbox/mod.rs` → `["discord", "outbox"]`; `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The paths a source names that start with `crate::` or `super::`, braces expanded one level.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"]
        .iter()
        .flat_map(|p| code.match_indices(p).map(|(i, _)| i))
    {
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let rest = &code[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let head: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if rest[end..].starts_with('{') && rest[..end].ends_with("::") {
            let inside = &rest[end + 1..rest[end..].find('}').map_or(end + 1, |i| end + i)];
            for item in inside.split(',') {
                let item = item.trim();
                if item.is_empty() || item == "self" || item.contains('{') {
                    continue;
                }
                let mut path = head.clone();
                path.extend(item.split("::").map(|s| s.trim().to_owned()));
                found.push(path);
            }
        } else {
            found.push(head);
        }
    }
    found
}

/// The module a path names, from the module `from`: the longest prefix that is a module.
fn resolve(
    from: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = from.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        _ => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
    }
    let full: Vec<String> = base.into_iter().chain(rest.iter().cloned()).collect();
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|candidate| modules.contains(candidate))
}

fn cycles(src: &Path) -> Vec<Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let sources: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            // Unit tests sit at the end of a file and may use anything; comments and doc links
            // name modules without depending on them.
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (module_of(src, f), code)
        })
        .collect();
    let modules: BTreeSet<Vec<String>> = sources.keys().cloned().collect();
    let mut edges: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, code) in &sources {
        for path in paths(code) {
            let Some(target) = resolve(module, &path, &modules) else {
                continue;
            };
            // A module and its own parent or children share items by design (re-exports).
            if target.starts_with(module) || module.starts_with(&target) {
                continue;
            }
            edges.entry(module).or_default().insert(target);
        }
    }
    // A module is on a circle when it can reach itself.
    let mut circles = Vec::new();
    for start in &modules {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Vec<String>> = edges.get(start).into_iter().flatten().collect();
        while let Some(next) = stack.pop() {
            if next == start {
                circles.push(start.clone());
                break;
            }
            if seen.insert(next.clone()) {
                stack.extend(edges.get(next).into_iter().flatten());
            }
        }
    }
    circles
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in [root.join("src"), root.join("crates/fake-discord/src")] {
        let on_circles: Vec<String> = cycles(&src).iter().map(|m| m.join("::")).collect();
        assert!(
            on_circles.is_empty(),
            "modules of {} on an import circle: {on_circles:?}",
            src.display()
        );
    }
}

#[test]
fn the_cycle_check_finds_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("discord")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod discord;\npub mod service;\n").unwrap();
    std::fs::write(
        src.join("discord/mod.rs"),
        "pub mod bot;\npub mod commands;\n",
    )
    .unwrap();
    std::fs::write(src.join("discord/bot.rs"), "use super::commands::all;\n").unwrap();
    std::fs::write(
        src.join("discord/commands.rs"),
        "use super::{bot::Data, render};\nuse crate::service::Service;\n",
    )
    .unwrap();
    std::fs::write(src.join("service.rs"), "pub struct Service;\n").unwrap();
    let found: Vec<String> = cycles(src).iter().map(|m| m.join("::")).collect();
    assert_eq!(found, ["discord::bot", "discord::commands"]);
}

#[test]
fn no_source_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "crates/fake-discord/src", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines})", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}
