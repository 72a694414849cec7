//! `dailydrill deck import-doc`: a loose study document of numbered questions with answers (a
//! study guide exported from a PDF, say) split into question files in the corpus format, each
//! with a draft rubric drawn from its answer's list items and marked `rubric_draft = true`, which
//! `corpus check` refuses until an author has checked it. Whatever cannot be split is reported
//! with its line: a question with no answer, an answer with no question (its heading lost), and
//! code outside a fence.

use std::sync::LazyLock;

use regex::Regex;

use super::Difficulty;

/// One question of the document, with its answer as Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocItem {
    /// Its number in the document (documents restart numbering per section).
    pub number: u32,
    pub question: String,
    /// Line of the question in the document.
    pub line: usize,
    pub answer: String,
    /// The first line of the answer that looks like code outside a fence, if any.
    pub unfenced_code: Option<usize>,
}

/// The items split from a document, and what could not be, by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocSplit {
    pub items: Vec<DocItem>,
    pub problems: Vec<(usize, String)>,
}

/// `12 What is ...?` or `12. What is ...?`: a numbered heading.
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,3})[.)]?\s+(\S.*)$").expect("a valid pattern"));

/// A line that reads as code, not prose.
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(import \w|from [\w.]+ import |def \w+\(|async def |class \w+[:(]|@\w+|print\(|return\b|\w+ = \S|pip install |python -m |\$ )",
    )
    .expect("a valid pattern")
});

/// Languages a PDF export leaves on the line after an opening fence.
const LANGUAGES: &[&str] = &[
    "python",
    "bash",
    "sh",
    "shell",
    "sql",
    "ini",
    "toml",
    "yaml",
    "json",
    "html",
    "text",
    "dockerfile",
    "nginx",
    "javascript",
    "js",
];

fn is_answer_marker(line: &str) -> bool {
    let t = line.trim();
    t.eq_ignore_ascii_case("answer:") || t.eq_ignore_ascii_case("answer")
}

/// Removes the export's noise: "CopyEdit" lines, a language left on the line after an opening
/// fence (moved onto the fence), "✓" and "•" bullets.
fn clean(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut in_fence = false;
    let mut pending_language: Option<String> = None;
    let raw: Vec<&str> = text.lines().collect();
    let mut skip = 0;
    for (i, raw_line) in raw.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let at = i + 1;
        let line = raw_line.trim_end();
        let t = line.trim();
        if t == "CopyEdit" {
            continue;
        }
        // "Answer:" alone in a fence: the export's doing, not code.
        if !in_fence
            && t == "```"
            && raw.get(i + 1).is_some_and(|l| is_answer_marker(l))
            && raw.get(i + 2).is_some_and(|l| l.trim() == "```")
        {
            out.push((i + 2, "Answer:".to_owned()));
            skip = 2;
            continue;
        }
        // A language alone on a line before a fence.
        if !in_fence && LANGUAGES.contains(&t.to_lowercase().as_str()) {
            pending_language = Some(t.to_lowercase());
            continue;
        }
        if let Some(language) = t.strip_suffix(" CopyEdit") {
            pending_language = Some(language.trim().to_lowercase());
            continue;
        }
        if t.starts_with("```") {
            if in_fence {
                out.push((at, "```".to_owned()));
            } else {
                let language = t.trim_start_matches('`').trim().to_lowercase();
                let language = if language.is_empty() {
                    pending_language.take().unwrap_or_default()
                } else {
                    language
                };
                out.push((at, format!("```{language}")));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            // The language a PDF export puts on its own line right after the fence.
            if out.last().is_some_and(|(_, l)| l == "```")
                && LANGUAGES.contains(&t.to_lowercase().as_str())
            {
                let last = out.len() - 1;
                out[last].1 = format!("```{}", t.to_lowercase());
                continue;
            }
            out.push((at, line.to_owned()));
            continue;
        }
        let line = if let Some(rest) = t.strip_prefix("✓ ") {
            format!("**{}**", rest.trim_end_matches(':').trim())
        } else if let Some(rest) = t.strip_prefix("• ") {
            format!("- {rest}")
        } else {
            line.to_owned()
        };
        out.push((at, line));
    }
    if in_fence {
        out.push((text.lines().count(), "```".to_owned()));
    }
    out
}

/// A question being read: number, text, line, answer lines (with their lines), and whether its
/// "Answer:" marker was seen.
type Item = (u32, String, usize, Vec<(usize, String)>, bool);

