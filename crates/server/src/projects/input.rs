//! From what a person typed to a [`Ledger`]: dates, statuses and coordinates parsed,
//! text trimmed, every rule checked, each problem naming its field.

use api::ProjectInput;
use domain::calendar::Day;
use domain::ledger::{ContractStatus, Coordinates, Ledger, LedgerField, LedgerProblem};
use domain::project::ProjectStatus;

/// The entry `input` describes, or every problem with it.
pub fn ledger_of(input: &ProjectInput) -> Result<Ledger, Vec<LedgerProblem>> {
    let mut problems = Vec::new();
    // Each message names its field first: the H5 shows it next to that field.
    let mut day = |field: LedgerField, label: &str, text: &Option<String>| -> Option<Day> {
        let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        let parsed = parse_day(text);
        if parsed.is_none() {
            problems.push(problem(field, &format!("{label}「{text}」应为 YYYY-MM-DD")));
        }
        parsed
    };
    let planned_start = day(LedgerField::PlannedDates, "计划开工", &input.planned_start);
    let planned_finish = day(LedgerField::PlannedDates, "计划竣工", &input.planned_finish);
    let actual_start = day(LedgerField::ActualDates, "实际开工", &input.actual_start);
    let actual_finish = day(LedgerField::ActualDates, "实际竣工", &input.actual_finish);
    let contract_status = match input.contract_status.as_deref().map(str::trim) {
        None | Some("") => ContractStatus::Negotiating,
        Some(text) => ContractStatus::parse(text).unwrap_or_else(|| {
            problems.push(problem(
                LedgerField::ContractStatus,
                "合同状态应为 洽谈中/已签订/履约中/已结算/已终止",
            ));
            ContractStatus::Negotiating
        }),
    };
    let status = match input.status.as_deref().map(str::trim) {
        None | Some("") => ProjectStatus::Initiated,
        Some(text) => ProjectStatus::parse(text).unwrap_or_else(|| {
            problems.push(problem(
                LedgerField::Status,
                "项目状态应为 立项/在建/停工/竣工/归档",
            ));
            ProjectStatus::Initiated
        }),
    };
    let mut ledger = Ledger {
        code: input.code.clone(),
        name: input.name.clone(),
        kind: input.kind.clone(),
        client: input.client.clone(),
        address: input.address.clone(),
        location: input.location.map(|(lat, lng)| Coordinates { lat, lng }),
        contract_fen: input.contract_fen,
        budget_fen: input.budget_fen,
        contract_status,
        planned_start,
        planned_finish,
        actual_start,
        actual_finish,
        department_id: input.department_id,
        status,
        tags: input.tags.clone(),
    };
    ledger.normalize();
    problems.extend(ledger.problems());
    if problems.is_empty() {
        Ok(ledger)
    } else {
        Err(problems)
    }
}

/// The problems as one line for an API error.
pub fn summary(problems: &[LedgerProblem]) -> String {
    problems
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join("；")
}

fn problem(field: LedgerField, message: &str) -> LedgerProblem {
    LedgerProblem {
        field,
        message: message.to_owned(),
    }
}

/// `2026-03-01`, `2026/3/1`, `2026.3.1` or `2026年3月1日`.
pub fn parse_day(text: &str) -> Option<Day> {
    if let Some(day) = Day::parse(text) {
        return Some(day);
    }
    let cleaned: String = text
        .trim_end_matches('日')
        .chars()
        .map(|c| {
            if matches!(c, '/' | '.' | '年' | '月') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut parts = cleaned.split('-').map(|p| p.trim().parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Day::from_ymd(i32::try_from(y).ok()?, m, d)
}

/// Wire text of an optional day.
pub fn day_text(day: Option<Day>) -> Option<String> {
    day.map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProjectInput {
        ProjectInput {
            code: " ZJ-1 ".into(),
            name: "滨江花园".into(),
            department_id: 2,
            planned_start: Some("2026/3/1".into()),
            planned_finish: Some("2027年6月30日".into()),
            contract_status: Some("已签订".into()),
            status: Some("active".into()),
            ..ProjectInput::default()
        }
    }

    #[test]
    fn parses_what_people_type() {
        let ledger = ledger_of(&input()).expect("valid");
        assert_eq!(ledger.code, "ZJ-1");
        assert_eq!(ledger.planned_start, Day::from_ymd(2026, 3, 1));
        assert_eq!(ledger.planned_finish, Day::from_ymd(2027, 6, 30));
        assert_eq!(ledger.contract_status, ContractStatus::Signed);
        assert_eq!(ledger.status, ProjectStatus::Active);
    }

    #[test]
    fn gathers_every_problem() {
        let mut bad = input();
        bad.planned_start = Some("明年".into());
        bad.status = Some("施工中".into());
        bad.name = String::new();
        let problems = ledger_of(&bad).expect_err("invalid");
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                LedgerField::PlannedDates,
                LedgerField::Status,
                LedgerField::Name
            ]
        );
        assert!(summary(&problems).contains("计划开工「明年」"));
    }

    /// The H5 checks a form with `api::limits` before sending it; the numbers are the
    /// ledger's own.
    #[test]
    fn the_h5_limits_are_the_ledgers() {
        use api::limits;
        use domain::ledger;
        assert_eq!(limits::PROJECT_CODE_CHARS, ledger::MAX_CODE);
        assert_eq!(limits::PROJECT_NAME_CHARS, ledger::MAX_NAME);
        assert_eq!(limits::PROJECT_KIND_CHARS, ledger::MAX_KIND);
        assert_eq!(limits::PROJECT_CLIENT_CHARS, ledger::MAX_CLIENT);
        assert_eq!(limits::ADDRESS_CHARS, ledger::MAX_ADDRESS);
        assert_eq!(limits::PROJECT_TAGS, ledger::MAX_TAGS);
        assert_eq!(limits::PROJECT_TAG_CHARS, ledger::MAX_TAG);
    }

    #[test]
    fn day_formats() {
        for text in ["2026-03-01", "2026/3/1", "2026.03.01", "2026年3月1日"] {
            assert_eq!(parse_day(text), Day::from_ymd(2026, 3, 1), "{text}");
        }
        for text in ["2026-02-30", "3/1", "2026-3-1-1", "abc", ""] {
            assert_eq!(parse_day(text), None, "{text}");
        }
    }
}
