//! `aws_flow_log`: traffic logs of a VPC, subnet, interface or transit gateway.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for flow logs.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_flow_log",
    compared: &[
        "vpc_id",
        "subnet_id",
        "eni_id",
        "transit_gateway_id",
        "transit_gateway_attachment_id",
        "traffic_type",
        "log_destination_type",
        "log_destination",
        "log_group_name",
        "iam_role_arn",
        "deliver_cross_account_role",
        "log_format",
        "max_aggregation_interval",
        "tags",
    ],
    ignored: &["destination_options"],
    sets: &[],
    maps: &["tags"],
    // The logged resource is one of five arguments (the others stay null); the log group is
    // named either by `log_destination` or by the older `log_group_name`.
    when_set: &[
        "vpc_id",
        "subnet_id",
        "eni_id",
        "transit_gateway_id",
        "transit_gateway_attachment_id",
        "log_destination",
        "log_group_name",
        "deliver_cross_account_role",
    ],
    severity,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Logs sent elsewhere, or fewer of them, is an audit question.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(
        path.root()?,
        "log_destination" | "log_group_name" | "traffic_type" | "iam_role_arn"
    )
    .then_some(Severity::High)
}
