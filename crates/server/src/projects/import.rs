//! Importing the ledger from a spreadsheet: every row checked first, each problem named
//! by row and column, and then either every row written in one transaction or none.
//!
//! A row whose code exists updates that project; a new code creates one. Managers
//! listed are given the manager role; managers not listed keep it (an import never
//! takes rights away silently: the members page does that).

use std::collections::{BTreeSet, HashMap, HashSet};

use api::{ImportProblem, ImportReport, ProjectInput};
use domain::access::ProjectRole;
use domain::ledger::{Ledger, LedgerField};
use store::{LedgerRecord, Projects};

use super::ProjectError;
use super::excel::{self, Cell, Column, SheetRow};
use super::input::{ledger_of, parse_day};
use super::service::{create_on, save_on};
use crate::audit::Actor;
use crate::state::AppState;

/// Most data rows one import takes.
pub const MAX_ROWS: usize = 5_000;

/// One row ready to write.
#[derive(Debug)]
struct Planned {
    ledger: Ledger,
    managers: Vec<String>,
}

/// Reads, checks and (unless `dry_run` or anything is wrong) writes a ledger sheet.
pub async fn import(
    state: &AppState,
    bytes: &[u8],
    dry_run: bool,
    actor: &Actor,
) -> Result<ImportReport, ProjectError> {
    let mut report = ImportReport {
        applied: false,
        created: 0,
        updated: 0,
        unchanged: 0,
        problems: Vec::new(),
    };
    // Parsing is CPU-bound and bounded (see excel::read): off the async threads.
    let owned = bytes.to_vec();
    let read = tokio::task::spawn_blocking(move || excel::read(&owned, MAX_ROWS))
        .await
        .map_err(|e| ProjectError::Internal(anyhow::anyhow!("reading a sheet: {e}")))?;
    let sheet = match read {
        Ok(sheet) => sheet,
        Err(e) => {
            report.problems.push(ImportProblem {
                row: 1,
                column: String::new(),
                message: e.to_string(),
            });
            return Ok(report);
        }
    };
    let directory = Directory::load(state).await?;
    let codes: Vec<String> = sheet
        .rows
        .iter()
        .map(|r| text_of(r, Column::Code, &mut Vec::new()))
        .collect();
    let projects = state.store.projects();
    let existing = projects.ledgers_by_code(&codes).await?;
    let ids: Vec<i64> = existing.values().map(|r| r.id).collect();
    let managers = projects.holders_of(&ids, ProjectRole::Manager).await?;
    let mut writes = Vec::with_capacity(sheet.rows.len());
    let mut seen = HashMap::new();
    for row in &sheet.rows {
        let mut problems = Vec::new();
        let mut input = directory.input_of(row, &sheet.columns, &mut problems);
        let stored = existing.get(input.code.trim());
        match stored {
            Some(record) => keep_absent(&mut input, &record.ledger, &sheet.columns),
            None if input.department_id == 0 && !has_department(&sheet.columns) => {
                problems.push((
                    Column::Department.header().to_owned(),
                    "所属部门必填".into(),
                ));
            }
            None => {}
        }
        let listed = directory.managers_of(row, &mut problems);
        match ledger_of(&input) {
            Ok(ledger) => {
                if let Some(first) = seen.insert(ledger.code.clone(), row.row) {
                    problems.push((
                        Column::Code.header().to_owned(),
                        format!("项目编号与第 {first} 行重复"),
                    ));
                }
                let plan = Planned {
                    ledger,
                    managers: listed,
                };
                match stored {
                    None => {
                        report.created += 1;
                        writes.push((None, plan));
                    }
                    Some(record) => {
                        let held: BTreeSet<&String> =
                            managers.get(&record.id).into_iter().flatten().collect();
                        if record.ledger == plan.ledger
                            && plan.managers.iter().all(|m| held.contains(m))
                        {
                            report.unchanged += 1;
                        } else {
                            report.updated += 1;
                            writes.push((Some(record), plan));
                        }
                    }
                }
            }
            Err(found) => problems.extend(
                found
                    .into_iter()
                    .map(|p| (field_column(p.field).to_owned(), p.message)),
            ),
        }
        report
            .problems
            .extend(problems.into_iter().map(|(column, message)| ImportProblem {
                row: row.row,
                column,
                message,
            }));
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    if dry_run || writes.is_empty() {
        report.applied = !dry_run;
        return Ok(report);
    }
    write(state, &writes, actor).await?;
    report.applied = true;
    Ok(report)
}

/// Writes every planned row in one transaction.
async fn write(
    state: &AppState,
    writes: &[(Option<&LedgerRecord>, Planned)],
    actor: &Actor,
) -> Result<(), ProjectError> {
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    for (existing, plan) in writes {
        let id = match existing {
            Some(record) => {
                save_on(
                    &mut tx,
                    record.id,
                    record.version,
                    &record.ledger,
                    &plan.ledger,
                    actor,
                    now,
                )
                .await?;
                record.id
            }
            None => create_on(&mut tx, &plan.ledger, actor, now).await?,
        };
        for userid in &plan.managers {
            Projects::add_member_on(
                &mut tx,
                id,
                userid,
                ProjectRole::Manager,
                &actor.userid,
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

fn has_department(columns: &HashSet<Column>) -> bool {
    columns.contains(&Column::Department) || columns.contains(&Column::DepartmentId)
}

/// Fields whose columns the sheet leaves out keep their stored values.
fn keep_absent(input: &mut ProjectInput, stored: &Ledger, columns: &HashSet<Column>) {
    let absent = |c: Column| !columns.contains(&c);
    let day = |d: Option<domain::calendar::Day>| d.map(|d| d.to_string());
    if absent(Column::Kind) {
        input.kind.clone_from(&stored.kind);
    }
    if absent(Column::Client) {
        input.client.clone_from(&stored.client);
    }
    if absent(Column::Address) {
        input.address.clone_from(&stored.address);
    }
    if absent(Column::Latitude) && absent(Column::Longitude) {
        input.location = stored.location.map(|c| (c.lat, c.lng));
    }
    if absent(Column::Contract) {
        input.contract_fen = stored.contract_fen;
    }
    if absent(Column::Budget) {
        input.budget_fen = stored.budget_fen;
    }
    if absent(Column::ContractStatus) {
        input.contract_status = Some(stored.contract_status.code().to_owned());
    }
    if absent(Column::PlannedStart) {
        input.planned_start = day(stored.planned_start);
    }
    if absent(Column::PlannedFinish) {
        input.planned_finish = day(stored.planned_finish);
    }
    if absent(Column::ActualStart) {
        input.actual_start = day(stored.actual_start);
    }
    if absent(Column::ActualFinish) {
        input.actual_finish = day(stored.actual_finish);
    }
    if !has_department(columns) {
        input.department_id = stored.department_id;
    }
    if absent(Column::Status) {
        input.status = Some(stored.status.code().to_owned());
    }
    if absent(Column::Tags) {
        input.tags.clone_from(&stored.tags);
    }
}

/// The column a ledger problem is reported under.
fn field_column(field: LedgerField) -> &'static str {
    match field {
        LedgerField::Code => "项目编号",
        LedgerField::Name => "项目名称",
        LedgerField::Kind => "项目类型",
        LedgerField::Client => "建设单位",
        LedgerField::Address => "项目地址",
        LedgerField::Location => "纬度/经度",
        LedgerField::ContractAmount => "合同金额（元）",
        LedgerField::Budget => "预算（元）",
        LedgerField::ContractStatus => "合同状态",
        LedgerField::PlannedDates => "计划开工/计划竣工",
        LedgerField::ActualDates => "实际开工/实际竣工",
        LedgerField::Department => "所属部门",
        LedgerField::Status => "项目状态",
        LedgerField::Tags => "标签",
    }
}

type Problems = Vec<(String, String)>;

/// What rows are resolved against: departments by name, current members by userid and
/// by name.
struct Directory {
    departments: HashMap<String, Vec<i64>>,
    department_ids: BTreeSet<i64>,
    userids: BTreeSet<String>,
    by_name: HashMap<String, Vec<String>>,
}

impl Directory {
    async fn load(state: &AppState) -> Result<Directory, ProjectError> {
        let org = state.store.org();
        let mut departments: HashMap<String, Vec<i64>> = HashMap::new();
        let mut department_ids = BTreeSet::new();
        for d in org.departments().await? {
            departments.entry(d.name).or_default().push(d.id);
            department_ids.insert(d.id);
        }
        let mut userids = BTreeSet::new();
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for m in org.members(false).await? {
            by_name.entry(m.name).or_default().push(m.userid.clone());
            userids.insert(m.userid);
        }
        Ok(Directory {
            departments,
            department_ids,
            userids,
            by_name,
        })
    }

    /// The form the row fills in; cells that cannot be read add problems.
    fn input_of(
        &self,
        row: &SheetRow,
        columns: &HashSet<Column>,
        problems: &mut Problems,
    ) -> ProjectInput {
        let mut text = |column: Column| text_of(row, column, problems);
        let code = text(Column::Code);
        let name = text(Column::Name);
        let kind = text(Column::Kind);
        let client = text(Column::Client);
        let address = text(Column::Address);
        let contract_status = Some(text(Column::ContractStatus));
        let status = Some(text(Column::Status));
        let tags = split_list(&text(Column::Tags));
        ProjectInput {
            code,
            name,
            kind,
            client,
            address,
            location: location_of(row, problems),
            contract_fen: money_of(row, Column::Contract, problems),
            budget_fen: money_of(row, Column::Budget, problems),
            contract_status,
            planned_start: date_of(row, Column::PlannedStart, problems),
            planned_finish: date_of(row, Column::PlannedFinish, problems),
            actual_start: date_of(row, Column::ActualStart, problems),
            actual_finish: date_of(row, Column::ActualFinish, problems),
            department_id: if has_department(columns) {
                self.department_of(row, problems).unwrap_or(0)
            } else {
                0
            },
            status,
            tags,
            pm: None,
            version: None,
        }
    }

    fn department_of(&self, row: &SheetRow, problems: &mut Problems) -> Option<i64> {
        let header = Column::Department.header().to_owned();
        let by_id = match row.cells.get(&Column::DepartmentId) {
            Some(Cell::Number(n)) if n.fract() == 0.0 => Some(format!("{n:.0}")),
            Some(Cell::Text(t)) => Some(t.clone()),
            Some(_) => Some(String::new()),
            None => None,
        };
        if let Some(id) = by_id {
            return match id.parse::<i64>() {
                Ok(id) if self.department_ids.contains(&id) => Some(id),
                _ => {
                    problems.push((
                        Column::DepartmentId.header().to_owned(),
                        format!("部门ID {id} 不存在"),
                    ));
                    None
                }
            };
        }
        let name = text_of(row, Column::Department, problems);
        match self.departments.get(&name).map(Vec::as_slice) {
            _ if name.is_empty() => problems.push((header, "所属部门必填".into())),
            Some([id]) => return Some(*id),
            Some(_) => problems.push((header, format!("部门名称「{name}」有重名，请填写部门ID"))),
            None => problems.push((header, format!("部门「{name}」不存在"))),
        }
        None
    }

    /// Userids of the managers listed: `userid`, a unique name, or `name(userid)`.
    fn managers_of(&self, row: &SheetRow, problems: &mut Problems) -> Vec<String> {
        let header = Column::Managers.header();
        let mut found = Vec::new();
        for token in split_list(&text_of(row, Column::Managers, problems)) {
            let inner = token
                .strip_suffix(')')
                .or_else(|| token.strip_suffix('）'))
                .and_then(|t| t.rsplit_once(['(', '（']))
                .map(|(_, userid)| userid.trim());
            let userid = match inner {
                Some(userid) => self.userids.contains(userid).then(|| userid.to_owned()),
                None if self.userids.contains(&token) => Some(token.clone()),
                None => match self.by_name.get(&token).map(Vec::as_slice) {
                    Some([only]) => Some(only.clone()),
                    Some(many) => {
                        problems.push((
                            header.to_owned(),
                            format!(
                                "同名成员「{token}」有 {} 位，请写成 {token}(账号)",
                                many.len()
                            ),
                        ));
                        continue;
                    }
                    None => None,
                },
            };
            match userid {
                Some(u) if !found.contains(&u) => found.push(u),
                Some(_) => {}
                None => problems.push((
                    header.to_owned(),
                    format!("成员「{token}」不在通讯录中或已离职"),
                )),
            }
        }
        found
    }
}

/// A text cell; numbers as written (codes are often typed as numbers).
fn text_of(row: &SheetRow, column: Column, problems: &mut Problems) -> String {
    match row.cells.get(&column) {
        None => String::new(),
        Some(Cell::Text(t)) => t.clone(),
        Some(Cell::Number(n)) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        Some(Cell::Number(n)) => n.to_string(),
        Some(Cell::Date(d)) => d.to_string(),
        Some(Cell::Error(e)) => {
            problems.push((column.header().to_owned(), format!("单元格错误 {e}")));
            String::new()
        }
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', '/', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn number_of(row: &SheetRow, column: Column, problems: &mut Problems) -> Option<f64> {
    match row.cells.get(&column)? {
        Cell::Number(n) => Some(*n),
        Cell::Text(t) => {
            let cleaned: String = t
                .chars()
                .filter(|c| !matches!(c, ',' | '，' | '¥' | '￥' | ' '))
                .collect();
            let parsed = cleaned.parse::<f64>().ok().filter(|n| n.is_finite());
            if parsed.is_none() {
                problems.push((column.header().to_owned(), format!("「{t}」不是数字")));
            }
            parsed
        }
        Cell::Date(_) | Cell::Error(_) => {
            problems.push((column.header().to_owned(), "应为数字".into()));
            None
        }
    }
}

/// Yuan with at most two decimals, as fen.
fn money_of(row: &SheetRow, column: Column, problems: &mut Problems) -> Option<i64> {
    let yuan = number_of(row, column, problems)?;
    let fen = (yuan * 100.0).round();
    if (yuan * 100.0 - fen).abs() > 1e-6 || fen.abs() > 9e15 {
        problems.push((
            column.header().to_owned(),
            "金额单位为元，最多两位小数".into(),
        ));
        return None;
    }
    // Checked above: a whole number well inside i64.
    #[allow(clippy::cast_possible_truncation)]
    Some(fen as i64)
}

fn location_of(row: &SheetRow, problems: &mut Problems) -> Option<(f64, f64)> {
    let lat = number_of(row, Column::Latitude, problems);
    let lng = number_of(row, Column::Longitude, problems);
    match (lat, lng) {
        (Some(lat), Some(lng)) => Some((lat, lng)),
        (None, None) => None,
        _ => {
            problems.push(("纬度/经度".into(), "纬度和经度须同时填写".into()));
            None
        }
    }
}

fn date_of(row: &SheetRow, column: Column, problems: &mut Problems) -> Option<String> {
    match row.cells.get(&column)? {
        Cell::Date(d) => Some(d.to_string()),
        Cell::Text(t) => match parse_day(t) {
            Some(d) => Some(d.to_string()),
            None => {
                problems.push((
                    column.header().to_owned(),
                    format!("日期「{t}」应为 YYYY-MM-DD"),
                ));
                None
            }
        },
        Cell::Number(_) | Cell::Error(_) => {
            problems.push((column.header().to_owned(), "应为日期，如 2026-03-01".into()));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(Column, Cell)]) -> SheetRow {
        SheetRow {
            row: 7,
            cells: cells.iter().cloned().collect(),
        }
    }

    #[test]
    fn money_takes_yuan_with_two_decimals() {
        let mut problems = Vec::new();
        let r = row(&[
            (Column::Contract, Cell::Number(1_234_567.89)),
            (Column::Budget, Cell::Text("¥1,000.5".into())),
        ]);
        assert_eq!(
            money_of(&r, Column::Contract, &mut problems),
            Some(123_456_789)
        );
        assert_eq!(money_of(&r, Column::Budget, &mut problems), Some(100_050));
        assert!(problems.is_empty());
        let r = row(&[
            (Column::Contract, Cell::Number(1.234)),
            (Column::Budget, Cell::Text("一百".into())),
        ]);
        assert_eq!(money_of(&r, Column::Contract, &mut problems), None);
        assert_eq!(money_of(&r, Column::Budget, &mut problems), None);
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn lists_split_on_chinese_and_ascii_separators() {
        assert_eq!(
            split_list("张伟(zhangwei)、李娜，wangfang; "),
            ["张伟(zhangwei)", "李娜", "wangfang"]
        );
    }

    #[test]
    fn numeric_codes_read_as_typed() {
        let mut problems = Vec::new();
        let r = row(&[(Column::Code, Cell::Number(2_026_001.0))]);
        assert_eq!(text_of(&r, Column::Code, &mut problems), "2026001");
    }

    #[test]
    fn half_a_location_is_a_problem() {
        let mut problems = Vec::new();
        let r = row(&[(Column::Latitude, Cell::Number(30.0))]);
        assert_eq!(location_of(&r, &mut problems), None);
        assert_eq!(problems.len(), 1);
    }
}
