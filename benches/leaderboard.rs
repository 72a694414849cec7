//! The leaderboard (the top ten and the caller's own rank) of a guild with a year of history, for
//! callers across the ranking, against a bare top-ten SELECT on the indexed table.
//!
//! `cargo bench --bench leaderboard [-- --members N --calls C]` (defaults: 100,000 members, 1,000
//! callers per period).
//!
//! The history is 52 weeks of daily posts (Monday 2025-12-01 to Sunday 2026-11-29, Europe/Berlin,
//! so 52 'week:…' and 12 'month:…' periods) simulated from a fixed seed: each member answers a day
//! with a probability of their own (most rarely, a few nearly daily), an answer scores 10 to 30
//! points as coverage does, and every member answered at least once, so the all-time board holds all
//! N. The `standings` rows are what the reveals would have left. Two smaller guilds share the table.
//! Each caller's rank is checked against the simulation's own sort, and every query's plan printed.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use dailydrill::clock::ManualClock;
use dailydrill::config::DatabaseUrl;
use dailydrill::corpus::CorpusSource;
use dailydrill::domain::ids::{ChannelId, GuildId, UserId};
use dailydrill::domain::period::{Period, Standing, compare, period_key};
use dailydrill::service::{ScheduleSpec, Service};
use dailydrill::store::{Store, standings};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::{arg, ms, percentile};

const GUILD: GuildId = GuildId(900_000_000_000_000_001);
const OTHER_GUILDS: [GuildId; 2] = [
    GuildId(900_000_000_000_000_002),
    GuildId(900_000_000_000_000_003),
];
const ZONE: &str = "Europe/Berlin";
const DAYS: i64 = 52 * 7;
/// Points an answer earns (10 for answering, up to 20 more for coverage) and how often.
const POINTS: [(i64, u32); 7] = [
    (10, 10),
    (14, 15),
    (17, 20),
    (20, 20),
    (23, 15),
    (26, 10),
    (30, 10),
];
/// The bare query the baseline runs: the first page, straight from the index.
const TOP10_SQL: &str = "SELECT user_id, points, answers, streak FROM standings \
     WHERE guild_id = ? AND period = ? \
     ORDER BY points DESC, answers DESC, streak DESC, user_id ASC LIMIT 10";

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
}

/// Sunday 2026-11-29, 20:00 in Berlin: after the last day's reveal.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-29T19:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Every period of the history, 'all' first, and for each day the periods its answers count in.
fn calendar() -> (Vec<String>, Vec<[usize; 3]>) {
    let zone: Tz = ZONE.parse().unwrap();
    let mut periods = vec!["all".to_owned()];
    let mut days = Vec::new();
    for d in 0..DAYS {
        // The day's post goes out at 09:00 local; 08:00 UTC is the same local date all year.
        let fire = (first_day() + TimeDelta::days(d))
            .and_hms_opt(8, 0, 0)
            .unwrap()
            .and_utc();
        let mut day = [0; 3];
        for (slot, period) in [(1, Period::Week), (2, Period::Month)] {
            let key = period_key(period, fire, zone);
            day[slot] = match periods.iter().position(|p| *p == key) {
                Some(i) => i,
                None => {
                    periods.push(key);
                    periods.len() - 1
                }
            };
        }
        days.push(day);
    }
    (periods, days)
}

/// One member's line in one period.
#[derive(Clone, Copy, Default)]
struct Line {
    points: i64,
    answers: i64,
    streak: u32,
}

