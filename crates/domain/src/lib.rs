//! Gantry's entities and rules, with no I/O.
//!
//! Nothing here is async or touches a database, the network or the system clock
//! directly: time comes in through [`clock::Clock`], so rules and the workers that apply
//! them can be tested with a [`clock::ManualClock`].
//!
//! - [`clock`]: wall-clock time as unix milliseconds, real or manual.
//! - [`org`]: the WeCom directory mirror (departments, members, tags).
//! - [`access`]: who may do what.
//! - [`project`]: projects and project roles.
//! - [`ledger`]: the project ledger (项目台账) and its rules.
//! - [`approval`]: approval templates, plans and the instance state machine.
//! - [`chat`]: commands members text to the app.
//! - [`calendar`]: calendar days in China Standard Time.
//! - [`schedule`]: critical path, forecast and lag of a project's tasks.
//! - [`task`]: tasks of a project's schedule.
//! - [`reminders`]: who is reminded of which task, and what goes to the PM.

pub mod access;
pub mod approval;
pub mod calendar;
pub mod chat;
pub mod clock;
pub mod ledger;
pub mod org;
pub mod project;
pub mod reminders;
pub mod schedule;
pub mod task;
