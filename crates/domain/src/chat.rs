//! Commands members text to the app: `我的任务`, `新建任务 <标题> @某人 <日期>` (optionally
//! `#项目编号`), `进度 <项目>`. Parsing is forgiving about spaces and punctuation;
//! anything else is [`Command::Help`].

use crate::calendar::Day;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// 我的任务: the sender's open tasks.
    MyTasks,
    /// 新建任务.
    NewTask {
        /// Title (what is left after the other parts are taken out).
        title: String,
        /// `@name` or `@userid`.
        assignee: Option<String>,
        /// Last day.
        due: Option<Day>,
        /// `#code`.
        project: Option<String>,
    },
    /// 进度 <项目>.
    Progress {
        /// Code or part of the name.
        project: String,
    },
    /// Anything else.
    Help,
}

/// Parses `text` sent on `today`.
pub fn parse(text: &str, today: Day) -> Command {
    // Full-width spaces and marks are common from phone keyboards.
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '＠' => '@',
            '＃' => '#',
            c => c,
        })
        .collect();
    let text = text.trim();
    if matches!(text, "我的任务" | "任务" | "待办" | "我的待办") {
        return Command::MyTasks;
    }
    if let Some(rest) = strip_any(text, &["进度", "项目进度"]) {
        let project = rest.trim().trim_start_matches([':', '：']).trim();
        return if project.is_empty() {
            Command::Help
        } else {
            Command::Progress {
                project: project.to_owned(),
            }
        };
    }
    if let Some(rest) = strip_any(text, &["新建任务", "新任务", "建任务"]) {
        return new_task(rest, today);
    }
    Command::Help
}

fn strip_any<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

fn new_task(rest: &str, today: Day) -> Command {
    let mut title = Vec::new();
    let (mut assignee, mut due, mut project) = (None, None, None);
    for word in rest.trim_start_matches([':', '：']).split_whitespace() {
        if let Some(who) = word.strip_prefix('@').filter(|w| !w.is_empty()) {
            assignee = Some(who.to_owned());
        } else if let Some(code) = word.strip_prefix('#').filter(|w| !w.is_empty()) {
            project = Some(code.to_owned());
        } else if let Some(day) = due.is_none().then(|| date(word, today)).flatten() {
            due = Some(day);
        } else {
            title.push(word);
        }
    }
    let title = title.join(" ");
    if title.is_empty() {
        return Command::Help;
    }
    Command::NewTask {
        title,
        assignee,
        due,
        project,
    }
}

/// `2026-12-01`, `12-01`, `12月1日`, `12/1`, `今天`, `明天`, `后天`; a month-day without
/// a year is the next such day from `today`.
pub fn date(word: &str, today: Day) -> Option<Day> {
    match word {
        "今天" | "今日" => return Some(today),
        "明天" | "明日" => return Some(today.plus(1)),
        "后天" => return Some(today.plus(2)),
        _ => {}
    }
    if let Some(day) = Day::parse(word) {
        return Some(day);
    }
    let md = word.trim_end_matches(['日', '号']);
    let (m, d) = md
        .split_once('月')
        .or_else(|| md.split_once('-'))
        .or_else(|| md.split_once('/'))?;
    let (m, d) = (m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    let (year, ..) = today.ymd();
    let this_year = Day::from_ymd(year, m, d)?;
    if this_year >= today {
        Some(this_year)
    } else {
        Day::from_ymd(year + 1, m, d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        Day::parse("2026-11-21").unwrap_or(Day(0))
    }

    #[test]
    fn commands_parse_with_phone_punctuation() {
        assert_eq!(parse(" 我的任务 ", today()), Command::MyTasks);
        assert_eq!(
            parse("进度：前海", today()),
            Command::Progress {
                project: "前海".into()
            }
        );
        assert_eq!(
            parse("新建任务 #SZ-08 二层顶板验收 ＠张三 12月3日", today()),
            Command::NewTask {
                title: "二层顶板验收".into(),
                assignee: Some("张三".into()),
                due: Day::parse("2026-12-03"),
                project: Some("SZ-08".into()),
            }
        );
        assert_eq!(parse("新建任务 @张三 明天", today()), Command::Help);
        assert_eq!(parse("进度", today()), Command::Help);
        assert_eq!(parse("你好", today()), Command::Help);
    }

    #[test]
    fn dates_roll_into_next_year_and_bad_ones_stay_words() {
        let t = today();
        assert_eq!(date("1-05", t), Day::parse("2027-01-05"));
        assert_eq!(date("11/21", t), Some(t));
        assert_eq!(date("后天", t), Some(t.plus(2)));
        assert_eq!(date("2月30日", t), None);
        assert_eq!(date("钢筋", t), None);
    }
}
