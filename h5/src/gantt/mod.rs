//! The Gantt chart: [`layout`] turns the API's compact payload into geometry (pure, tested
//! natively); [`view`] draws only the rows in sight as SVG, so 10,000 tasks scroll as
//! smoothly as 100.

pub mod layout;
pub mod view;

pub use view::GanttChart;
