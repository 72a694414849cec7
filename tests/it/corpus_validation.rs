//! Each mistake a question author makes gets a specific message naming the file and line.

use std::borrow::Cow;

use dailydrill::corpus::{Corpus, Difficulty, Problem, Runner, SourceFile, quality};

const TRACKS: &str = "[[track]]\nid = \"python\"\nname = \"Python\"\n\n[[track]]\nid = \"django\"\nname = \"Django\"\n";

const KEY_POINTS: &str = "\
[[key_points]]
label = \"One\"
phrasings = [\"one\"]

[[key_points]]
label = \"Two\"
phrasings = [\"two\", \"second\"]

[[key_points]]
label = \"Three\"
phrasings = [\"three\"]

[[misconceptions]]
claim = \"Four\"
phrasings = [\"four & five\"]
correction = \"Three, not four.\"
";

fn file(rel: &str, text: &str) -> SourceFile {
    SourceFile {
        rel: rel.to_owned(),
        display: format!("q/{rel}"),
        bytes: Cow::Owned(text.as_bytes().to_vec()),
    }
}

/// A valid question file with the given id, whose front matter fields can be replaced.
fn question(id: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntrack = \"python\"\ndifficulty = \"easy\"\ntags = [\"basics\"]\nquestion = \"Why?\"\nfollow_ups = [\"Why not?\"]\nsources = [\"https://docs.python.org/3/\"]\n\n{KEY_POINTS}+++\n\nBecause.\n\n```python\nprint(1)\n```\n"
    )
}

fn load(questions: &[(&str, &str)]) -> Result<Corpus, Vec<Problem>> {
    let mut files = vec![file("tracks.toml", TRACKS)];
    files.extend(questions.iter().map(|(rel, text)| file(rel, text)));
    Corpus::from_files(&files).map_err(|p| p.0)
}

/// Loads one file that must fail; returns its problems as `path:line: message` strings.
fn problems_of(text: &str) -> Vec<String> {
    match load(&[("python/a.md", text)]) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

fn assert_one(problems: &[String], expected_prefix: &str, words: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(expected_prefix) && p.contains(words)),
        "no problem {expected_prefix}…{words}… in {problems:#?}"
    );
}

#[test]
fn a_valid_file_loads_into_a_typed_question() {
    let corpus = load(&[("python/a.md", &question("python-a"))]).unwrap();
    let q = &corpus.questions()[0];
    assert_eq!(q.id.as_str(), "python-a");
    assert_eq!(q.track.as_str(), "python");
    assert_eq!(q.difficulty, Difficulty::Easy);
    assert_eq!(q.tags, ["basics"]);
    assert_eq!(q.question, "Why?");
    assert_eq!(q.key_points.len(), 3);
    assert_eq!(q.key_points[1].phrasings, ["two", "second"]);
    assert!(q.answer.starts_with("Because."));
    assert_eq!(q.examples.len(), 1);
    assert_eq!(q.examples[0].line, 30);
    assert_eq!(q.examples[0].runner, Runner::Script);
    assert_eq!(q.follow_ups, ["Why not?"]);
    assert_eq!(q.sources, ["https://docs.python.org/3/"]);
    assert_eq!(q.follow_up_of, None);
    assert_eq!(q.question_line, 6);
    assert_eq!(q.source, "q/python/a.md");
}

const FOLLOW_UPS: &str = "follow_ups = [\"Why not?\"]\n";
const SOURCES: &str = "sources = [\"https://docs.python.org/3/\"]\n";

#[test]
fn follow_ups_and_sources_are_required_and_checked() {
    let text = question("python-a").replace(FOLLOW_UPS, "");
    assert_one(&problems_of(&text), "q/python/a.md:1:", "no `follow_ups`");
    let text = question("python-a").replace(SOURCES, "");
    assert_one(&problems_of(&text), "q/python/a.md:1:", "no `sources`");

    let three = "follow_ups = [\"A?\", \"B?\", \"C?\"]\n";
    let text = question("python-a").replace(FOLLOW_UPS, three);
    assert_one(
        &problems_of(&text),
        "q/python/a.md:7:",
        "has 3; give 1 to 2",
    );
    let long = format!("follow_ups = [\"{}?\"]\n", "x".repeat(300));
    let text = question("python-a").replace(FOLLOW_UPS, &long);
    assert_one(&problems_of(&text), "q/python/a.md:7:", "the limit is 300");

    for bad in [
        "http://docs.python.org/3/",
        "docs.python.org",
        "https://",
        "https://a b.org/",
    ] {
        let text = question("python-a").replace(SOURCES, &format!("sources = [\"{bad}\"]\n"));
        assert_one(
            &problems_of(&text),
            "q/python/a.md:8:",
            "is not an https:// address",
        );
    }
    let twice = "sources = [\"https://a.org/x\", \"https://a.org/x\"]\n";
    let text = question("python-a").replace(SOURCES, twice);
    assert_one(&problems_of(&text), "q/python/a.md:8:", "listed twice");
    let none = question("python-a").replace(SOURCES, "sources = []\n");
    assert_one(
        &problems_of(&none),
        "q/python/a.md:8:",
        "`sources` is empty",
    );
}

#[test]
fn follow_up_of_must_name_another_question_of_the_corpus() {
    let of = |id: &str| format!("{FOLLOW_UPS}follow_up_of = \"{id}\"\n");
    let text = question("python-b").replace(FOLLOW_UPS, &of("python-a"));
    let corpus = load(&[
        ("python/a.md", &question("python-a")),
        ("python/b.md", &text),
    ])
    .unwrap();
    assert_eq!(
        corpus.questions()[1]
            .follow_up_of
            .as_ref()
            .map(|id| id.as_str()),
        Some("python-a")
    );

    let text = question("python-b").replace(FOLLOW_UPS, &of("python-gone"));
    let problems = load(&[("python/b.md", &text)]).unwrap_err();
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_one(
        &problems,
        "q/python/b.md:8:",
        "\"python-gone\", which is not a question",
    );

    let text = question("python-b").replace(FOLLOW_UPS, &of("python-b"));
    assert_one(
        &problems_of(&text),
        "q/python/a.md:8:",
        "names this question itself",
    );
}

/// A question file with its own question text and answer body.
fn asking(id: &str, text: &str, body: &str) -> String {
    question(id)
        .replace("question = \"Why?\"", &format!("question = \"{text}\""))
        .replace("Because.\n\n```python\nprint(1)\n```\n", body)
}

#[test]
fn near_duplicate_questions_are_named_unless_one_follows_up_the_other() {
    let a = asking(
        "python-a",
        "What is the GIL in CPython, and why does it exist?",
        "Because.\n",
    );
    let b = asking(
        "python-b",
        "What is the GIL in CPython and why does it exist?",
        "Because.\n",
    );
    let c = asking(
        "python-c",
        "How do you profile memory in a long-running service?",
        "Because.\n",
    );
    let corpus = load(&[
        ("python/a.md", &a),
        ("python/b.md", &b),
        ("python/c.md", &c),
    ])
    .unwrap();
    let problems: Vec<String> = quality::review(corpus.questions())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0]
            .starts_with("q/python/b.md:6: the question reads like \"python-a\" (q/python/a.md:6)"),
        "{}",
        problems[0]
    );

    let b = b.replace(
        FOLLOW_UPS,
        &format!("{FOLLOW_UPS}follow_up_of = \"python-a\"\n"),
    );
    let corpus = load(&[
        ("python/a.md", &a),
        ("python/b.md", &b),
        ("python/c.md", &c),
    ])
    .unwrap();
    assert!(quality::review(corpus.questions()).is_empty());
}

