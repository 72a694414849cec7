//! A question's words as small integer ids: its phrasings compiled once, with its synonym groups
//! folded to one id each, and each answer read into ids and indexed by word, so grading many
//! answers compares integers and looks a phrasing up only where its first word occurs.

use std::collections::HashMap;

use crate::corpus::BINDING;

use super::text::{Reader, Word};

/// Id of a word no phrasing uses; it never matches.
pub(crate) const UNKNOWN: u32 = u32::MAX;

/// An answer word as matched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub id: u32,
    pub start: usize,
    pub phrase: u32,
    pub sentence: u32,
    pub negates: bool,
    pub joined: bool,
    pub denies: bool,
    pub disapproves: bool,
    pub refutes: bool,
    pub refutes_back: bool,
}

/// An answer's tokens, with where each word occurs, so a phrasing is looked up at its first
/// word's places instead of at every word.
#[derive(Debug)]
pub(crate) struct Answer {
    tokens: Vec<Token>,
    /// (word id, index in `tokens`), sorted.
    places: Vec<(u32, u32)>,
}

impl Answer {
    fn new(tokens: Vec<Token>) -> Answer {
        let mut places: Vec<(u32, u32)> = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.id != UNKNOWN)
            .map(|(i, t)| (t.id, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        places.sort_unstable();
        Answer { tokens, places }
    }

    /// Where word `id` occurs, ascending.
    pub fn places(&self, id: u32) -> impl Iterator<Item = usize> + '_ {
        let from = self.places.partition_point(|(w, _)| *w < id);
        self.places[from..]
            .iter()
            .take_while(move |(w, _)| *w == id)
            .map(|(_, i)| *i as usize)
    }
}

impl std::ops::Deref for Answer {
    type Target = [Token];

    fn deref(&self) -> &[Token] {
        &self.tokens
    }
}

/// A compiled phrasing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phrase {
    /// Consecutive words.
    Run(Vec<u32>),
    /// Parts in one phrase, in any order, within [`BINDING_SPAN`] words.
    Binding(Vec<Vec<u32>>),
}

/// The ids of one question's vocabulary and synonyms.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    ids: HashMap<String, u32>,
    /// Each synonym as word ids, with the id of its group; longest first, so "foreign key" wins
    /// over "key".
    synonyms: Vec<(Vec<u32>, u32)>,
    /// The synonyms (indices into `synonyms`, longest first) by their first word.
    by_first: HashMap<u32, Vec<usize>>,
}

impl Vocabulary {
    /// A vocabulary knowing `groups` as synonyms.
    pub fn new(reader: &Reader, groups: &[Vec<String>]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for group in groups {
            let id = vocabulary.fresh();
            for member in group {
                let ids = reader
                    .stems(member)
                    .iter()
                    .map(|s| vocabulary.intern(s))
                    .collect::<Vec<_>>();
                if !ids.is_empty() {
                    vocabulary.synonyms.push((ids, id));
                }
            }
        }
        vocabulary
            .synonyms
            .sort_by_key(|(run, _)| std::cmp::Reverse(run.len()));
        for (index, (run, _)) in vocabulary.synonyms.iter().enumerate() {
            if let Some(&first) = run.first() {
                vocabulary.by_first.entry(first).or_default().push(index);
            }
        }
        vocabulary
    }

    fn fresh(&mut self) -> u32 {
        let id = u32::try_from(self.ids.len()).unwrap_or(UNKNOWN - 1);
        self.ids.insert(format!("#group{id}"), id);
        id
    }

    fn intern(&mut self, stem: &str) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(UNKNOWN - 1);
        *self.ids.entry(stem.to_owned()).or_insert(next)
    }

    /// Compiles a phrasing: its words get ids (new ones added), synonyms folded.
    pub fn phrase(&mut self, reader: &Reader, phrasing: &str) -> Option<Phrase> {
        let mut parts = Vec::new();
        for part in phrasing.split(BINDING) {
            let words: Vec<Token> = reader
                .words(part)
                .iter()
                .map(|w| Token {
                    id: self.intern(&w.stem),
                    start: w.start,
                    phrase: 0,
                    sentence: 0,
                    negates: false,
                    joined: w.joined,
                    denies: false,
                    disapproves: false,
                    refutes: false,
                    refutes_back: false,
                })
                .collect();
            let ids: Vec<u32> = self.fold(words).into_iter().map(|t| t.id).collect();
            if ids.is_empty() {
                return None;
            }
            parts.push(ids);
        }
        match parts.len() {
            0 => None,
            1 => parts.pop().map(Phrase::Run),
            _ => Some(Phrase::Binding(parts)),
        }
    }

    /// An answer's words as tokens, synonyms folded, indexed for lookup.
    pub fn answer(&self, words: &[Word]) -> Answer {
        Answer::new(self.tokens(words))
    }

    /// An answer's words as tokens, synonyms folded.
    fn tokens(&self, words: &[Word]) -> Vec<Token> {
        let tokens = words
            .iter()
            .map(|w| Token {
                id: self.ids.get(&w.stem).copied().unwrap_or(UNKNOWN),
                start: w.start,
                phrase: w.phrase,
                sentence: w.sentence,
                negates: w.negates,
                joined: w.joined,
                denies: w.denies,
                disapproves: w.disapproves,
                refutes: w.refutes,
                refutes_back: w.refutes_back,
            })
            .collect();
        self.fold(tokens)
    }

    /// Replaces every synonym's words by its group's one id, longest synonym first.
    fn fold(&self, tokens: Vec<Token>) -> Vec<Token> {
        if self.synonyms.is_empty() {
            return tokens;
        }
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            let found = self
                .by_first
                .get(&tokens[i].id)
                .into_iter()
                .flatten()
                .map(|&k| &self.synonyms[k])
                .find(|(run, _)| {
                    tokens.get(i..i + run.len()).is_some_and(|window| {
                        window.iter().map(|t| t.id).eq(run.iter().copied())
                            && window.iter().all(|t| t.phrase == tokens[i].phrase)
                            && !window[0].joined
                            && !tokens.get(i + run.len()).is_some_and(|next| next.joined)
                    })
                });
            match found {
                Some((run, id)) => {
                    out.push(Token {
                        id: *id,
                        negates: false,
                        joined: false,
                        denies: false,
                        disapproves: false,
                        refutes: false,
                        refutes_back: false,
                        ..tokens[i]
                    });
                    i += run.len();
                }
                None => {
                    out.push(tokens[i]);
                    i += 1;
                }
            }
        }
        out
    }
}
