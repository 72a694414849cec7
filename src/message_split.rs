//! Splitting Markdown into Discord messages. A model answer can be longer than one message holds
//! (2,000 characters); each part must render on its own, so a split never falls inside a code
//! block: a block too long for one message is closed at the split and reopened, with its
//! language, in the next. Splits prefer paragraph breaks, then line breaks, then spaces.

/// Discord's limit for a message's content.
pub const MESSAGE_LIMIT: usize = 2000;

/// The text of a reveal: the model answer under its heading, then the questions an interviewer
/// asks next, so a member who answered well has somewhere to go. The corpus checks measure the
/// same text the bot sends, so "fits in three messages" means what members will see.
pub fn model_answer(answer: &str, follow_ups: &[String]) -> String {
    let mut text = format!("**Model answer**\n\n{answer}");
    if !follow_ups.is_empty() {
        text.push_str("\n\n**An interviewer might ask next**");
        for question in follow_ups {
            text.push_str("\n- ");
            text.push_str(question);
        }
    }
    text
}
/// The smallest limit accepted: a reopened fence and a closing one must leave room for text.
pub const MIN_LIMIT: usize = 64;
/// Room kept after an opening fence for the start of its content.
const FENCE_CONTENT_RESERVE: usize = 16;

/// Length as Discord counts it (UTF-16 code units), never less than the characters a reader sees.
fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A fence line that opens a code block: its text (to reopen it) and the line that closes it.
#[derive(Clone)]
struct Fence {
    opener: String,
    closer: String,
    marker: char,
    width: usize,
}

fn fence_of(line: &str) -> Option<Fence> {
    let trimmed = line.trim_start();
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let width = trimmed.chars().take_while(|c| *c == marker).count();
    if width < 3 {
        return None;
    }
    let indent = &line[..line.len() - trimmed.len()];
    Some(Fence {
        opener: line.to_owned(),
        closer: format!("{indent}{}", marker.to_string().repeat(width)),
        marker,
        width,
    })
}

fn closes(fence: &Fence, line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= fence.width && t.chars().all(|c| c == fence.marker)
}

/// Splits a line longer than `room` into pieces of at most `room`, at spaces where possible.
fn hard_split(line: &str, room: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while len(rest) > room {
        let mut cut = 0;
        let mut units = 0;
        let mut last_space = None;
        for (i, c) in rest.char_indices() {
            if units + c.len_utf16() > room {
                break;
            }
            units += c.len_utf16();
            cut = i + c.len_utf8();
            if c == ' ' {
                last_space = Some(cut);
            }
        }
        let cut = last_space.filter(|s| *s > cut / 2).unwrap_or(cut).max(1);
        let cut = (cut..=rest.len())
            .find(|i| rest.is_char_boundary(*i))
            .unwrap_or(rest.len());
        pieces.push(rest[..cut].to_owned());
        rest = &rest[cut..];
    }
    pieces.push(rest.to_owned());
    pieces
}

struct Splitter {
    limit: usize,
    parts: Vec<String>,
    chunk: String,
    fence: Option<Fence>,
    /// Byte offset in `chunk` just after a blank line outside any code block: a paragraph break.
    paragraph_break: Option<usize>,
}

impl Splitter {
    /// Room left in the chunk for one more line, keeping space to close an open fence.
    fn fits(&self, line: &str) -> bool {
        self.fits_with(line, 0)
    }

    /// As `fits`, keeping `extra` more units free.
    fn fits_with(&self, line: &str, extra: usize) -> bool {
        let newline = usize::from(!self.chunk.is_empty());
        let closing = self.fence.as_ref().map_or(0, |f| len(&f.closer) + 1);
        len(&self.chunk) + newline + len(line) + closing + extra <= self.limit
    }

    fn push_line(&mut self, line: &str) {
        if !self.chunk.is_empty() {
            self.chunk.push('\n');
        }
        self.chunk.push_str(line);
    }

