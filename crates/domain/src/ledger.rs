//! The project ledger (项目台账): what a company records about each project, and the
//! rules an entry must keep whether it comes from a form or a spreadsheet row.

use serde::{Deserialize, Serialize};

use crate::calendar::Day;
use crate::project::ProjectStatus;

/// Longest project code.
pub const MAX_CODE: usize = 40;
/// Longest project name.
pub const MAX_NAME: usize = 100;
/// Longest client (建设单位) name.
pub const MAX_CLIENT: usize = 100;
/// Longest project type.
pub const MAX_KIND: usize = 20;
/// Longest address.
pub const MAX_ADDRESS: usize = 200;
/// Most tags on a project.
pub const MAX_TAGS: usize = 10;
/// Longest tag.
pub const MAX_TAG: usize = 20;
/// Largest amount: one trillion yuan, in fen; anything above is a typo.
pub const MAX_FEN: i64 = 100_000_000_000_000;

/// Where the contract stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    /// 洽谈中.
    Negotiating,
    /// 已签订.
    Signed,
    /// 履约中.
    Performing,
    /// 已结算.
    Settled,
    /// 已终止.
    Terminated,
}

impl ContractStatus {
    /// Every status, in life order.
    pub const ALL: [ContractStatus; 5] = [
        Self::Negotiating,
        Self::Signed,
        Self::Performing,
        Self::Settled,
        Self::Terminated,
    ];

    /// The stored and wire name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Negotiating => "negotiating",
            Self::Signed => "signed",
            Self::Performing => "performing",
            Self::Settled => "settled",
            Self::Terminated => "terminated",
        }
    }

    /// The status named `code`, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Negotiating => "洽谈中",
            Self::Signed => "已签订",
            Self::Performing => "履约中",
            Self::Settled => "已结算",
            Self::Terminated => "已终止",
        }
    }

    /// The status whose code or Chinese label is `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == text || s.label() == text)
    }
}

/// A point on the map (WGS-84, as WeCom's `getLocation` reports).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    /// Latitude, −90 to 90.
    pub lat: f64,
    /// Longitude, −180 to 180.
    pub lng: f64,
}

impl Coordinates {
    /// True when both lie in range (and are numbers).
    pub fn is_valid(self) -> bool {
        (-90.0..=90.0).contains(&self.lat) && (-180.0..=180.0).contains(&self.lng)
    }
}

/// One project's ledger entry. Amounts are in fen (分); days are China calendar days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// The company's project code, unique.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type (房建, 市政, 公路 …), free text.
    pub kind: String,
    /// Client (建设单位).
    pub client: String,
    /// Site address.
    pub address: String,
    /// Site coordinates.
    pub location: Option<Coordinates>,
    /// Contract amount.
    pub contract_fen: Option<i64>,
    /// Budget.
    pub budget_fen: Option<i64>,
    /// Contract status.
    pub contract_status: ContractStatus,
    /// Planned start.
    pub planned_start: Option<Day>,
    /// Planned finish.
    pub planned_finish: Option<Day>,
    /// Actual start.
    pub actual_start: Option<Day>,
    /// Actual finish.
    pub actual_finish: Option<Day>,
    /// The owning department.
    pub department_id: i64,
    /// Status.
    pub status: ProjectStatus,
    /// Tags, sorted and unique.
    pub tags: Vec<String>,
}

/// A ledger field, as forms and spreadsheet columns name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerField {
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
    /// 坐标.
    Location,
    /// 合同金额.
    ContractAmount,
    /// 预算.
    Budget,
    /// 合同状态.
    ContractStatus,
    /// 计划开工 / 计划竣工.
    PlannedDates,
    /// 实际开工 / 实际竣工.
    ActualDates,
    /// 所属部门.
    Department,
    /// 项目状态.
    Status,
    /// 标签.
    Tags,
}

/// Why an entry was refused: which field, and what to do about it (in Chinese).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerProblem {
    /// The field at fault.
    pub field: LedgerField,
    /// What is wrong.
    pub message: String,
}

impl Ledger {
    /// A new entry with only what every project needs; the rest empty.
    pub fn new(code: &str, name: &str, department_id: i64, status: ProjectStatus) -> Self {
        Self {
            code: code.to_owned(),
            name: name.to_owned(),
            kind: String::new(),
            client: String::new(),
            address: String::new(),
            location: None,
            contract_fen: None,
            budget_fen: None,
            contract_status: ContractStatus::Negotiating,
            planned_start: None,
            planned_finish: None,
            actual_start: None,
            actual_finish: None,
            department_id,
            status,
            tags: Vec::new(),
        }
    }

    /// Trims the text fields and sorts and dedupes the tags, so equal entries compare
    /// equal however they were typed.
    pub fn normalize(&mut self) {
        for text in [
            &mut self.code,
            &mut self.name,
            &mut self.kind,
            &mut self.client,
            &mut self.address,
        ] {
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
        }
        for tag in &mut self.tags {
            *tag = tag.trim().to_owned();
        }
        self.tags.retain(|t| !t.is_empty());
        self.tags.sort();
        self.tags.dedup();
    }

