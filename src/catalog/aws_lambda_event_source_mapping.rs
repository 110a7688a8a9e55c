//! `aws_lambda_event_source_mapping`: listed with ListEventSourceMappings. Terraform's ID and
//! import ID are the mapping's UUID.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for event source mappings.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lambda_event_source_mapping",
    compared: &[
        "function_arn",
        "event_source_arn",
        "batch_size",
        "maximum_batching_window_in_seconds",
        "starting_position",
        "enabled",
        "function_response_types",
    ],
    // `function_name` is what the configuration wrote (a name or an ARN): `function_arn` is
    // the function it resolved to.
    ignored: &[
        "function_name",
        "last_modified",
        "last_processing_result",
        "state",
    ],
    sets: &["function_response_types"],
    maps: &[],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