    /// Ends the current part, closing an open fence in it and reopening it in the next.
    fn flush(&mut self) {
        if self.fence.as_ref().is_some_and(|f| self.chunk == f.opener) {
            return; // nothing inside the block yet: an empty part would render an empty block
        }
        if let Some(fence) = &self.fence {
            self.chunk.push('\n');
            self.chunk.push_str(&fence.closer);
        }
        let part = std::mem::take(&mut self.chunk);
        if !part.trim().is_empty() {
            self.parts.push(part.trim_end().to_owned());
        }
        if let Some(fence) = &self.fence {
            self.chunk = fence.opener.clone();
        }
        self.paragraph_break = None;
    }

    /// Adds a line, keeping `reserve` more units free (an opening fence reserves its closer and
    /// a little content, so a part never ends on an empty code block).
    fn add(&mut self, line: &str, reserve: usize) {
        if !self.fits_with(line, reserve) {
            match (self.fence.is_none(), self.paragraph_break) {
                // Outside a code block, move the unfinished paragraph to the next part when the
                // split still leaves this part at least half full.
                (true, Some(at)) if at * 2 >= self.chunk.len() => {
                    let tail = self.chunk.split_off(at);
                    self.flush();
                    self.chunk = tail.trim_start_matches('\n').to_owned();
                }
                _ => self.flush(),
            }
        }
        if self.fits(line) {
            self.push_line(line);
        } else {
            // One line longer than a whole part: cut it.
            let overhead = self
                .fence
                .as_ref()
                .map_or(0, |f| len(&f.opener) + len(&f.closer) + 2);
            for piece in hard_split(line, self.limit - overhead) {
                if !self.fits(&piece) {
                    self.flush();
                }
                self.push_line(&piece);
            }
        }
    }
}

