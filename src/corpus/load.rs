//! Finding corpus files (a folder or the bundled copy) and turning them into a validated corpus.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::Corpus;
use super::front_matter::{self, Located};
use super::markdown;
use super::problem::{Problem, Problems, line_of};
use super::types::{Question, Track, TrackId};

/// The file that declares a corpus's tracks.
pub const TRACKS_FILE: &str = "tracks.toml";

/// One file of a corpus.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the corpus root, with `/` separators: `tracks.toml` or `python/01-x.md`.
    pub rel: String,
    /// The path error messages name, so an author can open the file.
    pub display: String,
    pub bytes: Cow<'static, [u8]>,
}

/// Where a corpus comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusSource {
    Dir(PathBuf),
    /// The copy compiled into the binary.
    Bundled,
}

impl CorpusSource {
    /// The folder named on the command line or in `QUESTIONS_DIR`; else `./questions` if it holds a
    /// corpus (an author editing the repository sees their edits); else the bundled copy.
    pub fn resolve(dir: Option<PathBuf>) -> CorpusSource {
        match dir {
            Some(dir) => CorpusSource::Dir(dir),
            None if Path::new("questions").join(TRACKS_FILE).is_file() => {
                CorpusSource::Dir(PathBuf::from("questions"))
            }
            None => CorpusSource::Bundled,
        }
    }

    pub fn load(&self) -> Result<Corpus, LoadError> {
        match self {
            CorpusSource::Dir(dir) => {
                let files = load_dir(dir)?;
                // A folder with no corpus file at all still names where tracks.toml belongs.
                let root = dir.join(TRACKS_FILE).display().to_string();
                let root = root.strip_suffix(TRACKS_FILE).unwrap_or_default();
                parse_files_at(&files, root).map_err(LoadError::Invalid)
            }
            CorpusSource::Bundled => {
                Corpus::from_files(&super::bundled_files()).map_err(LoadError::Invalid)
            }
        }
    }
}

impl fmt::Display for CorpusSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorpusSource::Dir(dir) => write!(f, "{}", dir.display()),
            CorpusSource::Bundled => f.write_str("the bundled corpus"),
        }
    }
}

/// Why a corpus could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Invalid(Problems),
}

/// Reads `tracks.toml` and every `<track>/*.md` below `dir`. Other files (a README, notes) are
/// ignored.
pub fn load_dir(dir: &Path) -> Result<Vec<SourceFile>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| LoadError::Io { path, source }
    };
    let mut files = Vec::new();
    let tracks = dir.join(TRACKS_FILE);
    if tracks.is_file() {
        files.push(read(dir, &tracks).map_err(io(&tracks))?);
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    folders.retain(|p| p.is_dir());
    folders.sort();
    for folder in folders {
        let mut questions: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(io(&folder))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io(&folder))?;
        questions.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"));
        questions.sort();
        for path in questions {
            files.push(read(dir, &path).map_err(io(&path))?);
        }
    }
    Ok(files)
}

fn read(root: &Path, path: &Path) -> std::io::Result<SourceFile> {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Ok(SourceFile {
        rel,
        display: path.display().to_string(),
        bytes: Cow::Owned(std::fs::read(path)?),
    })
}

