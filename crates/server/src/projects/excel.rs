//! The ledger as an .xlsx sheet: one header row of Chinese column names, one project a
//! row. Export writes what the caller may see; import reads cells by header name, so
//! columns may be reordered, left out or joined by columns of the company's own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use api::ProjectView;
use calamine::{Data, Reader, Xlsx};
use domain::calendar::Day;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// A ledger column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 项目编号.
    Code,
    /// 项目名称.
    Name,
    /// 项目类型.
    Kind,
    /// 建设单位.
    Client,
    /// 项目地址.
    Address,
    /// 纬度.
    Latitude,
    /// 经度.
    Longitude,
    /// 合同金额（元）.
    Contract,
    /// 预算（元）.
    Budget,
    /// 合同状态.
    ContractStatus,
    /// 计划开工.
    PlannedStart,
    /// 计划竣工.
    PlannedFinish,
    /// 实际开工.
    ActualStart,
    /// 实际竣工.
    ActualFinish,
    /// 所属部门 (name).
    Department,
    /// 部门ID.
    DepartmentId,
    /// 项目状态.
    Status,
    /// 项目经理.
    Managers,
    /// 标签.
    Tags,
}

/// Every column in sheet order, with its header.
pub const COLUMNS: [(Column, &str); 19] = [
    (Column::Code, "项目编号"),
    (Column::Name, "项目名称"),
    (Column::Kind, "项目类型"),
    (Column::Client, "建设单位"),
    (Column::Address, "项目地址"),
    (Column::Latitude, "纬度"),
    (Column::Longitude, "经度"),
    (Column::Contract, "合同金额（元）"),
    (Column::Budget, "预算（元）"),
    (Column::ContractStatus, "合同状态"),
    (Column::PlannedStart, "计划开工"),
    (Column::PlannedFinish, "计划竣工"),
    (Column::ActualStart, "实际开工"),
    (Column::ActualFinish, "实际竣工"),
    (Column::Department, "所属部门"),
    (Column::DepartmentId, "部门ID"),
    (Column::Status, "项目状态"),
    (Column::Managers, "项目经理"),
    (Column::Tags, "标签"),
];

impl Column {
    /// Its header.
    pub fn header(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("", |(_, h)| *h)
    }

    /// The column a header names; full-width and half-width brackets both match.
    fn named(header: &str) -> Option<Column> {
        let header = header.trim().replace('(', "（").replace(')', "）");
        COLUMNS.iter().find(|(_, h)| *h == header).map(|(c, _)| *c)
    }
}

/// Sheet name of exports.
const SHEET: &str = "项目台账";
/// Excel's serial day number of 1970-01-01.
const EXCEL_UNIX_EPOCH: f64 = 25_569.0;

