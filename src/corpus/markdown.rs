//! The model answer's Markdown: checks that it will render in Discord, extracts the `python`
//! examples the test suite verifies, and removes the corpus-only fence attributes.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::front_matter::Located;
use super::problem::line_of;
use super::types::{Example, Runner};

/// Fence attribute: the block is the exact standard output of the `python` block before it.
const OUTPUT: &str = "output";
/// Fence attribute: the `python` block is an excerpt, parsed but not run.
const FRAGMENT: &str = "fragment";
/// Fence attribute: the `python` block runs inside the Django fixture (settings, app, tables).
const DJANGO: &str = "django";
/// Fence attribute: the `python` block is a test module that pytest runs.
const PYTEST: &str = "pytest";
/// Fence attribute: the `python` block continues the `python` block before it; the two run as one
/// program, so a long example can be split on purpose with prose between its parts.
const CONTINUED: &str = "continued";
/// The longest code block accepted, in characters: a longer block cannot share a Discord message
/// with its fence lines, so the bot would have to cut it in the middle of the code.
pub const MAX_CODE_BLOCK_CHARS: usize = 1900;

/// A checked answer: the Markdown members see and the examples to verify.
pub(crate) struct Answer {
    pub markdown: String,
    pub examples: Vec<Example>,
}

/// Checks an answer body that starts on line `first_line` of its file.
pub(crate) fn check_answer(body: &str, first_line: usize) -> Result<Answer, Vec<Located>> {
    let file_line = |offset: usize| first_line + line_of(body, offset) - 1;
    if body.trim().is_empty() {
        return Err(vec![(
            first_line.saturating_sub(1).max(1),
            "the model answer is empty: write it below the closing \"+++\"".into(),
        )]);
    }

    let mut problems = Vec::new();
    let mut examples: Vec<Example> = Vec::new();
    // Byte ranges of fence info strings to rewrite to the bare language.
    let mut rewrites: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut has_prose = false;
    // Index of the example whose block ended last, while nothing else has started since.
    let mut after_python: Option<usize> = None;
    let mut in_code: Option<(bool, usize)> = None; // (is a python example, its index)
    // A `python continued` block being read: its example's index and its fence line.
    let mut continuing: Option<(usize, usize)> = None;

    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let at = file_line(range.start);
                let info = match kind {
                    CodeBlockKind::Fenced(info) => {
                        if info.trim().is_empty() {
                            problems.push((
                                at,
                                "code block has no language: name it after the fence, e.g. ```python"
                                    .into(),
                            ));
                        }
                        info.into_string()
                    }
                    CodeBlockKind::Indented => {
                        problems.push((
                            at,
                            "indented code block: use a fenced block with a language (```python)"
                                .into(),
                        ));
                        String::new()
                    }
                };
                if !fence_is_closed(&body[range.clone()]) {
                    problems.push((
                        at,
                        "code block opened here is never closed (add the closing fence)".into(),
                    ));
                }
                let mut words = info.split_whitespace();
                let lang = words.next().unwrap_or("").to_owned();
                let attrs: Vec<&str> = words.collect();
                let mut runner = Runner::Script;
                let mut output = false;
                let mut continued = false;
                for attr in &attrs {
                    match (*attr, lang.as_str()) {
                        (FRAGMENT | DJANGO | PYTEST, "python") if runner != Runner::Script => {
                            problems.push((
                                at,
                                format!(
                                    "a `python` block takes one of {FRAGMENT}, {DJANGO}, {PYTEST}, not two"
                                ),
                            ))
                        }
                        (CONTINUED, "python") => continued = true,
                        (FRAGMENT, "python") => runner = Runner::Fragment,
                        (DJANGO, "python") => runner = Runner::Django,
                        (PYTEST, "python") => runner = Runner::Pytest,
                        (OUTPUT, "text") => output = true,
                        (FRAGMENT | DJANGO | PYTEST | OUTPUT | CONTINUED, _) => problems.push((
                            at,
                            format!(
                                "`{attr}` belongs on a {} block, not `{lang}`",
                                if *attr == OUTPUT { "`text`" } else { "`python`" }
                            ),
                        )),
                        (other, _) => problems.push((
                            at,
                            format!(
                                "unknown code block attribute `{other}` (known: {OUTPUT}, {FRAGMENT}, {DJANGO}, {PYTEST}, {CONTINUED})"
                            ),
                        )),
                    }
                }
                let code_chars = block_code(&body[range.clone()]).chars().count();
                if code_chars > MAX_CODE_BLOCK_CHARS {
                    problems.push((
                        at,
                        format!(
                            "code block is {code_chars} characters; the limit is {MAX_CODE_BLOCK_CHARS}, so that it fits one Discord message: trim it or split it in two with prose between"
                        ),
                    ));
                }
                if !attrs.is_empty() {
                    rewrites.push((info_range(body, range.start), lang.clone()));
                }
                if output {
                    match after_python {
                        Some(i)
                            if examples[i].expected_output.is_none()
                                && matches!(examples[i].runner, Runner::Script | Runner::Django) =>
                        {
                            in_code = Some((false, i));
                        }
                        _ => problems.push((
                            at,
                            "a `text output` block must directly follow the `python` (or `python django`) block whose output it is"
                                .into(),
                        )),
                    }
                } else if lang == "python" {
                    if continued {
                        match examples.last() {
                            None => problems.push((
                                at,
                                "a `python continued` block must come after the `python` block it continues".into(),
                            )),
                            Some(_) if runner != Runner::Script => problems.push((
                                at,
                                "a `python continued` block runs as the block it continues: drop the other attribute".into(),
                            )),
                            Some(earlier) => {
                                runner = earlier.runner;
                                continuing = Some((examples.len(), at));
                            }
                        }
                    }
                    examples.push(Example {
                        line: at,
                        code: String::new(),
                        runner,
                        expected_output: None,
                    });
                    in_code = Some((true, examples.len() - 1));
                } else {
                    in_code = None;
                }
                after_python = None;
            }
            Event::Text(text) => match in_code {
                Some((true, i)) => examples[i].code.push_str(&text),
                Some((false, i)) => examples[i]
                    .expected_output
                    .get_or_insert_with(String::new)
                    .push_str(&text),
                None => has_prose |= !text.trim().is_empty(),
            },
            Event::Code(_) => has_prose = true,
            Event::End(TagEnd::CodeBlock) => {
                if let (Some((i, at)), Some((true, j))) = (continuing, in_code) {
                    if i == j {
                        // One program: the earlier block's code, blank lines up to this block's
                        // fence, then this block's code, so line numbers stay the file's.
                        let (line, mut code) = (examples[i - 1].line, examples[i - 1].code.clone());
                        let used = line + code.lines().count();
                        code.push_str(&"\n".repeat(at.saturating_sub(used)));
                        code.push_str(&examples[i].code);
                        examples[i].code = code;
                        examples[i].line = line;
                        continuing = None;
                        // The earlier part runs as part of this one, unless it claims an output
                        // of its own.
                        if examples[i - 1].expected_output.is_none() {
                            examples.remove(i - 1);
                            in_code = Some((true, i - 1));
                        }
                    }
                }
                after_python = match in_code.take() {
                    Some((true, i)) => Some(i),
                    _ => None,
                };
            }
            Event::Start(Tag::Table(_)) => {
                problems.push((
                    file_line(range.start),
                    "Discord does not render tables: write the comparison as a list".into(),
                ));
                after_python = None;
            }
            Event::Start(_) => after_python = None,
            _ => {}
        }
    }
    if !has_prose {
        problems.push((
            first_line,
            "the model answer has no text outside code blocks: explain the code".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut markdown = body.to_owned();
    for (range, lang) in rewrites.into_iter().rev() {
        markdown.replace_range(range, &lang);
    }
    Ok(Answer {
        markdown: markdown.trim().to_owned(),
        examples,
    })
}

/// The byte range of the info string on the fence line that starts at `start`.
fn info_range(body: &str, start: usize) -> std::ops::Range<usize> {
    let line_end = body[start..].find('\n').map_or(body.len(), |i| start + i);
    let line = &body[start..line_end];
    let fence_start = line.len() - line.trim_start().len();
    let fence_char = line[fence_start..].chars().next().unwrap_or('`');
    let fence_len = line[fence_start..]
        .chars()
        .take_while(|&c| c == fence_char)
        .count();
    let rest = &line[fence_start + fence_len..];
    let info_start = start + fence_start + fence_len + (rest.len() - rest.trim_start().len());
    info_start..line_end
}

/// The code of a fenced block's source: its lines between the fences.
fn block_code(block: &str) -> &str {
    let start = block.find('\n').map_or(block.len(), |i| i + 1);
    let inner = &block[start..];
    let inner = inner.trim_end();
    match inner.rfind('\n') {
        Some(i) if inner[i + 1..].trim_start().starts_with(['`', '~']) => &inner[..i],
        None if inner.trim_start().starts_with(['`', '~']) => "",
        _ => inner,
    }
}

/// Whether a fenced block's source ends with a closing fence. CommonMark lets an unclosed fence run
/// to the end of its container, which silently swallows the rest of the answer.
fn fence_is_closed(block: &str) -> bool {
    let opener = block.lines().next().unwrap_or("").trim_start();
    let Some(fence_char) = opener.chars().next().filter(|c| *c == '`' || *c == '~') else {
        return true; // indented block: no fence to close
    };
    let fence_len = opener.chars().take_while(|&c| c == fence_char).count();
    let mut lines = block.trim_end().lines();
    lines.next();
    lines.last().is_some_and(|last| {
        let last = last.trim();
        last.len() >= fence_len && last.chars().all(|c| c == fence_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(body: &str) -> Vec<Located> {
        check_answer(body, 10).err().unwrap_or_default()
    }

    #[test]
    fn extracts_examples_with_their_output_and_strips_attributes() {
        let body = "Text.\n\n```python\nprint(1)\n```\n\n```text output\n1\n```\n\n```python fragment\napp.run()\n```\n";
        let answer = check_answer(body, 10).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(answer.examples.len(), 2);
        assert_eq!(answer.examples[0].line, 12);
        assert_eq!(answer.examples[0].code, "print(1)\n");
        assert_eq!(answer.examples[0].expected_output.as_deref(), Some("1\n"));
        assert_eq!(answer.examples[1].runner, Runner::Fragment);
        assert!(!answer.markdown.contains("output") && !answer.markdown.contains("fragment"));
        assert!(answer.markdown.contains("```text\n1\n```"));
        assert!(answer.markdown.contains("```python\napp.run()"));
    }

    #[test]
    fn an_unclosed_fence_is_reported_at_its_opening_line() {
        let p = problems("Text.\n\n```python\nprint(1)\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 12);
        assert!(p[0].1.contains("never closed"));
    }

    #[test]
    fn an_unclosed_fence_inside_a_list_is_reported() {
        let p = problems("Text.\n\n- item\n\n  ```python\n  print(1)\n- next\n");
        assert!(p.iter().any(|(_, m)| m.contains("never closed")), "{p:?}");
    }

    #[test]
    fn a_longer_closing_fence_closes() {
        assert!(problems("Text.\n\n````python\nx = 1\n`````\n").is_empty());
        assert!(!problems("Text.\n\n````python\nx = 1\n```\n").is_empty());
    }

    #[test]
    fn a_fence_needs_a_language() {
        let p = problems("Text.\n\n```\nx\n```\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].1.contains("no language"));
    }

    #[test]
    fn an_empty_answer_or_code_without_prose_is_refused() {
        assert!(problems("\n  \n")[0].1.contains("empty"));
        assert!(problems("```python\nx = 1\n```\n")[0].1.contains("no text"));
    }

    #[test]
    fn tables_and_misplaced_attributes_are_refused() {
        assert!(
            problems("Text.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")[0]
                .1
                .contains("tables")
        );
        assert!(
            problems("Text.\n\n```text output\n1\n```\n")[0]
                .1
                .contains("directly follow")
        );
        assert!(
            problems("Text.\n\n```python\nx\n```\n\nProse.\n\n```text output\n1\n```\n")[0]
                .1
                .contains("directly follow")
        );
        assert!(
            problems("Text.\n\n```bash fragment\nx\n```\n")[0]
                .1
                .contains("`python`")
        );
        assert!(
            problems("Text.\n\n```python run\nx\n```\n")[0]
                .1
                .contains("unknown code block attribute `run`")
        );
    }
}