#[test]
fn an_answer_must_fit_three_messages_and_a_code_block_one() {
    let paragraph = format!("{}\n\n", "word ".repeat(300));
    let body = paragraph.repeat(4);
    let corpus = load(&[("python/a.md", &asking("python-a", "Why?", &body))]).unwrap();
    let problems: Vec<String> = quality::review(corpus.questions())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("takes 4 Discord messages; the limit is 3"),
        "{}",
        problems[0]
    );

    let code = "x = 1\n".repeat(400);
    let body = format!("Because.\n\n```python\n{code}```\n");
    assert_one(
        &problems_of(&asking("python-a", "Why?", &body)),
        "q/python/a.md:30:",
        "code block is 2399 characters; the limit is 1900",
    );
}

#[test]
fn python_blocks_name_how_they_run_and_continued_blocks_join_with_their_lines() {
    let body = "Models.\n\n```python django\nx = 1\n```\n\nThen.\n\n```python continued\nprint(x)\n```\n\n```text output\n1\n```\n\n```python pytest\ndef test_a():\n    assert True\n```\n";
    let corpus = load(&[("python/a.md", &asking("python-a", "Why?", body))]).unwrap();
    let examples = &corpus.questions()[0].examples;
    assert_eq!(
        examples.len(),
        2,
        "the continued block absorbs the one it continues"
    );
    assert_eq!(examples[0].runner, Runner::Django);
    assert_eq!(examples[0].line, 30);
    // The second part's code stays on its own line of the file: 36 = 30 + 6.
    assert_eq!(examples[0].code, "x = 1\n\n\n\n\n\nprint(x)\n");
    assert_eq!(examples[0].expected_output.as_deref(), Some("1\n"));
    assert_eq!(examples[1].runner, Runner::Pytest);
    assert!(!corpus.questions()[0].answer.contains("continued"));

    let lonely = "Text.\n\n```python continued\nx = 1\n```\n";
    assert_one(
        &problems_of(&asking("python-a", "Why?", lonely)),
        "q/python/a.md:30:",
        "must come after the `python` block it continues",
    );
    let two = "Text.\n\n```python django pytest\nx = 1\n```\n";
    assert_one(
        &problems_of(&asking("python-a", "Why?", two)),
        "q/python/a.md:30:",
        "not two",
    );
    let claimed = "Text.\n\n```python pytest\nx = 1\n```\n\n```text output\n1\n```\n";
    assert_one(
        &problems_of(&asking("python-a", "Why?", claimed)),
        "q/python/a.md:34:",
        "must directly follow the `python` (or `python django`) block",
    );
}

