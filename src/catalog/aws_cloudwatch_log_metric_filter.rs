//! `aws_cloudwatch_log_metric_filter`: listed with DescribeMetricFilters for every group of a
//! region at once. Terraform's ID is the filter's name; it imports one as `GROUP:NAME`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

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
    match_id: None,
};
