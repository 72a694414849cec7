//! Characters as the grader's reader sees them: which are invisible inside a word, and how case
//! is folded, so a pasted zero-width space or a decomposed accent changes nothing.

/// Lowercasing one character at a time turns every capital sigma into `σ`, so a typed final `ς`
/// is folded to match it (as Unicode case folding does).
pub(crate) fn fold_final_sigma(c: char) -> char {
    if c == 'ς' { 'σ' } else { c }
}

/// Characters that are dropped rather than treated as separators, because they are invisible
/// inside a word: format characters (Unicode category Cf: zero-width spaces and joiners, bidi
/// controls, the byte-order mark, tags, ...) and combining marks, so that a pasted zero-width
/// space or a decomposed accent does not split a word in two.
pub(crate) fn is_invisible(c: char) -> bool {
    // Most answers are ASCII, which has neither.
    !c.is_ascii() && (is_format(c) || is_combining_mark(c))
}

/// Unicode general category Cf (Unicode 15), listed here because std does not expose categories.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// The generic combining-mark blocks (diacritics used across Latin, Greek and Cyrillic text).
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}