/// The visible ledger as an .xlsx file.
pub fn export(views: &[ProjectView]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, (_, header)) in (0u16..).zip(COLUMNS.iter()) {
        sheet.write_string_with_format(0, col, *header, &bold)?;
        sheet.set_column_width(col, if col < 2 { 24 } else { 14 })?;
    }
    for (row, view) in (1u32..).zip(views) {
        for (col, (column, _)) in (0u16..).zip(COLUMNS.iter()) {
            match cell_of(view, *column) {
                Out::Text(text) if text.is_empty() => {}
                Out::Text(text) => {
                    sheet.write_string(row, col, text)?;
                }
                Out::Number(n) => {
                    sheet.write_number(row, col, n)?;
                }
                Out::Money(fen) => {
                    // Fen to yuan is exact in f64 far beyond any contract amount.
                    #[allow(clippy::cast_precision_loss)]
                    let yuan = fen as f64 / 100.0;
                    sheet.write_number_with_format(row, col, yuan, &money)?;
                }
                Out::Date(day) => {
                    let (y, m, d) = day.ymd();
                    let when = ExcelDateTime::from_ymd(
                        u16::try_from(y).unwrap_or(1900),
                        u8::try_from(m).unwrap_or(1),
                        u8::try_from(d).unwrap_or(1),
                    )?;
                    sheet.write_datetime_with_format(row, col, &when, &date)?;
                }
                Out::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(views.len()).unwrap_or(u32::MAX);
    sheet.autofilter(
        0,
        0,
        last_row,
        u16::try_from(COLUMNS.len() - 1).unwrap_or(0),
    )?;
    book.save_to_buffer()
}

enum Out {
    Text(String),
    Number(f64),
    Money(i64),
    Date(Day),
    Empty,
}

fn cell_of(v: &ProjectView, column: Column) -> Out {
    let date = |d: &Option<String>| {
        d.as_deref()
            .and_then(Day::parse)
            .map_or(Out::Empty, Out::Date)
    };
    let money = |fen: Option<i64>| fen.map_or(Out::Empty, Out::Money);
    match column {
        Column::Code => Out::Text(v.code.clone()),
        Column::Name => Out::Text(v.name.clone()),
        Column::Kind => Out::Text(v.kind.clone()),
        Column::Client => Out::Text(v.client.clone()),
        Column::Address => Out::Text(v.address.clone()),
        Column::Latitude => v.location.map_or(Out::Empty, |(lat, _)| Out::Number(lat)),
        Column::Longitude => v.location.map_or(Out::Empty, |(_, lng)| Out::Number(lng)),
        Column::Contract => money(v.contract_fen),
        Column::Budget => money(v.budget_fen),
        Column::ContractStatus => Out::Text(v.contract_status.label().to_owned()),
        Column::PlannedStart => date(&v.planned_start),
        Column::PlannedFinish => date(&v.planned_finish),
        Column::ActualStart => date(&v.actual_start),
        Column::ActualFinish => date(&v.actual_finish),
        Column::Department => Out::Text(v.department.clone()),
        Column::DepartmentId => Out::Text(v.department_id.to_string()),
        Column::Status => Out::Text(v.status.label().to_owned()),
        // `name(userid)`: names are not unique, the userid makes a re-import exact.
        Column::Managers => Out::Text(
            v.managers
                .iter()
                .map(|p| format!("{}({})", p.name, p.userid))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        Column::Tags => Out::Text(v.tags.join("、")),
    }
}

/// A cell as import reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, trimmed (never empty).
    Text(String),
    /// A number.
    Number(f64),
    /// A cell formatted as a date.
    Date(Day),
    /// A formula error (`#N/A` …), shown as Excel shows it.
    Error(String),
}

/// One data row: its sheet row number (header = 1) and its non-empty cells.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// Row number as Excel shows it.
    pub row: u32,
    /// Non-empty cells by column.
    pub cells: HashMap<Column, Cell>,
}

/// The first sheet of a workbook: which ledger columns it has, and its data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Columns with a header (absent ones are left as they are by an import).
    pub columns: HashSet<Column>,
    /// Data rows.
    pub rows: Vec<SheetRow>,
}

