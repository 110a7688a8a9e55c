//! `aws_cloudwatch_log_metric_filter`: listed with DescribeMetricFilters for every group of a
//! region at once. Terraform's ID is the filter's name, which many groups may share (an
//! `errors` filter per service): the lister names each by its import ID `GROUP:NAME`, and a
//! state object is matched by the same.

use super::derive::text;
use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::{Resource, Severity};

/// Rules for metric filters.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_cloudwatch_log_metric_filter",
    compared: &["name", "log_group_name", "pattern", "metric_transformation"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &[],
        skip: &[],
        blocks: &["metric_transformation"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: Some(listed_id),
    state_id_unique: false,
};

/// The ID the lister gives the filter a state object stands for.
fn listed_id(state: &Resource) -> Option<String> {
    let (group, name) = (text(state, "log_group_name")?, text(state, "name")?);
    Some(format!("{group}:{name}"))
}
