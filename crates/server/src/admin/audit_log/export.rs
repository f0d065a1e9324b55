//! The audit log as an .xlsx sheet: Chinese headers, one row per record, newest first,
//! with each row's chain hash so an outside reader can re-check what they were given.

use api::AuditRow;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::china_time;

/// Most rows one export writes; the sheet says so when there were more.
pub const MAX_ROWS: usize = 50_000;

/// Sheet name.
const SHEET: &str = "审计日志";
/// Excel refuses longer text in a cell.
const MAX_CELL_CHARS: usize = 32_000;

/// Headers in sheet order.
pub const HEADERS: [&str; 13] = [
    "序号",
    "时间",
    "操作人",
    "账号",
    "来源IP",
    "操作",
    "操作代码",
    "对象类型",
    "对象ID",
    "项目",
    "变更前",
    "变更后",
    "哈希",
];

/// One exported row: the view and its chain hash.
#[derive(Debug)]
pub struct Line {
    /// The row as the console shows it.
    pub row: AuditRow,
    /// Its hash in the chain.
    pub hash: String,
}

/// The sheet; `more` says rows beyond [`MAX_ROWS`] were left out.
pub fn workbook(lines: &[Line], more: bool) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    let widths = [8, 20, 12, 16, 16, 16, 22, 10, 12, 20, 40, 40, 20];
    for (col, (header, width)) in (0u16..).zip(HEADERS.iter().zip(widths)) {
        sheet.write_string_with_format(0, col, *header, &bold)?;
        sheet.set_column_width(col, width)?;
    }
    for (r, line) in (1u32..).zip(lines) {
        let row = &line.row;
        // Chain positions stay far below 2^53, exact in a spreadsheet number.
        #[allow(clippy::cast_precision_loss)]
        sheet.write_number(r, 0, row.seq as f64)?;
        let project = match (&row.project_name, row.project_id) {
            (Some(name), Some(id)) => format!("{name}（{id}）"),
            (None, Some(id)) => id.to_string(),
            _ => String::new(),
        };
        let texts = [
            china_time(row.at_ms),
            row.actor_name.clone().unwrap_or_default(),
            row.actor.clone(),
            row.ip.clone().unwrap_or_default(),
            api::audit_action_label(&row.action).to_owned(),
            row.action.clone(),
            api::audit_target_label(&row.target_type).to_owned(),
            row.target_id.clone(),
            project,
            cell(row.before.as_deref()),
            cell(row.after.as_deref()),
            line.hash.clone(),
        ];
        for (col, text) in (1u16..).zip(texts) {
            if !text.is_empty() {
                sheet.write_string(r, col, text)?;
            }
        }
    }
    let last = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    if more {
        sheet.write_string_with_format(
            last.saturating_add(2),
            0,
            format!("仅导出最新的 {MAX_ROWS} 条记录，请缩小筛选范围后分批导出"),
            &bold,
        )?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, u16::try_from(HEADERS.len() - 1).unwrap_or(0))?;
    book.save_to_buffer()
}

/// A snapshot as cell text, cut to what a cell holds.
fn cell(json: Option<&str>) -> String {
    let text = json.unwrap_or_default();
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => format!("{}…（已截断）", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_snapshots_are_cut_to_a_cell() {
        assert_eq!(cell(None), "");
        assert_eq!(cell(Some("{}")), "{}");
        let long = "字".repeat(MAX_CELL_CHARS + 5);
        let cut = cell(Some(&long));
        assert!(cut.ends_with("…（已截断）"));
        assert_eq!(
            cut.chars().count(),
            MAX_CELL_CHARS + "…（已截断）".chars().count()
        );
    }
}
