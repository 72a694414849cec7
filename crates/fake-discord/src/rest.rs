//! The REST API: one handler that records every call, applies the global rate limit and queued
//! faults, then answers the routes the bot uses.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::APPLICATION_ID;
use super::payloads;
use super::state::{Fault, RecordedCall, State};
use super::validate;

/// Shared by the REST handler: the state and where the gateway listens.
#[derive(Clone)]
pub(crate) struct Rest {
    pub state: Arc<State>,
    pub gateway_url: String,
}

type Answer = (StatusCode, Value);

fn json_response(status: StatusCode, body: Value, headers: HeaderMap) -> Response {
    if status == StatusCode::NO_CONTENT {
        return (status, headers).into_response();
    }
    (status, headers, axum::Json(body)).into_response()
}

fn invalid_form(field: String, message: String) -> Answer {
    let errors =
        json!({ field: { "_errors": [{ "code": "BASE_TYPE_MAX_LENGTH", "message": message }] } });
    (
        StatusCode::BAD_REQUEST,
        payloads::error(50035, "Invalid Form Body", errors),
    )
}

fn rate_limited(retry_after: Duration, global: bool) -> (Answer, HeaderMap) {
    let secs = retry_after.as_secs_f64();
    let mut headers = HeaderMap::new();
    let scope = if global { "global" } else { "user" };
    // Discord's Retry-After header is whole seconds, rounded up; the body has the exact value.
    headers.insert(
        "retry-after",
        HeaderValue::from(secs.ceil().max(1.0) as u64),
    );
    headers.insert("x-ratelimit-scope", HeaderValue::from_static(scope));
    headers.insert("x-ratelimit-limit", HeaderValue::from(1));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(0));
    if let Ok(v) = HeaderValue::from_str(&format!("{secs:.3}")) {
        headers.insert("x-ratelimit-reset-after", v);
    }
    if global {
        headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    }
    let body = json!({ "message": "You are being rate limited.", "retry_after": secs, "global": global, "code": 0 });
    ((StatusCode::TOO_MANY_REQUESTS, body), headers)
}

/// Whether a request carries a bot token. Discord answers 401 without one (and counts it towards
/// the invalid-request ban); interaction callbacks, webhooks and gateway discovery need none. Only
/// the header's shape is checked, and the token itself is never recorded; with `reject_tokens`
/// every token is refused, as Discord refuses a reset one.
fn authorized(headers: &HeaderMap, path: &str, reject_tokens: bool) -> bool {
    let open = ["/interactions/", "/webhooks/"]
        .iter()
        .any(|p| path.starts_with(p))
        || path == "/gateway";
    open || (!reject_tokens
        && headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bot "))
            .is_some_and(|token| !token.trim().is_empty()))
}

/// The boundary of a `multipart/form-data` request: how serenity sends files.
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    multer::parse_boundary(content_type).ok()
}

/// A multipart request as Discord reads it: the JSON of `payload_json`, with each file part's
/// name, text and bytes added to its entry in `attachments` (as `filename`, `_content`, and
/// `_size` with `_hex` for binary files such as images) for tests.
async fn multipart_body(body: Bytes, boundary: String) -> Value {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut payload = Value::Null;
    let mut files = Vec::new();
    while let Ok(Some(field)) = parts.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let Ok(data) = field.bytes().await else {
            return Value::Null;
        };
        match (name.as_str(), filename) {
            ("payload_json", _) => payload = serde_json::from_slice(&data).unwrap_or(Value::Null),
            (_, Some(filename)) => files.push((filename, data)),
            _ => {}
        }
    }
    let target = if payload.get("data").is_some() {
        &mut payload["data"]
    } else {
        &mut payload
    };
    if let Some(attachments) = target.get_mut("attachments").and_then(Value::as_array_mut) {
        for (entry, (filename, data)) in attachments.iter_mut().zip(files) {
            let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
            entry["filename"] = json!(filename);
            entry["_content"] = json!(String::from_utf8_lossy(&data));
            entry["_size"] = json!(data.len());
            entry["_hex"] = json!(hex);
        }
    }
    payload
}

