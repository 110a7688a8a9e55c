//! `aws_ebs_volume`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for EBS volumes.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ebs_volume",
    compared: &[
        "availability_zone",
        "size",
        "type",
        "iops",
        "throughput",
        "encrypted",
        "kms_key_id",
        "snapshot_id",
        "multi_attach_enabled",
        "tags",
    ],
    ignored: &["final_snapshot", "volume_initialization_rate"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["size", "type"],
        skip: &[
            "final_snapshot",
            "multi_attach_enabled",
            "snapshot_id",
            "iops",
            "throughput",
        ],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
