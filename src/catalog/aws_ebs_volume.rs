//! `aws_ebs_volume`.

use super::{TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for EBS volumes.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ebs_volume",
    ignored: &["final_snapshot", "volume_initialization_rate"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
};
