//! The corpus's domain types. Ids are newtypes so a raw string cannot be passed where a validated id
//! is expected.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The longest id accepted: ids travel inside Discord `custom_id`s, which hold 100 characters.
pub const MAX_ID_LEN: usize = 64;

/// Checks the id alphabet shared by question ids, track ids and tags: lowercase ASCII letters,
/// digits and single inner hyphens. Returns a reason when `s` is not acceptable.
pub(crate) fn check_slug(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("is empty".into());
    }
    if s.len() > MAX_ID_LEN {
        return Err(format!(
            "is {} characters long; the limit is {MAX_ID_LEN}",
            s.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "contains {c:?}; use lowercase letters, digits and hyphens"
        ));
    }
    if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
        return Err("must not start or end with a hyphen or contain two in a row".into());
    }
    Ok(())
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                check_slug(s).map(|()| $name(s.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// A question's stable id; posts, decks and scores refer to it, so it never changes once published.
    QuestionId
);
slug_id!(
    /// A track's id, such as `django`; schedules draw questions from tracks.
    TrackId
);

/// How hard a question is for a senior interview; members filter quizzes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

impl FromStr for Difficulty {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Difficulty::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| format!("unknown difficulty {s:?}; use easy, medium or hard"))
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A group of questions a schedule can draw from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Track {
    pub id: TrackId,
    /// What members see, e.g. "FastAPI".
    pub name: String,
    pub description: String,
}

/// One thing a good answer states; members get feedback on which they covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyPoint {
    /// Shown to the member as feedback.
    pub label: String,
    /// How much the point counts towards the score, 1 to 5: the point an interviewer listens for
    /// first weighs more than a detail.
    pub weight: u8,
    /// Phrases that state the point (see `questions/README.md` for the `&` binding syntax).
    pub phrasings: Vec<String>,
}

/// A confident wrong claim an interviewer hears for a question, or a red flag (a practice that
/// must not be recommended, such as a hard-coded secret). Stating one caps the grade below
/// "partial", and the member is shown the correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Misconception {
    /// The wrong claim, named as the member is told it: "prefetch_related does the SQL JOIN".
    pub claim: String,
    /// Phrases that state the claim, matched as key point phrasings are.
    pub phrasings: Vec<String>,
    /// Regular expressions (case-insensitive) on the raw answer, for code such as
    /// `allow_origins=["*"]` that words alone cannot describe.
    pub patterns: Vec<String>,
    /// What is true instead, shown to the member who stated the claim.
    pub correction: String,
    /// Declared under `[[red_flags]]` rather than `[[misconceptions]]`.
    pub red_flag: bool,
    /// Line of its table in the source file, for problems an author must fix there.
    #[serde(skip)]
    pub line: usize,
}

/// How an example is run, from the word after `python` on its fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Runner {
    /// A whole program, run as a script.
    Script,
    /// Run inside the Django fixture: configured settings, the app `examples`, its tables.
    Django,
    /// A test module, run by pytest.
    Pytest,
    /// An excerpt that uses names defined elsewhere: parsed, not run.
    Fragment,
}

/// A `python` code block of a model answer, kept so the test suite can check that it is true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// Line of the opening fence in the source file.
    pub line: usize,
    pub code: String,
    /// How the test suite runs it.
    pub runner: Runner,
    /// The `text output` block that follows it: what running it must print.
    pub expected_output: Option<String>,
}

/// A validated question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: QuestionId,
    pub track: TrackId,
    pub difficulty: Difficulty,
    pub tags: Vec<String>,
    /// The question as members see it.
    pub question: String,
    /// Line of `question` in the source file, for problems an author must fix there.
    pub question_line: usize,
    /// What an interviewer asks next: practice beyond the first answer.
    pub follow_ups: Vec<String>,
    /// The official documentation pages the answer's claims were checked against, so a member
    /// (or a reviewer) can read further and an author can re-check after a release.
    pub sources: Vec<String>,
    /// The question this one deliberately builds on; such a pair may read alike.
    pub follow_up_of: Option<QuestionId>,
    /// The model answer in Markdown, with corpus-only fence attributes removed.
    pub answer: String,
    pub key_points: Vec<KeyPoint>,
    /// The misconceptions, then the red flags, in file order; grades refer to them by index.
    pub misconceptions: Vec<Misconception>,
    /// Groups of phrases that mean the same in this question, so a phrasing written with one
    /// matches an answer written with another.
    pub synonyms: Vec<Vec<String>>,
    pub examples: Vec<Example>,
    /// Where the question was loaded from, for messages to authors.
    pub source: String,
    /// The member (a Discord user id) whose suggestion a server deck's question was, credited
    /// in its post.
    pub suggested_by: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_kebab_case() {
        assert!("python-gil-2".parse::<QuestionId>().is_ok());
    }

    #[test]
    fn slugs_reject_bad_shapes_with_a_reason() {
        for (bad, why) in [
            ("", "empty"),
            ("Python", "'P'"),
            ("a_b", "'_'"),
            ("-a", "hyphen"),
            ("a--b", "hyphen"),
            ("a-", "hyphen"),
        ] {
            let err = bad.parse::<QuestionId>().unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        let long = "a".repeat(MAX_ID_LEN + 1);
        assert!(long.parse::<TrackId>().unwrap_err().contains("limit is 64"));
    }

    #[test]
    fn difficulty_round_trips_and_names_the_choices() {
        for d in Difficulty::ALL {
            assert_eq!(d.as_str().parse::<Difficulty>(), Ok(d));
        }
        assert!(
            "expert"
                .parse::<Difficulty>()
                .unwrap_err()
                .contains("easy, medium or hard")
        );
    }
}
