//! `aws_guardduty_member`: the member accounts of each listed detector (ListMembers, invited or
//! not); Terraform's ID is `DETECTOR:ACCOUNT`.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for GuardDuty member accounts.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_guardduty_member",
    compared: &["account_id", "detector_id", "email"],
    // Terraform's own arguments (whether to invite, the message), and where the invitation
    // stands, which the member account decides.
    ignored: &[
        "invite",
        "invitation_message",
        "disable_email_notification",
        "relationship_status",
    ],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| None,
    // An account whose findings flow to this one is a question of who sees what.
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["account_id", "detector_id", "email"],
        skip: &["relationship_status"],
        blocks: &[],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
