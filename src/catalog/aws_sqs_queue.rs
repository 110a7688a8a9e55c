//! `aws_sqs_queue`: listed with ListQueues, and one GetQueueAttributes and one ListQueueTags
//! per queue. Its `policy`, `redrive_policy` and `redrive_allow_policy` are judged on the
//! resources that set them when the state has those (`diff::managed`).

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for queues.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_sqs_queue",
    compared: &[
        "name",
        "delay_seconds",
        "max_message_size",
        "message_retention_seconds",
        "receive_wait_time_seconds",
        "visibility_timeout_seconds",
        "fifo_queue",
        "content_based_deduplication",
        "sqs_managed_sse_enabled",
        "kms_master_key_id",
        "kms_data_key_reuse_period_seconds",
        "policy",
        "redrive_policy",
        "redrive_allow_policy",
        "tags",
    ],
    ignored: &[
        "name_prefix",
        "url",
        "deduplication_scope",
        "fifo_throughput_limit",
    ],
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

/// Who may send and read, and whether messages are encrypted.
pub(super) fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(
        path.root()?,
        "policy" | "kms_master_key_id" | "sqs_managed_sse_enabled"
    )
    .then_some(Severity::High)
}
