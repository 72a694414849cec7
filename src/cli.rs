//! The `dailydrill` command line: argument definitions and what each subcommand does.
//!
//! Exit codes: 0 success, 1 the corpus has problems (or `healthcheck`: the bot is unhealthy or
//! does not answer), 2 the command could not run (bad arguments, missing or malformed
//! configuration, an unreadable folder).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::{self, BotConfig};
use crate::config::{self, ApiUrl, DEFAULT_DATABASE_URL, DatabaseUrl, DiscordToken, MetricsAddr};
use crate::corpus::{self, Corpus, CorpusSource, LoadError};
use crate::domain::grading;
use crate::domain::schedule::{self, PostDays, PostTime, Zone};
use crate::liveness::probe;
use crate::telemetry;
use crate::zone_search;

mod deck;
mod grade;
use grade::grade;

const ENVIRONMENT: &str = "\
Environment (also read from a .env file in the working directory):
  DISCORD_TOKEN   the bot token (required by `run`; never logged)
  DATABASE_URL    where state is kept (`run`, `backup`) [default: sqlite:dailydrill.db]
  DISCORD_API_URL send REST calls here instead of Discord (a fake Discord or a rate-limit proxy)
  DEV_GUILD_ID    register slash commands in this guild only (development)
  QUESTIONS_DIR   a custom question corpus folder [default: ./questions if present, else the bundled corpus]
  METRICS_ADDR    serve /healthz and /metrics here (`run`) and ask it (`healthcheck`): a port such as
                  9100 (on 127.0.0.1) or an address such as 0.0.0.0:9100 [default: off]
  RUST_LOG        log filter, e.g. info or dailydrill=debug [default: warn,dailydrill=info]";

/// A Discord bot that turns a server into an interview-practice study group.
#[derive(Debug, Parser)]
#[command(name = "dailydrill", version, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the bot: post each schedule's daily question, collect answers, reveal and score.
    ///
    /// Reads DISCORD_TOKEN (required), DATABASE_URL, DISCORD_API_URL, DEV_GUILD_ID, QUESTIONS_DIR,
    /// METRICS_ADDR and RUST_LOG from the environment or a .env file in the working directory.
    /// With METRICS_ADDR set it also serves, on that address, GET /healthz (200, or 503 with the
    /// reason: scheduler stalled, gateway down, database unavailable; as JSON) and GET /metrics
    /// (Prometheus text format). Stops gracefully on Ctrl-C or SIGTERM.
    #[command(after_help = ENVIRONMENT)]
    Run(RunArgs),
    /// Ask a running bot's /healthz (at METRICS_ADDR) and print its answer: exit 0 when it is
    /// healthy, 1 when it is not or does not answer within 3 s.
    ///
    /// For a container's or a service manager's health check; needs no curl. Reads METRICS_ADDR
    /// (required; an address on every interface, 0.0.0.0:PORT, is asked through 127.0.0.1).
    Healthcheck {
        /// Where `dailydrill run` serves /healthz.
        #[arg(long, env = "METRICS_ADDR", value_name = "ADDR")]
        metrics_addr: Option<String>,
    },
    /// Check or export the question corpus.
    #[command(subcommand)]
    Corpus(CorpusCommand),
    /// Grade answers as the bot grades them at a reveal: one answer's feedback, JSON lines, or
    /// the grader measured against expert-labelled answers.
    ///
    /// Reads QUESTIONS_DIR when --dir is not given.
    Grade(GradeArgs),
    /// Check schedule times before configuring them.
    #[command(subcommand)]
    Schedule(ScheduleCommand),
    /// Write and import a study group's own questions.
    #[command(subcommand)]
    Deck(DeckCommand),
    /// Write a consistent copy of the database to PATH, safely while the bot runs.
    ///
    /// The copy is one snapshot (SQLite's VACUUM INTO), checked for integrity before it is put in
    /// place; an existing PATH is never overwritten. Reads DATABASE_URL. To restore, stop the bot
    /// and copy the backup over the database file (see the README).
    Backup {
        /// The new backup file.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// The database to copy.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// Watch the real bot run a compressed week of a study group against a built-in fake
    /// Discord, with a temporary database; needs no token or network.
    ///
    /// Reads QUESTIONS_DIR (the corpus to draw from) and RUST_LOG.
    #[cfg(feature = "demo")]
    Demo {
        /// How many days to run.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=30))]
        days: u32,
        #[command(flatten)]
        corpus: CorpusDir,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Print the next post instants of a schedule as RFC 3339 UTC timestamps, one per line, to
    /// check it across daylight-saving changes.
    ///
    /// A local time that does not exist on a day (clocks jump forward) posts as much later as the
    /// jump; a local time that happens twice (clocks go back) posts at the first. Reads no
    /// environment variables.
    Preview {
        /// Local post time, 24-hour HH:MM.
        #[arg(long, value_name = "HH:MM")]
        time: PostTime,
        /// IANA time zone, e.g. Europe/Berlin.
        #[arg(long, value_name = "ZONE", value_parser = zone_search::parse)]
        tz: Zone,
        /// First local date [default: the next post from now].
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<NaiveDate>,
        /// How many posts to print (1 to 3660).
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=3660))]
        days: u32,
        /// The weekdays it posts on: mon-fri, mon,wed,fri, weekends, every day.
        #[arg(long, value_name = "DAYS", default_value = "every day")]
        on: PostDays,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Where the bot keeps its state; a SQLite file is created on first use.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Send REST calls here instead of Discord (a fake Discord, or a rate-limit proxy).
    #[arg(long, env = "DISCORD_API_URL", value_name = "URL")]
    pub discord_api_url: Option<String>,
    /// Register slash commands in this guild only, where they update at once (development).
    #[arg(long, env = "DEV_GUILD_ID", value_name = "ID")]
    pub dev_guild_id: Option<u64>,
    /// Serve GET /healthz and GET /metrics on this port (127.0.0.1) or address [default: off].
    #[arg(long, env = "METRICS_ADDR", value_name = "ADDR")]
    pub metrics_addr: Option<String>,
    #[command(flatten)]
    pub corpus: CorpusDir,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["question", "jsonl", "eval"])))]