/// Splits a document into its numbered questions and their answers.
pub fn split_document(text: &str) -> DocSplit {
    let lines = clean(text);
    let mut split = DocSplit::default();
    // The item being read: (number, question, line, answer lines, an "Answer:" seen).
    let mut current: Option<Item> = None;
    // After an answer with no question: its lines are skipped until the next heading.
    let mut orphan = false;
    let mut in_fence = false;
    let finish = |current: Option<Item>, split: &mut DocSplit| {
        let Some((number, question, line, answer, _)) = current else {
            return;
        };
        let text = tidy(answer.iter().map(|(_, l)| l.as_str()));
        if text.is_empty() {
            split
                .problems
                .push((line, format!("question {number} has no answer")));
            return;
        }
        let unfenced_code = find_unfenced_code(&answer);
        if let Some(at) = unfenced_code {
            split.problems.push((
                at,
                format!("question {number}: code outside a fence; wrap it in ``` lines"),
            ));
        }
        split.items.push(DocItem {
            number,
            question,
            line,
            answer: text,
            unfenced_code,
        });
    };
    for (i, (at, line)) in lines.iter().enumerate() {
        let at = *at;
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && !line.trim_start().starts_with("```") {
            if let Some((number, question)) = heading(&lines, i) {
                let previous = current.as_ref().map_or(0, |c| c.0);
                finish(current.take(), &mut split);
                orphan = false;
                let number = number.unwrap_or(previous + 1);
                current = Some((number, question, at, Vec::new(), false));
                continue;
            }
            if is_answer_marker(line) {
                match &mut current {
                    Some((_, _, _, answer, seen))
                        if !*seen && tidy(answer.iter().map(|(_, l)| l.as_str())).is_empty() =>
                    {
                        *seen = true;
                    }
                    _ => {
                        split.problems.push((
                            at,
                            "an answer with no question (its numbered heading is missing)"
                                .to_owned(),
                        ));
                        finish(current.take(), &mut split);
                        orphan = true;
                    }
                }
                continue;
            }
        }
        if orphan {
            continue;
        }
        if let Some((_, _, _, answer, _)) = &mut current {
            answer.push((at, line.clone()));
        }
    }
    finish(current.take(), &mut split);
    split.problems.sort();
    split
}

/// The number and text of a question heading at line `i`: a numbered line ending in "?" or
/// followed by "Answer:", or an unnumbered question followed by "Answer:" (its number lost; the
/// previous one's plus one). A numbered step inside an answer ("1 Install Redis:") is neither.
fn heading(lines: &[(usize, String)], i: usize) -> Option<(Option<u32>, String)> {
    let line = lines[i].1.trim();
    let next = lines[i + 1..].iter().find(|(_, l)| !l.trim().is_empty());
    let answer_follows = next.is_some_and(|(_, l)| is_answer_marker(l));
    match HEADING.captures(line) {
        Some(caps) => {
            let number: u32 = caps[1].parse().ok()?;
            let text = caps[2].trim().to_owned();
            (text.ends_with('?') || answer_follows).then_some((Some(number), text))
        }
        // A question whose number the export lost, still followed by its "Answer:".
        None => (line.ends_with('?') && answer_follows && !line.starts_with('-'))
            .then(|| (None, line.to_owned())),
    }
}

/// The document line of the first answer line outside a fence that reads as code.
fn find_unfenced_code(answer: &[(usize, String)]) -> Option<usize> {
    let mut in_fence = false;
    for (at, line) in answer {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence && CODE.is_match(line) {
            return Some(*at);
        }
    }
    None
}

/// Answer lines as Markdown: trimmed, no run of blank lines longer than one.
fn tidy<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in lines {
        if line.trim().is_empty() && out.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// A question id from its track and text: lowercase words joined by hyphens, at most 64
/// characters.
pub fn question_id(track: &str, question: &str) -> String {
    let mut id = track.to_owned();
    for word in question
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if id.len() + 1 + word.len() > 64 {
            break;
        }
        id.push('-');
        id.push_str(&word.to_lowercase());
    }
    id
}