    /// Every rule the entry breaks (empty when it is valid). Call after [`Ledger::normalize`].
    pub fn problems(&self) -> Vec<LedgerProblem> {
        let mut found = Vec::new();
        let mut flag = |field, message: &str| {
            found.push(LedgerProblem {
                field,
                message: message.to_owned(),
            });
        };
        let len = |s: &str| s.chars().count();
        if self.code.is_empty()
            || len(&self.code) > MAX_CODE
            || self
                .code
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            flag(
                LedgerField::Code,
                "项目编号不能为空、不含空格，且不超过 40 字",
            );
        }
        if self.name.is_empty() || len(&self.name) > MAX_NAME {
            flag(LedgerField::Name, "项目名称不能为空，且不超过 100 字");
        }
        if len(&self.kind) > MAX_KIND {
            flag(LedgerField::Kind, "项目类型不超过 20 字");
        }
        if len(&self.client) > MAX_CLIENT {
            flag(LedgerField::Client, "建设单位不超过 100 字");
        }
        if len(&self.address) > MAX_ADDRESS {
            flag(LedgerField::Address, "项目地址不超过 200 字");
        }
        if self.location.is_some_and(|c| !c.is_valid()) {
            flag(
                LedgerField::Location,
                "坐标无效：纬度 −90～90，经度 −180～180",
            );
        }
        let bad_amount = |fen: Option<i64>| fen.is_some_and(|f| !(0..=MAX_FEN).contains(&f));
        if bad_amount(self.contract_fen) {
            flag(LedgerField::ContractAmount, "合同金额应为 0 到 1 万亿元");
        }
        if bad_amount(self.budget_fen) {
            flag(LedgerField::Budget, "预算应为 0 到 1 万亿元");
        }
        if let (Some(start), Some(finish)) = (self.planned_start, self.planned_finish)
            && finish < start
        {
            flag(LedgerField::PlannedDates, "计划竣工不能早于计划开工");
        }
        if let (Some(start), Some(finish)) = (self.actual_start, self.actual_finish)
            && finish < start
        {
            flag(LedgerField::ActualDates, "实际竣工不能早于实际开工");
        }
        if self.actual_finish.is_some() && self.actual_start.is_none() {
            flag(
                LedgerField::ActualDates,
                "有实际竣工日期时须填写实际开工日期",
            );
        }
        if self.tags.len() > MAX_TAGS || self.tags.iter().any(|t| len(t) > MAX_TAG) {
            flag(LedgerField::Tags, "标签最多 10 个，每个不超过 20 字");
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Ledger {
        let mut l = Ledger::new("ZJ-2026-001", "滨江花园一期", 2, ProjectStatus::Active);
        l.planned_start = Day::parse("2026-03-01");
        l.planned_finish = Day::parse("2027-06-30");
        l
    }

    #[test]
    fn a_plain_entry_is_valid() {
        assert!(entry().problems().is_empty());
    }

    #[test]
    fn normalize_trims_and_sorts_tags() {
        let mut l = entry();
        l.code = "  ZJ-1 ".into();
        l.tags = vec![" 重点 ".into(), "".into(), "EPC".into(), "重点".into()];
        l.normalize();
        assert_eq!(l.code, "ZJ-1");
        assert_eq!(l.tags, ["EPC", "重点"]);
    }

    #[test]
    fn every_rule_names_its_field() {
        let mut l = entry();
        l.code = "ZJ 1".into();
        l.name = String::new();
        l.location = Some(Coordinates {
            lat: 91.0,
            lng: 0.0,
        });
        l.contract_fen = Some(-1);
        l.budget_fen = Some(MAX_FEN + 1);
        l.planned_finish = Day::parse("2026-01-01");
        l.actual_finish = Day::parse("2026-01-01");
        l.tags = vec!["x".repeat(21)];
        let fields: Vec<LedgerField> = l.problems().iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                LedgerField::Code,
                LedgerField::Name,
                LedgerField::Location,
                LedgerField::ContractAmount,
                LedgerField::Budget,
                LedgerField::PlannedDates,
                LedgerField::ActualDates,
                LedgerField::Tags,
            ]
        );
    }

    #[test]
    fn nan_coordinates_are_refused() {
        let mut l = entry();
        l.location = Some(Coordinates {
            lat: f64::NAN,
            lng: 120.0,
        });
        assert_eq!(l.problems().len(), 1);
    }

    #[test]
    fn contract_status_parses_code_or_label() {
        for s in ContractStatus::ALL {
            assert_eq!(ContractStatus::parse(s.code()), Some(s));
            assert_eq!(ContractStatus::parse(s.label()), Some(s));
            let json = serde_json::to_string(&s).expect("json");
            assert_eq!(json, format!("\"{}\"", s.code()));
        }
        assert_eq!(ContractStatus::parse("签了"), None);
    }
}
