//! What the `/stats` picture shows, read from a real database: answers counted on the server's
//! local days (its schedules' time zone), and the average grade per track over every way of
//! answering.

use chrono::Duration;

use crate::common::{app, full_answer, utc};
use dailydrill::domain::ids::{ChannelId, GuildId, UserId};
use dailydrill::service::QuizFilter;

const GUILD: GuildId = GuildId(61);
const MEMBER: UserId = UserId(9);

#[tokio::test]
async fn days_are_the_servers_local_days_and_grades_average_per_track() {
    let t = app(utc("2026-06-01T16:00:00Z"), 13).await;
    let svc = t.service.clone();
    // The server's schedule runs in Tokyo (UTC+9): 16:00 UTC is 01:00 the next day there.
    let mut spec = crate::common::daily_spec(5);
    spec.zone = "Asia/Tokyo".parse().unwrap();
    spec.channel = ChannelId(5);
    svc.add_schedule(GUILD, spec).await.unwrap();
    let python = QuizFilter {
        track: Some("python".parse().unwrap()),
        difficulty: None,
    };
    let good = svc.start_quiz(GUILD, MEMBER, python.clone()).await.unwrap();
    svc.answer_quiz(GUILD, MEMBER, good.id, &full_answer(&good.question))
        .await
        .unwrap();
    t.clock.advance(Duration::hours(1));
    let weak = svc.start_quiz(GUILD, MEMBER, python).await.unwrap();
    svc.answer_quiz(GUILD, MEMBER, weak.id, "No idea.")
        .await
        .unwrap();

    let streaks = svc.member_stats(GUILD, MEMBER).await.unwrap().streaks;
    let picture = svc
        .stats_picture(GUILD, MEMBER, "Practice of Ada".to_owned(), &streaks)
        .await
        .unwrap();
    let june2 = chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap();
    assert_eq!(picture.today, june2);
    assert_eq!(picture.days.get(&june2), Some(&2));
    assert_eq!(picture.days.len(), 1);
    assert_eq!(picture.tracks.len(), 1);
    let track = &picture.tracks[0];
    assert_eq!((track.name.as_str(), track.answers), ("Python", 2));
    assert!((track.average - 2.0).abs() < 1e-9, "{track:?}");
    assert_eq!((picture.current_streak, picture.longest_streak), (0, 0));
    // Another member, or another server, has nothing.
    let empty = svc
        .stats_picture(GuildId(62), MEMBER, String::new(), &[])
        .await
        .unwrap();
    assert!(empty.days.is_empty() && empty.tracks.is_empty());
    assert!(
        dailydrill::stats_image::render(&picture)
            .unwrap()
            .starts_with(b"\x89PNG")
    );
}
