//! The Gantt drawn as SVG: grid, baseline ghosts, bars with progress, critical path in red,
//! milestones as diamonds, dependencies, and today's line. Only rows in sight are in the DOM.

use std::rc::Rc;

use api::Gantt;
use yew::prelude::*;

use super::layout::{BAR, CRITICAL, Layout, MILESTONE, OVERDUE, ROW, SUMMARY, Zoom, px};

/// Props of [`GanttChart`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The payload from `/projects/{id}/gantt`.
    pub gantt: Rc<Gantt>,
}

/// The chart with its zoom switch.
#[function_component(GanttChart)]
pub fn gantt_chart(props: &Props) -> Html {
    let zoom = use_state(|| Zoom::Week);
    let scroll = use_state(|| (0.0_f64, 600.0_f64));
    let container = use_node_ref();
    let layout = {
        let gantt = Rc::clone(&props.gantt);
        use_memo((Rc::clone(&gantt), *zoom), move |(g, z)| Layout::new(g, *z))
    };
    {
        // Opens scrolled to today, so a long schedule starts where work is now.
        let (container, today_x) = (container.clone(), layout.today_x);
        use_effect_with(*zoom, move |_| {
            if let Some(el) = container.cast::<web_sys::Element>() {
                let left = (today_x - f64::from(el.client_width()) / 3.0).max(0.0);
                el.set_scroll_left(left as i32);
            }
        });
    }
    use_effect_with(Rc::clone(&props.gantt), |_| {
        crate::pages::mark("gantry:gantt")
    });
    let onscroll = {
        let (container, scroll) = (container.clone(), scroll.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = container.cast::<web_sys::Element>() {
                let next = (f64::from(el.scroll_top()), f64::from(el.client_height()));
                // Re-render only when the drawn row window would move.
                if ((next.0 - scroll.0) / ROW).abs() >= 1.0 || next.1 != scroll.1 {
                    scroll.set(next);
                }
            }
        })
    };
    let g = &props.gantt;
    let (first, last) = layout.visible(g.bars.len(), scroll.0, scroll.1);
    let zooms = [(Zoom::Day, "日"), (Zoom::Week, "周"), (Zoom::Month, "月")].map(|(z, label)| {
        let zoom = zoom.clone();
        let class = if *zoom == z { "seg active" } else { "seg" };
        html! { <button {class} data-zoom={label} onclick={Callback::from(move |_| zoom.set(z))}>{label}</button> }
    });
    let grid_days = layout.zoom.grid_days();
    let first_grid = layout.first_day - layout.first_day.rem_euclid(grid_days);
    let grid = (0..)
        .map(|n| first_grid + n * grid_days)
        .take_while(|d| layout.x(*d) < layout.width)
        .map(|d| {
            let x = layout.x(d);
            html! { <line class="grid" x1={px(x).to_string()} x2={px(x).to_string()} y1="0" y2={px(layout.height).to_string()} /> }
        });
    let rows = (first..last).map(|i| {
        let p = layout.place(g, i);
        let bar = &g.bars[i];
        let top = p.y + (ROW - BAR) / 2.0;
        let mut class = classes!("bar");
        if bar.f & CRITICAL != 0 { class.push("critical"); }
        if bar.f & SUMMARY != 0 { class.push("summary"); }
        if bar.f & OVERDUE != 0 { class.push("overdue"); }
        let baseline = p.baseline.map(|(x, w)| html! {
            <rect class="baseline" x={px(x).to_string()} y={px(top + BAR - 4.0).to_string()} width={px(w).to_string()} height="6" rx="2" />
        });
        let shape = if bar.f & MILESTONE != 0 {
            let (cx, cy, r) = (p.x, top + BAR / 2.0, BAR / 2.0);
            html! { <path class={classes!(class, "milestone")} d={format!("M{},{}l{r},{r}l-{r},{r}l-{r},-{r}z", px(cx), px(cy - r), r = px(r))} /> }
        } else {
            let done = p.width * f64::from(bar.pr.min(100)) / 100.0;
            html! {
                <>
                    <rect class={class} x={px(p.x).to_string()} y={px(top).to_string()} width={px(p.width).to_string()} height={px(BAR).to_string()} rx="3" />
                    <rect class="done" x={px(p.x).to_string()} y={px(top).to_string()} width={px(done).to_string()} height={px(BAR).to_string()} rx="3" />
                </>
            }
        };
        let label_x = p.x + p.width.max(BAR) + 4.0;
        html! {
            <g key={bar.id} data-id={bar.id.to_string()} data-critical={(bar.f & CRITICAL != 0).to_string()}>
                <title>{format!("{}（{} 天，浮动 {} 天）", bar.t, bar.d, bar.fl)}</title>
                { for baseline }
                { shape }
                <text x={px(label_x).to_string()} y={px(top + BAR - 4.0).to_string()}>{&bar.t}</text>
            </g>
        }
    });
    let arrows = layout.arrows(g, first, last).into_iter().map(|a| {
        let class = if a.critical { "link critical" } else { "link" };
        html! { <path {class} d={a.path} marker-end="url(#arrow)" /> }
    });
    html! {
        <div class="gantt">
            <div class="segments gantt-zoom">{ for zooms }</div>
            <div class="gantt-scroll" ref={container} {onscroll}>
                <svg id="gantt-svg" width={px(layout.width).to_string()} height={px(layout.height.max(ROW)).to_string()}
                    data-rows={g.bars.len().to_string()} data-drawn={(last - first).to_string()}>
                    <defs>
                        <marker id="arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto">
                            <path d="M0,0L6,3L0,6z" />
                        </marker>
                    </defs>
                    { for grid }
                    { for arrows }
                    { for rows }
                    <line class="today" x1={px(layout.today_x).to_string()} x2={px(layout.today_x).to_string()} y1="0" y2={px(layout.height).to_string()} />
                </svg>
            </div>
            <p class="legend meta">
                <span class="key critical"></span>{"关键路径 "}
                <span class="key baseline"></span>{"基线 "}
                <span class="key today"></span>{"今天"}
            </p>
        </div>
    }
}
