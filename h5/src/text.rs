//! Words and numbers as people read them: API errors by stable code, money in 元 (stored as
//! 分) and dates (status labels are the `api` enums' own `label()`). Pure functions, tested natively.

use api::{ApiError, ErrorCode};

/// The Chinese text for an API error: the code's own words, plus the server's detail where
/// the code alone says too little (a bad field, a conflict).
pub fn explain(error: &ApiError) -> String {
    let base = error.code.default_message();
    match error.code {
        ErrorCode::BadRequest | ErrorCode::Conflict | ErrorCode::Forbidden
            if !error.message.is_empty() && error.message != base =>
        {
            error.message.clone()
        }
        _ => base.to_owned(),
    }
}

/// The error code an answer without a JSON body stands for (a proxy's 502, say).
pub fn code_for_status(status: u16) -> ErrorCode {
    match status {
        400 | 422 => ErrorCode::BadRequest,
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 | 412 => ErrorCode::Conflict,
        405 => ErrorCode::MethodNotAllowed,
        413 => ErrorCode::PayloadTooLarge,
        429 => ErrorCode::RateLimited,
        502..=504 => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    }
}

/// 分 as 元 with thousands separators: `123456789` → `"1,234,567.89"`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// Large amounts as people say them: `万元` above ten thousand 元.
pub fn yuan_short(fen: i64) -> String {
    if fen.unsigned_abs() >= 1_000_000 {
        // Hundredths of 万元, rounded half up, in integers (no float formatting in the wasm).
        let hundredths = (fen.unsigned_abs() + 5_000) / 10_000;
        let sign = if fen < 0 { "-" } else { "" };
        format!("{sign}{}.{:02} 万元", hundredths / 100, hundredths % 100)
    } else {
        format!("{} 元", yuan(fen))
    }
}

/// Reads a 元 amount typed by a person into 分: digits, optional separators and at most two
/// decimals. Never goes through floating point.
pub fn parse_yuan(input: &str) -> Result<i64, &'static str> {
    let cleaned: String = input
        .trim()
        .trim_end_matches('元')
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '¥' | '￥'))
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if digits.is_empty() {
        return Err("请输入金额");
    }
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err("金额只能包含数字和小数点");
    }
    if fraction.len() > 2 {
        return Err("金额最多两位小数");
    }
    let whole: i64 = whole.parse().map_err(|_| "金额过大")?;
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| "金额无效")?;
    let fen = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or("金额过大")?;
    Ok(if negative { -fen } else { fen })
}

/// `value` with `places` decimals, rounded, without float formatting: `(31.2304, 4)` →
/// `"31.2304"`.
pub fn fixed(value: f64, places: u32) -> String {
    let scale = 10_i64.pow(places);
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let abs = scaled.unsigned_abs();
    let scale = scale.unsigned_abs();
    if places == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = places as usize
    )
}

/// `"2026-12-07"` from unix milliseconds in China time (UTC+8, no daylight saving).
pub fn day_of_ms(ms: i64) -> String {
    let (y, m, d) = civil_from_days((ms + 8 * 3_600_000).div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `"12-07 09:30"` from unix milliseconds in China time.
pub fn time_of_ms(ms: i64) -> String {
    let local = ms + 8 * 3_600_000;
    let (_, m, d) = civil_from_days(local.div_euclid(86_400_000));
    let minutes = local.rem_euclid(86_400_000) / 60_000;
    format!("{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// When a `"YYYY-MM-DD"` day starts in China time, in unix milliseconds.
pub fn ms_of_day(day: &str) -> Option<i64> {
    Some(days_of(day)? * 86_400_000 - 8 * 3_600_000)
}

/// Days since 1970-01-01 for a `"YYYY-MM-DD"` day.
pub fn days_of(day: &str) -> Option<i64> {
    let mut parts = day.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The `"YYYY-MM-DD"` of days since 1970-01-01.
pub fn day_of_days(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_groups_thousands_and_keeps_fen_exact() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(123_456_789), "1,234,567.89");
        assert_eq!(yuan(-100_000), "-1,000.00");
        assert_eq!(yuan(i64::MIN), "-92,233,720,368,547,758.08");
        assert_eq!(yuan_short(1_234_567_800), "1234.57 万元");
        assert_eq!(yuan_short(-1_000_000), "-1.00 万元");
        assert_eq!(yuan_short(999_999), "9,999.99 元");
        assert_eq!(fixed(31.230_416, 5), "31.23042");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(fixed(121.4737, 0), "121");
        assert_eq!(fixed(2.346, 2), "2.35");
    }

    #[test]
    fn typed_yuan_becomes_fen_without_rounding_errors() {
        assert_eq!(parse_yuan("1234.56"), Ok(123_456));
        assert_eq!(parse_yuan(" ¥1,234.5 元"), Ok(123_450));
        assert_eq!(parse_yuan("0.1"), Ok(10));
        assert_eq!(parse_yuan("19.99"), Ok(1_999));
        assert_eq!(parse_yuan("-3"), Ok(-300));
        assert!(parse_yuan("").is_err());
        assert!(parse_yuan("1.234").is_err());
        assert!(parse_yuan("1e5").is_err());
        assert!(parse_yuan(".5").is_err());
        assert!(parse_yuan("99999999999999999999").is_err());
        for fen in [0, 1, 99, 100, 123_456_789, -42] {
            assert_eq!(parse_yuan(&yuan(fen)), Ok(fen), "{fen}");
        }
    }

    #[test]
    fn errors_read_by_code_with_useful_detail_kept() {
        let gone = ApiError::with_message(ErrorCode::NotFound, "internal detail");
        assert_eq!(explain(&gone), "内容不存在");
        let bad = ApiError::with_message(ErrorCode::BadRequest, "标题不能为空");
        assert_eq!(explain(&bad), "标题不能为空");
        assert_eq!(
            explain(&ApiError::new(ErrorCode::Conflict)),
            "数据已变更，请刷新后重试"
        );
        assert_eq!(code_for_status(502), ErrorCode::Unavailable);
        assert_eq!(code_for_status(418), ErrorCode::Internal);
    }

    #[test]
    fn days_round_trip_through_the_calendar() {
        assert_eq!(days_of("1970-01-01"), Some(0));
        assert_eq!(
            days_of("2024-02-29").map(day_of_days).as_deref(),
            Some("2024-02-29")
        );
        for days in [-7_000, -1, 0, 59, 20_000, 2_000_000] {
            assert_eq!(days_of(&day_of_days(days)), Some(days));
        }
        assert_eq!(days_of("2026-13-01"), None);
        assert_eq!(days_of("soon"), None);
    }

    #[test]
    fn times_are_shown_in_china_time() {
        // 2026-12-06T16:30:00Z is 00:30 on the 7th in Beijing.
        let ms = 1_796_574_600_000;
        assert_eq!(day_of_ms(ms), "2026-12-07");
        assert_eq!(time_of_ms(ms), "12-07 00:30");
        let start = ms_of_day("2026-12-07").expect("a day");
        assert_eq!(
            (day_of_ms(start), time_of_ms(start).as_str()),
            ("2026-12-07".into(), "12-07 00:00")
        );
        assert_eq!(day_of_ms(start - 1), "2026-12-06");
        assert_eq!(ms_of_day("soon"), None);
    }
}
