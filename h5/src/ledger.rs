//! The project ledger (项目台账) as a PM edits it on the phone: a draft of what was typed,
//! checked with the ledger's own rules (`api::limits`, the server checks the same) before
//! it is sent, every problem kept next to its field; the server's refusals put next to the
//! field they name; the schedule settings' day counts; and what a role change sends.
//! Pure, tested natively; `pages::project_edit`, `pages::project_members` and
//! `pages::project_settings` draw it.

use std::collections::BTreeMap;

use api::{ContractStatus, ProjectInput, ProjectRole, ProjectStatus, ProjectView, limits};

use crate::text;

/// Largest amount: one trillion 元 in 分, as the ledger allows.
const MAX_FEN: i64 = 100_000_000_000_000;

/// A field of the project form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// 项目编号.
    Code,
    /// 项目名称.
    Name,
    /// 项目类型.
    Kind,
    /// 建设单位.
    Client,
    /// 所属部门.
    Department,
    /// 项目经理 (on create).
    Pm,
    /// 项目地址.
    Address,
    /// 坐标.
    Location,
    /// 合同金额.
    Contract,
    /// 预算.
    Budget,
    /// 合同状态.
    ContractStatus,
    /// 计划开工 / 计划竣工.
    Planned,
    /// 实际开工 / 实际竣工.
    Actual,
    /// 项目状态.
    Status,
    /// 标签.
    Tags,
}

impl Field {
    /// The DOM id of its input (`field-<id>`) and of its problem (`err-<id>`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Name => "name",
            Self::Kind => "kind",
            Self::Client => "client",
            Self::Department => "department",
            Self::Pm => "pm",
            Self::Address => "address",
            Self::Location => "location",
            Self::Contract => "contract",
            Self::Budget => "budget",
            Self::ContractStatus => "contract-status",
            Self::Planned => "planned",
            Self::Actual => "actual",
            Self::Status => "status",
            Self::Tags => "tags",
        }
    }

    /// The words a server message about this field starts with (the ledger's messages
    /// name their field first; "成员 …" is the PM given on create).
    fn openings(self) -> &'static [&'static str] {
        match self {
            Self::Code => &["项目编号"],
            Self::Name => &["项目名称"],
            Self::Kind => &["项目类型"],
            Self::Client => &["建设单位"],
            Self::Department => &["所属部门"],
            Self::Pm => &["成员", "项目经理"],
            Self::Address => &["项目地址"],
            Self::Location => &["坐标"],
            Self::Contract => &["合同金额"],
            Self::Budget => &["预算"],
            Self::ContractStatus => &["合同状态"],
            Self::Planned => &["计划"],
            Self::Actual => &["实际", "有实际"],
            Self::Status => &["项目状态"],
            Self::Tags => &["标签"],
        }
    }

    const ALL: [Field; 15] = [
        Self::Code,
        Self::Name,
        Self::Kind,
        Self::Client,
        Self::Department,
        Self::Pm,
        Self::Address,
        Self::Location,
        Self::Contract,
        Self::Budget,
        Self::ContractStatus,
        Self::Planned,
        Self::Actual,
        Self::Status,
        Self::Tags,
    ];
}

/// What is wrong, field by field.
pub type Problems = BTreeMap<Field, String>;

