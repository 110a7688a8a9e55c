//! `aws_sns_topic`: listed with ListTopics, and one GetTopicAttributes and one
//! ListTagsForResource per topic. Its `policy` is judged on `aws_sns_topic_policy` when the
//! state has one for the topic (`diff::managed`): Terraform keeps the topic's first policy in
//! the topic's state after the policy resource replaced it, and reports that as a change on
//! every refresh; this tool does not.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for topics.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_sns_topic",
    compared: &[
        "name",
        "display_name",
        "policy",
        "delivery_policy",
        "kms_master_key_id",
        "fifo_topic",
        "content_based_deduplication",
        "signature_version",
        "tracing_config",
        "archive_policy",
        "fifo_throughput_scope",
        "application_success_feedback_role_arn",
        "application_failure_feedback_role_arn",
        "application_success_feedback_sample_rate",
        "firehose_success_feedback_role_arn",
        "firehose_failure_feedback_role_arn",
        "firehose_success_feedback_sample_rate",
        "http_success_feedback_role_arn",
        "http_failure_feedback_role_arn",
        "http_success_feedback_sample_rate",
        "lambda_success_feedback_role_arn",
        "lambda_failure_feedback_role_arn",
        "lambda_success_feedback_sample_rate",
        "sqs_success_feedback_role_arn",
        "sqs_failure_feedback_role_arn",
        "sqs_success_feedback_sample_rate",
        "tags",
    ],
    ignored: &["name_prefix", "owner", "beginning_archive_time"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["name"],
        skip: &["name_prefix"],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Who may publish and subscribe, and whether messages are encrypted.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(path.root()?, "policy" | "kms_master_key_id").then_some(Severity::High)
}