/// The draft key points: the answer's list items (outside code), at most six, each with one
/// phrasing of its two longest words.
fn draft_key_points(answer: &str) -> Vec<(String, String)> {
    let mut in_fence = false;
    let mut points = Vec::new();
    for line in answer.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        let Some(item) = line.trim().strip_prefix("- ") else {
            continue;
        };
        if in_fence {
            continue;
        }
        let label = item.replace("**", "").replace('`', "");
        let mut words: Vec<String> = label
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        words.dedup();
        let phrasing = words.into_iter().take(2).collect::<Vec<_>>().join(" & ");
        if !phrasing.is_empty() {
            points.push((label.trim().to_owned(), phrasing));
        }
        if points.len() == 6 {
            break;
        }
    }
    points
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A question file in the corpus format, its rubric a draft for an author to finish.
pub fn question_file(item: &DocItem, id: &str, track: &str, difficulty: Difficulty) -> String {
    let mut text = format!(
        "+++\nid = {}\ntrack = {}\ndifficulty = \"{difficulty}\"\nquestion = {}\nfollow_ups = []\nsources = []\n\n\
         # Drafted by `dailydrill deck import-doc` from the answer's list items. Check each key\n\
         # point and its phrasings, add 3 to 6 key points in all, misconceptions, 1 or 2\n\
         # follow-ups and the official sources, then delete the next line.\n\
         rubric_draft = true\n",
        toml_string(id),
        toml_string(track),
        toml_string(&item.question),
    );
    for (label, phrasing) in draft_key_points(&item.answer) {
        text.push_str(&format!(
            "\n[[key_points]]\nlabel = {}\nphrasings = [{}]\n",
            toml_string(&label),
            toml_string(&phrasing)
        ));
    }
    text.push_str("+++\n\n");
    text.push_str(&item.answer);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_questions_split_with_their_answers() {
        let doc = "Title\n\nIntro text.\n\n1 What is a list?\n\nAnswer:\n\n- Ordered\n- Mutable\n\n2 What is a tuple?\n\nAnswer:\n\nAn immutable sequence.\n";
        let split = split_document(doc);
        assert!(split.problems.is_empty(), "{:?}", split.problems);
        let items: Vec<(u32, &str, usize, &str)> = split
            .items
            .iter()
            .map(|i| (i.number, i.question.as_str(), i.line, i.answer.as_str()))
            .collect();
        assert_eq!(
            items,
            [
                (1, "What is a list?", 5, "- Ordered\n- Mutable"),
                (2, "What is a tuple?", 12, "An immutable sequence.")
            ]
        );
    }

    #[test]
    fn the_exports_fence_noise_is_cleaned() {
        let doc = "1 How?\n\nAnswer:\n\n```\npython\nCopyEdit\nimport sys\n```\n\npython CopyEdit\n\n```\nx = 1\n```\n";
        let split = split_document(doc);
        assert_eq!(
            split.items[0].answer,
            "```python\nimport sys\n```\n\n```python\nx = 1\n```"
        );
        assert!(split.problems.is_empty(), "{:?}", split.problems);
    }

    #[test]
    fn numbered_steps_inside_an_answer_stay_in_it() {
        let doc = "6 How do you cache?\n\nAnswer:\n\n1 Install Redis:\n\n```\npip install redis\n```\n\n2 Configure it:\n\nDone.\n\n7 Next?\n\nAnswer:\n\nYes.\n";
        let split = split_document(doc);
        assert_eq!(split.items.len(), 2);
        assert!(split.items[0].answer.starts_with("1 Install Redis:"));
        assert!(split.items[0].answer.contains("2 Configure it:"));
    }

    #[test]
    fn what_cannot_be_split_is_reported_by_line() {
        let doc = "1 No answer here?\n\n2 A good one?\n\nAnswer:\n\nFine.\n\nAnswer:\n\nAn answer whose heading was lost.\n\n3 Code?\n\nAnswer:\n\nLike this:\nimport os\n";
        let split = split_document(doc);
        assert_eq!(
            split.problems,
            [
                (1, "question 1 has no answer".to_owned()),
                (
                    9,
                    "an answer with no question (its numbered heading is missing)".to_owned()
                ),
                (
                    18,
                    "question 3: code outside a fence; wrap it in ``` lines".to_owned()
                ),
            ]
        );
        let numbers: Vec<u32> = split.items.iter().map(|i| i.number).collect();
        assert_eq!(numbers, [2, 3]);
    }

    #[test]
    fn a_file_has_a_draft_rubric_from_the_list_items() {
        let item = DocItem {
            number: 1,
            question: "What are Python's \"key\" features?".to_owned(),
            line: 1,
            answer: "- **Interpreted** & dynamically typed\n- Garbage collected".to_owned(),
            unfenced_code: None,
        };
        let id = question_id("python", &item.question);
        assert_eq!(id, "python-what-are-python-s-key-features");
        let file = question_file(&item, &id, "python", Difficulty::Medium);
        assert!(file.contains("rubric_draft = true"), "{file}");
        let front = file.split("+++").nth(1).unwrap();
        let table: toml::Table = toml::from_str(front).unwrap();
        assert_eq!(table["question"].as_str(), Some(item.question.as_str()));
        assert!(file.contains("label = \"Interpreted & dynamically typed\"\nphrasings = [\"interpreted & dynamically\"]"), "{file}");
        assert!(file.ends_with("- Garbage collected\n"));
    }
}
