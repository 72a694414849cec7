//! What members do, as a test drives it: slash commands, autocomplete, button clicks, modal
//! submissions, and files attached to commands. An upload is served at the attachment URL Discord
//! would give (its CDN) and put in the interaction's `resolved.attachments`, as Discord does for an
//! option of type 11.

use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::FakeDiscord;
use crate::payloads::{self, Invoker};
use crate::rest::Rest;

impl FakeDiscord {
    /// A member runs a slash command; returns the interaction id.
    pub fn slash_command(&self, invoker: &Invoker, name: &str, options: Value) -> u64 {
        self.interact(
            2,
            invoker,
            payloads::command_data(name, options, invoker.guild),
        )
    }

    /// A member types `partial` into option `option` of a command with autocomplete.
    pub fn autocomplete(
        &self,
        invoker: &Invoker,
        command: &str,
        option: &str,
        partial: &str,
    ) -> u64 {
        self.interact(
            4,
            invoker,
            payloads::autocomplete_data(command, option, partial, invoker.guild),
        )
    }

    /// A member types `partial` into option `option` of a subcommand, such as the time zone of
    /// `/schedule add`.
    pub fn autocomplete_sub(
        &self,
        invoker: &Invoker,
        command: &str,
        subcommand: &str,
        option: &str,
        partial: &str,
    ) -> u64 {
        let focused = json!({ "name": option, "type": 3, "value": partial, "focused": true });
        let options = json!([{ "name": subcommand, "type": 1, "options": [focused] }]);
        self.interact(
            4,
            invoker,
            payloads::command_data(command, options, invoker.guild),
        )
    }

    /// A member clicks a button on a message the bot sent (the interaction carries the whole
    /// message, as serenity requires).
    pub fn click_button(&self, invoker: &Invoker, message_id: u64, custom_id: &str) -> u64 {
        let message = self.state.lock().messages.get(&message_id).cloned();
        let message =
            message.unwrap_or_else(|| payloads::message(message_id, invoker.channel, &json!({})));
        self.interact_with(
            3,
            invoker,
            json!({ "custom_id": custom_id, "component_type": 2 }),
            Some(message),
        )
    }

    /// A member submits a modal with these text input values.
    pub fn submit_modal(&self, invoker: &Invoker, custom_id: &str, values: &[(&str, &str)]) -> u64 {
        let rows: Vec<Value> = values
            .iter()
            .map(|(id, value)| json!({ "type": 1, "components": [{ "type": 4, "custom_id": id, "value": value }] }))
            .collect();
        self.interact(
            5,
            invoker,
            json!({ "custom_id": custom_id, "components": rows }),
        )
    }

    /// Stores a file as a member's upload; returns its attachment object (`id`, `filename`,
    /// `size`, `url`), to give to [`FakeDiscord::slash_command_with`].
    pub fn upload(&self, filename: &str, bytes: &[u8]) -> Value {
        let id = self.state.next_id();
        self.state
            .lock()
            .uploads
            .insert(id, Bytes::copy_from_slice(bytes));
        let url = format!("{}/attachments/{id}/{filename}", self.api_url());
        json!({
            "id": id.to_string(), "filename": filename, "size": bytes.len(),
            "url": url, "proxy_url": url, "content_type": content_type(filename),
        })
    }

    /// A member runs a slash command whose options name `attachments` (by id, as an option of
    /// type 11's `value`); returns the interaction id.
    pub fn slash_command_with(
        &self,
        invoker: &Invoker,
        name: &str,
        options: Value,
        attachments: &[Value],
    ) -> u64 {
        let mut data = payloads::command_data(name, options, invoker.guild);
        for attachment in attachments {
            let id = attachment["id"].as_str().unwrap_or_default().to_owned();
            data["resolved"]["attachments"][id] = attachment.clone();
        }
        self.interact(2, invoker, data)
    }

    /// How many times the bot downloaded an upload.
    pub fn downloads(&self) -> usize {
        self.state.lock().downloads
    }
}

fn content_type(filename: &str) -> &'static str {
    if filename.ends_with(".zip") {
        "application/zip"
    } else if filename.ends_with(".md") {
        "text/markdown; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// `GET /attachments/{id}/{filename}`: the upload's bytes, or 404 (an expired or unknown URL).
pub(crate) async fn serve(
    Extract(rest): Extract<Rest>,
    Path((id, _filename)): Path<(u64, String)>,
) -> Response {
    let mut state = rest.state.lock();
    state.downloads += 1;
    match state.uploads.get(&id) {
        Some(bytes) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
