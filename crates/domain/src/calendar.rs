//! Calendar days in China Standard Time (UTC+8, no daylight saving): what a schedule,
//! a due date and "once a day" are counted in.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// China Standard Time's offset from UTC.
pub const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// A calendar day, counted from 1970-01-01; on the wire `"YYYY-MM-DD"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day (in CST) that the unix instant `ms` falls on.
    pub fn of_ms(ms: i64) -> Day {
        let days = (ms + CST_OFFSET_MS).div_euclid(DAY_MS);
        Day(i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX }))
    }

    /// Milliseconds into its day (CST) of the unix instant `ms`.
    pub fn ms_into_day(ms: i64) -> i64 {
        (ms + CST_OFFSET_MS).rem_euclid(DAY_MS)
    }

    /// The unix instant at which this day starts in CST.
    pub fn start_ms(self) -> i64 {
        i64::from(self.0) * DAY_MS - CST_OFFSET_MS
    }

    /// `n` days later (earlier when negative).
    #[must_use]
    pub fn plus(self, n: i32) -> Day {
        Day(self.0.saturating_add(n))
    }

    /// Days from `earlier` to `self`.
    pub fn since(self, earlier: Day) -> i32 {
        self.0.saturating_sub(earlier.0)
    }

    /// From a year, month (1–12) and day of month; `None` for a date that does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Count from 0000-03-01 so the leap day falls at the end of each year.
        let y = i64::from(if month <= 2 { year - 1 } else { year });
        let m = i64::from(month);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        let days = era * 146_097 + day_of_era - 719_468;
        i32::try_from(days).ok().map(Day)
    }

    /// Year, month (1–12) and day of month.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = i64::from(self.0) + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (
            i32::try_from(year).unwrap_or(i32::MAX),
            u32::try_from(month).unwrap_or(1),
            u32::try_from(day).unwrap_or(1),
        )
    }

    /// Parses `"YYYY-MM-DD"`.
    pub fn parse(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse::<u32>().ok())?
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        Day::from_ymd(year, digits(5..7)?, digits(8..10)?)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let s = String::deserialize(d)?;
        Day::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a YYYY-MM-DD date")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(Day::parse("1970-01-01"), Some(Day(0)));
        assert_eq!(Day::parse("2000-03-01"), Some(Day(11_017)));
        assert_eq!(
            Day::parse("2026-11-21").map(|d| d.to_string()).as_deref(),
            Some("2026-11-21")
        );
        assert_eq!(
            Day::parse("2024-02-29").map(|d| d.ymd()),
            Some((2024, 2, 29))
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "+026-01-01",
            "",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_day_round_trips_for_three_centuries() {
        for n in -36_500..73_000 {
            let day = Day(n);
            let (y, m, d) = day.ymd();
            assert_eq!(Day::from_ymd(y, m, d), Some(day));
            assert_eq!(Day::parse(&day.to_string()), Some(day));
        }
    }

    #[test]
    fn instants_fall_on_china_days() {
        let midnight = Day::parse("2026-11-21").map(Day::start_ms);
        assert_eq!(midnight, Some(1_795_190_400_000));
        let ms = midnight.unwrap_or_default();
        assert_eq!(Day::of_ms(ms - 1).to_string(), "2026-11-20");
        assert_eq!(Day::of_ms(ms).to_string(), "2026-11-21");
        assert_eq!(Day::ms_into_day(ms + 9 * 3_600_000), 9 * 3_600_000);
    }
}
