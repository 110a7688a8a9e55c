//! `aws_guardduty_publishing_destination`: where a detector exports its findings
//! (ListPublishingDestinations, one DescribePublishingDestination each); Terraform's ID is
//! `DETECTOR:DESTINATION`.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for GuardDuty publishing destinations.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_guardduty_publishing_destination",
    compared: &[
        "detector_id",
        "destination_type",
        "destination_arn",
        "kms_key_arn",
    ],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Findings sent to another bucket, or encrypted with another key.
    severity: |p, _, _| {
        matches!(p.root()?, "destination_arn" | "kms_key_arn").then_some(Severity::High)
    },
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["destination_arn", "kms_key_arn"],
        skip: &[],
        blocks: &[],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