pub(crate) async fn handle(
    Extract(rest): Extract<Rest>,
    method: Method,
    uri: Uri,
    request_headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let path = uri
        .path()
        .strip_prefix("/api/v10")
        .unwrap_or(uri.path())
        .to_owned();
    let body: Value = match multipart_boundary(&request_headers) {
        Some(boundary) => multipart_body(body, boundary).await,
        None => serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let state = &rest.state;
    let callback = path.starts_with("/interactions/");

    let reject_tokens = state.lock().reject_tokens;
    let (answer, headers) = if !authorized(&request_headers, &path, reject_tokens) {
        (
            (
                StatusCode::UNAUTHORIZED,
                json!({ "message": "401: Unauthorized", "code": 0 }),
            ),
            HeaderMap::new(),
        )
    } else if !callback && !state.admit(now) {
        rate_limited(Duration::from_millis(1000), true)
    } else {
        match state.take_fault(method.as_str(), &path) {
            Some(Fault::RateLimited { retry_after }) => rate_limited(retry_after, false),
            Some(Fault::GlobalRateLimited { retry_after }) => rate_limited(retry_after, true),
            Some(Fault::Status(code)) => {
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (
                    (status, json!({ "message": "Server error", "code": 0 })),
                    HeaderMap::new(),
                )
            }
            Some(Fault::Slow(delay)) => {
                tokio::time::sleep(delay).await;
                (route(&rest, &method, &path, &body), HeaderMap::new())
            }
            None => (route(&rest, &method, &path, &body), HeaderMap::new()),
        }
    };
    state.record(RecordedCall {
        method: method.to_string(),
        path,
        body,
        status: answer.0.as_u16(),
        at: now,
    });
    json_response(answer.0, answer.1, headers)
}

fn route(rest: &Rest, method: &Method, path: &str, body: &Value) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = |i: usize| segments.get(i).and_then(|s| s.parse::<u64>().ok());
    let ok = |v: Value| (StatusCode::OK, v);
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({ "url": rest.gateway_url })),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": rest.gateway_url, "shards": 1,
            "session_start_limit": { "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1 },
        })),
        ("GET", ["users", "@me"]) => ok(payloads::bot_user()),
        ("GET", ["applications", "@me"] | ["oauth2", "applications", "@me"]) => {
            ok(payloads::application())
        }
        ("PUT", ["applications", _, "commands"]) => ok(register(rest, body, None)),
        ("PUT", ["applications", _, "guilds", _, "commands"]) => ok(register(rest, body, id(3))),
        ("POST", ["channels", _, "messages"]) => create_message(rest, id(1).unwrap_or(0), body),
        ("GET", ["channels", _]) => {
            let state = rest.state.lock();
            let guild = state.guilds.first().copied().unwrap_or(0);
            let channel = id(1).unwrap_or(0);
            let overwrites = state.overwrites.get(&channel).cloned().unwrap_or_default();
            ok(payloads::channel(channel, guild, &overwrites))
        }
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body["recipient_id"].as_str().and_then(|r| r.parse().ok());
            // One DM channel per member, with an id of its own, as Discord keeps it.
            let dm = recipient.map_or(0, |r: u64| r ^ payloads::DM_CHANNEL_BITS);
            ok(payloads::dm_channel(dm, recipient.unwrap_or(0)))
        }
        ("GET", ["guilds", _]) => ok(payloads::guild(id(1).unwrap_or(0))),
        // A member's role given or taken (recorded in `calls` for tests to read).
        ("PUT" | "DELETE", ["guilds", _, "members", _, "roles", _]) => {
            (StatusCode::NO_CONTENT, Value::Null)
        }
        ("GET", ["guilds", _, "members", _]) if id(3) == Some(super::BOT_USER_ID) => {
            ok(payloads::bot_member())
        }
        ("GET", ["channels", _, "messages", _]) => {
            match rest.state.lock().messages.get(&id(3).unwrap_or(0)) {
                Some(m) => ok(m.clone()),
                None => unknown_message(),
            }
        }
        ("PATCH", ["channels", _, "messages", _]) => edit_message(rest, id(3).unwrap_or(0), body),
        ("POST", ["channels", channel, "messages", _, "threads"]) => {
            if !rest.state.lock().threads.insert(id(3).unwrap_or(0)) {
                return (
                    StatusCode::BAD_REQUEST,
                    payloads::error(
                        160004,
                        "A thread has already been created for this message",
                        json!({}),
                    ),
                );
            }
            // As on Discord, a thread started from a message shares the message's id.
            ok(json!({
            "id": id(3).unwrap_or(0).to_string(), "type": 11, "parent_id": channel,
            "guild_id": rest.state.lock().guilds.first().copied().unwrap_or(0).to_string(),
            "name": body.get("name").cloned().unwrap_or(json!("thread")),
            "owner_id": super::BOT_USER_ID.to_string(), "thread_metadata": {
                "archived": false, "auto_archive_duration": body.get("auto_archive_duration").cloned().unwrap_or(json!(1440)),
                "archive_timestamp": "2026-01-01T00:00:00.000000+00:00", "locked": false },
            }))
        }
        // A thread of its own (a private thread, say), not started from a message.
        ("POST", ["channels", channel, "threads"]) => {
            let thread = rest.state.next_id();
            rest.state.lock().threads.insert(thread);
            ok(json!({
            "id": thread.to_string(), "type": body.get("type").cloned().unwrap_or(json!(12)),
            "parent_id": channel,
            "guild_id": rest.state.lock().guilds.first().copied().unwrap_or(0).to_string(),
            "name": body.get("name").cloned().unwrap_or(json!("thread")),
            "owner_id": super::BOT_USER_ID.to_string(), "thread_metadata": {
                "archived": false, "auto_archive_duration": body.get("auto_archive_duration").cloned().unwrap_or(json!(60)),
                "archive_timestamp": "2026-01-01T00:00:00.000000+00:00", "locked": false,
                "invitable": body.get("invitable").cloned().unwrap_or(json!(true)) },
            }))
        }
        // A member added to a thread (recorded in `calls` for tests to read).
        ("PUT", ["channels", _, "thread-members", _]) => (StatusCode::NO_CONTENT, Value::Null),
        ("POST", ["interactions", _, token, "callback"]) => {
            callback(rest, id(1).unwrap_or(0), token, body)
        }
        ("POST", ["webhooks", _, token]) => follow_up(rest, token, body),
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            edit_original(rest, token, body)
        }
        _ => {
            // A route the bot calls that the fake does not model: loud, so it gets modelled.
            tracing::warn!("fake Discord: unmodelled route {method} {path}");
            (
                StatusCode::NOT_FOUND,
                payloads::error(0, "404: Not Found", json!({})),
            )
        }
    }
}

