//! The real serenity + poise client against the fake Discord on loopback: READY, a slash command,
//! a button opening a modal, a modal submit, a dropped gateway resumed, and a 429 backed off —
//! each asserted on what the fake recorded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dailydrill::config::{ApiUrl, DiscordToken};
use dailydrill::discord::retry::{Backoff, with_retry};
use fake_discord::{APPLICATION_ID, FakeDiscord, FakeOptions, Fault, Invoker, MANAGE_GUILD};
use poise::serenity_prelude as serenity;
use serde_json::{Value, json};
use serenity::Builder as _;

const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.fake-token-for-the-fake-discord-only";
const GUILD: u64 = 4242;
const CHANNEL: u64 = 77;
const WAIT: Duration = Duration::from_secs(10);

/// What the test bot saw, so tests can check serenity parsed the fake's events (an event serenity
/// cannot parse never reaches a handler).
#[derive(Default)]
struct Data {
    events: Arc<std::sync::Mutex<Vec<String>>>,
}
type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, Data, Error>;

fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
}

/// Replies ephemerally, as the bot's confirmations do.
#[poise::command(slash_command)]
async fn ping(ctx: Context<'_>) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .content("pong")
        .ephemeral(true)
        .allowed_mentions(no_pings());
    ctx.send(reply).await?;
    Ok(())
}

/// Offers IANA zones matching what the member typed, as the schedule command will.
async fn complete_zone(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let choices = ["America/New_York", "Europe/Berlin", "Europe/London"]
        .into_iter()
        .filter(|zone| zone.to_lowercase().contains(&partial.to_lowercase()))
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Echoes a time zone.
#[poise::command(slash_command)]
async fn zone(
    ctx: Context<'_>,
    #[autocomplete = "complete_zone"] name: String,
) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .content(name)
        .ephemeral(true)
        .allowed_mentions(no_pings());
    ctx.send(reply).await?;
    Ok(())
}

/// Logs the events tests check; a button opens an answer modal; submitting it replies
/// ephemerally with what was saved.
async fn on_event(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    data: &Data,
) -> Result<(), Error> {
    let name = match event {
        serenity::FullEvent::GuildCreate { guild, .. } => {
            Some(format!("guild_create:{}", guild.id))
        }
        serenity::FullEvent::Resume { .. } => Some("resumed".to_owned()),
        _ => None,
    };
    if let Some(name) = name {
        data.events.lock().unwrap().push(name);
    }
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    match interaction {
        serenity::Interaction::Component(click) if click.data.custom_id.starts_with("ans:") => {
            let input = serenity::CreateInputText::new(
                serenity::InputTextStyle::Paragraph,
                "Your answer",
                "answer",
            )
            .max_length(4000);
            let modal = serenity::CreateModal::new(
                format!("modal:{}", &click.data.custom_id[4..]),
                "Answer today's question",
            )
            .components(vec![serenity::CreateActionRow::InputText(input)]);
            click
                .create_response(ctx, serenity::CreateInteractionResponse::Modal(modal))
                .await?;
        }
        serenity::Interaction::Modal(submit) => {
            let answer = submit
                .data
                .components
                .iter()
                .flat_map(|row| &row.components)
                .find_map(|c| match c {
                    serenity::ActionRowComponent::InputText(t) => t.value.clone(),
                    _ => None,
                })
                .unwrap_or_default();
            let message = serenity::CreateInteractionResponseMessage::new()
                .content(format!("Saved {} characters.", answer.chars().count()))
                .ephemeral(true)
                .allowed_mentions(no_pings());
            submit
                .create_response(ctx, serenity::CreateInteractionResponse::Message(message))
                .await?;
        }
        _ => {}
    }
    Ok(())
}

struct Bot {
    events: Arc<std::sync::Mutex<Vec<String>>>,
    shards: Arc<serenity::ShardManager>,
    http: Arc<serenity::Http>,
    task: tokio::task::JoinHandle<()>,
}

