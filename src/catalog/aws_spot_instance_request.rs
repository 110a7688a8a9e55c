//! `aws_spot_instance_request`: the request, not the instance it launched (that instance is the
//! request's own, never unmanaged: `diff::managed`).

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for spot instance requests.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_spot_instance_request",
    // The state also holds the launched instance's attributes, as `aws_instance` would; the
    // request lists only the launch specification, so those are left to the other paths.
    compared: &[
        "spot_instance_id",
        "spot_type",
        "spot_price",
        "instance_interruption_behavior",
        "tags",
    ],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    // An empty price means "up to the on-demand price".
    when_set: &["spot_price", "instance_interruption_behavior"],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