/// Why a file could not be read as a ledger sheet.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Not an .xlsx file, or a damaged one.
    #[error("无法读取文件，请上传 .xlsx 格式的 Excel 文件")]
    Unreadable,
    /// The first sheet is empty.
    #[error("第一个工作表是空的")]
    Empty,
    /// A required column is missing.
    #[error("缺少「{0}」列")]
    MissingColumn(&'static str),
    /// A column appears twice.
    #[error("「{0}」列重复")]
    DuplicateColumn(&'static str),
    /// More rows than one import takes.
    #[error("一次最多导入 {0} 行")]
    TooManyRows(usize),
    /// The sheet declares (or holds) a range far larger than a ledger, or the workbook
    /// unpacks to too much.
    #[error("表格范围过大：请只保留台账数据区域（最多 64 列），另存后再导入")]
    TooLarge,
}

/// Most columns a ledger sheet may use (it has about twenty).
const MAX_COLUMNS: u32 = 64;
/// Largest uncompressed content of a workbook, as its zip directory declares it.
const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;
/// Most files inside a workbook.
const MAX_ZIP_ENTRIES: usize = 500;

/// The data rows of the first sheet, read by header; blank rows skipped.
///
/// Untrusted input: the workbook's declared sizes and the sheet's declared range are
/// checked before anything is read, and cells are streamed with the row and column caps
/// enforced as they arrive, so a sheet claiming A1:XFD1048576 (or a zip bomb) is refused
/// without allocating for it. Blocking work: call it off the async threads.
pub fn read(bytes: &[u8], max_rows: usize) -> Result<Sheet, SheetError> {
    check_zip(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    let name = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(SheetError::Empty)?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|_| SheetError::Unreadable)?;
    let most_rows = u32::try_from(max_rows)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let declared = cells.dimensions();
    if declared.end.1.saturating_sub(declared.start.1) >= MAX_COLUMNS
        || declared.end.0.saturating_sub(declared.start.0) >= most_rows.saturating_mul(2)
    {
        return Err(SheetError::TooLarge);
    }
    // Row → its non-empty cells by column, header first; bounded as it fills.
    let mut grid: BTreeMap<u32, Vec<(u32, Data)>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| SheetError::Unreadable)? {
        let (row, column) = cell.get_position();
        let data = Data::from(cell.get_value().clone());
        if matches!(data, Data::Empty) {
            continue;
        }
        if column >= MAX_COLUMNS {
            return Err(SheetError::TooLarge);
        }
        if !grid.contains_key(&row) && grid.len() > max_rows {
            return Err(SheetError::TooManyRows(max_rows));
        }
        grid.entry(row).or_default().push((column, data));
    }
    let mut rows = grid.into_iter();
    let (_, header) = rows.next().ok_or(SheetError::Empty)?;
    let mut columns: HashMap<u32, Column> = HashMap::new();
    for (at, cell) in &header {
        let Some(column) = cell_text(cell).as_deref().and_then(Column::named) else {
            continue;
        };
        if columns.values().any(|c| *c == column) {
            return Err(SheetError::DuplicateColumn(column.header()));
        }
        columns.insert(*at, column);
    }
    for required in [Column::Code, Column::Name] {
        if !columns.values().any(|c| *c == required) {
            return Err(SheetError::MissingColumn(required.header()));
        }
    }
    let mut out = Vec::new();
    for (row, cells) in rows {
        let mut line = SheetRow {
            // Excel numbers rows from 1.
            row: row + 1,
            cells: HashMap::new(),
        };
        for (at, data) in &cells {
            if let (Some(column), Some(cell)) = (columns.get(at), cell_of_data(data)) {
                line.cells.insert(*column, cell);
            }
        }
        if !line.cells.is_empty() {
            out.push(line);
        }
    }
    let mut found: Vec<(u32, Column)> = columns.into_iter().collect();
    found.sort_by_key(|(at, _)| *at);
    Ok(Sheet {
        columns: found.into_iter().map(|(_, c)| c).collect(),
        rows: out,
    })
}

/// Refuses a workbook whose zip directory declares too many files or too much content
/// before any of it is inflated.
fn check_zip(bytes: &[u8]) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(SheetError::TooLarge);
    }
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let entry = zip
            .by_index_raw(index)
            .map_err(|_| SheetError::Unreadable)?;
        total = total.saturating_add(entry.size());
        if total > MAX_UNZIPPED_BYTES {
            return Err(SheetError::TooLarge);
        }
    }
    Ok(())
}

fn cell_text(data: &Data) -> Option<String> {
    match cell_of_data(data)? {
        Cell::Text(t) => Some(t),
        _ => None,
    }
}