impl Bot {
    async fn stop(self) {
        self.shards.shutdown_all().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

/// The real serenity client, its REST calls and gateway pointed at the fake.
async fn start_bot(fake: &FakeDiscord) -> Bot {
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = events.clone();
    let http = client_http(fake);
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![ping(), zone()],
            event_handler: |framework, event| {
                Box::pin(on_event(
                    framework.serenity_context,
                    event,
                    framework.user_data,
                ))
            },
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let guild = serenity::GuildId::new(GUILD);
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild)
                    .await?;
                Ok(Data { events: log })
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .expect("the client builds");
    let shards = client.shard_manager.clone();
    let http = client.http.clone();
    let task = tokio::spawn(async move {
        if let Err(e) = client.start().await {
            eprintln!("client stopped: {e}");
        }
    });
    Bot {
        events,
        shards,
        http,
        task,
    }
}

/// The bot's HTTP client as configuration builds it, with DISCORD_API_URL set to the fake.
fn client_http(fake: &FakeDiscord) -> serenity::Http {
    let token = DiscordToken::parse(TOKEN).unwrap();
    let api = ApiUrl::parse(&fake.api_url()).unwrap();
    dailydrill::discord::client::http(&token, Some(&api)).unwrap()
}

fn member(user: u64) -> Invoker {
    Invoker {
        guild: GUILD,
        channel: CHANNEL,
        user,
        permissions: MANAGE_GUILD,
    }
}

async fn ready_bot() -> (FakeDiscord, Bot) {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(GUILD);
    let bot = start_bot(&fake).await;
    let registered = fake
        .wait_for(WAIT, |f| {
            f.calls().into_iter().find(|c| {
                c.method == "PUT" && c.path.ends_with(&format!("/guilds/{GUILD}/commands"))
            })
        })
        .await
        .expect("the bot registered its commands after READY");
    assert_eq!(registered.body[0]["name"], "ping");
    assert_eq!(
        fake.gateway_ops().iter().filter(|op| **op == 2).count(),
        1,
        "one IDENTIFY"
    );
    (fake, bot)
}

async fn response(fake: &FakeDiscord, interaction: u64) -> Value {
    fake.wait_for(WAIT, |f| f.interaction_response(interaction))
        .await
        .expect("the bot answered the interaction")
}

#[tokio::test]
async fn a_slash_command_gets_an_ephemeral_reply() {
    let (fake, bot) = ready_bot().await;
    let id = fake.slash_command(&member(5), "ping", json!([]));
    let reply = response(&fake, id).await;
    assert_eq!(reply["type"], 4, "a message response");
    assert_eq!(reply["data"]["content"], "pong");
    assert_eq!(reply["data"]["flags"], 64, "ephemeral");
    assert_eq!(fake.ephemeral_reply(id).unwrap()["content"], "pong");
    assert_eq!(
        reply["data"]["allowed_mentions"]["parse"],
        json!([]),
        "pings nobody"
    );
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn a_button_opens_a_modal_and_its_submit_is_answered() {
    let (fake, bot) = ready_bot().await;
    let click = fake.click_button(&member(6), 1, "ans:17");
    let modal = response(&fake, click).await;
    assert_eq!(modal["type"], 9, "a modal");
    assert_eq!(modal["data"]["custom_id"], "modal:17");
    assert_eq!(fake.modal_shown(click), Some(modal["data"].clone()));
    assert_eq!(
        fake_discord::first_component(&modal["data"])["max_length"],
        4000
    );

    let submit = fake.submit_modal(
        &member(6),
        "modal:17",
        &[("answer", "select_related joins")],
    );
    let reply = response(&fake, submit).await;
    assert_eq!(reply["data"]["content"], "Saved 20 characters.");
    assert_eq!(reply["data"]["flags"], 64);
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn a_dropped_gateway_is_resumed_not_reidentified() {
    let (fake, bot) = ready_bot().await;
    fake.drop_gateway();
    // An interaction sent while the bot is reconnecting is replayed after its RESUME.
    let id = fake.slash_command(&member(7), "ping", json!([]));
    let reply = response(&fake, id).await;
    assert_eq!(reply["data"]["content"], "pong");
    let ops = fake.gateway_ops();
    assert!(ops.contains(&6), "the bot sent RESUME: {ops:?}");
    assert_eq!(
        ops.iter().filter(|op| **op == 2).count(),
        1,
        "and did not IDENTIFY again: {ops:?}"
    );
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn a_rate_limited_post_backs_off_and_lands_once() {
    let (fake, bot) = ready_bot().await;
    let route = format!("/channels/{CHANNEL}/messages");
    fake.fail_next(
        "POST",
        &route,
        Fault::RateLimited {
            retry_after: Duration::from_millis(200),
        },
    );
    fake.fail_next("POST", &route, Fault::Status(502));
    let backoff = Backoff {
        first: Duration::from_millis(200),
        max: Duration::from_secs(1),
        attempts: 4,
        attempt_timeout: Duration::from_secs(5),
    };
    let channel = serenity::ChannelId::new(CHANNEL);
    let started = Instant::now();
    let sent = with_retry(backoff, || {
        let message = serenity::CreateMessage::new()
            .content("Today's question")
            .allowed_mentions(no_pings());
        channel.send_message(&bot.http, message)
    })
    .await
    .expect("delivered after the 429 and the 502");
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "waited 200 ms, then 400 ms"
    );

    let attempts: Vec<(u16, Instant)> = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path == route)
        .map(|c| (c.status, c.at))
        .collect();
    assert_eq!(
        attempts.iter().map(|a| a.0).collect::<Vec<_>>(),
        [429, 502, 200]
    );
    assert!(
        attempts[1].1 - attempts[0].1 >= Duration::from_millis(200),
        "backed off after the 429"
    );
    assert_eq!(fake.messages_in(CHANNEL).len(), 1, "landed once");
    assert_eq!(fake.messages_in(CHANNEL)[0]["id"], sent.id.to_string());
    assert_eq!(
        fake.invalid_requests(),
        1,
        "the 429 counts towards Discord's ban threshold"
    );

    // A refusal that cannot succeed later is not repeated.
    fake.fail_next("POST", &route, Fault::Status(403));
    let refused = with_retry(backoff, || channel.say(&bot.http, "again")).await;
    assert!(refused.is_err());
    assert_eq!(fake.calls().iter().filter(|c| c.status == 403).count(), 1);
    bot.stop().await;
    fake.shutdown().await;
}

fn status_and_code(error: serenity::Error) -> (u16, isize) {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            (r.status_code.as_u16(), r.error.code)
        }
        other => panic!("expected an HTTP error, got {other}"),
    }
}

