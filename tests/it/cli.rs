//! The `dailydrill` binary as a newcomer meets it: exit codes, messages, help, and a token that
//! never shows.

use std::path::Path;
use std::process::{Command, Output};

use dailydrill::config::ENV_VARIABLES;

use crate::common::process::{Bot, Exited, TOKEN};

/// The binary, run in `cwd` with none of our variables inherited from the developer's shell.
fn dailydrill(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dailydrill"));
    cmd.current_dir(cwd).args(args);
    for var in ENV_VARIABLES {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

const QUESTION: &str = "+++\nid = \"demo-one\"\ntrack = \"demo\"\ndifficulty = \"hard\"\nquestion = \"Why?\"\nfollow_ups = [\"Why not?\"]\nsources = [\"https://docs.python.org/3/\"]\n\n[[key_points]]\nlabel = \"A\"\nphrasings = [\"a\"]\n\n[[key_points]]\nlabel = \"B\"\nphrasings = [\"b\"]\n\n[[key_points]]\nlabel = \"C\"\nphrasings = [\"c\"]\n\n[[misconceptions]]\nclaim = \"D\"\nphrasings = [\"d\"]\ncorrection = \"Not d.\"\n+++\n\nBecause of a, b and c.\n";

fn custom_corpus(dir: &Path) {
    write(
        dir,
        "tracks.toml",
        "[[track]]\nid = \"demo\"\nname = \"Demo\"\n",
    );
    write(dir, "demo/one.md", QUESTION);
}

#[test]
fn run_without_a_token_explains_how_to_get_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(tmp.path(), &["run"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("DISCORD_TOKEN is not set"), "{err}");
    assert!(err.contains("discord.com/developers/applications") && err.contains(".env"));
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one paragraph: {err}");
}

/// Asserts that no part of the token appears in `output`.
fn assert_no_token(output: &str) {
    for part in TOKEN.split('.') {
        assert!(!output.contains(part), "the token leaked");
    }
}

/// `dailydrill run` from an empty directory (bundled corpus, a new SQLite file) connects to the
/// Discord it is configured with, registers its commands, and stops cleanly on SIGTERM; with
/// tracing at its most verbose, the token appears nowhere.
#[tokio::test]
async fn run_connects_stops_on_sigterm_and_never_shows_the_token() {
    use fake_discord::{FakeDiscord, FakeOptions};
    use std::time::Duration;

    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(4242);
    let tmp = tempfile::tempdir().unwrap();
    let bot = Bot::against(&fake, tmp.path(), &[("RUST_LOG", "trace")]);
    if !fake.registered_after(0, Duration::from_secs(20)).await {
        let log = bot.log();
        let tail: Vec<&String> = log.iter().rev().take(15).collect();
        panic!("the bot did not register its commands; its last log lines:\n{tail:#?}");
    }

    assert!(
        fake.gateway_ops().contains(&2),
        "it identified on the gateway"
    );
    assert!(
        tmp.path().join("dailydrill.db").exists(),
        "the database file was created"
    );

    bot.signal("TERM");
    let Exited {
        code,
        stdout,
        stderr,
        ..
    } = bot.exits_within(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "graceful stop");
    assert!(
        stderr.contains("shutting down") && stderr.contains("stopped"),
        "{stderr}"
    );
    for part in TOKEN.split('.') {
        assert!(
            !stdout.contains(part) && !stderr.contains(part),
            "token leaked in the logs"
        );
    }
    fake.shutdown().await;
}

#[test]
fn run_refuses_a_malformed_token_or_database_url_without_echoing_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(tmp.path(), &["run"], &[("DISCORD_TOKEN", "not-a-token")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("does not look like a bot token") && !err.contains("not-a-token"),
        "{err}"
    );

    let url = "postgres://bot:hunter2@db/drill";
    let out = dailydrill(
        tmp.path(),
        &["run"],
        &[("DISCORD_TOKEN", TOKEN), ("DATABASE_URL", url)],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("DATABASE_URL") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn a_dotenv_file_is_read_and_its_bad_lines_are_named_not_shown() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), ".env", "# comment\nQUESTIONS_DIR=from-dotenv\n");
    let out = dailydrill(tmp.path(), &["corpus", "check"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read from-dotenv"),
        "{}",
        text(&out.stderr)
    );
    let shell = dailydrill(
        tmp.path(),
        &["corpus", "check"],
        &[("QUESTIONS_DIR", "from-shell")],
    );
    assert!(
        text(&shell.stderr).contains("cannot read from-shell"),
        "the shell wins over .env"
    );

    write(
        tmp.path(),
        ".env",
        &format!("# comment\nDISCORD_TOKEN {TOKEN}\n"),
    );
    let out = dailydrill(tmp.path(), &["run"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(".env line 2 could not be parsed"), "{err}");
    assert!(!err.contains("GAbCdE"), "{err}");
}

#[test]
fn corpus_check_summarises_a_valid_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    custom_corpus(tmp.path());
    let out = dailydrill(tmp.path(), &["corpus", "check", "--dir", "."], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("1 questions in 1 tracks, no problems"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().count(),
        1,
        "the table is for --stats: {stdout}"
    );

    let out = dailydrill(
        tmp.path(),
        &["corpus", "check", "--dir", ".", "--stats"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let row = stdout.lines().find(|l| l.trim_start().starts_with("demo"));
    let row = row.unwrap_or_else(|| panic!("no row for the track: {stdout}"));
    assert!(
        row.contains("easy   0") && row.contains("hard   1"),
        "{row}"
    );
    assert!(stdout.contains("all           1"), "{stdout}");
    assert!(stdout.contains("python examples: 0 (0 scripts"), "{stdout}");
}

#[test]
fn corpus_check_prints_every_problem_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    custom_corpus(tmp.path());
    write(
        tmp.path(),
        "demo/two.md",
        &QUESTION.replace("\"hard\"", "\"brutal\""),
    );
    write(
        tmp.path(),
        "demo/three.md",
        &QUESTION
            .replace("demo-one", "demo-three")
            .replace("Because of a, b and c.\n", ""),
    );
    let out = dailydrill(tmp.path(), &["corpus", "check"], &[("QUESTIONS_DIR", ".")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.contains(&"./demo/two.md:4: unknown difficulty \"brutal\"; use easy, medium or hard"),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("./demo/three.md:") && l.contains("empty")),
        "{err}"
    );
    assert!(lines.last().unwrap().ends_with("2 problem(s)"), "{err}");
}

#[test]
fn corpus_commands_refuse_an_unreadable_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(tmp.path(), &["corpus", "check", "--dir", "nowhere"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read nowhere"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn corpus_export_prints_one_json_object_per_question() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(tmp.path(), &["corpus", "export", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let questions = json.as_array().unwrap();
    assert!(!questions.is_empty());
    for q in questions {
        for field in ["id", "track", "question", "answer", "difficulty"] {
            assert!(
                q[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {q}"
            );
        }
        assert!(q["tags"].is_array());
        let points = q["key_points"].as_array().unwrap();
        assert!((3..=6).contains(&points.len()));
        assert!(
            points
                .iter()
                .all(|p| p["label"].is_string() && p["phrasings"].is_array())
        );
        let answer = q["answer"].as_str().unwrap();
        for attribute in [
            "text output",
            "python fragment",
            "python django",
            "python pytest",
            "python continued",
        ] {
            assert!(
                !answer.contains(&format!("```{attribute}")),
                "fence attribute {attribute} leaks"
            );
        }
    }

    custom_corpus(tmp.path());
    let out = dailydrill(tmp.path(), &["corpus", "export", "--dir", "."], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["id"], "demo-one");
    assert_eq!(json[0]["source"], "./demo/one.md");
}

#[test]
fn help_says_what_each_command_does_and_which_variables_it_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let run = text(&dailydrill(tmp.path(), &["run", "--help"], &[("DISCORD_TOKEN", TOKEN)]).stdout);
    for var in ENV_VARIABLES {
        assert!(run.contains(var), "run --help lacks {var}:\n{run}");
    }
    assert!(!run.contains("GAbCdE"), "help shows the token");
    for args in [
        ["corpus", "check", "--help"],
        ["corpus", "export", "--help"],
    ] {
        let help = text(&dailydrill(tmp.path(), &args, &[]).stdout);
        assert!(help.contains("QUESTIONS_DIR"), "{args:?}:\n{help}");
    }
    let top = text(&dailydrill(tmp.path(), &["--help"], &[]).stdout);
    assert!(top.contains("run") && top.contains("corpus") && top.contains("DISCORD_TOKEN"));
}

#[test]
fn schedule_preview_prints_utc_instants_across_dst_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let preview = |time: &str, from: &str| {
        let args = [
            "schedule",
            "preview",
            "--time",
            time,
            "--tz",
            "America/New_York",
            "--from",
            from,
            "--days",
            "3",
        ];
        let out = dailydrill(tmp.path(), &args, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // 8 March 2026: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist; it posts at 03:30 EDT.
    assert_eq!(
        preview("02:30", "2026-03-07"),
        "2026-03-07T07:30:00Z\n2026-03-08T07:30:00Z\n2026-03-09T06:30:00Z\n"
    );
    // 1 November 2026: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice; it posts once.
    assert_eq!(
        preview("01:30", "2026-10-31"),
        "2026-10-31T05:30:00Z\n2026-11-01T05:30:00Z\n2026-11-02T06:30:00Z\n"
    );
}

#[test]
fn schedule_preview_refuses_bad_zones_and_times_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(
        tmp.path(),
        &[
            "schedule",
            "preview",
            "--time",
            "09:00",
            "--tz",
            "Mars/Olympus",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown time zone"),
        "{}",
        text(&out.stderr)
    );
    let out = dailydrill(
        tmp.path(),
        &["schedule", "preview", "--time", "9am", "--tz", "UTC"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("HH:MM"), "{}", text(&out.stderr));
    let out = dailydrill(
        tmp.path(),
        &["schedule", "preview", "--time", "09:00", "--tz", "UTC"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout).lines().count(),
        14,
        "two weeks by default"
    );
}

#[test]
fn the_demo_runs_a_study_group_without_a_token() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(tmp.path(), &["demo", "--days", "2"], &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for expected in [
        "I can't post in <#902>: I'm missing Create Public Threads.",
        "Scheduled: #1 in <#901>: 09:00 Europe/Berlin, Monday to Friday",
        "Next post <t:1780556400:f>", // Thursday 4 June, 09:00 in Berlin
        "Schedule #1 will post a weekly recap in its channel",
        "Reminders on: when a question here is 3 hour(s) from its reveal",
        "── Day 1 · Thursday 09:00 Berlin ──",
        "── Day 2 · Friday 09:00 Berlin ──",
        "Ada presses Answer and submits privately › bot: Saved.",
        "the model answer is posted in a discussion thread on the question (1 revealed)",
        "Ada › My feedback › Grade 4/4 (excellent) · score 100/100 Streak 2",
        "/quiz track:python",
        "**Leaderboard, all time**",
        "1. <@11>",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(
        !tmp.path().join("dailydrill.db").exists(),
        "the demo leaves no database behind"
    );
}

/// Discord refuses the token (it was reset, or belongs to another application): the bot stops
/// with a message that says what to do, and at trace level the token shows nowhere.
#[tokio::test]
async fn run_with_a_token_discord_refuses_stops_and_never_shows_it() {
    use fake_discord::{FakeDiscord, FakeOptions};

    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(4242);
    fake.reject_tokens();
    let tmp = tempfile::tempdir().unwrap();
    let bot = Bot::against(&fake, tmp.path(), &[("RUST_LOG", "trace")]);
    let Exited {
        code,
        stdout,
        stderr,
        ..
    } = bot.exits_within(std::time::Duration::from_secs(30)).await;
    assert!(
        fake.gateway_ops().contains(&2),
        "it identified, and was refused"
    );
    assert_eq!(code, Some(1), "a failure, not a hang or a crash");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        [format!("error: {}", dailydrill::config::TOKEN_REFUSED_HELP)],
        "one clear message"
    );
    assert!(!stderr.contains("panicked"));
    assert_no_token(&stdout);
    assert_no_token(&stderr);
    fake.shutdown().await;
}

#[tokio::test]
async fn run_whose_commands_discord_refuses_to_register_stops_instead_of_staying_mute() {
    use fake_discord::{FakeDiscord, FakeOptions, Fault};

    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(4242);
    // 403 Missing Access (the bot was invited without the applications.commands scope) cannot
    // succeed later: one attempt, then the bot stops.
    fake.fail_next("PUT", "/applications/", Fault::Status(403));
    let tmp = tempfile::tempdir().unwrap();
    let bot = Bot::against(&fake, tmp.path(), &[("RUST_LOG", "trace")]);
    let Exited {
        code,
        stdout: _stdout,
        stderr,
        ..
    } = bot.exits_within(std::time::Duration::from_secs(30)).await;
    assert_eq!(code, Some(1), "a failure, not a mute bot: {stderr}");
    assert!(
        stderr.contains("could not register the slash commands"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: the bot stopped because it could not register its slash commands"),
        "{stderr}"
    );
    let attempts = fake
        .calls()
        .iter()
        .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .count();
    assert_eq!(attempts, 1, "a 403 is not repeated");
    assert_eq!(fake.invalid_requests(), 1);
    assert!(!stderr.contains("panicked"));
    fake.shutdown().await;
}

#[tokio::test]
async fn run_with_a_discord_api_url_that_does_not_answer_fails_instead_of_going_elsewhere() {
    // serenity would fall back to Discord's real gateway, past the configured proxy.
    let tmp = tempfile::tempdir().unwrap();
    let bot = Bot::start(
        tmp.path(),
        &[("DISCORD_TOKEN", TOKEN), ("DISCORD_API_URL", NO_DISCORD)],
    );
    let Exited {
        code,
        stdout,
        stderr,
        ..
    } = bot.exits_within(std::time::Duration::from_secs(20)).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error: DISCORD_API_URL http://127.0.0.1:9")
            && stderr.contains("does not answer as Discord's API"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    assert_no_token(&stdout);
    assert_no_token(&stderr);
}

/// Asserts an output is a clean refusal: the exit code, an `error:` or `path:line:` message
/// containing `words`, and no panic.
fn assert_refused(out: &Output, code: i32, words: &str, context: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{context}: {err}");
    assert!(err.contains(words), "{context}: no {words:?} in {err}");
    assert!(
        !err.contains("panicked") && !text(&out.stdout).contains("panicked"),
        "{context}: {err}"
    );
}

/// Nothing listens here: a run that got past its checks could not reach any Discord.
const NO_DISCORD: &str = "http://127.0.0.1:9";

#[tokio::test]
async fn run_refuses_malformed_tokens_at_trace_level_without_echoing_them() {
    let tmp = tempfile::tempdir().unwrap();
    let one_part = TOKEN.replace('.', "");
    let spaced = TOKEN.replacen('.', " ", 1);
    let four = format!("{TOKEN}.extra");
    let bell = format!("{TOKEN}\u{7}");
    let accented = format!("{TOKEN}é");
    let quoted = format!("\"{TOKEN}\"");
    for (what, token, why) in [
        ("one part", one_part.as_str(), "three parts"),
        ("a space", spaced.as_str(), "contains spaces"),
        ("four parts", four.as_str(), "three parts"),
        (
            "a control character",
            bell.as_str(),
            "characters other than",
        ),
        (
            "a non-ASCII letter",
            accented.as_str(),
            "characters other than",
        ),
        ("quotes", quoted.as_str(), "characters other than"),
    ] {
        let bot = Bot::start(
            tmp.path(),
            &[
                ("DISCORD_TOKEN", token),
                ("DISCORD_API_URL", NO_DISCORD),
                ("RUST_LOG", "trace"),
            ],
        );
        let Exited {
            code,
            stdout,
            stderr,
            ..
        } = bot.exits_within(std::time::Duration::from_secs(20)).await;
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains("does not look like a bot token") && stderr.contains(why),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{what}");
        assert_no_token(&stdout);
        assert_no_token(&stderr);
    }
}

/// DATABASE_URL that cannot be used, with a valid token set and tracing at its most verbose: a
/// message naming the variable, a non-zero exit, no panic, neither the token nor a password.
#[tokio::test]
async fn run_refuses_a_bad_database_url_without_showing_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let folder = format!("sqlite://{}", folder.display());
    let missing = format!("sqlite://{}/no/such/dir/x.db", tmp.path().display());
    for (url, code, words) in [
        ("", 2, "it is empty"),
        ("sqlite:", 2, "it names no file"),
        ("dailydrill.db", 2, "no scheme"),
        (
            "mysql://bot:hunter2@db/drill",
            2,
            "\"mysql\" is not supported",
        ),
        (
            "postgres://bot:hunter2@db/drill",
            2,
            "PostgreSQL is not supported",
        ),
        (&missing, 1, "cannot open the database"),
        (&folder, 1, "cannot open the database"),
        (
            "sqlite:x.db?mode=bogus",
            1,
            "unknown value \"bogus\" for `mode`",
        ),
    ] {
        let bot = Bot::start(
            tmp.path(),
            &[
                ("DISCORD_TOKEN", TOKEN),
                ("DATABASE_URL", url),
                ("DISCORD_API_URL", NO_DISCORD),
                ("RUST_LOG", "trace"),
            ],
        );
        let Exited {
            code: exit,
            stdout,
            stderr,
            ..
        } = bot.exits_within(std::time::Duration::from_secs(20)).await;
        assert_eq!(exit, Some(code), "{url}: {stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(errors.len(), 1, "{url}: one message: {stderr}");
        assert!(
            errors[0].contains("DATABASE_URL") && errors[0].contains(words),
            "{url}: {}",
            errors[0]
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("hunter2"),
            "{url}"
        );
        assert_no_token(&stdout);
        assert_no_token(&stderr);
    }
}

/// QUESTIONS_DIR (or --dir) naming a file, a missing path, an empty folder or a folder of other
/// things: every command that loads the corpus says what is wrong and exits non-zero.
#[test]
fn every_command_refuses_a_questions_dir_that_is_not_a_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a-file", "not a folder\n");
    std::fs::create_dir(root.join("empty")).unwrap();
    write(root, "notes/README.md", "# notes\n");
    write(root, "notes/drafts/idea.md", "an idea, no front matter\n");
    write(root, "notes/data.bin", "\u{0}\u{1}");
    let cases = [
        ("a-file", 2, "cannot read a-file: Not a directory"),
        (
            "missing",
            2,
            "cannot read missing: No such file or directory",
        ),
        (
            "empty",
            1,
            "empty/tracks.toml:1: missing: a corpus declares its tracks",
        ),
        (
            "notes",
            1,
            "notes/drafts/idea.md:1: a question file must start with a line \"+++\"",
        ),
    ];
    for (dir, code, words) in cases {
        for args in [
            &["corpus", "check"][..],
            &["corpus", "export"],
            &["demo", "--days", "1"],
            &["run"],
        ] {
            let out = dailydrill(
                root,
                args,
                &[
                    ("QUESTIONS_DIR", dir),
                    ("DISCORD_TOKEN", TOKEN),
                    ("DISCORD_API_URL", NO_DISCORD),
                ],
            );
            assert_refused(&out, code, words, &format!("{args:?} with {dir}"));
            assert!(!text(&out.stderr).contains("GAbCdE"));
        }
    }
    // The same through --dir.
    let out = dailydrill(root, &["corpus", "check", "--dir", "empty"], &[]);
    assert_refused(&out, 1, "empty/tracks.toml:1: missing", "--dir empty");
}

/// A corpus that cannot be read. Permission bits do not bind root (CAP_DAC_OVERRIDE), so the
/// unreadable-folder case runs only where they bind; an unreadable file is made in a way that
/// binds everyone: a question file that is a link to /proc/self/mem, whose first page is never
/// mapped, so reading it fails with an I/O error even for root.
#[cfg(unix)]
#[test]
fn a_corpus_that_cannot_be_read_is_refused_with_exit_2() {
    use std::os::unix::fs::PermissionsExt;

    let tmp = tempfile::tempdir().unwrap();
    custom_corpus(tmp.path());
    let locked = tmp.path().join("demo");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let binds = std::fs::read_dir(&locked).is_err();
    let out = dailydrill(tmp.path(), &["corpus", "check", "--dir", "."], &[]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if binds {
        assert_refused(
            &out,
            2,
            "cannot read ./demo: Permission denied",
            "chmod 000",
        );
    } else {
        println!(
            "the unreadable-folder case is not checked here: this test runs with permission to \
             read any folder (root); the unreadable file below covers the same error path"
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }

    #[cfg(target_os = "linux")]
    {
        std::os::unix::fs::symlink("/proc/self/mem", tmp.path().join("demo/two.md")).unwrap();
        let out = dailydrill(tmp.path(), &["corpus", "check", "--dir", "."], &[]);
        assert_refused(
            &out,
            2,
            "error: cannot read ./demo/two.md: Input/output error",
            "/proc/self/mem",
        );
    }
}

#[test]
fn schedule_preview_refuses_hostile_zones_and_survives_extreme_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let preview = |args: &[&str]| {
        let mut all = vec!["schedule", "preview"];
        all.extend_from_slice(args);
        dailydrill(tmp.path(), &all, &[])
    };
    let long = "Europe/".repeat(1000);
    for zone in [
        "",
        "Berlin",
        "Europe/Berl\u{7}in",
        "../../etc/passwd",
        "UTC; rm -rf /",
        long.as_str(),
    ] {
        let out = preview(&["--time", "09:00", "--tz", zone]);
        assert_refused(&out, 2, "unknown time zone", zone);
    }
    let out = preview(&["--time", "09:00", "--tz", "Berlin"]);
    assert!(text(&out.stderr).contains("did you mean Europe/Berlin"));
    for time in ["24:00", "9", "-1:00", "09:60", "٠٩:٠٠"] {
        let out = preview(&["--time", time, "--tz", "UTC"]);
        assert_refused(&out, 2, "HH:MM", time);
    }
    // Across year 10,000, at the most days allowed: printed, one line per day.
    let out = preview(&[
        "--time",
        "09:00",
        "--tz",
        "UTC",
        "--from",
        "9999-12-31",
        "--days",
        "3660",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = text(&out.stdout);
    assert_eq!(lines.lines().count(), 3660);
    assert!(lines.starts_with("9999-12-31T09:00:00Z\n+10000-01-01T09:00:00Z\n"));
    // At the end of chrono's calendar: fewer lines, no panic.
    let out = preview(&[
        "--time",
        "23:59",
        "--tz",
        "Etc/GMT+12",
        "--from",
        "+262142-12-30",
        "--days",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("panicked"));
    for bad in [
        &["--from", "2026-02-30"][..],
        &["--days", "0"],
        &["--days", "3661"],
        &["--days", "99999999999999999999"],
    ] {
        let mut args = vec!["--time", "09:00", "--tz", "UTC"];
        args.extend_from_slice(bad);
        let out = preview(&args);
        assert_refused(&out, 2, "invalid value", &format!("{bad:?}"));
    }
}

#[test]
fn healthcheck_without_metrics_addr_says_there_is_nothing_to_ask() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dailydrill(tmp.path(), &["healthcheck"], &[]);
    assert_refused(&out, 2, "METRICS_ADDR is not set", "healthcheck");
    assert_eq!(text(&out.stderr).trim().lines().count(), 1);
    let out = dailydrill(
        tmp.path(),
        &["healthcheck"],
        &[("METRICS_ADDR", "nonsense")],
    );
    assert_refused(&out, 2, "METRICS_ADDR must be", "healthcheck nonsense");
}

#[test]
fn healthcheck_where_nothing_listens_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port().to_string()
    };
    // A bare port is asked on 127.0.0.1, and so is an address on every interface.
    for addr in [port.clone(), format!("0.0.0.0:{port}")] {
        let out = dailydrill(tmp.path(), &["healthcheck"], &[("METRICS_ADDR", &addr)]);
        assert_refused(
            &out,
            1,
            &format!("nothing answers at 127.0.0.1:{port}"),
            &addr,
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_prints_the_bots_health_and_exits_0_only_when_it_is_ok() {
    use dailydrill::liveness::{self, Liveness};
    let tmp = tempfile::tempdir().unwrap();
    let url = dailydrill::config::DatabaseUrl::parse(&format!(
        "sqlite://{}",
        tmp.path().join("bot.db").display()
    ))
    .unwrap();
    let store = dailydrill::store::Store::open(&url).await.unwrap();
    let bot = Liveness::new(std::time::Duration::from_secs(60));
    bot.gateway_up();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let metrics = liveness::metrics::builder().build_recorder().handle();
    let server = tokio::spawn(liveness::serve(
        listener,
        bot.clone(),
        store.clone(),
        metrics,
        async move {
            let _ = stopped.await;
        },
    ));
    let healthcheck = |addr: String, cwd: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            dailydrill(&cwd, &["healthcheck"], &[("METRICS_ADDR", &addr)])
        })
    };

    let out = healthcheck(addr.clone(), tmp.path().to_owned())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(body["status"], "ok");

    store.close().await;
    let out = healthcheck(addr.clone(), tmp.path().to_owned())
        .await
        .unwrap();
    assert_refused(&out, 1, "answered 503", "a closed database");
    let body: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(body["database"], "unavailable");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[test]
fn run_refuses_a_malformed_metrics_addr_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["nonsense", "localhost:9100", "99999", ""] {
        let out = dailydrill(
            tmp.path(),
            &["run"],
            &[
                ("DISCORD_TOKEN", TOKEN),
                ("DISCORD_API_URL", NO_DISCORD),
                ("METRICS_ADDR", bad),
            ],
        );
        assert_refused(&out, 2, "METRICS_ADDR must be", bad);
        assert_no_token(&text(&out.stderr));
    }
    let out = dailydrill(
        tmp.path(),
        &["run", "--metrics-addr", "nonsense"],
        &[("DISCORD_TOKEN", TOKEN), ("DISCORD_API_URL", NO_DISCORD)],
    );
    assert_refused(&out, 2, "METRICS_ADDR must be", "--metrics-addr");
}

#[test]
fn import_doc_splits_a_study_guide_into_draft_questions_and_locates_what_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/study-guide.txt");
    let guide = guide.to_str().unwrap();
    let out = dailydrill(
        dir.path(),
        &[
            "deck",
            "import-doc",
            guide,
            "--out",
            "deck",
            "--track",
            "python",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The guide's 41 items: 40 split with their answers; one answer lost its heading in the
    // export and is reported; two answers have code outside a fence (written, and reported).
    assert!(
        text(&out.stdout).starts_with("40 question(s) split from"),
        "{}",
        text(&out.stdout)
    );
    let problems: Vec<String> = text(&out.stderr).lines().map(str::to_owned).collect();
    assert_eq!(
        problems,
        [
            format!("{guide}:208: an answer with no question (its numbered heading is missing)"),
            format!("{guide}:609: question 1: code outside a fence; wrap it in ``` lines"),
            format!("{guide}:797: question 7: code outside a fence; wrap it in ``` lines"),
        ]
    );
    let files = std::fs::read_dir(dir.path().join("deck/python"))
        .unwrap()
        .count();
    assert_eq!(files, 40);
    let first = std::fs::read_to_string(
        dir.path()
            .join("deck/python/01-what-are-python-s-key-features.md"),
    )
    .unwrap();
    assert!(
        first.contains("question = \"What are Python's key features?\""),
        "{first}"
    );
    assert!(first.contains("rubric_draft = true"));
    assert!(
        first.contains("[[key_points]]\nlabel = \"High-Level & Easy to Read\""),
        "{first}"
    );

    // `corpus check` refuses every draft by its line, until an author finishes it.
    let check = dailydrill(dir.path(), &["corpus", "check", "--dir", "deck"], &[]);
    assert_eq!(check.status.code(), Some(1));
    let drafts = text(&check.stderr)
        .lines()
        .filter(|l| l.contains(".md:") && l.contains(": the rubric is a draft"))
        .count();
    assert_eq!(drafts, 40);

    // Nothing is overwritten: an author may have started editing.
    let again = dailydrill(
        dir.path(),
        &[
            "deck",
            "import-doc",
            guide,
            "--out",
            "deck",
            "--track",
            "python",
        ],
        &[],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("cannot write"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn deck_check_reports_what_deck_import_would() {
    let dir = tempfile::tempdir().unwrap();
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/study-guide.txt");
    let split = dailydrill(
        dir.path(),
        &[
            "deck",
            "import-doc",
            guide.to_str().unwrap(),
            "--out",
            "deck",
            "--track",
            "our-guide",
        ],
        &[],
    );
    assert_eq!(split.status.code(), Some(0), "{}", text(&split.stderr));
    // The drafts are refused by their line, with the way out for a deck.
    let check = dailydrill(dir.path(), &["deck", "check", "deck"], &[]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    let drafts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("deck/our-guide/") && l.contains(": the rubric is a draft"))
        .collect();
    assert_eq!(drafts.len(), 40, "{stderr}");
    assert!(
        drafts[0].contains("or delete the key points too"),
        "{}",
        drafts[0]
    );

    // A question without a rubric is a valid deck, named after its track or the name given.
    let question = "+++\nid = \"gil\"\ntrack = \"our-guide\"\ndifficulty = \"easy\"\nquestion = \"What is the GIL?\"\n+++\n\nA lock that lets one thread at a time run bytecode.\n";
    std::fs::write(dir.path().join("gil.md"), question).unwrap();
    let ok = dailydrill(dir.path(), &["deck", "check", "gil.md"], &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).starts_with("deck \"our-guide\": 1 question(s), 1 without a rubric"),
        "{}",
        text(&ok.stdout)
    );
    let taken = dailydrill(
        dir.path(),
        &["deck", "check", "gil.md", "--name", "python"],
        &[],
    );
    assert_eq!(taken.status.code(), Some(1));
    assert!(
        text(&taken.stderr).contains("gil.md:1: \"python\" is a bundled track"),
        "{}",
        text(&taken.stderr)
    );
}
