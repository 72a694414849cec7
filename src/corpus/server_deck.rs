//! A server's own deck: question files a study group brings, checked with the corpus's rules (a
//! rubric optional), held to limits a hostile server cannot break, and defused so that deck text
//! never disguises a link.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::front_matter::Rules;
use super::load::{SourceFile, read_question};
use super::problem::{Problem, Problems};
use super::types::{Question, QuestionId, TrackId};

/// The largest file `/deck import` takes (a question file or a zip of them): Discord's own
/// attachment limit is far higher, and a deck is text.
pub const MAX_UPLOAD_BYTES: usize = 1_000_000;
/// The largest question file: the longest bundled question is about 18 KB.
pub const MAX_QUESTION_BYTES: usize = 32 * 1024;
/// Questions per server, over all its decks: more than a year of daily questions.
pub const MAX_QUESTIONS_PER_SERVER: usize = 500;
/// Text per server, over all its decks, as imported.
pub const MAX_BYTES_PER_SERVER: usize = 4 * 1024 * 1024;
/// Decks per server: Discord shows at most 25 choices in an autocomplete list.
pub const MAX_DECKS_PER_SERVER: usize = 25;

/// One question of a deck: the file as imported (what `/deck export` gives back) and the
/// question it holds.
#[derive(Debug, Clone)]
pub struct DeckFile {
    /// The id the file gives its question; unique within the deck.
    pub slug: QuestionId,
    /// Where the file was in the upload, e.g. `our-deck/gil.md`.
    pub path: String,
    pub text: String,
}

/// A validated deck, ready to store.
#[derive(Debug, Clone)]
pub struct ParsedDeck {
    pub name: TrackId,
    pub files: Vec<DeckFile>,
    /// How many of its questions have no rubric (scored on answering only).
    pub without_rubric: usize,
}

impl ParsedDeck {
    /// The deck's text size, counted against the server's limit.
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|f| f.text.len()).sum()
    }
}

/// Checks the files of a deck. The deck is called `name` when the admin gave one (every file's
/// `track` is then read as that name); otherwise it takes the track its files agree on.
/// `taken` lists the names a deck may not take: the corpus's tracks. Every problem is returned,
/// located in its file.
pub fn parse_deck(
    files: &[SourceFile],
    name: Option<&TrackId>,
    taken: &[TrackId],
) -> Result<ParsedDeck, Problems> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for file in files {
        if file.bytes.len() > MAX_QUESTION_BYTES {
            problems.push(Problem::new(
                &file.display,
                1,
                format!(
                    "the file is {} bytes; a question file holds at most {MAX_QUESTION_BYTES}",
                    file.bytes.len()
                ),
            ));
            continue;
        }
        match read_question(file, Rules::Deck) {
            Ok((question, lines)) => parsed.push((file, question, lines)),
            Err(found) => problems.extend(found),
        }
    }
    if files.is_empty() {
        problems.push(Problem::new(
            "the upload",
            1,
            "holds no question files: attach a .md question file or a .zip of them",
        ));
    }

    let deck_name = match name {
        Some(name) => Some(name.clone()),
        None => parsed.first().map(|(_, q, _)| q.track.clone()),
    };
    let mut seen: HashMap<&str, (&str, usize)> = HashMap::new();
    for (file, question, lines) in &parsed {
        if let Some((path, line)) = seen.get(question.id.as_str()) {
            problems.push(Problem::new(
                &file.display,
                lines.id,
                format!(
                    "duplicate id {:?}: already used by {path}:{line}",
                    question.id.as_str()
                ),
            ));
        } else {
            seen.insert(question.id.as_str(), (&file.display, lines.id));
        }
        match (&deck_name, name) {
            (Some(deck), None) if *deck != question.track => problems.push(Problem::new(
                &file.display,
                lines.track,
                format!(
                    "track is {:?} but the deck's first file says {:?}: make them agree, or give the deck a name",
                    question.track.as_str(),
                    deck.as_str()
                ),
            )),
            _ => {}
        }
    }
    for (file, question, lines) in &parsed {
        if let Some(of) = &question.follow_up_of
            && !seen.contains_key(of.as_str())
        {
            problems.push(Problem::new(
                &file.display,
                lines.follow_up_of,
                format!(
                    "`follow_up_of` names {:?}, which is not a question of this deck",
                    of.as_str()
                ),
            ));
        }
    }
    if let (Some(deck), Some((file, _, lines))) = (&deck_name, parsed.first())
        && taken.contains(deck)
    {
        let line = if name.is_some() { 1 } else { lines.track };
        problems.push(Problem::new(
            &file.display,
            line,
            format!(
                "{:?} is a bundled track; name the deck something else",
                deck.as_str()
            ),
        ));
    }
    let Some(name) = deck_name.filter(|_| problems.is_empty()) else {
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        return Err(Problems(problems));
    };
    let without_rubric = parsed
        .iter()
        .filter(|(_, q, _)| q.key_points.is_empty())
        .count();
    let files = parsed
        .into_iter()
        .map(|(file, question, _)| DeckFile {
            slug: question.id,
            path: file.rel.clone(),
            text: String::from_utf8_lossy(&file.bytes).into_owned(),
        })
        .collect();
    Ok(ParsedDeck {
        name,
        files,
        without_rubric,
    })
}