/// Decodes a file as UTF-8, or names the line of the first invalid byte.
fn text(file: &SourceFile) -> Result<&str, Problem> {
    std::str::from_utf8(&file.bytes).map_err(|e| {
        let valid = std::str::from_utf8(&file.bytes[..e.valid_up_to()]).unwrap_or_default();
        Problem::new(
            &file.display,
            line_of(valid, valid.len()),
            format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1),
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTracks {
    #[serde(default)]
    track: Vec<Spanned<RawTrack>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrack {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
}

fn parse_tracks(file: &SourceFile, problems: &mut Vec<Problem>) -> Vec<Track> {
    let text = match text(file) {
        Ok(text) => text,
        Err(p) => {
            problems.push(p);
            return Vec::new();
        }
    };
    let at = |line: usize, message: String| Problem::new(&file.display, line, message);
    let raw: RawTracks = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            problems.push(at(line, e.message().trim_end().to_owned()));
            return Vec::new();
        }
    };
    let mut tracks: Vec<Track> = Vec::new();
    for raw in raw.track {
        let line = line_of(text, raw.span().start);
        let raw = raw.into_inner();
        match raw.id.parse::<TrackId>() {
            Err(why) => problems.push(at(line, format!("track id {:?} {why}", raw.id))),
            Ok(id) if tracks.iter().any(|t| t.id == id) => {
                problems.push(at(line, format!("track {id} is declared twice")))
            }
            Ok(_) if raw.name.trim().is_empty() => {
                problems.push(at(line, format!("track {} has an empty name", raw.id)))
            }
            Ok(id) => tracks.push(Track {
                id,
                name: raw.name.trim().to_owned(),
                description: raw.description.trim().to_owned(),
            }),
        }
    }
    if tracks.is_empty() && problems.is_empty() {
        problems.push(at(1, "no [[track]] is declared".into()));
    }
    tracks
}

/// Lines of a question's fields, for problems found once the file parsed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldLines {
    pub id: usize,
    pub track: usize,
    /// 0 without a `follow_up_of`.
    pub follow_up_of: usize,
}

/// Parses one question file under `rules`: the question and the lines of its fields, or every
/// problem found in it.
pub(crate) fn read_question(
    file: &SourceFile,
    rules: front_matter::Rules,
) -> Result<(Question, FieldLines), Vec<Problem>> {
    let locate = |problems: Vec<Located>| {
        problems
            .into_iter()
            .map(|(line, message)| Problem::new(&file.display, line, message))
            .collect::<Vec<_>>()
    };
    let text = text(file).map_err(|p| vec![p])?;
    let split = front_matter::split(text).map_err(|p| locate(vec![p]))?;
    let front = front_matter::parse(text, &split, rules);
    let answer = markdown::check_answer(split.body, split.closing_line + 1);
    let (front, answer) = match (front, answer) {
        (Ok(front), Ok(answer)) => (front, answer),
        (front, answer) => {
            let mut problems = front.err().unwrap_or_default();
            problems.extend(answer.err().unwrap_or_default());
            return Err(locate(problems));
        }
    };
    let lines = FieldLines {
        id: front.id_line,
        track: front.track_line,
        follow_up_of: front.follow_up_of.as_ref().map_or(0, |(_, at)| *at),
    };
    let question = Question {
        id: front.id,
        track: front.track,
        difficulty: front.difficulty,
        tags: front.tags,
        question: front.question,
        question_line: front.question_line,
        follow_ups: front.follow_ups,
        sources: front.sources,
        follow_up_of: front.follow_up_of.map(|(id, _)| id),
        answer: answer.markdown,
        key_points: front.key_points,
        misconceptions: front.misconceptions,
        synonyms: front.synonyms,
        examples: answer.examples,
        source: file.display.clone(),
        suggested_by: None,
    };
    Ok((question, lines))
}

/// Parses one corpus question file: the question, the line of its id and the line of its
/// `follow_up_of` (0 without one), for problems found across files.
fn parse_question(file: &SourceFile, tracks: &[Track]) -> Parsed {
    let (question, lines) = read_question(file, front_matter::Rules::Corpus)?;
    let folder = file.rel.split('/').next().unwrap_or_default();
    let problem = if tracks.is_empty() {
        // tracks.toml is missing or broken and already reported; checking against nothing is noise.
        None
    } else if !tracks.iter().any(|t| t.id == question.track) {
        let known: Vec<&str> = tracks.iter().map(|t| t.id.as_str()).collect();
        Some(format!(
            "unknown track {:?}; {TRACKS_FILE} declares: {}",
            question.track.as_str(),
            known.join(", ")
        ))
    } else if folder != question.track.as_str() {
        Some(format!(
            "track is {:?} but the file is in the folder {folder:?}; move it to {}/",
            question.track.as_str(),
            question.track
        ))
    } else {
        None
    };
    if let Some(message) = problem {
        return Err(vec![Problem::new(&file.display, lines.track, message)]);
    }
    Ok((question, lines.id, lines.follow_up_of))
}

type Parsed = Result<(Question, usize, usize), Vec<Problem>>;

/// Parses question files on all cores: files are independent, and a large corpus loads at start-up,
/// so its time is the bot's start-up time. Results keep the files' order.
fn parse_all(files: &[&SourceFile], tracks: &[Track]) -> Vec<Parsed> {
    const MIN_PER_THREAD: usize = 64;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(MIN_PER_THREAD);
    if files.len() <= chunk {
        return files.iter().map(|f| parse_question(f, tracks)).collect();
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|f| parse_question(f, tracks))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

pub(crate) fn parse_files(files: &[SourceFile]) -> Result<Corpus, Problems> {
    parse_files_at(files, "")
}

/// Parses a corpus whose root folder is displayed as `default_root` (with its trailing
/// separator) when no file says where the root is.
fn parse_files_at(files: &[SourceFile], default_root: &str) -> Result<Corpus, Problems> {
    let mut problems = Vec::new();
    let tracks_file = files.iter().find(|f| f.rel == TRACKS_FILE);
    let tracks = match tracks_file {
        Some(file) => parse_tracks(file, &mut problems),
        None => {
            // Name the file where it should be: the corpus root is what precedes any file's `rel`.
            let root = files
                .iter()
                .find_map(|f| f.display.strip_suffix(f.rel.as_str()))
                .unwrap_or(default_root);
            problems.push(Problem::new(
                format!("{root}{TRACKS_FILE}"),
                1,
                "missing: a corpus declares its tracks in tracks.toml at its root",
            ));
            Vec::new()
        }
    };

    let question_files: Vec<&SourceFile> = files
        .iter()
        .filter(|f| f.rel.ends_with(".md") && f.rel.contains('/'))
        .collect();
    let parsed = parse_all(&question_files, &tracks);

    let mut questions = Vec::new();
    let mut first_use: HashMap<String, (String, usize)> = HashMap::new();
    let mut follow_ups: Vec<(String, String, usize)> = Vec::new();
    for (file, result) in question_files.iter().zip(parsed) {
        match result {
            Ok((question, id_line, follow_up_of_line)) => {
                if let Some(of) = &question.follow_up_of {
                    follow_ups.push((
                        of.as_str().to_owned(),
                        file.display.clone(),
                        follow_up_of_line,
                    ));
                }
                let id = question.id.as_str().to_owned();
                if let Some((path, line)) = first_use.get(&id) {
                    problems.push(Problem::new(
                        &file.display,
                        id_line,
                        format!("duplicate id {id:?}: already used by {path}:{line}"),
                    ));
                } else {
                    first_use.insert(id, (file.display.clone(), id_line));
                    questions.push(question);
                }
            }
            Err(found) => problems.extend(found),
        }
    }
    for (of, path, line) in follow_ups {
        if !first_use.contains_key(&of) {
            problems.push(Problem::new(
                path,
                line,
                format!("`follow_up_of` names {of:?}, which is not a question of the corpus"),
            ));
        }
    }
    if questions.is_empty() && problems.is_empty() {
        let display = tracks_file.map_or(TRACKS_FILE, |f| f.display.as_str());
        problems.push(Problem::new(
            display,
            1,
            "the corpus has no questions: add <track>/<name>.md files",
        ));
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        return Err(Problems(problems));
    }
    let track_order = |id: &TrackId| tracks.iter().position(|t| &t.id == id);
    questions.sort_by(|a, b| {
        (track_order(&a.track), &a.source).cmp(&(track_order(&b.track), &b.source))
    });
    Ok(Corpus::new(tracks, questions))
}
