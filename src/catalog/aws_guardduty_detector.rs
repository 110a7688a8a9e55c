//! `aws_guardduty_detector`: the region's detector (ListDetectors), read with GetDetector.
//! `enable` is the detector's status; the protection plans (`datasources`, features) are
//! `aws_guardduty_detector_feature`'s business and read through the provider.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for GuardDuty detectors.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_guardduty_detector",
    compared: &["enable", "finding_publishing_frequency", "tags"],
    ignored: &["datasources"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    // Threat detection switched off is a security finding in itself.
    severity: |p, _, live| {
        (p.root()? == "enable" && live == &serde_json::Value::Bool(false)).then_some(Severity::High)
    },
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["enable", "finding_publishing_frequency"],
        skip: &["datasources"],
        blocks: &[],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