/// The question a stored deck file holds, as members see it: under its deck-wide `id`, in the
/// deck `name`, with masked links shown as plain text. `None` when the file no longer parses
/// (the rules changed since it was imported).
pub fn deck_question(id: QuestionId, name: &TrackId, path: &str, text: &str) -> Option<Question> {
    let file = SourceFile {
        rel: path.to_owned(),
        display: path.to_owned(),
        bytes: std::borrow::Cow::Owned(text.as_bytes().to_vec()),
    };
    let (mut q, _) = read_question(&file, Rules::Deck).ok()?;
    q.id = id;
    q.track = name.clone();
    q.follow_up_of = None;
    q.question = defuse_links(&q.question);
    q.answer = defuse_links(&q.answer);
    for text in q.follow_ups.iter_mut() {
        *text = defuse_links(text);
    }
    for point in q.key_points.iter_mut() {
        point.label = defuse_links(&point.label);
    }
    for claim in q.misconceptions.iter_mut() {
        claim.claim = defuse_links(&claim.claim);
        claim.correction = defuse_links(&claim.correction);
    }
    Some(q)
}

/// The question file of an approved suggestion: the suggestion's words, in the deck `deck`,
/// checked as an imported file is (its answer may hold a code block too long for Discord).
pub fn suggested_file(
    id: i64,
    deck: &TrackId,
    difficulty: super::Difficulty,
    question: &str,
    answer: &str,
) -> Result<DeckFile, Problems> {
    let slug = format!("suggestion-{id}");
    let path = format!("{deck}/{slug}.md");
    let text = format!(
        "+++\nid = \"{slug}\"\ntrack = \"{deck}\"\ndifficulty = \"{difficulty}\"\nquestion = {}\n+++\n\n{}\n",
        toml::Value::String(question.trim().to_owned()),
        answer.trim()
    );
    let file = SourceFile {
        rel: path.clone(),
        display: format!("suggestion #{id}"),
        bytes: std::borrow::Cow::Owned(text.clone().into_bytes()),
    };
    read_question(&file, Rules::Deck).map_err(Problems)?;
    Ok(DeckFile {
        slug: slug
            .parse()
            .map_err(|why: String| Problems(vec![Problem::new(&file.display, 1, why)]))?,
        path,
        text,
    })
}