pub struct GradeArgs {
    /// Grade the answer in --answer-file to this question (its id) and print the feedback.
    #[arg(long, value_name = "ID", requires = "answer_file")]
    pub question: Option<String>,
    /// The answer to grade, as a text file.
    #[arg(long, value_name = "FILE")]
    pub answer_file: Option<PathBuf>,
    /// Read JSON lines {"question": ID, "answer": TEXT} on stdin; write one JSON line per input
    /// with its score (0-100), grade (0-4), covered and missed key points and misconceptions.
    #[arg(long)]
    pub jsonl: bool,
    /// Measure the grader against labelled answers (JSON lines with question, kind, label 0-4,
    /// answer; see tests/grading/): per-question and pooled Spearman, and how often a
    /// misconception or a bare list of terms scores below the partial answer.
    #[arg(long, value_name = "FILE")]
    pub eval: Option<PathBuf>,
    #[command(flatten)]
    pub corpus: CorpusDir,
}

#[derive(Debug, Args)]
pub struct CorpusDir {
    /// Question corpus folder [default: ./questions if present, else the bundled corpus].
    #[arg(long = "dir", value_name = "DIR", env = "QUESTIONS_DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DeckCommand {
    /// Split a study document (Markdown or text: numbered questions, each followed by its
    /// answer) into question files in the corpus format, each with a draft rubric for an author
    /// to finish; report every part that could not be split (a question with no answer, an
    /// answer with no question, code outside a fence) as FILE:line: message.
    ///
    /// Reads no environment variables. Existing files are never overwritten.
    ImportDoc {
        /// The document.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The folder to write into: DIR/TRACK/NN-question.md, and DIR/tracks.toml if missing.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The track id of the questions.
        #[arg(long, default_value = "imported")]
        track: String,
        /// Their difficulty (easy, medium or hard), to adjust per file.
        #[arg(long, default_value = "medium")]
        difficulty: String,
    },
    /// Check a server deck before `/deck import`: a question file (.md), a zip of them, or a
    /// folder of them (as `import-doc` writes), with the same rules and limits as the bot.
    /// Prints a summary, or every problem as `path:line: message` (exit 1).
    ///
    /// Reads no environment variables.
    Check {
        /// The question file, zip or folder.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The deck's name, as given to `/deck import name:` [default: the files' track].
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// Validate every question file (format, rubric, near-duplicate questions, answers that fit
    /// three Discord messages); print a summary, or every problem as `path:line: message` (exit 1).
    ///
    /// Reads QUESTIONS_DIR when --dir is not given.
    Check {
        #[command(flatten)]
        corpus: CorpusDir,
        /// Also print the questions per track and difficulty, and how the python examples are run.
        #[arg(long)]
        stats: bool,
    },
    /// Print the corpus in a machine-readable format (JSON: one object per question).
    ///
    /// Reads QUESTIONS_DIR when --dir is not given.
    Export {
        #[command(flatten)]
        corpus: CorpusDir,
        /// The output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
}

/// Entry point of the binary: loads `.env`, parses arguments, runs the subcommand.
pub fn main() -> ExitCode {
    if let Err(e) = config::load_dotenv() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    telemetry::init();
    match cli.command {
        Command::Run(args) => run(args),
        Command::Corpus(CorpusCommand::Check { corpus, stats }) => corpus_check(corpus, stats),
        Command::Grade(args) => grade(args),
        Command::Corpus(CorpusCommand::Export { corpus, format }) => corpus_export(corpus, format),
        #[cfg(feature = "demo")]
        Command::Demo { days, corpus } => demo(days, corpus),
        Command::Backup { path, database_url } => backup(&path, &database_url),
        Command::Healthcheck { metrics_addr } => healthcheck(metrics_addr.as_deref()),
        Command::Deck(DeckCommand::ImportDoc {
            file,
            out,
            track,
            difficulty,
        }) => deck::import_doc(&file, &out, &track, &difficulty),
        Command::Deck(DeckCommand::Check { file, name }) => deck::check(&file, name.as_deref()),
        Command::Schedule(ScheduleCommand::Preview {
            time,
            tz,
            from,
            days,
            on,
        }) => schedule_preview(time, &tz, from, days, on),
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// Loads a corpus, printing every problem to stderr on failure.
fn load_corpus(source: &CorpusSource) -> Result<Corpus, ExitCode> {
    match source.load() {
        Ok(corpus) => Ok(corpus),
        Err(LoadError::Invalid(problems)) => {
            for problem in problems.iter() {
                eprintln!("{problem}");
            }
            eprintln!("{source}: {} problem(s)", problems.len());
            Err(ExitCode::from(1))
        }
        Err(e @ LoadError::Io { .. }) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(2))
        }
    }
}

fn corpus_check(dir: CorpusDir, stats: bool) -> ExitCode {
    let source = CorpusSource::resolve(dir.dir);
    let corpus = match load_corpus(&source) {
        Ok(corpus) => corpus,
        Err(code) => return code,
    };
    let mut problems = corpus::quality::review(corpus.questions());
    problems.extend(grading::check_rubrics(corpus.questions()));
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("{problem}");
        }
        eprintln!("{source}: {} problem(s)", problems.len());
        return ExitCode::from(1);
    }
    let mut text = format!(
        "{source}: {} questions in {} tracks, no problems\n",
        corpus.questions().len(),
        corpus.tracks().len()
    );
    if stats {
        text.push_str(&corpus::stats::table(&corpus));
    }
    emit(&text)
}

