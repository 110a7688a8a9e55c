//! `aws_launch_template`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for launch templates.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_launch_template",
    compared: &["name", "default_version", "latest_version", "tags"],
    // The template data lives in versions, read by the provider path; `update_default_version`
    // is a Terraform-side switch.
    ignored: &["update_default_version", "name_prefix"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