/// Per period, the lines of `members` simulated members (user ids ascending with the member).
fn simulate(
    members: usize,
    seed: u64,
    periods: usize,
    days: &[[usize; 3]],
) -> Vec<Vec<(u64, Line)>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weight_total: u32 = POINTS.iter().map(|(_, w)| w).sum();
    let mut boards = vec![Vec::new(); periods];
    let mut lines = vec![None::<Line>; periods];
    for m in 0..members {
        // Discord snowflakes grow with account age; any increasing 63-bit ids will do.
        let user = 200_000_000_000_000_000 + m as u64 * 1_000_003;
        let activity = 0.01 + 0.69 * rng.random::<f64>().powi(4);
        let forced = rng.random_range(0..days.len());
        lines.iter_mut().for_each(|l| *l = None);
        let mut answered_any = false;
        let mut streak = 0u32;
        for (d, day) in days.iter().enumerate() {
            let answers = rng.random_bool(activity) || (!answered_any && d >= forced);
            if answers {
                answered_any = true;
                streak += 1;
                let mut pick = rng.random_range(0..weight_total);
                let points = POINTS
                    .iter()
                    .find(|(_, w)| {
                        let hit = pick < *w;
                        pick = pick.saturating_sub(*w);
                        hit
                    })
                    .map_or(10, |(p, _)| *p);
                for &p in day {
                    let line = lines[p].get_or_insert_default();
                    line.points += points;
                    line.answers += 1;
                    line.streak = streak;
                }
            } else {
                streak = 0;
                // A miss resets the streak tie-breaker of the rows of the periods running now.
                for &p in day {
                    if let Some(line) = &mut lines[p] {
                        line.streak = 0;
                    }
                }
            }
        }
        for (p, line) in lines.iter().enumerate() {
            if let Some(line) = line {
                boards[p].push((user, *line));
            }
        }
    }
    boards
}