/// The form as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// 项目编号.
    pub code: String,
    /// 项目名称.
    pub name: String,
    /// 项目类型.
    pub kind: String,
    /// 建设单位.
    pub client: String,
    /// 所属部门.
    pub department: Option<i64>,
    /// 项目经理 (create only; later through the members page).
    pub pm: Option<String>,
    /// 项目地址.
    pub address: String,
    /// 坐标 as typed or located: `"纬度, 经度"`.
    pub location: String,
    /// 合同金额 in 元.
    pub contract: String,
    /// 预算 in 元.
    pub budget: String,
    /// 合同状态.
    pub contract_status: ContractStatus,
    /// Planned start, `YYYY-MM-DD` or empty.
    pub planned_start: String,
    /// Planned finish.
    pub planned_finish: String,
    /// Actual start.
    pub actual_start: String,
    /// Actual finish.
    pub actual_finish: String,
    /// 项目状态.
    pub status: ProjectStatus,
    /// Tags, separated by commas, 、 or spaces.
    pub tags: String,
    /// The version read (edits only).
    pub version: Option<i64>,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            code: String::new(),
            name: String::new(),
            kind: String::new(),
            client: String::new(),
            department: None,
            pm: None,
            address: String::new(),
            location: String::new(),
            contract: String::new(),
            budget: String::new(),
            contract_status: ContractStatus::Negotiating,
            planned_start: String::new(),
            planned_finish: String::new(),
            actual_start: String::new(),
            actual_finish: String::new(),
            status: ProjectStatus::Initiated,
            tags: String::new(),
            version: None,
        }
    }
}

/// `(lat, lng)` as the form shows it.
pub fn location_text((lat, lng): (f64, f64)) -> String {
    format!("{}, {}", text::fixed(lat, 6), text::fixed(lng, 6))
}

impl Draft {
    /// The stored project, ready to edit.
    pub fn of(view: &ProjectView) -> Self {
        let day = |d: &Option<String>| d.clone().unwrap_or_default();
        let amount = |fen: Option<i64>| fen.map(text::yuan).unwrap_or_default();
        Self {
            code: view.code.clone(),
            name: view.name.clone(),
            kind: view.kind.clone(),
            client: view.client.clone(),
            department: Some(view.department_id),
            pm: None,
            address: view.address.clone(),
            location: view.location.map(location_text).unwrap_or_default(),
            contract: amount(view.contract_fen),
            budget: amount(view.budget_fen),
            contract_status: view.contract_status,
            planned_start: day(&view.planned_start),
            planned_finish: day(&view.planned_finish),
            actual_start: day(&view.actual_start),
            actual_finish: day(&view.actual_finish),
            status: view.status,
            tags: view.tags.join("、"),
            version: Some(view.version),
        }
    }

