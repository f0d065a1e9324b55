//! Ledger values as the API names them; exhaustive both ways, so a new domain variant
//! fails to compile here until the wire has a name for it.

use domain::access::ProjectRole;
use domain::ledger::ContractStatus;
use domain::project::ProjectStatus;

/// A project role on the wire.
pub fn role(r: ProjectRole) -> api::ProjectRole {
    match r {
        ProjectRole::Manager => api::ProjectRole::Manager,
        ProjectRole::Engineer => api::ProjectRole::Engineer,
        ProjectRole::Safety => api::ProjectRole::Safety,
        ProjectRole::Quality => api::ProjectRole::Quality,
        ProjectRole::Foreman => api::ProjectRole::Foreman,
        ProjectRole::Supervisor => api::ProjectRole::Supervisor,
        ProjectRole::ReadOnly => api::ProjectRole::ReadOnly,
    }
}

/// The domain role for a wire role.
pub fn role_of(r: api::ProjectRole) -> ProjectRole {
    match r {
        api::ProjectRole::Manager => ProjectRole::Manager,
        api::ProjectRole::Engineer => ProjectRole::Engineer,
        api::ProjectRole::Safety => ProjectRole::Safety,
        api::ProjectRole::Quality => ProjectRole::Quality,
        api::ProjectRole::Foreman => ProjectRole::Foreman,
        api::ProjectRole::Supervisor => ProjectRole::Supervisor,
        api::ProjectRole::ReadOnly => ProjectRole::ReadOnly,
    }
}

/// A project status on the wire.
pub fn status(s: ProjectStatus) -> api::ProjectStatus {
    match s {
        ProjectStatus::Initiated => api::ProjectStatus::Initiated,
        ProjectStatus::Active => api::ProjectStatus::Active,
        ProjectStatus::Suspended => api::ProjectStatus::Suspended,
        ProjectStatus::Completed => api::ProjectStatus::Completed,
        ProjectStatus::Archived => api::ProjectStatus::Archived,
    }
}

/// A contract status on the wire.
pub fn contract_status(s: ContractStatus) -> api::ContractStatus {
    match s {
        ContractStatus::Negotiating => api::ContractStatus::Negotiating,
        ContractStatus::Signed => api::ContractStatus::Signed,
        ContractStatus::Performing => api::ContractStatus::Performing,
        ContractStatus::Settled => api::ContractStatus::Settled,
        ContractStatus::Terminated => api::ContractStatus::Terminated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_and_wire_use_the_same_names_and_labels() {
        for r in ProjectRole::ALL {
            assert_eq!((role(r).code(), role(r).label()), (r.code(), r.label()));
            assert_eq!(role_of(role(r)), r);
        }
        for s in ProjectStatus::ALL {
            assert_eq!((status(s).code(), status(s).label()), (s.code(), s.label()));
        }
        for s in ContractStatus::ALL {
            let wire = contract_status(s);
            assert_eq!((wire.code(), wire.label()), (s.code(), s.label()));
        }
    }
}
