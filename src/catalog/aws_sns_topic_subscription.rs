//! `aws_sns_topic_subscription`: listed with ListSubscriptions, and one
//! GetSubscriptionAttributes per subscription. A subscription made by hand receives a copy of
//! every message of its topic: reported as unmanaged with high severity.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for subscriptions.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_sns_topic_subscription",
    compared: &[
        "topic_arn",
        "protocol",
        "endpoint",
        "raw_message_delivery",
        "filter_policy",
        "filter_policy_scope",
        "delivery_policy",
        "redrive_policy",
        "subscription_role_arn",
        "replay_policy",
    ],
    ignored: &[
        "owner_id",
        "pending_confirmation",
        "confirmation_was_authenticated",
        // Arguments of the create call, never read back.
        "confirmation_timeout_in_minutes",
        "endpoint_auto_confirms",
    ],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Where the messages go.
    severity: |path, _, _| {
        matches!(path.root()?, "endpoint" | "topic_arn" | "protocol").then_some(Severity::High)
    },
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
};
