//! A located problem in a corpus file, printed as `path:line: message` like a compiler error so
//! editors can jump to it.

use std::fmt;

/// A problem inside one file: its line and what is wrong.
pub(crate) type Located = (usize, String);

/// One thing wrong with a corpus file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    /// 1-based line the problem is on.
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, line: usize, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// Every problem found in a corpus, in file then line order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the corpus has {} problem(s); the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Converts a byte offset in `text` to a 1-based line number.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The lines of a text, for turning many byte offsets into line numbers: a rubric has hundreds
/// of phrasings, and counting newlines from the start for each would be quadratic.
pub(crate) struct Lines {
    /// Byte offset of every `\n`, ascending.
    newlines: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        Lines {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of byte `offset`, as [`line_of`] counts it.
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_newlines_before_the_offset() {
        let text = "a\nbc\n\nd";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 6), 4);
        assert_eq!(line_of(text, 999), 4);
        let lines = Lines::new(text);
        for offset in [0, 1, 2, 4, 5, 6, 7, 999] {
            assert_eq!(lines.line(offset), line_of(text, offset), "{offset}");
        }
    }

    #[test]
    fn problems_print_like_compiler_errors() {
        let p = Problem::new("questions/a.md", 3, "no id");
        assert_eq!(p.to_string(), "questions/a.md:3: no id");
    }
}