    /// The request to send, or every problem. `amounts`: the amount fields are shown (a
    /// caller who may not see them sends none, and the server keeps the stored ones).
    pub fn check(&self, amounts: bool) -> Result<ProjectInput, Problems> {
        let mut problems = Problems::new();
        let mut flag = |field: Field, message: &str| {
            problems.entry(field).or_insert_with(|| message.to_owned());
        };
        let chars = |s: &str| s.chars().count();
        let code = self.code.trim();
        if code.is_empty() {
            flag(Field::Code, "请填写项目编号");
        } else if chars(code) > limits::PROJECT_CODE_CHARS || code.chars().any(char::is_whitespace)
        {
            flag(Field::Code, "项目编号不含空格，且不超过 40 字");
        }
        let name = self.name.trim();
        if name.is_empty() {
            flag(Field::Name, "请填写项目名称");
        } else if chars(name) > limits::PROJECT_NAME_CHARS {
            flag(Field::Name, "项目名称不超过 100 字");
        }
        if chars(self.kind.trim()) > limits::PROJECT_KIND_CHARS {
            flag(Field::Kind, "项目类型不超过 20 字");
        }
        if chars(self.client.trim()) > limits::PROJECT_CLIENT_CHARS {
            flag(Field::Client, "建设单位不超过 100 字");
        }
        if chars(self.address.trim()) > limits::ADDRESS_CHARS {
            flag(Field::Address, "项目地址不超过 200 字");
        }
        if self.department.is_none() {
            flag(Field::Department, "请选择所属部门");
        }
        let location = parse_location(&self.location).unwrap_or_else(|why| {
            flag(Field::Location, why);
            None
        });
        let mut amount = |field: Field, typed: &str| -> Option<i64> {
            if !amounts || typed.trim().is_empty() {
                return None;
            }
            match text::parse_yuan(typed) {
                Ok(fen) if (0..=MAX_FEN).contains(&fen) => Some(fen),
                Ok(_) => {
                    flag(field, "金额应为 0 到 1 万亿元");
                    None
                }
                Err(why) => {
                    flag(field, why);
                    None
                }
            }
        };
        let contract_fen = amount(Field::Contract, &self.contract);
        let budget_fen = amount(Field::Budget, &self.budget);
        let planned = dates(&self.planned_start, &self.planned_finish, "计划");
        if let Err(why) = &planned {
            flag(Field::Planned, why);
        }
        let actual = dates(&self.actual_start, &self.actual_finish, "实际");
        match &actual {
            Err(why) => flag(Field::Actual, why),
            Ok((None, Some(_))) => flag(Field::Actual, "有实际竣工日期时须填写实际开工日期"),
            Ok(_) => {}
        }
        let tags = tags_of(&self.tags);
        if tags.len() > limits::PROJECT_TAGS
            || tags.iter().any(|t| chars(t) > limits::PROJECT_TAG_CHARS)
        {
            flag(Field::Tags, "标签最多 10 个，每个不超过 20 字");
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (planned_start, planned_finish) = planned.unwrap_or_default();
        let (actual_start, actual_finish) = actual.unwrap_or_default();
        Ok(ProjectInput {
            code: code.to_owned(),
            name: name.to_owned(),
            kind: self.kind.trim().to_owned(),
            client: self.client.trim().to_owned(),
            address: self.address.trim().to_owned(),
            location,
            contract_fen,
            budget_fen,
            contract_status: Some(self.contract_status.code().to_owned()),
            planned_start,
            planned_finish,
            actual_start,
            actual_finish,
            department_id: self.department.unwrap_or_default(),
            status: Some(self.status.code().to_owned()),
            tags,
            pm: self.pm.clone().filter(|p| !p.is_empty()),
            version: self.version,
        })
    }
}

/// `"30.2088, 120.2123"` (either comma, or spaces) as `(lat, lng)`; empty is none.
pub fn parse_location(typed: &str) -> Result<Option<(f64, f64)>, &'static str> {
    const WRONG: &str = "坐标应为「纬度, 经度」，如 30.2088, 120.2123";
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let mut parts = typed
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let (Some(lat), Some(lng), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(WRONG);
    };
    let (Ok(lat), Ok(lng)) = (lat.parse::<f64>(), lng.parse::<f64>()) else {
        return Err(WRONG);
    };
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
        return Err("坐标无效：纬度 −90～90，经度 −180～180");
    }
    Ok(Some((lat, lng)))
}

type Dates = (Option<String>, Option<String>);

/// A start and a finish day (`YYYY-MM-DD` or empty), the finish not before the start.
fn dates(start: &str, finish: &str, which: &str) -> Result<Dates, String> {
    let day = |typed: &str| -> Result<Option<(i64, String)>, String> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Ok(None);
        }
        text::days_of(typed)
            .map(|n| Some((n, typed.to_owned())))
            .ok_or_else(|| format!("{which}日期「{typed}」应为 YYYY-MM-DD"))
    };
    let (start, finish) = (day(start)?, day(finish)?);
    if let (Some((s, _)), Some((f, _))) = (&start, &finish)
        && f < s
    {
        return Err(format!("{which}竣工不能早于{which}开工"));
    }
    Ok((start.map(|d| d.1), finish.map(|d| d.1)))
}