#[test]
fn malformed_front_matter_names_the_line() {
    let text = question("python-a").replace("difficulty = \"easy\"", "difficulty = easy");
    assert_one(&problems_of(&text), "q/python/a.md:4:", "front matter");
}

#[test]
fn a_file_without_front_matter_or_its_closing_line_is_refused() {
    assert_one(
        &problems_of("Just an answer.\n"),
        "q/python/a.md:1:",
        "must start with a line \"+++\"",
    );
    assert_one(
        &problems_of("+++\nid = \"x\"\n\nBody\n"),
        "q/python/a.md:1:",
        "never closed",
    );
}

#[test]
fn every_missing_field_is_reported_at_once() {
    let text = "+++\ntags = []\n+++\n\nAnswer.\n";
    let problems = problems_of(text);
    for field in [
        "`id`",
        "`track`",
        "`difficulty`",
        "`question`",
        "[[key_points]]",
    ] {
        assert_one(&problems, "q/python/a.md:1:", field);
    }
}

#[test]
fn an_empty_field_names_its_line() {
    let text = question("python-a").replace("question = \"Why?\"", "question = \"  \"");
    assert_one(
        &problems_of(&text),
        "q/python/a.md:6:",
        "`question` is empty",
    );
}

#[test]
fn an_unknown_field_is_refused_so_typos_surface() {
    let text = question("python-a").replace("tags =", "tag =");
    assert_one(
        &problems_of(&text),
        "q/python/a.md:5:",
        "unknown field `tag`",
    );
}

#[test]
fn a_duplicate_id_names_both_files() {
    let problems = load(&[
        ("python/a.md", &question("python-a")),
        ("python/b.md", &question("python-a")),
    ])
    .unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].to_string(),
        "q/python/b.md:2: duplicate id \"python-a\": already used by q/python/a.md:2"
    );
}

#[test]
fn an_unknown_track_lists_the_declared_ones() {
    let text = question("python-a").replace("track = \"python\"", "track = \"rust\"");
    assert_one(
        &problems_of(&text),
        "q/python/a.md:3:",
        "unknown track \"rust\"; tracks.toml declares: python, django",
    );
}