/// Rewrites every masked link `[text](url)` of Markdown as `text (<url>)`: a deck's author
/// cannot make a link read as one address and lead to another. Autolinks and code stay as they
/// are.
pub fn defuse_links(markdown: &str) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut open: Option<(Range<usize>, String, String)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if open.is_none() && !matches!(link_type, LinkType::Autolink | LinkType::Email) => {
                open = Some((range, dest_url.into_string(), String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, label)) = open.as_mut() {
                    label.push_str(&text);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((range, url, label)) = open.take() {
                    let url = url.replace(['<', '>'], "");
                    edits.push((range, format!("{} (<{url}>)", label.trim())));
                }
            }
            _ => {}
        }
    }
    let mut out = markdown.to_owned();
    for (range, replacement) in edits.into_iter().rev() {
        out.replace_range(range, &replacement);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: path.into(),
            display: path.into(),
            bytes: std::borrow::Cow::Owned(text.as_bytes().to_vec()),
        }
    }

    fn question(id: &str, track: &str, rubric: bool) -> String {
        let rubric = if rubric {
            r#"
[[key_points]]
label = "Names the lock"
phrasings = ["global interpreter lock"]
[[key_points]]
label = "One thread at a time"
phrasings = ["one thread at a time"]
[[key_points]]
label = "Released on I/O"
phrasings = ["released during I/O"]
"#
        } else {
            ""
        };
        format!(
            "+++\nid = \"{id}\"\ntrack = \"{track}\"\ndifficulty = \"medium\"\nquestion = \"What is the GIL?\"\n{rubric}+++\n\nThe **global interpreter lock** lets one thread at a time run bytecode.\n"
        )
    }

    #[test]
    fn a_deck_takes_questions_with_and_without_a_rubric() {
        let files = [
            file("ours/a.md", &question("a", "ours", true)),
            file("ours/b.md", &question("b", "ours", false)),
        ];
        let deck = parse_deck(&files, None, &[]).unwrap();
        assert_eq!(deck.name.as_str(), "ours");
        assert_eq!(deck.files.len(), 2);
        assert_eq!(deck.without_rubric, 1);
        assert_eq!(deck.files[1].slug.as_str(), "b");
    }

    #[test]
    fn problems_are_located_and_all_reported() {
        let broken = question("a", "ours", false)
            .replace("difficulty = \"medium\"", "difficulty = \"expert\"");
        let files = [
            file("ours/a.md", &broken),
            file("ours/b.md", &question("b", "theirs", false)),
            file("ours/c.md", &question("b", "ours", false)),
        ];
        let problems = parse_deck(&files, None, &[]).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|p| p.starts_with("ours/a.md:4: ")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|p| p.contains("duplicate id \"b\"")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|p| p.starts_with("ours/c.md:3: ") || p.starts_with("ours/b.md:3: ")),
            "{text:?}"
        );
    }

    #[test]
    fn a_name_given_overrides_the_files_tracks_but_not_a_bundled_track() {
        let files = [file("x.md", &question("a", "whatever", false))];
        let name: TrackId = "our-deck".parse().unwrap();
        assert_eq!(parse_deck(&files, Some(&name), &[]).unwrap().name, name);
        let python: TrackId = "python".parse().unwrap();
        let err = parse_deck(&files, Some(&python), std::slice::from_ref(&python)).unwrap_err();
        assert!(err.0[0].message.contains("bundled track"), "{err:?}");
    }

    #[test]
    fn oversized_files_and_empty_uploads_are_refused() {
        let big = question("a", "ours", false) + &"x".repeat(MAX_QUESTION_BYTES);
        let err = parse_deck(&[file("a.md", &big)], None, &[]).unwrap_err();
        assert!(
            err.0[0].to_string().starts_with("a.md:1: the file is"),
            "{err:?}"
        );
        assert!(parse_deck(&[], None, &[]).is_err());
    }

    #[test]
    fn drafts_are_refused_with_the_way_out() {
        let draft = question("a", "ours", true).replace(
            "difficulty = \"medium\"\n",
            "difficulty = \"medium\"\nrubric_draft = true\n",
        );
        let err = parse_deck(&[file("a.md", &draft)], None, &[]).unwrap_err();
        assert!(
            err.0[0].message.contains("delete `rubric_draft`"),
            "{err:?}"
        );
    }

    #[test]
    fn masked_links_become_plain_text_and_code_is_untouched() {
        let md = "See [the docs](https://evil.example/x) and <https://docs.python.org>.\n\n```python\nx = \"[a](https://b.c)\"\n```\n";
        let out = defuse_links(md);
        assert!(
            out.starts_with(
                "See the docs (<https://evil.example/x>) and <https://docs.python.org>."
            ),
            "{out}"
        );
        assert!(out.contains("x = \"[a](https://b.c)\""), "{out}");
        let nested = defuse_links("[**bold** `code`](https://x.y/z)");
        assert_eq!(nested, "bold code (<https://x.y/z>)");
    }

    #[test]
    fn a_stored_file_becomes_a_question_under_its_deck_wide_id() {
        let text = question("a", "old", true).replace("lets one", "lets [one](https://x.y)");
        let id: QuestionId = "deck-7".parse().unwrap();
        let name: TrackId = "ours".parse().unwrap();
        let q = deck_question(id.clone(), &name, "a.md", &text).unwrap();
        assert_eq!((q.id, q.track), (id, name));
        assert!(q.answer.contains("one (<https://x.y>)"), "{}", q.answer);
    }
}
