//! `aws_guardduty_filter`: a detector's saved filters (ListFilters, one GetFilter each);
//! Terraform's ID is `DETECTOR:NAME`. An archiving filter hides findings from everyone who
//! reads them: a change of its action is high. The criteria are read through the provider.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for GuardDuty filters.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_guardduty_filter",
    compared: &[
        "detector_id",
        "name",
        "action",
        "rank",
        "description",
        "tags",
    ],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: |p, _, _| (p.root()? == "action").then_some(Severity::High),
    // A filter nobody reviewed may archive findings as they arrive.
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules {
        keep: &["action", "rank"],
        skip: &[],
        blocks: &["finding_criteria"],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
