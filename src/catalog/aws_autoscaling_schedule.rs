//! `aws_autoscaling_schedule`: listed with DescribeScheduledActions. Terraform's ID is the
//! action's name, which many groups may share (a `nightly` action each): the lister names each
//! by its import ID `GROUP/NAME`, and a state object is matched by the same. A size the action
//! leaves alone is `-1`, as the provider records it.

use super::derive::text;
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

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
    match_id: Some(listed_id),
    state_id_unique: false,
};

/// The ID the lister gives the action a state object stands for.
fn listed_id(state: &Resource) -> Option<String> {
    let group = text(state, "autoscaling_group_name")?;
    let name = text(state, "scheduled_action_name")?;
    Some(format!("{group}/{name}"))
}
