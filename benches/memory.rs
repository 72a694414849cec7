//! Resident memory of the bot binary connected to the fake Discord, as guilds of members arrive,
//! against the same process before READY.
//!
//! `cargo bench --bench memory [-- --guilds G --members M --steps S]`
//! (defaults: 1,000 guilds of 100 members each, measured at 4 steps: 250, 500, 750, 1,000).
//!
//! Cargo builds the `dailydrill` binary with the benchmark (release settings, in
//! `target/release/`), and this runs it as an operator would: `dailydrill run` in an empty
//! folder, with `DISCORD_TOKEN` (any well-formed token), `DISCORD_API_URL` (the fake) and
//! `DATABASE_URL` (a new SQLite file), the bundled corpus, commands registered globally. The
//! fake holds READY after IDENTIFY: the first reading is the connected process before READY (the
//! baseline). Then READY (no guilds) and, step by step, the bot joins guilds whose GUILD_CREATE
//! carries all their members (distinct users, so nothing is shared between guilds), as Discord
//! sends them when the bot may see members. After each step a `/help` from a member must be
//! answered: serenity handles a connection's events in order (updating whatever it caches before
//! the handlers run), so the answer means every GUILD_CREATE before it was handled. Each reading
//! is VmRSS from `/proc/<pid>/status` after a second of quiet. The growth per guild is the
//! least-squares slope over the readings after READY.

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use dailydrill::config::ENV_VARIABLES;
use fake_discord::{FakeDiscord, FakeOptions, Invoker};
use serde_json::json;
use support::arg;

/// Guilds dispatched before waiting for the bot to catch up: the fake's gateway queue holds
/// 1,024 events, and a connection that falls further behind loses events.
const CHUNK: usize = 200;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the bot runs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A member runs `/help` and the bot answers: every event dispatched before it was handled.
async fn caught_up(fake: &FakeDiscord, user: u64) {
    let member = Invoker {
        guild: 4242,
        channel: 77,
        user,
        permissions: 0,
    };
    let id = fake.slash_command(&member, "help", json!([]));
    let answered = fake
        .wait_for(Duration::from_secs(60), |f| f.interaction_response(id))
        .await;
    assert!(answered.is_some(), "the bot answered /help");
}

/// The reading after a second of quiet.
async fn settle_and_read(pid: u32) -> u64 {
    tokio::time::sleep(Duration::from_secs(1)).await;
    rss_kib(pid)
}

/// Least-squares slope of y over x.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let num: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let den: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    if den == 0.0 { 0.0 } else { num / den }
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

async fn bench(guilds: usize, members: usize, steps: usize) {
    support::init_logging();
    let binary = env!("CARGO_BIN_EXE_dailydrill");
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.hold_ready();
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("bot.log");
    let database = format!("sqlite://{}", tmp.path().join("bot.db").display());
    let mut command = tokio::process::Command::new(binary);
    command.current_dir(tmp.path()).arg("run");
    for var in ENV_VARIABLES {
        command.env_remove(var);
    }
    let mut bot = command
        .env("DISCORD_TOKEN", support::TOKEN)
        .env("DISCORD_API_URL", fake.api_url())
        .env("DATABASE_URL", &database)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .expect("start the bot binary");
    let pid = bot.id().expect("the bot's pid");

    let identified = fake
        .wait_for(Duration::from_secs(30), |f| {
            f.gateway_ops().contains(&2).then_some(())
        })
        .await;
    assert!(
        identified.is_some(),
        "the bot identified; its log:\n{}",
        tail(&log)
    );
    let before_ready = settle_and_read(pid).await;

    fake.release_ready();
    let registered = fake
        .wait_for(Duration::from_secs(30), |f| {
            (f.registrations() > 0).then_some(())
        })
        .await;
    assert!(
        registered.is_some(),
        "the bot registered its commands; its log:\n{}",
        tail(&log)
    );
    caught_up(&fake, 1).await;
    let mut readings = vec![(0usize, settle_and_read(pid).await)];

    let per_step = guilds.div_ceil(steps.max(1));
    let mut joined = 0;
    while joined < guilds {
        let target = (joined + per_step).min(guilds);
        while joined < target {
            let chunk_end = (joined + CHUNK).min(target);
            for g in joined..chunk_end {
                let first_user = 100_000_000_000 + (g * members) as u64;
                fake.join_guild_with_members(3_000_000 + g as u64, first_user, members);
            }
            joined = chunk_end;
            caught_up(&fake, 2 + joined as u64).await;
        }
        readings.push((joined, settle_and_read(pid).await));
    }

    let after_ready: Vec<(f64, f64)> = readings
        .iter()
        .map(|(g, kib)| (*g as f64, *kib as f64))
        .collect();
    let per_guild = slope(&after_ready);
    let last = readings.last().map_or(0, |r| r.1);
    let target_mib = 100e6 / (1024.0 * 1024.0);
    println!(
        "resident memory: `dailydrill run` on the fake Discord, {guilds} guilds of {members} \
         members each (distinct users), readings after each {per_step} guilds; load average {}",
        support::load_average()
    );
    println!("                                          VmRSS MiB   ratio to baseline");
    println!(
        "  baseline: connected, before READY        {:>9.1}   1.00",
        mib(before_ready)
    );
    for (g, kib) in &readings {
        println!(
            "  {:<40} {:>9.1}   {:.2}",
            format!("{g} guilds ({} members)", g * members),
            mib(*kib),
            *kib as f64 / before_ready as f64
        );
    }
    println!(
        "  growth: {per_guild:.1} KiB per guild ({:.0} bytes per member, the bot's own \
         included), least squares over {} readings after READY; at {guilds} guilds {:.1} MiB, \
         {:.1} MiB above the baseline",
        per_guild * 1024.0 / (members + 1) as f64,
        readings.len(),
        mib(last),
        mib(last.saturating_sub(before_ready)),
    );
    // The target is set for 1,000 guilds of 100 members; a smaller run projects from its slope.
    if members == 100 {
        let (how, at_target) = if guilds == 1000 {
            ("measured", mib(last))
        } else {
            let projected = readings[0].1 as f64 + per_guild * 1000.0;
            ("projected from this run's growth", projected / 1024.0)
        };
        println!(
            "  target: < 100 MB = {target_mib:.1} MiB at 1000 guilds of 100 members: {how} \
             {at_target:.1} MiB, {}",
            if at_target < target_mib {
                "met"
            } else {
                "MISSED"
            }
        );
    } else {
        println!("  target: set for guilds of 100 members, not comparable with this run");
    }

    // Stop it as a service manager would, and check it stops cleanly.
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    let status = tokio::time::timeout(Duration::from_secs(15), bot.wait()).await;
    assert!(
        stopped && matches!(status, Ok(Ok(s)) if s.success()),
        "the bot stopped cleanly; its log:\n{}",
        tail(&log)
    );
    fake.shutdown().await;
}

fn main() {
    let guilds = arg("--guilds", 1000usize);
    let members = arg("--members", 100usize);
    let steps = arg("--steps", 4usize).max(1);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(guilds, members, steps));
}