fn cell_of_data(data: &Data) -> Option<Cell> {
    match data {
        Data::Empty => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| Cell::Text(t.to_owned()))
        }
        #[allow(clippy::cast_precision_loss)]
        Data::Int(n) => Some(Cell::Number(*n as f64)),
        Data::Float(f) => Some(Cell::Number(*f)),
        Data::Bool(b) => Some(Cell::Text(if *b { "是" } else { "否" }.to_owned())),
        Data::DateTime(when) => {
            let days = (when.as_f64() - EXCEL_UNIX_EPOCH).floor();
            // Range-checked just above, so the cast cannot truncate.
            #[allow(clippy::cast_possible_truncation)]
            let day = (days.abs() < 1e6).then_some(Day(days as i32));
            Some(day.map_or_else(|| Cell::Error("#DATE".into()), Cell::Date))
        }
        Data::Error(e) => Some(Cell::Error(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> ProjectView {
        ProjectView {
            id: 1,
            code: "ZJ-1".into(),
            name: "滨江花园".into(),
            kind: "房建".into(),
            client: "滨江置业".into(),
            address: "杭州市滨江区".into(),
            location: Some((30.2, 120.2)),
            contract_fen: Some(123_456_789),
            budget_fen: None,
            amounts_visible: true,
            contract_status: api::ContractStatus::Signed,
            planned_start: Some("2026-03-01".into()),
            planned_finish: Some("2027-06-30".into()),
            actual_start: None,
            actual_finish: None,
            department_id: 2,
            department: "工程一部".into(),
            status: api::ProjectStatus::Active,
            managers: vec![api::PersonRef {
                userid: "zhangwei".into(),
                name: "张伟".into(),
            }],
            tags: vec!["EPC".into(), "重点".into()],
            version: 1,
            updated_at_ms: 0,
            can: Vec::new(),
        }
    }

    #[test]
    fn export_reads_back_cell_by_cell() {
        let bytes = export(&[view()]).expect("xlsx");
        let sheet = read(&bytes, 10).expect("read");
        assert_eq!(sheet.columns.len(), COLUMNS.len());
        let rows = sheet.rows;
        assert_eq!(rows.len(), 1);
        let cells = &rows[0].cells;
        assert_eq!(rows[0].row, 2);
        assert_eq!(cells[&Column::Code], Cell::Text("ZJ-1".into()));
        assert_eq!(cells[&Column::Contract], Cell::Number(1_234_567.89));
        assert!(!cells.contains_key(&Column::Budget));
        assert_eq!(
            cells[&Column::PlannedFinish],
            Cell::Date(Day::parse("2027-06-30").expect("day"))
        );
        assert_eq!(cells[&Column::Status], Cell::Text("在建".into()));
        assert_eq!(
            cells[&Column::Managers],
            Cell::Text("张伟(zhangwei)".into())
        );
        assert_eq!(cells[&Column::Tags], Cell::Text("EPC、重点".into()));
        assert_eq!(cells[&Column::Latitude], Cell::Number(30.2));
    }

    #[test]
    fn garbage_is_unreadable() {
        assert!(matches!(
            read(b"not a spreadsheet", 10),
            Err(SheetError::Unreadable)
        ));
    }

    #[test]
    fn headers_are_required_and_unique() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目名称").expect("write");
        let bytes = book.save_to_buffer().expect("save");
        assert!(matches!(
            read(&bytes, 10),
            Err(SheetError::MissingColumn("项目编号"))
        ));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (col, h) in ["项目编号", "项目名称", "项目编号"].iter().enumerate() {
            sheet
                .write_string(0, u16::try_from(col).expect("col"), *h)
                .expect("write");
        }
        let bytes = book.save_to_buffer().expect("save");
        assert!(matches!(
            read(&bytes, 10),
            Err(SheetError::DuplicateColumn("项目编号"))
        ));
    }

    #[test]
    fn too_many_rows_are_refused_and_blank_rows_skipped() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目编号").expect("write");
        sheet.write_string(0, 1, "项目名称(备注)").expect("write");
        sheet.write_string(0, 2, "项目名称").expect("write");
        for row in [1u32, 2, 4] {
            sheet
                .write_string(row, 0, format!("P{row}"))
                .expect("write");
        }
        let bytes = book.save_to_buffer().expect("save");
        let sheet = read(&bytes, 3).expect("read");
        let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.row).collect();
        assert_eq!(numbers, [2, 3, 5]);
        assert_eq!(sheet.columns, HashSet::from([Column::Code, Column::Name]));
        assert!(matches!(read(&bytes, 2), Err(SheetError::TooManyRows(2))));
    }

    /// A1 and XFD1048576 make the sheet declare 17 billion cells; reading it into a
    /// range would allocate for all of them and bring the process down.
    #[test]
    fn a_sheet_declaring_a_huge_range_is_refused_without_reading_it() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目编号").expect("write");
        sheet.write_string(0, 1, "项目名称").expect("write");
        sheet.write_string(1_048_575, 16_383, "x").expect("write");
        let bytes = book.save_to_buffer().expect("save");
        assert!(matches!(read(&bytes, 5_000), Err(SheetError::TooLarge)));
        // Far to the right but within the declared range a ledger would never need.
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目编号").expect("write");
        sheet.write_string(0, 200, "项目名称").expect("write");
        let bytes = book.save_to_buffer().expect("save");
        assert!(matches!(read(&bytes, 5_000), Err(SheetError::TooLarge)));
    }
}
