//! The limits Discord enforces on what a bot sends, checked so a bot bug fails a test instead of
//! failing in production. Each check returns the field path and a message, like Discord's
//! `errors` object of a 50035 "Invalid Form Body".

use serde_json::Value;

pub const MAX_CONTENT: usize = 2000;
pub const MAX_EMBEDS: usize = 10;
pub const MAX_EMBED_TITLE: usize = 256;
pub const MAX_EMBED_DESCRIPTION: usize = 4096;
pub const MAX_EMBED_FIELDS: usize = 25;
pub const MAX_FIELD_NAME: usize = 256;
pub const MAX_FIELD_VALUE: usize = 1024;
pub const MAX_FOOTER: usize = 2048;
pub const MAX_EMBED_TOTAL: usize = 6000;
pub const MAX_ROWS: usize = 5;
pub const MAX_PER_ROW: usize = 5;
pub const MAX_CUSTOM_ID: usize = 100;
pub const MAX_BUTTON_LABEL: usize = 80;
pub const MAX_MODAL_TITLE: usize = 45;
pub const MAX_INPUT_LABEL: usize = 45;
pub const MAX_TEXT_INPUT: u64 = 4000;
pub const MAX_CHOICES: usize = 25;
pub const MAX_CHOICE_NAME: usize = 100;

/// A refused field: its path in the body and Discord's message.
type Refusal = (String, String);

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Refuses `field` when it holds more than `max` (characters of a string, or array items).
fn at_most(field: String, len: usize, max: usize) -> Result<(), Refusal> {
    if len > max {
        return Err((field, format!("Must be {max} or fewer in length.")));
    }
    Ok(())
}

