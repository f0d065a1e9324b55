//! The 工作台's first screen rendered into the page by the server: a signed-in member sees
//! their counts as soon as the HTML arrives (one round trip on a 3G link), before the wasm
//! app (~230 KB) has loaded and takes over.

use domain::calendar::Day;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Where the page's placeholder for it starts and ends.
pub const START: &str = "<!--first-screen-->";
/// See [`START`].
pub const END: &str = "<!--/first-screen-->";

/// The four counts of 工作台, as the app computes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// 待我审批.
    pub pending: i64,
    /// 我的任务.
    pub mine: usize,
    /// 已逾期.
    pub overdue: usize,
    /// 今日到期.
    pub due_today: usize,
}

/// The member's counts now.
pub async fn counts(state: &AppState, user: &CurrentUser) -> Result<Counts, ApiError> {
    let approvals = state.store.approvals().counts(user.userid()).await?;
    let views = crate::tasks::service::open_views(state, user.userid()).await?;
    let today = Day::of_ms(state.clock.now_ms()).to_string();
    Ok(Counts {
        pending: approvals.pending,
        mine: views.len(),
        overdue: views.iter().filter(|t| t.overdue_days > 0).count(),
        due_today: views.iter().filter(|t| t.due_on(&today)).count(),
    })
}

/// The first screen's HTML for `name` with `counts`.
pub fn html(name: &str, counts: Counts) -> String {
    let stat = |value: String, label: &str, warn: bool| {
        let class = if warn { "stat warn" } else { "stat" };
        format!("<span class=\"{class}\"><b>{value}</b><span>{label}</span></span>")
    };
    format!(
        "<p class=\"greeting\">{}，你好</p><div class=\"stats\">{}{}{}{}</div>\
         <script>performance.mark(\"gantry:first-screen\")</script>",
        escape(name),
        stat(counts.pending.to_string(), "待我审批", false),
        stat(counts.mine.to_string(), "我的任务", false),
        stat(counts.overdue.to_string(), "已逾期", true),
        stat(counts.due_today.to_string(), "今日到期", false),
    )
}

/// `page` with its first-screen placeholder replaced by `screen` (unchanged without one).
pub fn fill(page: &str, screen: &str) -> String {
    match (page.find(START), page.find(END)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{screen}{}", &page[..start], &page[end + END.len()..])
        }
        _ => page.to_owned(),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placeholder_is_replaced_and_names_are_escaped() {
        let page = "<main><!--first-screen--><i>…</i><!--/first-screen--></main>";
        let counts = Counts {
            pending: 2,
            mine: 5,
            overdue: 1,
            due_today: 0,
        };
        let screen = html("<b>王</b>", counts);
        let filled = fill(page, &screen);
        assert!(filled.starts_with("<main><p class=\"greeting\">&lt;b&gt;王&lt;/b&gt;，你好"));
        assert!(filled.contains("<b>2</b><span>待我审批</span>"));
        assert!(filled.contains("stat warn\"><b>1</b>"));
        assert!(filled.ends_with("</main>"));
        assert!(!filled.contains("…"));
        assert_eq!(fill("<main></main>", &screen), "<main></main>");
    }
}
