//! `aws_ebs_snapshot`: a snapshot the account owns. Snapshots AWS makes on a schedule (Data
//! Lifecycle Manager, AWS Backup: `aws:` tags) and those an image made for itself are never
//! unmanaged.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for EBS snapshots.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ebs_snapshot",
    compared: &[
        "volume_id",
        "description",
        "encrypted",
        "kms_key_id",
        "volume_size",
        "storage_tier",
        "outpost_arn",
        "owner_id",
        "tags",
    ],
    // Restore requests, not properties of the snapshot.
    ignored: &["permanent_restore", "temporary_restore_days"],
    sets: &[],
    maps: &["tags"],
    when_set: &["kms_key_id", "outpost_arn"],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