/// Checks a message body (create, edit, follow-up, or an interaction's message data).
pub fn message(body: &Value) -> Result<(), Refusal> {
    at_most("content".into(), chars(body.get("content")), MAX_CONTENT)?;
    let embeds = items(body.get("embeds"));
    at_most("embeds".into(), embeds.len(), MAX_EMBEDS)?;
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let title = chars(embed.get("title"));
        let description = chars(embed.get("description"));
        let footer = chars(embed.pointer("/footer/text"));
        let author = chars(embed.pointer("/author/name"));
        at_most(format!("embeds.{i}.title"), title, MAX_EMBED_TITLE)?;
        at_most(
            format!("embeds.{i}.description"),
            description,
            MAX_EMBED_DESCRIPTION,
        )?;
        at_most(format!("embeds.{i}.footer.text"), footer, MAX_FOOTER)?;
        at_most(format!("embeds.{i}.author.name"), author, MAX_FIELD_NAME)?;
        total += title + description + footer + author;
        let fields = items(embed.get("fields"));
        at_most(format!("embeds.{i}.fields"), fields.len(), MAX_EMBED_FIELDS)?;
        for (f, field) in fields.iter().enumerate() {
            let (name, value) = (chars(field.get("name")), chars(field.get("value")));
            at_most(format!("embeds.{i}.fields.{f}.name"), name, MAX_FIELD_NAME)?;
            at_most(
                format!("embeds.{i}.fields.{f}.value"),
                value,
                MAX_FIELD_VALUE,
            )?;
            total += name + value;
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

/// Action rows of a message or modal: buttons, select menus and text inputs.
fn components(body: &Value) -> Result<(), Refusal> {
    let rows = items(body.get("components"));
    at_most("components".into(), rows.len(), MAX_ROWS)?;
    for (r, row) in rows.iter().enumerate() {
        let row = items(row.get("components"));
        at_most(format!("components.{r}.components"), row.len(), MAX_PER_ROW)?;
        for (c, component) in row.iter().enumerate() {
            let path = |field: &str| format!("components.{r}.components.{c}.{field}");
            let custom_id = chars(component.get("custom_id"));
            at_most(path("custom_id"), custom_id, MAX_CUSTOM_ID)?;
            let label = chars(component.get("label"));
            match component.get("type").and_then(Value::as_u64) {
                Some(2) => at_most(path("label"), label, MAX_BUTTON_LABEL)?,
                Some(4) => at_most(path("label"), label, MAX_INPUT_LABEL)?,
                _ => {}
            }
            let options = items(component.get("options")).len();
            at_most(path("options"), options, MAX_CHOICES)?;
            if component
                .get("max_length")
                .and_then(Value::as_u64)
                .is_some_and(|m| m > MAX_TEXT_INPUT)
            {
                return Err((
                    path("max_length"),
                    format!("int value should be less than or equal to {MAX_TEXT_INPUT}."),
                ));
            }
        }
    }
    Ok(())
}

/// Autocomplete choices: at most 25, names and string values at most 100 characters.
fn choices(data: &Value) -> Result<(), Refusal> {
    let choices = items(data.get("choices"));
    at_most("data.choices".into(), choices.len(), MAX_CHOICES)?;
    for (i, choice) in choices.iter().enumerate() {
        let (name, value) = (chars(choice.get("name")), chars(choice.get("value")));
        at_most(format!("data.choices.{i}.name"), name, MAX_CHOICE_NAME)?;
        at_most(format!("data.choices.{i}.value"), value, MAX_CHOICE_NAME)?;
    }
    Ok(())
}

/// Checks an interaction callback body by its type.
pub fn callback(body: &Value) -> Result<(), Refusal> {
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    match kind {
        4 | 7 => message(&data),
        5 | 6 => Ok(()),
        8 => choices(&data),
        9 => {
            at_most(
                "data.title".into(),
                chars(data.get("title")),
                MAX_MODAL_TITLE,
            )?;
            at_most(
                "data.custom_id".into(),
                chars(data.get("custom_id")),
                MAX_CUSTOM_ID,
            )?;
            if items(data.get("components")).is_empty() {
                return Err((
                    "data.components".into(),
                    "Must be between 1 and 5 in length.".into(),
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
        let empty =
            json!({ "type": 9, "data": { "title": "ok", "custom_id": "m", "components": [] } });
        assert_eq!(callback(&empty).unwrap_err().0, "data.components");
        assert_eq!(callback(&modal).unwrap_err().0, "data.title");
        let input = json!({ "type": 9, "data": { "title": "ok", "custom_id": "m", "components": [
            { "type": 1, "components": [{ "type": 4, "custom_id": "a", "max_length": 4001 }] }] } });
        assert!(callback(&input).unwrap_err().0.ends_with("max_length"));
    }

    #[test]
    fn embed_fields_rows_and_choices_have_their_own_limits() {
        let embed = |e: Value| message(&json!({ "embeds": [e] })).map_err(|e| e.0);
        assert!(embed(json!({ "title": "t".repeat(256) })).is_ok());
        assert_eq!(
            embed(json!({ "title": "t".repeat(257) })),
            Err("embeds.0.title".into())
        );
        let field = |value: usize| json!({ "name": "n", "value": "v".repeat(value) });
        assert!(embed(json!({ "fields": [field(1024)] })).is_ok());
        assert_eq!(
            embed(json!({ "fields": [field(1025)] })),
            Err("embeds.0.fields.0.value".into())
        );
        let many: Vec<Value> = (0..26).map(|_| field(1)).collect();
        assert_eq!(
            embed(json!({ "fields": many })),
            Err("embeds.0.fields".into())
        );
        assert_eq!(
            embed(json!({ "footer": { "text": "f".repeat(2049) } })),
            Err("embeds.0.footer.text".into())
        );

        let button = |label: usize| json!({ "type": 2, "style": 1, "custom_id": "b", "label": "l".repeat(label) });
        let row =
            |buttons: Vec<Value>| json!({ "components": [{ "type": 1, "components": buttons }] });
        assert!(message(&row(vec![button(80); 5])).is_ok());
        assert_eq!(
            message(&row(vec![button(1); 6])).unwrap_err().0,
            "components.0.components"
        );
        assert!(
            message(&row(vec![button(81)]))
                .unwrap_err()
                .0
                .ends_with("label")
        );

        let choice = |name: usize| json!({ "name": "c".repeat(name), "value": "v" });
        let complete = |choices: Vec<Value>| json!({ "type": 8, "data": { "choices": choices } });
        assert!(callback(&complete(vec![choice(100); 25])).is_ok());
        assert_eq!(
            callback(&complete(vec![choice(1); 26])).unwrap_err().0,
            "data.choices"
        );
        assert_eq!(
            callback(&complete(vec![choice(101)])).unwrap_err().0,
            "data.choices.0.name"
        );
    }
}
