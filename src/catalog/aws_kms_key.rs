//! `aws_kms_key`: customer managed keys, listed with ListKeys and, per key, DescribeKey,
//! GetKeyRotationStatus, GetKeyPolicy and ListResourceTags. AWS managed keys are never listed.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for keys.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_kms_key",
    compared: &[
        "description",
        "key_usage",
        "customer_master_key_spec",
        "multi_region",
        "is_enabled",
        "enable_key_rotation",
        "rotation_period_in_days",
        "policy",
        "tags",
    ],
    ignored: &[
        "deletion_window_in_days",
        "bypass_policy_lockout_safety_check",
        "key_id",
    ],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["description", "enable_key_rotation"],
        skip: &[
            "deletion_window_in_days",
            "bypass_policy_lockout_safety_check",
        ],
        blocks: &[],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Who may use the key, whether it rotates, whether it works at all.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(
        path.root()?,
        "policy" | "enable_key_rotation" | "is_enabled"
    )
    .then_some(Severity::High)
}