#[test]
fn a_question_in_another_tracks_folder_is_refused() {
    let problems = load(&[("django/a.md", &question("python-a"))]).unwrap_err();
    assert!(problems[0].to_string().starts_with("q/django/a.md:3:"));
    assert!(problems[0].message.contains("folder \"django\""));
}

#[test]
fn an_unknown_difficulty_names_the_choices() {
    let text = question("python-a").replace("\"easy\"", "\"expert\"");
    assert_one(
        &problems_of(&text),
        "q/python/a.md:4:",
        "use easy, medium or hard",
    );
}

#[test]
fn a_bad_id_says_why() {
    let text = question("Python A");
    assert_one(
        &problems_of(&text),
        "q/python/a.md:2:",
        "lowercase letters, digits and hyphens",
    );
}

#[test]
fn an_answer_with_no_text_is_refused() {
    let text = question("python-a");
    let front = &text[..text.rfind("+++").unwrap() + 4];
    assert_one(
        &problems_of(front),
        "q/python/a.md:",
        "the model answer is empty",
    );
    let code_only = format!("{front}\n```python\nx = 1\n```\n");
    assert_one(
        &problems_of(&code_only),
        "q/python/a.md:",
        "no text outside code blocks",
    );
}

#[test]
fn an_unclosed_code_fence_names_its_opening_line() {
    let text = question("python-a").replace("print(1)\n```\n", "print(1)\n");
    assert_one(&problems_of(&text), "q/python/a.md:30:", "never closed");
}

#[test]
fn a_code_fence_without_a_language_is_refused() {
    let text = question("python-a").replace("```python", "```");
    assert_one(&problems_of(&text), "q/python/a.md:30:", "no language");
}

#[test]
fn too_few_or_too_many_key_points_are_refused() {
    let two = question("python-a").replace(
        "[[key_points]]\nlabel = \"Three\"\nphrasings = [\"three\"]\n",
        "",
    );
    assert_one(
        &problems_of(&two),
        "q/python/a.md:10:",
        "2 key point(s); a question needs 3 to 6",
    );
    let extra = "[[key_points]]\nlabel = \"More\"\nphrasings = [\"more\"]\n".repeat(4);
    let seven = question("python-a").replace(KEY_POINTS, &format!("{KEY_POINTS}{extra}"));
    assert_one(&problems_of(&seven), "q/python/a.md:", "7 key point(s)");
}

#[test]
fn a_key_point_needs_a_label_and_phrasings() {
    let text = question("python-a")
        .replace("label = \"Two\"\n", "")
        .replace("phrasings = [\"three\"]", "phrasings = []");
    let problems = problems_of(&text);
    assert_one(&problems, "q/python/a.md:14:", "key point 2 has no `label`");
    assert_one(&problems, "q/python/a.md:", "key point 3 has no phrasings");
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut bytes = question("python-a").into_bytes();
    bytes.extend_from_slice(b"\nbad \xff byte\n");
    let files = vec![
        file("tracks.toml", TRACKS),
        SourceFile {
            rel: "python/a.md".into(),
            display: "q/python/a.md".into(),
            bytes: Cow::Owned(bytes),
        },
    ];
    let problems = Corpus::from_files(&files).unwrap_err();
    assert!(
        problems.0[0]
            .to_string()
            .starts_with("q/python/a.md:34: not valid UTF-8")
    );
}

#[test]
fn problems_in_several_files_are_all_reported_in_order() {
    let problems = load(&[
        (
            "python/b.md",
            &question("python-b").replace("\"easy\"", "\"x\""),
        ),
        (
            "python/a.md",
            &question("python-a").replace("```python", "```"),
        ),
    ])
    .unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["q/python/a.md", "q/python/b.md"]);
}

#[test]
fn a_corpus_needs_tracks_and_questions() {
    let problems = Corpus::from_files(&[file("python/a.md", &question("python-a"))]).unwrap_err();
    assert_eq!(
        problems.len(),
        1,
        "no noise about tracks of questions: {problems:?}"
    );
    assert!(
        problems.0[0]
            .to_string()
            .starts_with("q/tracks.toml:1: missing")
    );
    let problems = Corpus::from_files(&[file("tracks.toml", TRACKS)]).unwrap_err();
    assert!(problems.0[0].message.contains("no questions"));
    let problems =
        Corpus::from_files(&[file("tracks.toml", "[[track]]\nid = \"py\"\n")]).unwrap_err();
    assert!(
        problems.0[0].to_string().starts_with("q/tracks.toml:"),
        "{problems:?}"
    );
}

