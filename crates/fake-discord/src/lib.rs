//! A fake Discord on loopback, so the real serenity client can be tested end to end offline.
//!
//! **Modelled:** the REST routes the bot uses under `/api/v10` (gateway discovery, the bot's user
//! and application, command registration, channel messages with `nonce` + `enforce_nonce` (for
//! a few minutes, `FakeOptions::nonce_ttl`), message
//! edits and threads, interaction callbacks answered once and within 3 s, UPDATE_MESSAGE editing
//! the clicked message, webhook follow-ups and `@original` edits); a 401 for a request without a
//! bot token, or for every token once a test calls `reject_tokens`; Discord's length and count
//! limits on what a bot sends (content, embeds and their fields, components, modals, autocomplete
//! choices), answered with its error shape; files members attach to commands, served at their
//! attachment URL; a global rate limit (50 requests/s by default; interaction callbacks exempt)
//! and queued faults per route or any request (429 with `retry_after`, 5xx, slow answers); the v10
//! gateway over plain JSON text frames (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME
//! with replay of missed events, each delivered once, RECONNECT, INVALID_SESSION, dropped
//! connections) and dispatched interactions. Every REST call is recorded for assertions, and the
//! 401/403/429 answers Discord counts towards its ban are counted. The REST routes are served on
//! plain HTTP for a proxy URL (`api_url`) and, with the `tls` feature (tests and benchmarks), also
//! over TLS as `https://discord.com` for a client built by `FakeDiscord::http`, which keeps
//! serenity's own rate limiter on (see `tls`). Without it (the bot's `demo`), nothing of rcgen or
//! rustls's server side is built.
//!
//! **Not modelled:** per-route rate-limit buckets (only the faults a test queues), the token's
//! value (any `Bot …` header passes until `reject_tokens`), zlib compression, sharding, presences and member chunks,
//! guild contents beyond a minimal GUILD_CREATE (any channel id is a text channel of the first
//! guild), permissions beyond @everyone's and a test's overwrites (reported, not enforced), the 15-minute life of an interaction
//! token, and the content of registered commands beyond echoing them.

mod actions;
mod gateway;
mod payloads;
mod rest;
mod state;
#[cfg(feature = "tls")]
mod tls;
mod validate;

pub use payloads::{DM_CHANNEL_BITS, Invoker};
pub use state::{Fault, RecordedCall};
#[cfg(feature = "tls")]
pub use tls::DISCORD_HOST;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{any, get};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use rest::Rest;
use state::{GatewayCommand, Interaction, State};

/// The bot's user id in the fake.
pub const BOT_USER_ID: u64 = 1_000_000_000_000_000_001;
/// The bot's application id in the fake.
pub const APPLICATION_ID: u64 = 1_000_000_000_000_000_002;
/// Discord refuses a first interaction response later than this.
pub const INTERACTION_DEADLINE: Duration = Duration::from_secs(3);
/// Discord's global REST limit per bot.
pub const DISCORD_GLOBAL_LIMIT: u32 = 50;
/// Permissions bit for Manage Server.
pub const MANAGE_GUILD: u64 = 1 << 5;

/// How to start the fake.
#[derive(Debug, Clone)]
pub struct FakeOptions {
    /// Requests per second before the global limit answers 429.
    pub global_limit: u32,
    /// How long an interaction waits for its first response (Discord: 3 s); shorter in tests of
    /// the deadline itself.
    pub interaction_deadline: Duration,
    /// How long a message's `nonce` deduplicates a second create with `enforce_nonce`: Discord
    /// checks "the past few minutes"; tests of what happens after it shorten it.
    pub nonce_ttl: Duration,
}

/// How long the fake remembers a nonce by default, as Discord's "past few minutes".
pub const NONCE_TTL: Duration = Duration::from_secs(180);

impl Default for FakeOptions {
    fn default() -> FakeOptions {
        FakeOptions {
            global_limit: DISCORD_GLOBAL_LIMIT,
            interaction_deadline: INTERACTION_DEADLINE,
            nonce_ttl: NONCE_TTL,
        }
    }
}

/// The first component of a message's or a modal's JSON: its first row's first button or text
/// input, where dailydrill puts the Answer, My feedback and quiz buttons and a form's text field.
/// `Value::Null` when there is none.
pub fn first_component(payload: &Value) -> &Value {
    &payload["components"][0]["components"][0]
}

