//! Small SQL text helpers shared by the repositories.

use crate::StoreError;

/// `($1, $2), ($3, $4), …` for a multi-row `VALUES` list of `rows` rows of `cols`
/// parameters each. Both backends accept `$N` placeholders.
pub(crate) fn values_list(rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// `$first, $first+1, …` for `n` values: the inside of an `IN (…)`.
pub(crate) fn in_list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A runtime query on the `Any` driver, for helpers that bind a group of parameters.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A nullable float as a text parameter, for `CAST($n AS DOUBLE PRECISION)`.
///
/// sqlx 0.8's `Any` driver sends a NULL float to PostgreSQL typed `float4` and a value
/// typed `float8`; whichever comes first fixes the type of the cached statement, and the
/// other then fails with "incorrect binary data format". Text is text either way, and
/// Rust prints floats so that they parse back exactly.
pub(crate) fn float_text(value: Option<f64>) -> Option<String> {
    value.map(|v| v.to_string())
}

/// JSON text for a TEXT column.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("encoding JSON: {e}")))
}

/// Parses a JSON TEXT column; `what` names it in the error.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_list_numbers_row_major() {
        assert_eq!(values_list(1, 1), "($1)");
        assert_eq!(values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(in_list(3, 2), "$3, $4");
    }

    #[test]
    fn float_text_round_trips() {
        for v in [30.208_765, -0.1, 1e-7, 120.0, f64::MAX] {
            let text = float_text(Some(v)).unwrap_or_default();
            assert_eq!(text.parse::<f64>().ok(), Some(v));
        }
        assert_eq!(float_text(None), None);
    }

    #[test]
    fn json_errors_are_corrupt() {
        assert!(matches!(
            from_json::<Vec<String>>("leaders", "{"),
            Err(StoreError::Corrupt(_))
        ));
        assert_eq!(to_json(&["a"]).ok().as_deref(), Some(r#"["a"]"#));
    }
}
