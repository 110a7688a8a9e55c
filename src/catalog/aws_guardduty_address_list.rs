//! `aws_guardduty_ipset` (the addresses GuardDuty trusts: no findings are raised for them) and
//! `aws_guardduty_threatintelset` (the addresses it raises findings for): one shape, listed by
//! ID for each detector with one Get call each; Terraform's ID is `DETECTOR:ID`, `activate`
//! the list's status.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

const fn rules(name: &'static str, unmanaged: Severity) -> TypeRules {
    TypeRules {
        name,
        compared: &[
            "detector_id",
            "name",
            "format",
            "location",
            "activate",
            "tags",
        ],
        ignored: &[],
        sets: &[],
        maps: &["tags"],
        when_set: &[],
        // What GuardDuty reads the list from decides what it sees.
        severity: |p, _, _| matches!(p.root()?, "location" | "activate").then_some(Severity::High),
        unmanaged,
        derived: None,
        codify: CodifyRules {
            keep: &["activate", "format", "location", "name"],
            skip: &[],
            blocks: &[],
            only_when_true: &[],
        },
        security: true,
        secret: &[],
        match_id: None,
        state_id_unique: false,
    }
}

/// Rules for trusted IP lists: one nobody reviewed silences findings.
pub(super) const IPSET: TypeRules = rules("aws_guardduty_ipset", Severity::High);
/// Rules for threat lists.
pub(super) const THREATINTELSET: TypeRules =
    rules("aws_guardduty_threatintelset", Severity::Medium);
