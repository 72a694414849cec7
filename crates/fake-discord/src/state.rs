//! What the fake remembers: every REST call, the messages and interactions it knows, the faults
//! queued by a test, the global rate limit, and the gateway's event log for resumes.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::broadcast;

/// One REST call as the bot made it.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    pub method: String,
    /// The path below `/api/v10`, e.g. `/channels/5/messages`.
    pub path: String,
    pub body: Value,
    pub status: u16,
    pub at: Instant,
}

/// A fault a test queues for the next matching request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with this `retry_after`, as a per-route bucket would answer.
    RateLimited { retry_after: Duration },
    /// 429 from the global limit (`global: true`, `X-RateLimit-Global`), whatever the route: what
    /// Discord answers every request of the bot's for `retry_after` once it sent too many.
    GlobalRateLimited { retry_after: Duration },
    /// A server error such as 500 or 502.
    Status(u16),
    /// Answer normally, but only after this delay.
    Slow(Duration),
}

/// An interaction dispatched to the bot, and how it was answered.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub token: String,
    /// Where it was used: follow-ups and the original response are messages in this channel.
    pub channel: u64,
    pub dispatched: Instant,
    /// The message a clicked component is on: an UPDATE_MESSAGE response (type 7) edits it.
    pub message: Option<u64>,
    /// The callback body (`type`, `data`), once answered.
    pub response: Option<Value>,
    /// Follow-up messages sent with the interaction's token, in order.
    pub follow_ups: Vec<u64>,
}

/// What the gateway sends to the connected bot.
#[derive(Debug, Clone)]
pub enum GatewayCommand {
    /// A dispatch event (op 0) with its sequence number.
    Dispatch { seq: u64, name: String, data: Value },
    /// Close the connection abruptly, as a network failure would.
    Drop,
    /// Op 7: ask the bot to reconnect and resume.
    Reconnect,
    /// Op 9, with whether the session can be resumed.
    InvalidSession(bool),
}

#[derive(Default)]
pub(crate) struct Inner {
    pub calls: Vec<RecordedCall>,
    /// Files members attached, by attachment id, and how often the bot fetched one.
    pub uploads: HashMap<u64, axum::body::Bytes>,
    pub downloads: usize,
    pub messages: HashMap<u64, Value>,
    /// (channel, nonce) → the message it created and when, for `enforce_nonce`; entries older
    /// than `nonce_ttl` no longer count, as Discord checks a nonce only over the past few minutes.
    pub nonces: HashMap<(u64, String), (u64, Instant)>,
    pub nonce_ttl: Duration,
    pub interactions: HashMap<u64, Interaction>,
    pub faults: Vec<(String, String, VecDeque<Fault>)>,
    /// Requests in the current one-second window of the global limit.
    pub window: (Option<Instant>, u32),
    pub global_limit: u32,
    pub global_violations: u64,
    pub invalid_requests: u64,
    /// Dispatches sent, for replay on RESUME.
    pub events: Vec<(u64, String, Value)>,
    /// Opcodes the bot sent on the gateway (2 IDENTIFY, 6 RESUME, 1 HEARTBEAT, ...).
    pub gateway_ops: Vec<u64>,
    pub guilds: Vec<u64>,
    /// Messages a thread was started from: Discord allows one thread per message.
    pub threads: std::collections::HashSet<u64>,
    /// Permission overwrites per channel, as GET /channels/{id} returns them (none by default).
    pub overwrites: HashMap<u64, Vec<Value>>,
    /// Refuse gateway connections, as a gateway that cannot be reached.
    pub gateway_down: bool,
    /// Answer every authenticated request with 401, as Discord does for a reset or wrong token.
    pub reject_tokens: bool,
    /// While set, the gateway answers IDENTIFY with READY only once it is notified (benchmarks
    /// measure the bot before READY); heartbeats are answered meanwhile.
    pub ready_gate: Option<std::sync::Arc<tokio::sync::Notify>>,
}

/// The fake's shared state.
pub(crate) struct State {
    pub inner: std::sync::Mutex<Inner>,
    ids: AtomicU64,
    pub gateway: broadcast::Sender<GatewayCommand>,
    pub interaction_deadline: Duration,
}

impl State {
    pub fn new(global_limit: u32, interaction_deadline: Duration, nonce_ttl: Duration) -> State {
        let (gateway, _) = broadcast::channel(1024);
        State {
            inner: std::sync::Mutex::new(Inner {
                global_limit,
                nonce_ttl,
                ..Inner::default()
            }),
            // Snowflake-sized ids, distinct from the small ids tests choose for guilds and users.
            ids: AtomicU64::new(1_100_000_000_000_000_000),
            gateway,
            interaction_deadline,
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Sends a dispatch event and keeps it for replay on RESUME. The sequence is taken and the
    /// event queued under one lock: queued after it, an event could overtake one dispatched just
    /// before it from another thread, and the connection would drop that one as already sent.
    pub fn dispatch(&self, name: &str, data: Value) {
        let mut inner = self.lock();
        let seq = inner.events.len() as u64 + 2; // READY is sequence 1
        inner.events.push((seq, name.to_owned(), data.clone()));
        // Never blocks: a broadcast send only queues.
        let _ = self.gateway.send(GatewayCommand::Dispatch {
            seq,
            name: name.to_owned(),
            data,
        });
    }

    /// The first queued fault for a request, if a test queued one.
    /// A method of `*` matches every method, and a prefix of `/` every route.
    pub fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        let mut inner = self.lock();
        inner
            .faults
            .iter_mut()
            .find(|(m, prefix, queue)| {
                (m == method || m == "*") && path.starts_with(prefix.as_str()) && !queue.is_empty()
            })
            .and_then(|(_, _, queue)| queue.pop_front())
    }

    /// Counts a request against the global limit; false when it is over the limit.
    pub fn admit(&self, now: Instant) -> bool {
        let mut inner = self.lock();
        let limit = inner.global_limit;
        let (start, count) = &mut inner.window;
        if start.is_none_or(|s| now.duration_since(s) >= Duration::from_secs(1)) {
            *start = Some(now);
            *count = 0;
        }
        *count += 1;
        if *count > limit {
            inner.global_violations += 1;
            false
        } else {
            true
        }
    }

    pub fn record(&self, call: RecordedCall) {
        let mut inner = self.lock();
        if matches!(call.status, 401 | 403 | 429) {
            inner.invalid_requests += 1;
        }
        inner.calls.push(call);
    }
}
