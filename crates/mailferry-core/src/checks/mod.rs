//! Configuration checks (docs/microsoft-contract.md): does this connection really work?

mod mail_access;
mod permissions;
mod run;
mod scope;
mod service;

pub use crate::model::checks::{CheckEvent, CheckId, CheckReport, CheckResult, CheckRun, CheckStatus};
pub use permissions::{compare_roles, RoleComparison};
pub use run::{expiry_result, run_checks, CheckSubject, EXPIRY_WARNING_DAYS};
pub use service::CheckService;
