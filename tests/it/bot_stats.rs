//! `/stats` through the real bot on the fake Discord: the member's record in words and a PNG the
//! bot drew (the heatmap of answers, the average grade per track), private to the caller.

use chrono::Duration;
use serde_json::json;

use crate::common::harness::{Harness, member, opt};

fn decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn stats_attach_a_private_picture_of_the_members_practice() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    // Two days of practice.
    for day in 0..2 {
        let shown = h
            .answer_to(h.fake.slash_command(
                &member(31),
                "quiz",
                json!([opt("track", 3, "django")]),
            ))
            .await;
        let button = fake_discord::first_component(&shown["data"])["custom_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let modal = h
            .answer_to(h.fake.click_button(&member(31), 1, &button))
            .await;
        let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
        h.answer_to(
            h.fake
                .submit_modal(&member(31), &modal_id, &[("text", "The ORM.")]),
        )
        .await;
        if day == 0 {
            h.app.clock.advance(Duration::days(1));
        }
    }
    let reply = h
        .answer_to(h.fake.slash_command(&member(31), "stats", json!([])))
        .await;
    assert_eq!(reply["data"]["flags"], 64, "private to the caller");
    let content = reply["data"]["content"].as_str().unwrap();
    assert!(content.contains("2 practice quiz(zes)"), "{content}");
    let file = &reply["data"]["attachments"][0];
    assert_eq!(file["filename"], "stats.png");
    let bytes = decode(file["_hex"].as_str().unwrap());
    assert_eq!(bytes.len() as u64, file["_size"].as_u64().unwrap());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let info = png::Decoder::new(std::io::Cursor::new(&bytes))
        .read_info()
        .unwrap()
        .info()
        .clone();
    assert_eq!(
        (info.width, info.height),
        (
            dailydrill::stats_image::WIDTH,
            dailydrill::stats_image::HEIGHT
        )
    );
    assert!(
        bytes.len() < 100_000,
        "small enough to upload fast: {}",
        bytes.len()
    );
    h.stop().await;
}
