//! The approval engine: templates (a form and a flow), the plan that makes a flow
//! concrete for one submission, and the instance state machine. Pure: no I/O, time
//! passed in; the server loads what the plan needs, persists instances (optimistic
//! versions, so concurrent taps yield one decision) and carries out the effects.

pub mod builtin;
pub mod command;
pub mod flow;
pub mod form;
pub mod initiator;
pub mod instance;

pub use command::{Action, ActionError, CardNote, Effect, Outcome, RejectTo};
pub use flow::{
    ApproverRule, Arm, CmpOp, Condition, Directory, Node, Person, PlanError, PlannedStep,
    RejectDefault, SignMode, StepKind, SubmitContext, Template, TemplateError, Timeout, plan,
};
pub use form::{Field, FieldKind, FormError, FormSchema, FormValues, SchemaError};
pub use initiator::{
    ChosenNode, ChosenRefusal, DEFAULT_CHOSEN_MAX, SelfApproval, SelfApprovalNote,
};
pub use instance::{Entry, EntryKind, Instance, Listed, Seat, SeatState, Status, Step};