fn unknown_message() -> Answer {
    (
        StatusCode::NOT_FOUND,
        payloads::error(10008, "Unknown Message", json!({})),
    )
}

fn register(rest: &Rest, body: &Value, guild: Option<u64>) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    let registered: Vec<Value> = commands
        .into_iter()
        .map(|mut c| {
            if let Some(obj) = c.as_object_mut() {
                obj.insert("id".into(), json!(rest.state.next_id().to_string()));
                obj.insert("application_id".into(), json!(APPLICATION_ID.to_string()));
                obj.insert("version".into(), json!("1"));
                obj.entry("type").or_insert(json!(1));
                obj.entry("description").or_insert(json!(""));
                obj.entry("default_member_permissions")
                    .or_insert(Value::Null);
                if let Some(g) = guild {
                    obj.insert("guild_id".into(), json!(g.to_string()));
                }
            }
            c
        })
        .collect();
    Value::Array(registered)
}

fn create_message(rest: &Rest, channel: u64, body: &Value) -> Answer {
    if let Err((field, message)) = validate::message(body) {
        return invalid_form(field, message);
    }
    let nonce = body
        .get("nonce")
        .map(|n| n.to_string().trim_matches('"').to_owned());
    let enforce = body
        .get("enforce_nonce")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut inner = rest.state.lock();
    let now = Instant::now();
    if let (Some(nonce), true) = (&nonce, enforce) {
        if let Some(existing) = inner
            .nonces
            .get(&(channel, nonce.clone()))
            .filter(|(_, at)| now.duration_since(*at) < inner.nonce_ttl)
            .and_then(|(id, _)| inner.messages.get(id))
        {
            return (StatusCode::OK, existing.clone());
        }
    }
    let id = rest.state.next_id();
    let message = payloads::message(id, channel, body);
    inner.messages.insert(id, message.clone());
    if let Some(nonce) = nonce {
        inner.nonces.insert((channel, nonce), (id, now));
    }
    (StatusCode::OK, message)
}