fn corpus_export(dir: CorpusDir, format: ExportFormat) -> ExitCode {
    let corpus = match load_corpus(&CorpusSource::resolve(dir.dir)) {
        Ok(corpus) => corpus,
        Err(code) => return code,
    };
    match format {
        ExportFormat::Json => match serde_json::to_string_pretty(&corpus.export()) {
            Ok(json) => emit(&(json + "\n")),
            Err(e) => {
                eprintln!("error: cannot encode the corpus as JSON: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn schedule_preview(
    time: PostTime,
    zone: &Zone,
    from: Option<NaiveDate>,
    days: u32,
    on: PostDays,
) -> ExitCode {
    let from =
        from.unwrap_or_else(|| schedule::next_post_after(chrono::Utc::now(), time, zone, on).0);
    let lines: String = schedule::preview(from, days, on, time, zone)
        .iter()
        .map(|instant| {
            format!(
                "{}\n",
                instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )
        })
        .collect();
    emit(&lines)
}

#[cfg(feature = "demo")]
fn demo(days: u32, dir: CorpusDir) -> ExitCode {
    let corpus = match load_corpus(&CorpusSource::resolve(dir.dir)) {
        Ok(corpus) => corpus,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(crate::demo::run(corpus, days)) {
        Ok(transcript) => emit(&transcript),
        Err(e) => {
            eprintln!("error: the demo failed: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn backup(path: &std::path::Path, database_url: &str) -> ExitCode {
    let database = match DatabaseUrl::parse(database_url) {
        Ok(database) => database,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(crate::store::backup::backup(&database, path)) {
        Ok(copy) => emit(&format!(
            "backed up {database} to {} ({} KiB, integrity ok): {} schedule(s), {} post(s), {} answer(s)\n",
            copy.path.display(),
            copy.bytes.div_ceil(1024),
            copy.schedules,
            copy.posts,
            copy.answers
        )),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// What `healthcheck` says when there is nothing to ask.
const NO_METRICS_ADDR: &str = "\
METRICS_ADDR is not set, so there is no /healthz to ask: set it to where `dailydrill run` serves \
it (the same value for both, e.g. METRICS_ADDR=9100), in the environment or in .env";

fn healthcheck(metrics_addr: Option<&str>) -> ExitCode {
    let Some(raw) = metrics_addr else {
        eprintln!("error: {NO_METRICS_ADDR}");
        return ExitCode::from(2);
    };
    let addr = match MetricsAddr::parse(raw) {
        Ok(addr) => addr.local(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(probe::healthz(addr, probe::TIMEOUT)) {
        Ok(answer) => {
            let body = answer.body.trim_end();
            // The verdict is the exit code; a closed stdout must not change it.
            let _ = emit(&format!("{body}\n"));
            if answer.status == 200 {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "error: http://{addr}/healthz answered {}: unhealthy",
                    answer.status
                );
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: RunArgs) -> ExitCode {
    let checked = DiscordToken::from_env().and_then(|token| {
        let database = DatabaseUrl::parse(&args.database_url)?;
        let api = args
            .discord_api_url
            .as_deref()
            .map(ApiUrl::parse)
            .transpose()?;
        let metrics = args
            .metrics_addr
            .as_deref()
            .map(MetricsAddr::parse)
            .transpose()?;
        Ok(BotConfig {
            token,
            database,
            api,
            dev_guild: args.dev_guild_id,
            metrics,
        })
    });
    let config = match checked {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::redact_panics(&config.token);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    // Listening for SIGTERM first: a stop while the corpus loads is a clean stop too.
    let stop = runtime.block_on(async { app::Stop::on_signals() });
    let source = CorpusSource::resolve(args.corpus.dir);
    tracing::info!(corpus = %source, "starting: loading the corpus");
    let corpus = match load_corpus(&source) {
        Ok(corpus) => corpus,
        Err(code) => return code,
    };
    tracing::info!(
        questions = corpus.questions().len(),
        corpus = %source,
        database = %config.database,
        "configuration and corpus are valid"
    );
    let result = runtime.block_on(app::run(config, corpus, stop));
    // Dropping the runtime would wait for its blocking tasks, such as a DNS lookup of a Discord
    // that cannot be reached: a stop must not wait on them.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", app::error_chain(&e));
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ENV_VARIABLES;
    use clap::CommandFactory;

    /// The variables the arguments read, through every subcommand.
    fn argument_variables(command: &clap::Command, into: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(var) = arg.get_env() {
                into.push(var.to_string_lossy().into_owned());
            }
        }
        for sub in command.get_subcommands() {
            argument_variables(sub, into);
        }
    }

    #[test]
    fn every_variable_read_is_listed_and_explained_in_help() {
        let mut read = Vec::new();
        argument_variables(&Cli::command(), &mut read);
        assert!(!read.is_empty());
        for var in &read {
            assert!(ENV_VARIABLES.contains(&var.as_str()), "{var} is not listed");
        }
        for var in ENV_VARIABLES {
            assert!(
                ENVIRONMENT
                    .lines()
                    .any(|line| line.trim_start().starts_with(var)),
                "{var} is not explained in --help"
            );
        }
    }
}