/// Tags as typed, split on commas, 、 and spaces, without repeats.
pub fn tags_of(typed: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in typed.split([',', '，', '、', ' ', ';', '；']) {
        let tag = tag.trim();
        if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// A server refusal split by the field each part names; parts naming none stay for the
/// top of the form.
pub fn server_problems(message: &str) -> (Problems, Vec<String>) {
    let mut fields = Problems::new();
    let mut rest = Vec::new();
    for part in message.split('；').map(str::trim).filter(|p| !p.is_empty()) {
        match field_of(part) {
            Some(field) => {
                fields
                    .entry(field)
                    .and_modify(|m| {
                        m.push('；');
                        m.push_str(part);
                    })
                    .or_insert_with(|| part.to_owned());
            }
            None => rest.push(part.to_owned()),
        }
    }
    (fields, rest)
}

/// The field a server message is about, by the words it starts with.
pub fn field_of(message: &str) -> Option<Field> {
    Field::ALL
        .into_iter()
        .find(|f| f.openings().iter().any(|o| message.starts_with(o)))
}

/// Saving `after` over `before` (none when creating) archives the project: ask first.
pub fn archives(before: Option<ProjectStatus>, after: ProjectStatus) -> bool {
    after == ProjectStatus::Archived && before != Some(ProjectStatus::Archived)
}

/// A schedule setting's day count as typed: empty is the deployment's default.
pub fn days_setting(typed: &str) -> Result<Option<i32>, &'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    match typed.parse::<i32>() {
        Ok(days) if (1..=365).contains(&days) => Ok(Some(days)),
        _ => Err("天数应在 1 到 365 之间，留空则用系统默认"),
    }
}

/// What changing a member's role from `from` to `to` sends, given the roles they hold:
/// the new role first (unless held already), then the old one removed, so a refused
/// removal (the last 项目经理) leaves them with at least what they had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleChange {
    /// Give `to`.
    pub add: bool,
    /// Take `from`.
    pub remove: bool,
}

