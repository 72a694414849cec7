//! The demo's practice scenes: a member's review the morning after the week, and a short mock
//! interview in its private thread.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::{Demo, member};
use crate::clock::Clock;

impl Demo {
    /// An answer stating the first `n` key points of the question `description` starts with.
    fn key_points_of(&self, description: &str, n: usize) -> String {
        self.service
            .corpus()
            .questions()
            .iter()
            .find(|q| description.starts_with(&q.question))
            .map(|q| {
                q.key_points
                    .iter()
                    .take(n)
                    .map(|k| k.label.as_str())
                    .collect::<Vec<_>>()
                    .join(". ")
            })
            .unwrap_or_default()
    }

    /// A form's whole reply, `first` and its follow-ups, once the text `until` has arrived.
    async fn whole_reply(&self, submit: u64, first: &str, until: &str) -> String {
        self.fake
            .wait_for(Duration::from_secs(5), |f| {
                let text = std::iter::once(first.to_owned())
                    .chain(
                        f.follow_ups(submit)
                            .iter()
                            .map(|m| m["content"].as_str().unwrap_or_default().to_owned()),
                    )
                    .collect::<Vec<_>>()
                    .join("\n");
                text.contains(until).then_some(text)
            })
            .await
            .unwrap_or_default()
    }
}

/// The morning after the last day: Chen, whose answers missed most key points, reviews one.
pub(super) async fn review(demo: &mut Demo, days: u32) -> anyhow::Result<()> {
    let next_morning = Utc
        .with_ymd_and_hms(2026, 6, 4, 8, 0, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::days(i64::from(days));
    demo.at(next_morning);
    demo.say("Next morning · Chen › /review");
    let command = demo.fake.slash_command(&member(13, 0), "review", json!([]));
    let shown = demo.reply(command).await?;
    let embed = &shown["data"]["embeds"][0];
    let Some(title) = embed["title"].as_str() else {
        let text = shown["data"]["content"].as_str().unwrap_or_default();
        demo.say(format!("  bot (privately) › {text}\n"));
        return Ok(());
    };
    let description = embed["description"].as_str().unwrap_or_default();
    demo.say(format!(
        "  bot (privately) › {title} ({}) › {}",
        embed["footer"]["text"].as_str().unwrap_or_default(),
        description.lines().next().unwrap_or_default()
    ));
    let button = fake_discord::first_component(&shown["data"])["custom_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let id = button.trim_start_matches("rv:").to_owned();
    let answer = demo.key_points_of(description, usize::MAX);
    let submit = demo
        .fake
        .submit_modal(&member(13, 0), &format!("ra:{id}"), &[("text", &answer)]);
    let result = demo.reply(submit).await?;
    let first = super::first_line(&result);
    demo.say(format!(
        "  Chen answers again, with every key point › bot (privately) › {first}"
    ));
    let first_text = result["data"]["content"].as_str().unwrap_or_default();
    let all = demo
        .whole_reply(submit, first_text, "**Next review:**")
        .await;
    if let Some(next) = all.split("**Next review:** ").nth(1) {
        // Discord shows timestamps in each reader's zone; the transcript in UTC.
        let stamp = regex::Regex::new(r"<t:(\d+):([A-Za-z])>").map_err(anyhow::Error::from)?;
        let next = stamp.replace_all(next, |c: &regex::Captures<'_>| {
            let at = c[1]
                .parse::<i64>()
                .ok()
                .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
                .unwrap_or(next_morning);
            match &c[2] {
                "R" => format!("in {} days", (at - next_morning).num_days()),
                _ => at.format("%a %-d %b").to_string(),
            }
        });
        demo.say(format!("  … then the model answer › Next review: {next}\n"));
    }
    Ok(())
}

/// Brian runs a short mock interview: three timed questions, feedback after each, a report card.
pub(super) async fn mock(demo: &mut Demo) -> anyhow::Result<()> {
    demo.say("Brian › /mock track:python questions:3");
    let options = json!([
        { "name": "track", "type": 3, "value": "python" },
        { "name": "questions", "type": 4, "value": 3 }
    ]);
    let command = demo.fake.slash_command(&member(12, 0), "mock", options);
    demo.reply(command).await?; // deferred: the thread is opened first
    let reply = demo
        .fake
        .wait_for(Duration::from_secs(5), |f| {
            f.follow_ups(command).into_iter().next()
        })
        .await
        .unwrap_or_default();
    let text = reply["content"].as_str().unwrap_or_default().to_owned();
    let thread: u64 = text
        .strip_prefix("Your mock interview is in <#")
        .and_then(|t| t.split('>').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    // Discord shows the thread's name where the message links it.
    let said = text.split(" Answer as").next().unwrap_or_default();
    demo.say(format!(
        "  bot (privately) › {}",
        said.replace(&format!("<#{thread}>"), "#Mock interview · Brian")
    ));
    let mut shown = demo
        .fake
        .messages_in(thread)
        .first()
        .cloned()
        .unwrap_or(reply);
    for position in 1..=3u8 {
        let embed = &shown["embeds"][0];
        let description = embed["description"].as_str().unwrap_or_default();
        demo.say(format!(
            "  bot, in the thread › {} › {}",
            embed["title"].as_str().unwrap_or_default(),
            description.lines().next().unwrap_or_default()
        ));
        let id = fake_discord::first_component(&shown)["custom_id"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("mk:")
            .to_owned();
        // Brian knows the first key points of each, and takes his time.
        let answer = demo.key_points_of(description, usize::from(position));
        let now = demo.clock.now();
        demo.at(now + chrono::Duration::seconds(150 + 40 * i64::from(position)));
        let submit =
            demo.fake
                .submit_modal(&member(12, 0), &format!("mka:{id}"), &[("text", &answer)]);
        let reply = demo.reply(submit).await?;
        let first = reply["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let grade = first.lines().nth(2).unwrap_or_default().replace("**", "");
        demo.say(format!(
            "  Brian answers › {} · {grade}",
            first.lines().next().unwrap_or_default().replace("**", "")
        ));
        if position < 3 {
            let next = fake_discord::first_component(&reply["data"])["custom_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let click = demo.fake.click_button(&member(12, 0), 1, &next);
            shown = demo.reply(click).await?["data"].clone();
            continue;
        }
        let all = demo
            .whole_reply(submit, &first, "/review when it is due")
            .await;
        if let Some(card) = all.split("**Report card**").nth(1) {
            demo.say("  bot, in the thread › Report card");
            for line in card.lines().filter(|l| !l.trim().is_empty()) {
                demo.say(format!("    │ {}", line.replace("**", "")));
            }
        }
    }
    demo.say("");
    Ok(())
}