async fn fill(store: &Store, guild: GuildId, periods: &[String], boards: &[Vec<(u64, Line)>]) {
    const ROWS: usize = 100;
    let mut tx = store.write().await.unwrap();
    for (period, board) in periods.iter().zip(boards) {
        for chunk in board.chunks(ROWS) {
            let sql = format!(
                "INSERT INTO standings (guild_id, period, user_id, points, answers, streak) VALUES {}",
                vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            );
            let mut insert = sqlx::query(&sql);
            for (user, line) in chunk {
                insert = insert
                    .bind(guild.0 as i64)
                    .bind(period)
                    .bind(*user as i64)
                    .bind(line.points)
                    .bind(line.answers)
                    .bind(i64::from(line.streak));
            }
            insert.execute(&mut *tx).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
}

/// Prints a query's plan and fails on a scan of a table or index, or a temporary B-tree. (A SELECT
/// of subqueries only shows as a scan of its one constant row.)
async fn explain(store: &Store, name: &str, sql: &str) {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(store.pool())
        .await
        .unwrap();
    println!("  {name}:");
    let depth = |mut id: i64| {
        let mut d = 0;
        while let Some((_, parent, _, _)) = rows.iter().find(|r| r.0 == id) {
            id = *parent;
            d += 1;
        }
        d
    };
    for (id, _, _, detail) in &rows {
        println!("  {}{detail}", "  ".repeat(depth(*id)));
        assert!(
            (!detail.starts_with("SCAN") || detail == "SCAN CONSTANT ROW")
                && !detail.contains("TEMP B-TREE"),
            "{name}: the plan has {detail:?}"
        );
    }
}

async fn bench(members: usize, calls: usize) {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!(
        "sqlite://{}",
        tmp.path().join("board.db").display()
    ))
    .unwrap();
    let store = Store::open(&url).await.unwrap();
    let corpus = Arc::new(CorpusSource::Bundled.load().expect("bundled corpus"));
    let service = Service::new(store.clone(), corpus, Arc::new(ManualClock::new(now())), 1);
    for guild in [GUILD].into_iter().chain(OTHER_GUILDS) {
        // The guild's schedule records its time zone, which decides where its weeks begin.
        service
            .add_schedule(
                guild,
                ScheduleSpec {
                    channel: ChannelId(555),
                    time: "09:00".parse().unwrap(),
                    zone: ZONE.parse().unwrap(),
                    tracks: Vec::new(),
                    reveal: "21:00".parse().unwrap(),
                    mention_role: None,
                    difficulty: None,
                    days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
                },
            )
            .await
            .unwrap();
    }

    let (periods, days) = calendar();
    let boards = simulate(members, 6, periods.len(), &days);
    fill(&store, GUILD, &periods, &boards).await;
    for (i, guild) in OTHER_GUILDS.into_iter().enumerate() {
        let others = simulate((members / 100).max(10), 7 + i as u64, periods.len(), &days);
        fill(&store, guild, &periods, &others).await;
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM standings")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let db_bytes = std::fs::metadata(tmp.path().join("board.db")).map_or(0, |m| m.len());
    println!(
        "leaderboard, a guild of {members} members, {} periods ({} standings rows in all, {:.0} MiB), \
         {calls} callers per period, set up in {:.1} s",
        periods.len(),
        rows,
        db_bytes as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );

    println!("query plans (EXPLAIN QUERY PLAN):");
    explain(
        &store,
        "guild time zone",
        "SELECT time_zone FROM guilds WHERE guild_id = ?",
    )
    .await;
    for (name, sql) in standings::LEADERBOARD_SQL {
        explain(&store, name, sql).await;
    }
    explain(&store, "baseline: bare top ten", TOP10_SQL).await;

    let zone: Tz = ZONE.parse().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    println!("                               members   calls    p50 ms    p99 ms    max ms");
    let mut all_service = Vec::new();
    let mut all_base = Vec::new();
    for period in [Period::AllTime, Period::Month, Period::Week] {
        let key = period_key(period, now(), zone);
        let p = periods
            .iter()
            .position(|k| *k == key)
            .expect("a simulated period");
        let mut board: Vec<Standing> = boards[p]
            .iter()
            .map(|(user, l)| Standing {
                user: UserId(*user),
                points: l.points,
                answers: l.answers,
                current_streak: l.streak,
            })
            .collect();
        board.sort_by(compare);
        let n = board.len();
        // Callers evenly spread over the ranks, the first and the ten lowest-ranked included.
        let mut callers: Vec<usize> = (0..calls)
            .map(|i| i * (n - 1) / (calls - 1).max(1))
            .chain(n.saturating_sub(10)..n)
            .collect();
        callers.shuffle(&mut rng);

        // Warm the page cache and the statement caches.
        for &r in callers.iter().take(20) {
            service
                .leaderboard(GUILD, period, 1, board[r].user)
                .await
                .unwrap();
        }
        let mut base = Vec::with_capacity(callers.len());
        let mut times = Vec::with_capacity(callers.len());
        let mut lowest = Duration::ZERO;
        for &r in &callers {
            let t = Instant::now();
            let top: Vec<(i64, i64, i64, i64)> = sqlx::query_as(TOP10_SQL)
                .bind(GUILD.0 as i64)
                .bind(&key)
                .fetch_all(store.pool())
                .await
                .unwrap();
            base.push(t.elapsed());
            assert_eq!(top.len(), n.min(10));

            let t = Instant::now();
            let shown = service
                .leaderboard(GUILD, period, 1, board[r].user)
                .await
                .unwrap();
            times.push(t.elapsed());
            if r + 10 >= n {
                lowest = lowest.max(t.elapsed());
            }
            let me = shown.caller.expect("the caller has a line");
            assert_eq!(
                (me.user, me.rank, shown.members),
                (board[r].user, r as i64 + 1, n as i64),
                "{period}: the caller's rank"
            );
            assert_eq!(shown.rows[0].user, board[0].user, "{period}: the leader");
        }
        base.sort();
        times.sort();
        println!(
            "  {:<8} baseline: top ten {:>9} {:>7} {:>9.3} {:>9.3} {:>9.3}",
            period.as_str(),
            n,
            base.len(),
            ms(percentile(&base, 0.5)),
            ms(percentile(&base, 0.99)),
            ms(*base.last().unwrap())
        );
        println!(
            "  {:<8} leaderboard       {:>9} {:>7} {:>9.3} {:>9.3} {:>9.3}",
            period.as_str(),
            n,
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap())
        );
        println!(
            "  {:<8} the ten lowest-ranked callers: slowest {:.3} ms",
            period.as_str(),
            ms(lowest)
        );
        all_base.extend(base);
        all_service.extend(times);
    }
    all_base.sort();
    all_service.sort();
    let (b50, b99) = (percentile(&all_base, 0.5), percentile(&all_base, 0.99));
    let (s50, s99) = (
        percentile(&all_service, 0.5),
        percentile(&all_service, 0.99),
    );
    println!(
        "  every call: baseline p50 {:.3} ms, p99 {:.3} ms; leaderboard p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(b50),
        ms(b99),
        ms(s50),
        ms(s99),
        ms(*all_service.last().unwrap())
    );
    println!(
        "  ratio to baseline: p50 {:.1} x, p99 {:.1} x; p99 target < 5 ms",
        s50.as_secs_f64() / b50.as_secs_f64(),
        s99.as_secs_f64() / b99.as_secs_f64()
    );
    store.close().await;
}

fn main() {
    let members = arg("--members", 100_000);
    let calls = arg("--calls", 1000);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(members, calls));
}
