//! `aws_guardduty_organization_admin_account`: the organization's delegated GuardDuty
//! administrator, as its management account lists it (ListOrganizationAdminAccounts, enabled
//! ones); Terraform's ID is the administrator's account ID.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for GuardDuty's delegated administrator.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_guardduty_organization_admin_account",
    compared: &["admin_account_id"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| None,
    // The account that sees every member's findings.
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
