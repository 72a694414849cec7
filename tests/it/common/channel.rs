//! What members see in a channel, read from what the fake Discord recorded: the daily questions,
//! the model answers and the discussion threads. Shared by the bot, crash and fault tests.

use fake_discord::FakeDiscord;

/// The post ids of the daily questions in `channel` (messages with an Answer button), in order.
pub fn question_posts(fake: &FakeDiscord, channel: u64) -> Vec<i64> {
    fake.messages_in(channel)
        .iter()
        .filter_map(|m| {
            fake_discord::first_component(m)["custom_id"]
                .as_str()?
                .strip_prefix("ans:")?
                .parse()
                .ok()
        })
        .collect()
}

/// The model answers of `channel`'s questions, in the discussion threads started from its
/// messages (a thread shares its starter message's id) or in the channel itself when no thread
/// could be opened; a long answer is several parts, and the first counts.
pub fn model_answers(fake: &FakeDiscord, channel: u64) -> usize {
    let messages = fake.messages_in(channel);
    let threads = messages
        .iter()
        .filter_map(|m| m["id"].as_str()?.parse::<u64>().ok())
        .flat_map(|thread| fake.messages_in(thread));
    messages
        .iter()
        .cloned()
        .chain(threads)
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.starts_with("**Model answer**"))
        })
        .count()
}

/// The reveal notices in `channel`: one per reveal whose model answer went to a thread.
pub fn reveal_notices(fake: &FakeDiscord, channel: u64) -> usize {
    fake.messages_in(channel)
        .iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.starts_with("**Answers are closed.**"))
        })
        .count()
}

/// Discussion threads opened: the last step of a reveal.
pub fn threads_opened(fake: &FakeDiscord) -> usize {
    fake.calls()
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with("/threads") && c.status == 200)
        .count()
}