/// See [`RoleChange`].
pub fn role_change(held: &[ProjectRole], from: ProjectRole, to: ProjectRole) -> RoleChange {
    if from == to {
        return RoleChange {
            add: false,
            remove: false,
        };
    }
    RoleChange {
        add: !held.contains(&to),
        remove: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> Draft {
        Draft {
            code: " HZ-9 ".into(),
            name: "滨江花园二期".into(),
            department: Some(3),
            pm: Some("lisi".into()),
            location: "30.2088，120.2123".into(),
            contract: "1,200.50".into(),
            planned_start: "2026-03-01".into(),
            planned_finish: "2027-06-30".into(),
            tags: "重点、EPC, 重点".into(),
            status: ProjectStatus::Active,
            ..Draft::default()
        }
    }

    #[test]
    fn a_good_draft_becomes_the_request() {
        let input = typed().check(true).expect("valid");
        assert_eq!(input.code, "HZ-9");
        assert_eq!(input.department_id, 3);
        assert_eq!(input.location, Some((30.2088, 120.2123)));
        assert_eq!(input.contract_fen, Some(120_050));
        assert_eq!(input.budget_fen, None);
        assert_eq!(input.tags, ["重点", "EPC"]);
        assert_eq!(input.status.as_deref(), Some("active"));
        assert_eq!(input.contract_status.as_deref(), Some("negotiating"));
        assert_eq!(input.planned_finish.as_deref(), Some("2027-06-30"));
        assert_eq!(input.actual_start, None);
        assert_eq!(input.pm.as_deref(), Some("lisi"));
    }

    #[test]
    fn amounts_hidden_from_the_caller_are_not_sent() {
        let mut d = typed();
        d.contract = "not money".into();
        assert_eq!(d.check(false).expect("valid").contract_fen, None);
        assert!(d.check(true).is_err());
    }

    #[test]
    fn every_problem_sits_at_its_field() {
        let d = Draft {
            code: "HZ 9".into(),
            name: " ".into(),
            location: "north".into(),
            budget: "-5".into(),
            planned_start: "2026-03-01".into(),
            planned_finish: "2026-02-01".into(),
            actual_finish: "2026-04-01".into(),
            tags: "一二三四五六七八九十一二三四五六七八九十一".into(),
            ..Draft::default()
        };
        let problems = d.check(true).expect_err("invalid");
        let fields: Vec<Field> = problems.keys().copied().collect();
        assert_eq!(
            fields,
            [
                Field::Code,
                Field::Name,
                Field::Department,
                Field::Location,
                Field::Budget,
                Field::Planned,
                Field::Actual,
                Field::Tags,
            ]
        );
        assert_eq!(problems[&Field::Planned], "计划竣工不能早于计划开工");
        assert_eq!(problems[&Field::Department], "请选择所属部门");
    }

    #[test]
    fn a_stored_project_round_trips_through_the_form() {
        let view: ProjectView = serde_json::from_value(serde_json::json!({
            "id": 4, "code": "HZ-4", "name": "学校", "kind": "房建", "client": "教育局",
            "address": "杭州", "location": [30.5, 120.25], "contract_fen": 123_456_789,
            "budget_fen": null, "amounts_visible": true, "contract_status": "signed",
            "planned_start": "2026-01-01", "planned_finish": null, "actual_start": null,
            "actual_finish": null, "department_id": 2, "department": "一部",
            "status": "active", "managers": [], "tags": ["重点", "EPC"], "version": 3,
            "updated_at_ms": 0
        }))
        .expect("view");
        assert!(view.can.is_empty(), "an older server sends no `can`");
        let d = Draft::of(&view);
        assert_eq!(d.contract, "1,234,567.89");
        assert_eq!(d.location, "30.500000, 120.250000");
        let input = d.check(true).expect("valid");
        assert_eq!(input.contract_fen, Some(123_456_789));
        assert_eq!(input.location, Some((30.5, 120.25)));
        assert_eq!(input.tags, ["重点", "EPC"]);
        assert_eq!(input.contract_status.as_deref(), Some("signed"));
        assert_eq!(input.version, Some(3));
        assert_eq!(input.pm, None);
    }

    #[test]
    fn server_refusals_go_to_the_field_they_name() {
        let (fields, rest) = server_problems(
            "计划开工「明年」应为 YYYY-MM-DD；项目状态应为 立项/在建/停工/竣工/归档；项目已被他人修改，请刷新后重试",
        );
        assert_eq!(fields.len(), 2);
        assert!(fields[&Field::Planned].contains("明年"));
        assert!(fields.contains_key(&Field::Status));
        assert_eq!(rest, ["项目已被他人修改，请刷新后重试"]);
        assert_eq!(field_of("项目编号 HZ-1 已存在"), Some(Field::Code));
        assert_eq!(
            field_of("所属部门 9 不存在，请先同步通讯录"),
            Some(Field::Department)
        );
        assert_eq!(field_of("成员 wang 不在通讯录中或已离职"), Some(Field::Pm));
        assert_eq!(
            field_of("有实际竣工日期时须填写实际开工日期"),
            Some(Field::Actual)
        );
        assert_eq!(field_of("没有权限"), None);
    }

    #[test]
    fn archiving_asks_first_once() {
        use ProjectStatus::*;
        assert!(archives(Some(Active), Archived));
        assert!(archives(None, Archived));
        assert!(!archives(Some(Archived), Archived));
        assert!(!archives(Some(Active), Completed));
    }

    #[test]
    fn day_settings_are_one_to_365_or_default() {
        assert_eq!(days_setting(" "), Ok(None));
        assert_eq!(days_setting("7"), Ok(Some(7)));
        for wrong in ["0", "366", "-1", "三", "1.5"] {
            assert!(days_setting(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn locations_typed_or_refused() {
        assert_eq!(parse_location(""), Ok(None));
        assert_eq!(parse_location("30.1 120.2"), Ok(Some((30.1, 120.2))));
        assert!(parse_location("91, 0").is_err());
        assert!(parse_location("30.1").is_err());
        assert!(parse_location("1, 2, 3").is_err());
        assert_eq!(location_text((30.2, -120.25)), "30.200000, -120.250000");
    }

    #[test]
    fn a_role_change_adds_before_it_removes() {
        use ProjectRole::*;
        assert_eq!(
            role_change(&[Manager], Manager, Engineer),
            RoleChange {
                add: true,
                remove: true
            }
        );
        assert_eq!(
            role_change(&[Manager, Engineer], Manager, Engineer),
            RoleChange {
                add: false,
                remove: true
            }
        );
        assert_eq!(
            role_change(&[Safety], Safety, Safety),
            RoleChange {
                add: false,
                remove: false
            }
        );
    }
}
