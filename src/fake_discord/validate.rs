//! The limits Discord enforces on what a bot sends, checked so a bot bug fails a test instead of
//! failing in production. Each check returns the field path and a message, like Discord's
//! `errors` object of a 50035 "Invalid Form Body".

use serde_json::Value;

pub const MAX_CONTENT: usize = 2000;
pub const MAX_EMBEDS: usize = 10;
pub const MAX_EMBED_DESCRIPTION: usize = 4096;
pub const MAX_EMBED_TOTAL: usize = 6000;
pub const MAX_ROWS: usize = 5;
pub const MAX_CUSTOM_ID: usize = 100;
pub const MAX_MODAL_TITLE: usize = 45;
pub const MAX_TEXT_INPUT: u64 = 4000;

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

/// Checks a message body (create, edit, follow-up, or an interaction's message data).
pub fn message(body: &Value) -> Result<(), (String, String)> {
    let content = chars(body.get("content"));
    if content > MAX_CONTENT {
        return Err((
            "content".into(),
            format!("Must be {MAX_CONTENT} or fewer in length."),
        ));
    }
    let embeds = body
        .get("embeds")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if embeds.len() > MAX_EMBEDS {
        return Err((
            "embeds".into(),
            format!("Must be {MAX_EMBEDS} or fewer in length."),
        ));
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let description = chars(embed.get("description"));
        if description > MAX_EMBED_DESCRIPTION {
            return Err((
                format!("embeds.{i}.description"),
                format!("Must be {MAX_EMBED_DESCRIPTION} or fewer in length."),
            ));
        }
        total += description
            + chars(embed.get("title"))
            + chars(embed.get("footer").and_then(|f| f.get("text")));
        for field in embed
            .get("fields")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            total += chars(field.get("name")) + chars(field.get("value"));
        }
    }
    if total > MAX_EMBED_TOTAL {
        return Err((
            "embeds".into(),
            format!("Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"),
        ));
    }
    components(body)
}

fn components(body: &Value) -> Result<(), (String, String)> {
    let rows = body
        .get("components")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if rows.len() > MAX_ROWS {
        return Err((
            "components".into(),
            format!("Must be {MAX_ROWS} or fewer in length."),
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, component) in row
            .get("components")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if chars(component.get("custom_id")) > MAX_CUSTOM_ID {
                return Err((
                    format!("components.{r}.components.{c}.custom_id"),
                    format!("Must be {MAX_CUSTOM_ID} or fewer in length."),
                ));
            }
            if component
                .get("max_length")
                .and_then(Value::as_u64)
                .is_some_and(|m| m > MAX_TEXT_INPUT)
            {
                return Err((
                    format!("components.{r}.components.{c}.max_length"),
                    format!("int value should be less than or equal to {MAX_TEXT_INPUT}."),
                ));
            }
        }
    }
    Ok(())
}

/// Checks an interaction callback body by its type.
pub fn callback(body: &Value) -> Result<(), (String, String)> {
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    match kind {
        4 | 7 => message(&data),
        5 | 6 => Ok(()),
        8 => Ok(()),
        9 => {
            if chars(data.get("title")) > MAX_MODAL_TITLE {
                return Err((
                    "data.title".into(),
                    format!("Must be {MAX_MODAL_TITLE} or fewer in length."),
                ));
            }
            if chars(data.get("custom_id")) > MAX_CUSTOM_ID {
                return Err((
                    "data.custom_id".into(),
                    format!("Must be {MAX_CUSTOM_ID} or fewer in length."),
                ));
            }
            components(&data)
        }
        other => Err((
            "type".into(),
            format!("Value \"{other}\" is not a valid interaction callback type."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_are_enforced_at_their_boundaries() {
        assert!(message(&json!({ "content": "x".repeat(2000) })).is_ok());
        assert_eq!(
            message(&json!({ "content": "é".repeat(2001) }))
                .unwrap_err()
                .0,
            "content"
        );
        let embed = |n| json!({ "description": "d".repeat(n) });
        assert!(message(&json!({ "embeds": [embed(4096)] })).is_ok());
        assert_eq!(
            message(&json!({ "embeds": [embed(4097)] })).unwrap_err().0,
            "embeds.0.description"
        );
        assert!(
            message(&json!({ "embeds": [embed(3000), embed(3001)] }))
                .unwrap_err()
                .1
                .contains("6000")
        );
        let rows: Vec<Value> = (0..6)
            .map(|_| json!({ "type": 1, "components": [] }))
            .collect();
        assert!(message(&json!({ "components": rows })).is_err());
        let long_id = json!({ "components": [{ "type": 1, "components": [{ "type": 2, "custom_id": "x".repeat(101) }] }] });
        assert!(message(&long_id).unwrap_err().0.ends_with("custom_id"));
        let modal = json!({ "type": 9, "data": { "title": "t".repeat(46), "custom_id": "m", "components": [] } });
        assert_eq!(callback(&modal).unwrap_err().0, "data.title");
        let input = json!({ "type": 9, "data": { "title": "ok", "custom_id": "m", "components": [
            { "type": 1, "components": [{ "type": 4, "custom_id": "a", "max_length": 4001 }] }] } });
        assert!(callback(&input).unwrap_err().0.ends_with("max_length"));
    }
}
