//! Lenient serde helpers for WeCom's wire quirks: `|`-joined lists that may also be
//! arrays, numbers sent as strings, empty strings meaning "absent".
//!
//! A response that WeCom accepted must not fail to decode over a cosmetic difference:
//! for message/send that would make the caller resend a delivered message.

use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

/// Joins items with `|` (message/send recipients).
pub(super) fn join_pipe<T: ToString>(items: &[T]) -> Option<String> {
    if items.is_empty() {
        None
    } else {
        Some(
            items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("|"),
        )
    }
}

fn scalar_to_string(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn split_list(v: Value) -> Vec<String> {
    let items: Vec<String> = match v {
        Value::Array(items) => items.into_iter().filter_map(scalar_to_string).collect(),
        other => scalar_to_string(other)
            .map(|s| s.split('|').map(str::to_owned).collect())
            .unwrap_or_default(),
    };
    items.into_iter().filter(|s| !s.is_empty()).collect()
}

/// `"a|b"`, `["a","b"]`, `""`, `null` → strings.
pub(super) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(split_list(Value::deserialize(d)?))
}

/// `"1|2"`, `[1,2]`, `["1"]`, `""`, `null` → ids; unparsable entries are dropped.
pub(super) fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    let parsed = split_list(Value::deserialize(d)?)
        .into_iter()
        .filter_map(|s| {
            let id = s.trim().parse().ok();
            if id.is_none() {
                tracing::warn!("dropping non-numeric id in WeCom response");
            }
            id
        })
        .collect();
    Ok(parsed)
}

/// A string or number; `""` and `null` → `None`.
pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_to_string(Value::deserialize(d)?).filter(|s| !s.is_empty()))
}

/// A string or number → string; anything else → empty.
pub(super) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(scalar_to_string(Value::deserialize(d)?).unwrap_or_default())
}

/// A number or numeric string → i64; anything else → 0.
pub(super) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().unwrap_or_default(),
        Value::String(s) => s.trim().parse().unwrap_or_default(),
        _ => 0,
    })
}

/// A number or numeric string → Option<i64>.
pub(super) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// `bool` as WeCom's `0`/`1`.
pub(super) fn flag<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(u8::from(*v))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Probe {
        #[serde(deserialize_with = "strings")]
        users: Vec<String>,
        #[serde(deserialize_with = "ids")]
        parties: Vec<i64>,
        #[serde(deserialize_with = "opt_string")]
        code: Option<String>,
        #[serde(deserialize_with = "int")]
        at: i64,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn decodes_pipe_lists_in_every_shape() {
        let p = probe(r#"{"users":"a|b","parties":"1|2","code":"","at":"1380000000"}"#);
        assert_eq!(p.users, ["a", "b"]);
        assert_eq!(p.parties, [1, 2]);
        assert_eq!(p.code, None);
        assert_eq!(p.at, 1_380_000_000);
        let p = probe(r#"{"users":["a"],"parties":[3,"4","x"],"code":"rc","at":5}"#);
        assert_eq!(p.users, ["a"]);
        assert_eq!(p.parties, [3, 4]);
        assert_eq!(p.code.as_deref(), Some("rc"));
        let p = probe(r#"{"users":"","parties":null,"code":null}"#);
        assert!(p.users.is_empty() && p.parties.is_empty());
        let p = probe("{}");
        assert!(p.users.is_empty() && p.code.is_none());
    }

    #[test]
    fn joins_with_pipe() {
        assert_eq!(join_pipe(&["a", "b"]), Some("a|b".into()));
        assert_eq!(join_pipe(&[1, 2]), Some("1|2".into()));
        assert_eq!(join_pipe::<i64>(&[]), None);
    }
}
