//! Leaderboard ranks and sizes, kept by triggers in per-points-total counts, agree with a full sort
//! of every line through any sequence of writes: new lines, added points, streak changes, deletes.

use dailydrill::config::DatabaseUrl;
use dailydrill::domain::ids::{GuildId, UserId};
use dailydrill::domain::period::{Standing, compare};
use dailydrill::store::{Store, standings};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const GUILD: GuildId = GuildId(5);
const OTHER: GuildId = GuildId(6);
const PERIODS: [&str; 2] = ["all", "week:2026-06-01"];

async fn check(store: &Store) {
    let mut conn = store.read().await.unwrap();
    for guild in [GUILD, OTHER] {
        for period in PERIODS {
            let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
                "SELECT user_id, points, answers, streak FROM standings \
                 WHERE guild_id = ? AND period = ?",
            )
            .bind(guild.0 as i64)
            .bind(period)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
            let mut board: Vec<Standing> = rows
                .into_iter()
                .map(|(u, p, a, s)| Standing {
                    user: UserId(u as u64),
                    points: p,
                    answers: a,
                    current_streak: s as u32,
                })
                .collect();
            board.sort_by(compare);
            let size = standings::count(&mut conn, guild, period).await.unwrap();
            assert_eq!(size, board.len() as i64, "{guild} {period}");
            for (i, line) in board.iter().enumerate() {
                let (rank, row) = standings::rank_of(&mut conn, guild, period, line.user)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!((rank, row.user), (i as i64 + 1, line.user), "{period}");
            }
            let page = standings::page(&mut conn, guild, period, 0, 10)
                .await
                .unwrap();
            let top: Vec<UserId> = board.iter().take(10).map(|l| l.user).collect();
            assert_eq!(page.iter().map(|r| r.user).collect::<Vec<_>>(), top);
        }
    }
    // The per-total counts are exactly the table's, with no empty totals left behind.
    let drift: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ( \
           SELECT guild_id, period, points, COUNT(*) FROM standings GROUP BY 1, 2, 3 \
           EXCEPT SELECT guild_id, period, points, members FROM standings_points \
           UNION ALL \
           SELECT guild_id, period, points, members FROM standings_points \
           EXCEPT SELECT guild_id, period, points, COUNT(*) FROM standings GROUP BY 1, 2, 3)",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(drift, 0);
}

#[tokio::test]
async fn ranks_and_sizes_match_a_full_sort_through_any_writes() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("s.db").display()));
    let store = Store::open(&url.unwrap()).await.unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for round in 0..5 {
        let mut tx = store.write().await.unwrap();
        for user in 1..=150u64 {
            for guild in [GUILD, OTHER] {
                if rng.random_bool(0.6) {
                    // Few distinct totals and streaks, so most lines tie with others.
                    let points = [0, 10, 10, 14, 20][rng.random_range(0..5)];
                    let streak = rng.random_range(0..3);
                    for period in PERIODS {
                        standings::add(&mut tx, guild, period, UserId(user), points, streak)
                            .await
                            .unwrap();
                    }
                } else if rng.random_bool(0.3) {
                    let periods = PERIODS.map(str::to_owned);
                    standings::set_streak(&mut tx, guild, &periods, UserId(user), 0)
                        .await
                        .unwrap();
                }
            }
        }
        if round == 3 {
            sqlx::query("DELETE FROM standings WHERE user_id % 7 = 0")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        check(&store).await;
    }
}
