//! `aws_guardduty_organization_configuration`: what a delegated administrator's detector
//! enables for the organization's accounts (DescribeOrganizationConfiguration); Terraform's
//! ID is the detector's. A setting every administrator's detector has: never unmanaged.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for GuardDuty organization configurations.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_guardduty_organization_configuration",
    compared: &["detector_id", "auto_enable_organization_members"],
    // `auto_enable` is the deprecated form of the members setting (reported once, there);
    // the protection plans are `datasources`, read through the provider.
    ignored: &["auto_enable", "datasources"],
    sets: &[],
    maps: &[],
    when_set: &[],
    // New accounts no longer enrolled in threat detection.
    severity: |p, _, _| (p.root()? == "auto_enable_organization_members").then_some(Severity::High),
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