#[tokio::test]
async fn the_fake_refuses_what_discord_refuses() {
    let fake = FakeDiscord::start(FakeOptions {
        interaction_deadline: Duration::from_millis(100),
        ..FakeOptions::default()
    })
    .await
    .unwrap();
    let http = client_http(&fake);
    let channel = serenity::ChannelId::new(CHANNEL);

    // serenity checks some limits itself; a raw body reaches the fake's own checks.
    for body in [
        json!({ "content": "x".repeat(2001) }),
        json!({ "embeds": [{ "description": "d".repeat(4097) }] }),
        json!({ "components": [{ "type": 1, "components": [{ "type": 2, "style": 1, "label": "a", "custom_id": "x".repeat(101) }] }] }),
    ] {
        let err = http
            .send_message(channel, Vec::new(), &body)
            .await
            .unwrap_err();
        assert_eq!(
            status_and_code(err),
            (400, 50035),
            "Invalid Form Body for {body}"
        );
    }
    assert!(fake.messages_in(CHANNEL).is_empty());

    // The same nonce with enforce_nonce returns the first message instead of a second one.
    let post = || {
        serenity::CreateMessage::new()
            .content("Today's question")
            .nonce(serenity::Nonce::String("dd1-2026".into()))
            .enforce_nonce(true)
    };
    let first = channel.send_message(&http, post()).await.unwrap();
    let second = channel.send_message(&http, post()).await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(fake.messages_in(CHANNEL).len(), 1);

    // An interaction is answered once, and only before its deadline.
    let id = fake.slash_command(&member(1), "ping", json!([]));
    let token = fake.interaction_token(id).unwrap();
    let answer = serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content("one")
            .ephemeral(true),
    );
    let interaction = serenity::InteractionId::new(id);
    answer
        .clone()
        .execute(&http, (interaction, &token))
        .await
        .unwrap();
    let again = answer
        .clone()
        .execute(&http, (interaction, &token))
        .await
        .unwrap_err();
    assert_eq!(status_and_code(again), (400, 40060), "already acknowledged");

    let late = fake.slash_command(&member(1), "ping", json!([]));
    let late_token = fake.interaction_token(late).unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let err = answer
        .execute(&http, (serenity::InteractionId::new(late), &late_token))
        .await
        .unwrap_err();
    assert_eq!(
        status_and_code(err),
        (404, 10062),
        "unknown interaction after the deadline"
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn the_global_limit_answers_429_and_counts_violations() {
    let fake = FakeDiscord::start(FakeOptions {
        global_limit: 5,
        ..FakeOptions::default()
    })
    .await
    .unwrap();
    let http = client_http(&fake);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(match http.get_current_user().await {
            Ok(_) => 200,
            Err(e) => status_and_code(e).0,
        });
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert_eq!(fake.global_limit_violations(), 3);
    assert_eq!(fake.invalid_requests(), 3);
    let limited = fake.calls().into_iter().find(|c| c.status == 429).unwrap();
    assert_eq!(limited.path, "/users/@me");
    fake.shutdown().await;
}

#[tokio::test]
async fn guild_create_follows_ready_and_serenity_accepts_it() {
    let (fake, bot) = ready_bot().await;
    let seen = fake
        .wait_for(WAIT, |_| {
            bot.events
                .lock()
                .unwrap()
                .contains(&format!("guild_create:{GUILD}"))
                .then_some(())
        })
        .await;
    assert!(
        seen.is_some(),
        "serenity parsed GUILD_CREATE: {:?}",
        bot.events.lock().unwrap()
    );
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn reconnect_resumes_and_an_invalid_session_identifies_again() {
    let (fake, bot) = ready_bot().await;
    fake.send_reconnect();
    let resumed = fake
        .wait_for(WAIT, |f| f.gateway_ops().contains(&6).then_some(()))
        .await;
    assert!(resumed.is_some(), "RECONNECT is answered with a RESUME");
    let reply = response(&fake, fake.slash_command(&member(8), "ping", json!([]))).await;
    assert_eq!(reply["data"]["content"], "pong");

    fake.send_invalid_session(false);
    let identified = fake
        .wait_for(WAIT, |f| {
            (f.gateway_ops().iter().filter(|op| **op == 2).count() == 2).then_some(())
        })
        .await;
    assert!(
        identified.is_some(),
        "a session that cannot resume identifies again: {:?}",
        fake.gateway_ops()
    );
    let reply = response(&fake, fake.slash_command(&member(8), "ping", json!([]))).await;
    assert_eq!(reply["data"]["content"], "pong");
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn autocomplete_offers_matching_choices() {
    let (fake, bot) = ready_bot().await;
    let id = fake.autocomplete(&member(9), "zone", "name", "euro");
    let reply = response(&fake, id).await;
    assert_eq!(reply["type"], 8, "an autocomplete result");
    let choices: Vec<&str> = reply["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(choices, ["Europe/Berlin", "Europe/London"]);
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn a_slow_answer_is_waited_for() {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    let http = client_http(&fake);
    fake.fail_next(
        "POST",
        "/channels/",
        Fault::Slow(Duration::from_millis(300)),
    );
    let started = Instant::now();
    serenity::ChannelId::new(CHANNEL)
        .say(&http, "slow")
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(fake.messages_in(CHANNEL).len(), 1);
    fake.shutdown().await;
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A raw gateway connection that has read HELLO, for tests of the protocol itself.
async fn connect_gateway(fake: &FakeDiscord) -> Socket {
    let url = format!("{}?v=10&encoding=json", fake.gateway_url());
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let hello = next_frame(&mut socket, WAIT).await.expect("HELLO");
    assert_eq!(hello["op"], 10);
    socket
}

/// The next JSON text frame, or None after `wait` without one.
async fn next_frame(socket: &mut Socket, wait: Duration) -> Option<Value> {
    use futures_util::StreamExt as _;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).ok(),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

async fn send_frame(socket: &mut Socket, frame: Value) {
    use futures_util::SinkExt as _;
    let text = frame.to_string();
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
        .await
        .unwrap();
}

// Two workers, so the fake handles the RESUME while the test is still dispatching.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_session_gets_each_missed_event_once_and_in_order() {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(GUILD);
    let mut first = connect_gateway(&fake).await;
    let identify = json!({ "op": 2, "d": { "token": TOKEN, "intents": 1, "properties": {} } });
    send_frame(&mut first, identify).await;
    let ready = next_frame(&mut first, WAIT).await.unwrap();
    assert_eq!(
        (ready["t"].as_str(), ready["s"].as_u64()),
        (Some("READY"), Some(1))
    );
    let guild = next_frame(&mut first, WAIT).await.unwrap();
    assert_eq!(guild["t"], "GUILD_CREATE");
    let resume_from = guild["s"].as_u64().unwrap();
    drop(first);

    // Missed while disconnected, then sent while a new connection resumes: an event dispatched
    // just as RESUME arrives is both in the replay and queued for the live connection.
    let mut expected: Vec<u64> = (0..3)
        .map(|_| fake.slash_command(&member(2), "ping", json!([])))
        .collect();
    let mut second = connect_gateway(&fake).await;
    let resume = json!({ "op": 6, "d": { "token": TOKEN, "session_id": "fake-session", "seq": resume_from } });
    send_frame(&mut second, resume).await;
    for _ in 0..20 {
        expected.push(fake.slash_command(&member(2), "ping", json!([])));
        tokio::task::yield_now().await;
    }

    let mut seqs = Vec::new();
    let mut ids = Vec::new();
    let mut resumed = false;
    // Bounded: every expected event, RESUMED, and a short silence showing nothing comes twice.
    for _ in 0..100 {
        let Some(frame) = next_frame(&mut second, Duration::from_millis(300)).await else {
            break;
        };
        match frame["t"].as_str() {
            Some("RESUMED") => resumed = true,
            Some("INTERACTION_CREATE") => {
                seqs.push(frame["s"].as_u64().unwrap());
                ids.push(frame["d"]["id"].as_str().unwrap().parse::<u64>().unwrap());
            }
            other => panic!("unexpected frame {other:?}: {frame}"),
        }
    }
    assert!(resumed, "RESUMED was sent");
    assert_eq!(ids, expected, "each event once, in dispatch order");
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "sequences increase: {seqs:?}"
    );
    assert_eq!(
        seqs[0],
        resume_from + 1,
        "the replay starts after the bot's seq"
    );
    assert_eq!(fake.gateway_ops(), [2, 6], "one IDENTIFY, one RESUME");
    fake.shutdown().await;
}

/// Events dispatched from several threads at once all reach the connection, each once and in
/// sequence order. (Found by the fan-out benchmark: a sequence number was assigned under the
/// state's lock but the event queued after it, so a later event could overtake an earlier one,
/// and the connection then dropped the earlier one as already sent: serenity logged "Sequence
/// off" and never saw it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_dispatched_from_several_threads_all_arrive_in_sequence() {
    const EACH: usize = 400;
    let fake = Arc::new(FakeDiscord::start(FakeOptions::default()).await.unwrap());
    let mut socket = connect_gateway(&fake).await;
    let identify = json!({ "op": 2, "d": { "token": TOKEN, "intents": 1, "properties": {} } });
    send_frame(&mut socket, identify).await;
    let ready = next_frame(&mut socket, WAIT).await.unwrap();
    assert_eq!(ready["t"], "READY");

    let threads: Vec<_> = (0..3u64)
        .map(|t| {
            let fake = fake.clone();
            std::thread::spawn(move || {
                (0..EACH)
                    .map(|_| fake.slash_command(&member(2 + t), "ping", json!([])))
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut sent: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();

    let mut seqs = Vec::new();
    let mut received = Vec::new();
    while received.len() < sent.len() {
        let Some(frame) = next_frame(&mut socket, Duration::from_secs(2)).await else {
            break;
        };
        if frame["t"] == "INTERACTION_CREATE" {
            seqs.push(frame["s"].as_u64().unwrap());
            received.push(frame["d"]["id"].as_str().unwrap().parse::<u64>().unwrap());
        }
    }
    let gaps: Vec<(u64, u64)> = seqs
        .windows(2)
        .filter(|w| w[1] != w[0] + 1)
        .map(|w| (w[0], w[1]))
        .collect();
    assert!(
        gaps.is_empty(),
        "sequences skipped or out of order: {gaps:?}"
    );
    sent.sort();
    received.sort();
    assert!(
        received == sent,
        "{} of {} events arrived",
        received.len(),
        sent.len()
    );
    drop(socket);
}

#[tokio::test]
async fn a_request_without_a_bot_token_is_unauthorized_and_counted() {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    let anonymous = serenity::HttpBuilder::new("")
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .build();
    let err = anonymous.get_current_user().await.unwrap_err();
    assert_eq!(status_and_code(err), (401, 0));
    assert_eq!(fake.invalid_requests(), 1, "401 counts towards the ban");
    let recorded = &fake.calls()[0];
    assert_eq!(
        (recorded.path.as_str(), recorded.status),
        ("/users/@me", 401)
    );
    assert!(client_http(&fake).get_current_user().await.is_ok());
    fake.shutdown().await;
}

#[tokio::test]
async fn updates_deferrals_follow_ups_and_global_faults_are_recorded() {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(GUILD);
    let http = client_http(&fake);
    // The running client learns it from READY; follow-ups go to the application's webhook.
    http.set_application_id(serenity::ApplicationId::new(APPLICATION_ID));
    let channel = serenity::ChannelId::new(CHANNEL);

    // UPDATE_MESSAGE (type 7) edits the message whose button was clicked.
    let button = serenity::CreateButton::new("ans:1").label("Answer");
    let question = serenity::CreateMessage::new()
        .content("Today's question")
        .components(vec![serenity::CreateActionRow::Buttons(vec![button])])
        .allowed_mentions(no_pings());
    let posted = channel.send_message(&http, question).await.unwrap();
    let click = fake.click_button(&member(3), posted.id.get(), "ans:1");
    let token = fake.interaction_token(click).unwrap();
    let update = serenity::CreateInteractionResponseMessage::new()
        .content("Answers are closed")
        .components(Vec::new());
    serenity::CreateInteractionResponse::UpdateMessage(update)
        .execute(&http, (serenity::InteractionId::new(click), &token))
        .await
        .unwrap();
    let edited = fake.message(posted.id.get()).unwrap();
    assert_eq!(edited["content"], "Answers are closed");
    assert_eq!(edited["components"], json!([]));
    assert_eq!(fake.modal_shown(click), None, "no modal for this click");

    // A deferred ephemeral answer, completed by a follow-up only the member sees.
    let command = fake.slash_command(&member(3), "ping", json!([]));
    let token = fake.interaction_token(command).unwrap();
    let defer = serenity::CreateInteractionResponseMessage::new().ephemeral(true);
    serenity::CreateInteractionResponse::Defer(defer)
        .execute(&http, (serenity::InteractionId::new(command), &token))
        .await
        .unwrap();
    assert_eq!(fake.interaction_response(command).unwrap()["type"], 5);
    let follow_up = serenity::CreateInteractionResponseFollowup::new()
        .content("Done")
        .ephemeral(true)
        .allowed_mentions(no_pings());
    follow_up.execute(&http, (None, &token)).await.unwrap();
    assert_eq!(fake.ephemeral_reply(command).unwrap()["content"], "Done");
    assert_eq!(fake.follow_ups(command).len(), 1);
    assert_eq!(
        fake.messages_in(CHANNEL).len(),
        1,
        "the ephemeral follow-up is not in the channel's history"
    );

    // A fault for any method and route hits whatever comes next, once.
    fake.fail_next("*", "/", Fault::Status(500));
    let err = http.get_current_user().await.unwrap_err();
    assert_eq!(status_and_code(err).0, 500);
    assert!(http.get_current_user().await.is_ok());
    fake.shutdown().await;
}

/// A 429 as Discord sends it, read off the wire: serenity keeps neither its headers nor its
/// `retry_after`, so this speaks plain HTTP/1.1.
#[tokio::test]
async fn a_rate_limited_answer_carries_discords_headers_and_body() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.fail_next(
        "GET",
        "/users/@me",
        Fault::RateLimited {
            retry_after: Duration::from_millis(200),
        },
    );
    let addr = fake.api_url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "GET /api/v10/users/@me HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bot t\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    tokio::time::timeout(WAIT, stream.read_to_string(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let head = head.to_lowercase();
    assert!(head.starts_with("http/1.1 429"), "{head}");
    for header in [
        "retry-after: 1",
        "x-ratelimit-scope: user",
        "x-ratelimit-remaining: 0",
        "x-ratelimit-reset-after: 0.200",
    ] {
        assert!(head.contains(header), "{header} in {head}");
    }
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["retry_after"], 0.2);
    assert_eq!(body["global"], false);
    assert_eq!(body["code"], 0);
    assert_eq!(fake.invalid_requests(), 1);
    fake.shutdown().await;
}