#[test]
fn a_rubric_loads_with_weights_bindings_misconceptions_red_flags_and_synonyms() {
    let text = question("python-a")
        .replace(
            "label = \"Two\"\n",
            "label = \"Two\"\nweight = 3\n",
        )
        .replace(
            "[[misconceptions]]",
            "synonyms = [[\"two\", \"2\"]]\n\n[[red_flags]]\nclaim = \"Secret\"\npatterns = ['''SECRET\\s*=\\s*\"''']\ncorrection = \"Read it from the environment.\"\n\n[[misconceptions]]",
        );
    // `synonyms` is a top-level key: it must come before the first table.
    let text = text.replacen(
        "question = \"Why?\"\n",
        "question = \"Why?\"\nsynonyms = [[\"two\", \"2\"]]\n",
        1,
    );
    let text = text.replace(
        "synonyms = [[\"two\", \"2\"]]\n\n[[red_flags]]",
        "[[red_flags]]",
    );
    let corpus = load(&[("python/a.md", &text)]).unwrap_or_else(|p| panic!("{p:#?}"));
    let q = &corpus.questions()[0];
    assert_eq!(q.key_points[1].weight, 3);
    assert_eq!(q.key_points[0].weight, 1, "the default weight");
    assert_eq!(q.synonyms, [vec!["two".to_owned(), "2".to_owned()]]);
    // Misconceptions first, then red flags, whatever the file's order.
    let kinds: Vec<(&str, bool)> = q
        .misconceptions
        .iter()
        .map(|m| (m.claim.as_str(), m.red_flag))
        .collect();
    assert_eq!(kinds, [("Four", false), ("Secret", true)]);
    assert_eq!(q.misconceptions[0].phrasings, ["four & five"]);
    assert_eq!(q.misconceptions[0].correction, "Three, not four.");
}

#[test]
fn a_question_without_a_misconception_is_refused() {
    let text = question("python-a").replace(
        "[[misconceptions]]\nclaim = \"Four\"\nphrasings = [\"four & five\"]\ncorrection = \"Three, not four.\"\n",
        "",
    );
    assert_one(
        &problems_of(&text),
        "q/python/a.md:1:",
        "no [[misconceptions]]; a question needs at least 1",
    );
}

#[test]
fn each_rubric_mistake_is_named_at_its_line() {
    let text = question("python-a")
        .replace("label = \"Two\"\n", "label = \"Two\"\nweight = 9\n")
        .replace(
            "phrasings = [\"three\"]",
            "phrasings = [\"a & b & c & d\", \"x & ()\"]",
        )
        .replace("correction = \"Three, not four.\"\n", "")
        .replace(
            "phrasings = [\"four & five\"]",
            "phrasings = []\npatterns = ['''(unclosed''']",
        );
    let problems = problems_of(&text);
    assert_one(
        &problems,
        "q/python/a.md:16:",
        "key point 2's `weight` is 9; use 1 to 5",
    );
    assert_one(
        &problems,
        "q/python/a.md:21:",
        "binds 4 parts; a binding has at most 3",
    );
    assert_one(
        &problems,
        "q/python/a.md:21:",
        "has a binding part with no letters or digits",
    );
    assert_one(
        &problems,
        "q/python/a.md:23:",
        "misconception 1 has no `correction`",
    );
    assert_one(
        &problems,
        "q/python/a.md:26:",
        "is not a valid regular expression",
    );

    let lonely = question("python-a").replacen(
        "question = \"Why?\"\n",
        "question = \"Why?\"\nsynonyms = [[\"alone\"]]\n",
        1,
    );
    assert_one(
        &problems_of(&lonely),
        "q/python/a.md:7:",
        "needs at least two phrases",
    );
    let no_way = question("python-a").replace("phrasings = [\"four & five\"]\n", "");
    assert_one(
        &problems_of(&no_way),
        "q/python/a.md:",
        "no `phrasings` or `patterns`",
    );
}