fn edit_message(rest: &Rest, id: u64, body: &Value) -> Answer {
    if let Err((field, message)) = validate::message(body) {
        return invalid_form(field, message);
    }
    let mut inner = rest.state.lock();
    let Some(message) = inner.messages.get_mut(&id) else {
        return unknown_message();
    };
    if let (Some(target), Some(changes)) = (message.as_object_mut(), body.as_object()) {
        for (k, v) in changes {
            target.insert(k.clone(), v.clone());
        }
        target.insert(
            "edited_timestamp".into(),
            json!("2026-01-01T00:00:01.000000+00:00"),
        );
    }
    (StatusCode::OK, message.clone())
}

/// An interaction must be answered once, within three seconds of being sent.
fn callback(rest: &Rest, id: u64, token: &str, body: &Value) -> Answer {
    let mut inner = rest.state.lock();
    let Some(interaction) = inner.interactions.get_mut(&id).filter(|i| i.token == token) else {
        return (
            StatusCode::NOT_FOUND,
            payloads::error(10062, "Unknown interaction", json!({})),
        );
    };
    if interaction.response.is_some() {
        return (
            StatusCode::BAD_REQUEST,
            payloads::error(
                40060,
                "Interaction has already been acknowledged.",
                json!({}),
            ),
        );
    }
    if interaction.dispatched.elapsed() > rest.state.interaction_deadline {
        return (
            StatusCode::NOT_FOUND,
            payloads::error(10062, "Unknown interaction", json!({})),
        );
    }
    if let Err((field, message)) = validate::callback(body) {
        return invalid_form(field, message);
    }
    interaction.response = Some(body.clone());
    // UPDATE_MESSAGE edits the message whose component was used.
    if let (Some(7), Some(target)) = (body["type"].as_u64(), interaction.message) {
        if let (Some(message), Some(changes)) = (
            inner
                .messages
                .get_mut(&target)
                .and_then(Value::as_object_mut),
            body["data"].as_object(),
        ) {
            for (k, v) in changes {
                message.insert(k.clone(), v.clone());
            }
        }
    }
    (StatusCode::NO_CONTENT, Value::Null)
}

fn follow_up(rest: &Rest, token: &str, body: &Value) -> Answer {
    if let Err((field, message)) = validate::message(body) {
        return invalid_form(field, message);
    }
    let id = rest.state.next_id();
    let mut inner = rest.state.lock();
    let Some(interaction) = inner.interactions.values_mut().find(|i| i.token == token) else {
        return (
            StatusCode::NOT_FOUND,
            payloads::error(10015, "Unknown Webhook", json!({})),
        );
    };
    interaction.follow_ups.push(id);
    let message = payloads::message(id, interaction.channel, body);
    inner.messages.insert(id, message.clone());
    (StatusCode::OK, message)
}

fn edit_original(rest: &Rest, token: &str, body: &Value) -> Answer {
    if let Err((field, message)) = validate::message(body) {
        return invalid_form(field, message);
    }
    let mut inner = rest.state.lock();
    let Some(interaction) = inner.interactions.values_mut().find(|i| i.token == token) else {
        return (
            StatusCode::NOT_FOUND,
            payloads::error(10015, "Unknown Webhook", json!({})),
        );
    };
    let mut data = interaction
        .response
        .as_ref()
        .and_then(|r| r.get("data"))
        // A deferral's data is null: the edit is the whole message.
        .filter(|d| d.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let (Some(target), Some(changes)) = (data.as_object_mut(), body.as_object()) {
        for (k, v) in changes {
            target.insert(k.clone(), v.clone());
        }
    }
    let kind = interaction
        .response
        .as_ref()
        .and_then(|r| r.get("type"))
        .cloned()
        .unwrap_or(json!(4));
    interaction.response = Some(json!({ "type": kind, "data": data.clone(), "edited": true }));
    let channel = interaction.channel;
    drop(inner);
    // The original response is a message of its own, with an id like any other.
    (
        StatusCode::OK,
        payloads::message(rest.state.next_id(), channel, &data),
    )
}
