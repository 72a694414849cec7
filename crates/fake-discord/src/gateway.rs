//! The gateway: a WebSocket speaking v10 JSON as serenity needs it. HELLO, IDENTIFY → READY,
//! heartbeats and their ACKs, RESUME → replay of missed events and RESUMED, close code 4004 for a
//! token the test made it reject, and the commands a test sends (dispatch, drop, RECONNECT,
//! INVALID_SESSION).

use axum::extract::State as Extract;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse as _, Response};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::payloads;
use super::rest::Rest;
use super::state::GatewayCommand;

/// Sent in HELLO; serenity heartbeats at this interval, ACKed at once.
const HEARTBEAT_MS: u64 = 41_250;
pub const SESSION_ID: &str = "fake-session";

pub(crate) async fn upgrade(ws: WebSocketUpgrade, Extract(rest): Extract<Rest>) -> Response {
    if rest.state.lock().gateway_down {
        // As a gateway that cannot be reached: the bot keeps trying to connect.
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ws.on_upgrade(move |socket| session(socket, rest))
}

async fn send(socket: &mut WebSocket, payload: Value) -> bool {
    socket
        .send(Message::Text(payload.to_string().into()))
        .await
        .is_ok()
}

async fn session(mut socket: WebSocket, rest: Rest) {
    let state = rest.state.clone();
    let mut commands = state.gateway.subscribe();
    if !send(
        &mut socket,
        json!({ "op": 10, "d": { "heartbeat_interval": HEARTBEAT_MS } }),
    )
    .await
    {
        return;
    }
    let mut live = false; // after IDENTIFY or RESUME: dispatches flow
    // The highest sequence sent on this connection. An event dispatched just before a RESUME is
    // both in the replay and still queued on the channel; it must reach the bot once, as on
    // Discord, or the bot would answer its interaction twice.
    let mut sent: u64 = 0;
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(Message::Text(text))) = incoming else {
                    match incoming {
                        Some(Ok(_)) => continue, // ping, pong, binary
                        _ => return,             // closed or broken
                    }
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                let op = frame.get("op").and_then(Value::as_u64).unwrap_or(u64::MAX);
                state.lock().gateway_ops.push(op);
                let reply = match op {
                    1 => vec![json!({ "op": 11 })],
                    2 | 6 if state.lock().reject_tokens => {
                        // Discord closes with 4004 when IDENTIFY or RESUME carries a bad token.
                        let close = axum::extract::ws::CloseFrame {
                            code: 4004,
                            reason: "Authentication failed.".into(),
                        };
                        let _ = socket.send(Message::Close(Some(close))).await;
                        return;
                    }
                    2 => {
                        let gate = state.lock().ready_gate.clone();
                        if let Some(gate) = gate
                            && !hold_ready(&mut socket, &state, &gate).await
                        {
                            return;
                        }
                        live = true;
                        // A new session: only events dispatched from now on reach it.
                        sent = state.lock().events.last().map_or(1, |(seq, _, _)| *seq);
                        let guilds = state.lock().guilds.clone();
                        let ready = json!({ "op": 0, "t": "READY", "s": 1,
                                            "d": payloads::ready(SESSION_ID, &rest.gateway_url, &guilds) });
                        if !send(&mut socket, ready).await {
                            return;
                        }
                        // Each guild follows as GUILD_CREATE, through the event log so a resume
                        // replays it like any other dispatch.
                        for guild in guilds {
                            state.dispatch("GUILD_CREATE", payloads::guild_create(guild));
                        }
                        Vec::new()
                    }
                    6 => {
                        live = true;
                        let after = frame.pointer("/d/seq").and_then(Value::as_u64).unwrap_or(0);
                        let mut replay: Vec<Value> = state
                            .lock()
                            .events
                            .iter()
                            .filter(|(seq, _, _)| *seq > after)
                            .map(|(seq, name, data)| json!({ "op": 0, "t": name, "s": seq, "d": data }))
                            .collect();
                        let last = replay.last().and_then(|e| e.get("s")).and_then(Value::as_u64).unwrap_or(after);
                        sent = sent.max(last);
                        replay.push(json!({ "op": 0, "t": "RESUMED", "s": last, "d": {} }));
                        replay
                    }
                    _ => Vec::new(),
                };
                for payload in reply {
                    if !send(&mut socket, payload).await {
                        return;
                    }
                }
            }
            command = commands.recv() => {
                let payload = match command {
                    Ok(GatewayCommand::Dispatch { seq, name, data }) if live && seq > sent => {
                        sent = seq;
                        json!({ "op": 0, "t": name, "s": seq, "d": data })
                    }
                    // Not live yet: replayed on RESUME; or already sent by a replay.
                    Ok(GatewayCommand::Dispatch { .. }) => continue,
                    Ok(GatewayCommand::Drop) => return, // no close frame, as a network failure
                    Ok(GatewayCommand::Reconnect) => json!({ "op": 7, "d": null }),
                    Ok(GatewayCommand::InvalidSession(resumable)) => json!({ "op": 9, "d": resumable }),
                    // The queue overflowed (a burst of events while this task was not
                    // scheduled): send what it dropped from the event log, in order; events
                    // still queued are then skipped as already sent.
                    Err(RecvError::Lagged(_)) if live => {
                        let missed: Vec<(u64, String, Value)> = state
                            .lock()
                            .events
                            .iter()
                            .filter(|(seq, _, _)| *seq > sent)
                            .cloned()
                            .collect();
                        for (seq, name, data) in missed {
                            sent = seq;
                            if !send(&mut socket, json!({ "op": 0, "t": name, "s": seq, "d": data })).await {
                                return;
                            }
                        }
                        continue;
                    }
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                if !send(&mut socket, payload).await {
                    return;
                }
            }
        }
    }
}

/// Waits until a benchmark releases READY, answering heartbeats meanwhile; false when the
/// connection closed.
async fn hold_ready(
    socket: &mut WebSocket,
    state: &super::state::State,
    gate: &tokio::sync::Notify,
) -> bool {
    loop {
        tokio::select! {
            _ = gate.notified() => return true,
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let op = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|f| f.get("op").and_then(Value::as_u64))
                        .unwrap_or(u64::MAX);
                    state.lock().gateway_ops.push(op);
                    if op == 1 && !send(socket, json!({ "op": 11 })).await {
                        return false;
                    }
                }
                Some(Ok(_)) => {}
                _ => return false,
            },
        }
    }
}