/// A running fake Discord. Dropping it stops the server.
pub struct FakeDiscord {
    state: Arc<State>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    /// The same routes over TLS as `discord.com` (feature `tls`, for tests and benchmarks).
    #[cfg(feature = "tls")]
    tls: tls::TlsRoute,
}

impl FakeDiscord {
    /// Starts the fake on a random loopback port.
    pub async fn start(options: FakeOptions) -> std::io::Result<FakeDiscord> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(
            options.global_limit,
            options.interaction_deadline,
            options.nonce_ttl,
        ));
        let rest = Rest {
            state: state.clone(),
            gateway_url: format!("ws://{addr}/gateway"),
        };
        let app = Router::new()
            .route("/gateway", get(gateway::upgrade))
            .route("/attachments/{id}/{name}", get(actions::serve))
            .fallback(any(rest::handle))
            .with_state(rest);
        #[cfg(feature = "tls")]
        let tls = tls::TlsRoute::start(app.clone()).await?;
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("fake Discord stopped: {e}");
            }
        });
        Ok(FakeDiscord {
            state,
            addr,
            stop: Some(stop),
            server: Some(server),
            #[cfg(feature = "tls")]
            tls,
        })
    }

    /// The base URL the bot's HTTP client uses instead of `https://discord.com`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn gateway_url(&self) -> String {
        format!("ws://{}/gateway", self.addr)
    }

    /// The bot's HTTP client as in production — serenity's own rate limiter on, requests to
    /// `https://discord.com` — except that `discord.com` resolves to the fake and the fake's
    /// certificate authority is trusted. Prefer this to a proxy URL (`api_url`), which turns the
    /// limiter off.
    #[cfg(feature = "tls")]
    pub fn http(&self, token: &str) -> Result<serenity::http::Http, String> {
        let authority = reqwest::Certificate::from_pem(self.tls.authority_pem.as_bytes())
            .map_err(|e| format!("the fake's certificate: {e}"))?;
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(authority)
            .resolve(DISCORD_HOST, self.tls.addr)
            // As the bot's own client: no request waits forever.
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("an HTTP client for the fake: {e}"))?;
        Ok(serenity::http::HttpBuilder::new(token)
            .client(client)
            .build())
    }

    /// A guild the bot is in: listed in READY.
    pub fn add_guild(&self, guild: u64) {
        self.state.lock().guilds.push(guild);
    }

    fn interact(&self, kind: u8, invoker: &Invoker, data: Value) -> u64 {
        self.interact_with(kind, invoker, data, None)
    }

    fn interact_with(
        &self,
        kind: u8,
        invoker: &Invoker,
        data: Value,
        message: Option<Value>,
    ) -> u64 {
        let id = self.state.next_id();
        let token = format!("token-{id}");
        let mut payload = payloads::interaction(id, &token, kind, invoker, data);
        let message_id = message
            .as_ref()
            .and_then(|m| m["id"].as_str())
            .and_then(|id| id.parse().ok());
        if let Some(message) = message {
            payload["message"] = message;
        }
        self.state.lock().interactions.insert(
            id,
            Interaction {
                token,
                channel: invoker.channel,
                dispatched: Instant::now(),
                message: message_id,
                response: None,
                follow_ups: Vec::new(),
            },
        );
        self.state.dispatch("INTERACTION_CREATE", payload);
        id
    }

    /// The token of an interaction, for tests that answer it directly.
    pub fn interaction_token(&self, interaction: u64) -> Option<String> {
        self.state
            .lock()
            .interactions
            .get(&interaction)
            .map(|i| i.token.clone())
    }

    /// How many times the bot registered its slash commands (globally or in a guild), counting
    /// only registrations the fake accepted: each start of a bot registers once, so a test waits
    /// for this count to grow.
    pub fn registrations(&self) -> usize {
        self.state
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == "PUT" && c.path.ends_with("/commands") && c.status == 200)
            .count()
    }

    /// Waits until the bot registered its commands more than `before` times (a start, or a
    /// restart); false after `limit`.
    pub async fn registered_after(&self, before: usize, limit: Duration) -> bool {
        self.wait_for(limit, |f| (f.registrations() > before).then_some(()))
            .await
            .is_some()
    }

    /// Every REST call so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.state.lock().calls.clone()
    }

    /// Messages the bot created in a channel, in order, as members see its history (without
    /// ephemeral follow-ups).
    pub fn messages_in(&self, channel: u64) -> Vec<Value> {
        let inner = self.state.lock();
        let mut messages: Vec<(u64, Value)> = inner
            .messages
            .iter()
            .filter(|(_, m)| m["channel_id"] == json!(channel.to_string()))
            // Ephemeral messages are not part of the channel's history.
            .filter(|(_, m)| m["flags"].as_u64().unwrap_or(0) & 64 == 0)
            .map(|(id, m)| (*id, m.clone()))
            .collect();
        messages.sort_by_key(|(id, _)| *id);
        messages.into_iter().map(|(_, m)| m).collect()
    }

    /// The bot's answer to an interaction (`type` and `data`), once it answered.
    pub fn interaction_response(&self, interaction: u64) -> Option<Value> {
        self.state
            .lock()
            .interactions
            .get(&interaction)
            .and_then(|i| i.response.clone())
    }

    /// The modal the bot showed in answer to an interaction (the callback's `data`: `custom_id`,
    /// `title`, `components`), if it answered with one.
    pub fn modal_shown(&self, interaction: u64) -> Option<Value> {
        self.interaction_response(interaction)
            .filter(|r| r["type"] == 9)
            .map(|r| r["data"].clone())
    }

    /// What only the invoking member saw: the ephemeral message response (type 4, flag 64), or
    /// else the first ephemeral follow-up after a deferral.
    pub fn ephemeral_reply(&self, interaction: u64) -> Option<Value> {
        let ephemeral = |m: &Value| m["flags"].as_u64().unwrap_or(0) & 64 != 0;
        if let Some(response) = self.interaction_response(interaction) {
            if response["type"] == 4 && ephemeral(&response["data"]) {
                return Some(response["data"].clone());
            }
        }
        self.follow_ups(interaction).into_iter().find(ephemeral)
    }

    /// Follow-up messages the bot sent for an interaction, in order.
    pub fn follow_ups(&self, interaction: u64) -> Vec<Value> {
        let inner = self.state.lock();
        inner
            .interactions
            .get(&interaction)
            .map(|i| {
                i.follow_ups
                    .iter()
                    .filter_map(|id| inner.messages.get(id).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A message the bot created (or a follow-up), as edited since.
    pub fn message(&self, id: u64) -> Option<Value> {
        self.state.lock().messages.get(&id).cloned()
    }

    /// Opcodes the bot sent on the gateway, in order (2 IDENTIFY, 6 RESUME, 1 HEARTBEAT).
    pub fn gateway_ops(&self) -> Vec<u64> {
        self.state.lock().gateway_ops.clone()
    }

    /// Waits until `check` returns something, or `timeout` passes.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&FakeDiscord) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = check(self) {
                return Some(found);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Answers the next request whose method matches and whose path (below `/api/v10`) starts
    /// with `path_prefix` with `fault`; several calls queue several faults. `"*"` matches every
    /// method and `"/"` every path, so `fail_next("*", "/", fault)` hits whatever comes next.
    pub fn fail_next(&self, method: &str, path_prefix: &str, fault: Fault) {
        let mut inner = self.state.lock();
        if let Some((_, _, queue)) = inner
            .faults
            .iter_mut()
            .find(|(m, p, _)| m == method && p == path_prefix)
        {
            queue.push_back(fault);
        } else {
            inner
                .faults
                .push((method.to_owned(), path_prefix.to_owned(), [fault].into()));
        }
    }

    /// Faults queued by `fail_next` that no request has met yet, in queue order per route.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.state
            .lock()
            .faults
            .iter()
            .flat_map(|(_, _, queue)| queue.iter().cloned())
            .collect()
    }

    /// From now on, answers every request that needs the bot token with 401 Unauthorized, as
    /// Discord does once a token was reset or when it is wrong.
    pub fn reject_tokens(&self) {
        self.state.lock().reject_tokens = true;
    }

    /// Denies the bot `permissions` (bits) in `channel` by a member overwrite, as an admin would.
    pub fn deny_bot_in(&self, channel: u64, permissions: u64) {
        self.state.lock().overwrites.insert(
            channel,
            vec![
                json!({ "id": BOT_USER_ID.to_string(), "type": 1, "allow": "0",
                         "deny": permissions.to_string() }),
            ],
        );
    }

    pub fn set_global_limit(&self, per_second: u32) {
        self.state.lock().global_limit = per_second;
    }

    /// Requests refused by the global limit.
    pub fn global_limit_violations(&self) -> u64 {
        self.state.lock().global_violations
    }

    /// Responses Discord counts towards its invalid-request ban (401, 403, 429).
    pub fn invalid_requests(&self) -> u64 {
        self.state.lock().invalid_requests
    }

    /// Closes the gateway connection without a close frame, as a network failure would.
    pub fn drop_gateway(&self) {
        let _ = self.state.gateway.send(GatewayCommand::Drop);
    }

    /// Takes the gateway down (`true`: the connection drops and new ones are refused, so the bot
    /// keeps trying to reconnect) or brings it back.
    pub fn set_gateway_down(&self, down: bool) {
        self.state.lock().gateway_down = down;
        if down {
            self.drop_gateway();
        }
    }

    /// Sends op 7 RECONNECT.
    pub fn send_reconnect(&self) {
        let _ = self.state.gateway.send(GatewayCommand::Reconnect);
    }

    /// Sends op 9 INVALID_SESSION.
    pub fn send_invalid_session(&self, resumable: bool) {
        let _ = self
            .state
            .gateway
            .send(GatewayCommand::InvalidSession(resumable));
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.drop_gateway();
        #[cfg(feature = "tls")]
        if let Some(tls) = self.tls.server.take() {
            tls.abort();
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
    }

    /// From now on the gateway answers IDENTIFY with READY only after [`release_ready`], so a
    /// benchmark can measure the connected bot before READY. Heartbeats are answered meanwhile.
    ///
    /// [`release_ready`]: FakeDiscord::release_ready
    pub fn hold_ready(&self) {
        self.state.lock().ready_gate = Some(Arc::new(tokio::sync::Notify::new()));
    }

    /// Sends the READY held since [`hold_ready`] (at once if IDENTIFY comes later), and stops
    /// holding.
    ///
    /// [`hold_ready`]: FakeDiscord::hold_ready
    pub fn release_ready(&self) {
        if let Some(gate) = self.state.lock().ready_gate.take() {
            gate.notify_one();
        }
    }

    /// The bot joins a guild of `members` members (user ids `first_user` onwards) besides
    /// itself: GUILD_CREATE carries every member, as a joined guild's does, and the guild is
    /// listed in any later READY (whose GUILD_CREATE then carries the bot only).
    pub fn join_guild_with_members(&self, guild: u64, first_user: u64, members: usize) {
        self.state.lock().guilds.push(guild);
        self.state.dispatch(
            "GUILD_CREATE",
            payloads::guild_create_with_members(guild, first_user, members),
        );
    }

    /// Every interaction dispatched so far, oldest first, with when the fake sent it and when
    /// the bot's first accepted response (the callback) reached the fake.
    pub fn interaction_timings(&self) -> Vec<InteractionTiming> {
        let inner = self.state.lock();
        let mut answered = std::collections::HashMap::new();
        for call in &inner.calls {
            if call.method != "POST" || !(200..300).contains(&call.status) {
                continue;
            }
            let id = call
                .path
                .strip_prefix("/interactions/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|id| id.parse::<u64>().ok());
            if let Some(id) = id {
                answered.entry(id).or_insert(call.at);
            }
        }
        let mut timings: Vec<InteractionTiming> = inner
            .interactions
            .iter()
            .map(|(id, i)| InteractionTiming {
                id: *id,
                dispatched: i.dispatched,
                answered: answered.get(id).copied(),
            })
            .collect();
        timings.sort_by_key(|t| (t.dispatched, t.id));
        timings
    }
}

/// When the fake dispatched an interaction and when the bot's first response reached it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InteractionTiming {
    pub id: u64,
    pub dispatched: Instant,
    /// The arrival of the first accepted callback; `None` if the bot never answered in time.
    pub answered: Option<Instant>,
}

impl InteractionTiming {
    /// Dispatch to first response, once answered.
    pub fn latency(&self) -> Option<Duration> {
        self.answered.map(|a| a.duration_since(self.dispatched))
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        #[cfg(feature = "tls")]
        if let Some(server) = self.tls.server.take() {
            server.abort();
        }
    }
}
