//! Schedule values as the API names them; exhaustive both ways, so a new domain variant
//! fails to compile here until the wire has a name for it.

use domain::schedule::LinkKind;
use domain::task::TaskStatus;

/// A task's status on the wire.
pub fn status(s: TaskStatus) -> api::TaskStatus {
    match s {
        TaskStatus::Todo => api::TaskStatus::Todo,
        TaskStatus::Doing => api::TaskStatus::Doing,
        TaskStatus::Done => api::TaskStatus::Done,
        TaskStatus::Paused => api::TaskStatus::Paused,
    }
}

/// The domain status for a wire status.
pub fn status_of(s: api::TaskStatus) -> TaskStatus {
    match s {
        api::TaskStatus::Todo => TaskStatus::Todo,
        api::TaskStatus::Doing => TaskStatus::Doing,
        api::TaskStatus::Done => TaskStatus::Done,
        api::TaskStatus::Paused => TaskStatus::Paused,
    }
}

/// A link's kind on the wire.
pub fn link_kind(k: LinkKind) -> api::LinkKind {
    match k {
        LinkKind::FinishStart => api::LinkKind::FinishStart,
        LinkKind::StartStart => api::LinkKind::StartStart,
        LinkKind::FinishFinish => api::LinkKind::FinishFinish,
        LinkKind::StartFinish => api::LinkKind::StartFinish,
    }
}

/// The domain kind for a wire kind.
pub fn link_kind_of(k: api::LinkKind) -> LinkKind {
    match k {
        api::LinkKind::FinishStart => LinkKind::FinishStart,
        api::LinkKind::StartStart => LinkKind::StartStart,
        api::LinkKind::FinishFinish => LinkKind::FinishFinish,
        api::LinkKind::StartFinish => LinkKind::StartFinish,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_and_wire_use_the_same_names() {
        for s in TaskStatus::ALL {
            assert_eq!(status(s).code(), s.code());
            assert_eq!(status(s).label(), s.label());
            assert_eq!(status_of(status(s)), s);
        }
        for k in api::LinkKind::ALL.iter().copied() {
            assert_eq!(link_kind_of(k).code(), k.code());
            assert_eq!(link_kind(link_kind_of(k)), k);
        }
    }
}
