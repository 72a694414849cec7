//! The real serenity + poise client against the fake Discord on loopback: READY, a slash command,
//! a button opening a modal, a modal submit, a dropped gateway resumed, and a 429 backed off —
//! each asserted on what the fake recorded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dailydrill::config::{ApiUrl, DiscordToken};
use dailydrill::discord::retry::{Backoff, with_retry};
use dailydrill::fake_discord::{FakeDiscord, FakeOptions, Fault, Invoker, MANAGE_GUILD};
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
    dailydrill::discord::client::http(&token, Some(&api))
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
    assert_eq!(
        modal["data"]["components"][0]["components"][0]["max_length"],
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
