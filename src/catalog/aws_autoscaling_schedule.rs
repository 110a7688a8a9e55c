//! `aws_autoscaling_schedule`: listed with DescribeScheduledActions. Terraform's ID is the
//! action's name; one made by hand is named by the import ID `GROUP/NAME`. A size the action
//! leaves alone is `-1`, as the provider records it.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for scheduled actions.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_autoscaling_schedule",
    compared: &[
        "scheduled_action_name",
        "autoscaling_group_name",
        "min_size",
        "max_size",
        "desired_capacity",
        "recurrence",
        "time_zone",
    ],
    // The next run's times move on by themselves for a recurring action.
    ignored: &["start_time", "end_time"],
    sets: &[],
    maps: &[],
    when_set: &["recurrence", "time_zone"],
    severity: |_, _, _| None,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
};