/// Splits Markdown into parts of at most `limit` UTF-16 units (Discord's count), each with
/// balanced code fences. `limit` below [`MIN_LIMIT`] is raised to it.
pub fn split_markdown(text: &str, limit: usize) -> Vec<String> {
    let mut s = Splitter {
        limit: limit.max(MIN_LIMIT),
        parts: Vec::new(),
        chunk: String::new(),
        fence: None,
        paragraph_break: None,
    };
    for line in text.trim().lines() {
        let opens = s.fence.is_none().then(|| fence_of(line)).flatten();
        let closing = s.fence.as_ref().is_some_and(|f| closes(f, line));
        if let Some(fence) = opens {
            s.add(line, len(&fence.closer) + 1 + FENCE_CONTENT_RESERVE);
            s.fence = Some(fence);
        } else if closing {
            // The closing line was reserved room for, so it always fits.
            s.push_line(line);
            s.fence = None;
        } else {
            s.add(line, 0);
            if s.fence.is_none() && line.trim().is_empty() {
                s.paragraph_break = Some(s.chunk.len());
            }
        }
    }
    // A block the text leaves open (a member's answer, say) is closed in its last part, so it
    // cannot swallow whatever the bot sends after it.
    s.flush();
    s.parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reveal_ends_with_the_follow_ups_as_a_list() {
        let follow_ups = ["Why?".to_owned(), "What next?".to_owned()];
        assert_eq!(
            model_answer("Because.", &follow_ups),
            "**Model answer**\n\nBecause.\n\n**An interviewer might ask next**\n- Why?\n- What next?"
        );
        assert_eq!(
            model_answer("Because.", &[]),
            "**Model answer**\n\nBecause."
        );
    }

    /// Every part fits and has balanced fences.
    fn check(parts: &[String], limit: usize) {
        for part in parts {
            assert!(len(part) <= limit, "{} > {limit}:\n{part}", len(part));
            let mut open: Option<Fence> = None;
            for line in part.lines() {
                match &open {
                    None => open = fence_of(line),
                    Some(f) if closes(f, line) => open = None,
                    Some(_) => {}
                }
            }
            assert!(open.is_none(), "an unclosed fence in:\n{part}");
        }
    }

    /// The text without whitespace and fence lines: what a reader gets across all parts.
    fn essence(text: &str) -> String {
        text.lines()
            .filter(|l| fence_of(l).is_none())
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect()
    }

    #[test]
    fn a_block_left_open_is_closed() {
        let text = "My answer:\n```python\ndef f():\n    return 1";
        let parts = split_markdown(text, MESSAGE_LIMIT);
        assert_eq!(parts, [format!("{text}\n```")]);
        check(&parts, MESSAGE_LIMIT);
        let long = format!("```\n{}", "x = 1\n".repeat(400));
        let parts = split_markdown(&long, MESSAGE_LIMIT);
        assert!(parts.len() > 1);
        check(&parts, MESSAGE_LIMIT);
    }

    #[test]
    fn a_short_answer_is_one_message() {
        let text = "Intro.\n\n```python\nprint(1)\n```";
        assert_eq!(split_markdown(text, MESSAGE_LIMIT), [text]);
    }

    #[test]
    fn paragraphs_are_kept_together() {
        let para = |c: char| format!("{} end.", c.to_string().repeat(60));
        let text = [para('a'), para('b'), para('c')].join("\n\n");
        let parts = split_markdown(&text, 140);
        assert_eq!(
            parts,
            [format!("{}\n\n{}", para('a'), para('b')), para('c')]
        );
    }

    #[test]
    fn a_long_code_block_is_closed_and_reopened_with_its_language() {
        let code: Vec<String> = (0..40)
            .map(|i| format!("value_{i} = compute({i})"))
            .collect();
        let text = format!("Look:\n\n```python\n{}\n```\n\nDone.", code.join("\n"));
        let parts = split_markdown(&text, 200);
        check(&parts, 200);
        assert!(parts.len() > 3);
        for part in &parts[1..parts.len() - 1] {
            assert!(
                part.starts_with("```python\n"),
                "reopened with its language:\n{part}"
            );
        }
        assert_eq!(essence(&parts.join("\n")), essence(&text));
    }

    #[test]
    fn a_line_longer_than_a_message_is_cut_at_spaces() {
        let line = "word ".repeat(100);
        let parts = split_markdown(&line, 100);
        check(&parts, 100);
        assert_eq!(essence(&parts.join("\n")), essence(&line));
        assert!(
            parts
                .iter()
                .all(|p| !p.starts_with(' ') || p.trim().starts_with("word"))
        );
    }

    #[test]
    fn wide_characters_count_as_discord_counts_them() {
        let text = "😀".repeat(1500); // 1,500 characters, 3,000 UTF-16 units
        let parts = split_markdown(&text, MESSAGE_LIMIT);
        assert_eq!(parts.len(), 2);
        check(&parts, MESSAGE_LIMIT);
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn tilde_fences_and_longer_fences_are_respected() {
        let inner = "```\nnot a fence end inside a four-backtick block\n```";
        let text = format!(
            "````markdown\n{}\n{inner}\n````\n\nAfter.",
            "line\n".repeat(30)
        );
        let parts = split_markdown(&text, 120);
        check(&parts, 120);
        assert_eq!(essence(&parts.join("\n")), essence(&text));
        let tilde = format!("~~~text\n{}~~~", "x\n".repeat(100));
        check(&split_markdown(&tilde, 80), 80);
    }

    #[test]
    fn every_bundled_answer_splits_cleanly_at_many_sizes() {
        let corpus = crate::corpus::CorpusSource::Bundled
            .load()
            .expect("bundled corpus");
        for q in corpus.questions() {
            for limit in [MESSAGE_LIMIT, 700, 300, 120, MIN_LIMIT] {
                let parts = split_markdown(&q.answer, limit);
                check(&parts, limit);
                assert_eq!(
                    essence(&parts.join("\n")),
                    essence(&q.answer),
                    "{} at {limit}",
                    q.id
                );
            }
        }
    }
}
