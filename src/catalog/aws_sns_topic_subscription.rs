//! `aws_sns_topic_subscription`: listed with ListSubscriptions, and one
//! GetSubscriptionAttributes per subscription. A subscription made by hand receives a copy of
//! every message of its topic: reported as unmanaged with high severity.
//!
//! One waiting for its confirmation (an email address, an HTTPS endpoint that has not
//! answered) is listed without its ARN, though Terraform has it in the state: the lister names
//! it by topic, protocol and endpoint instead ([`pending_id`]), and a state object whose
//! `pending_confirmation` is true is looked for under that name first, then under its ARN (it
//! may have been confirmed since the state was written). Its `endpoint` is shown redacted: an
//! HTTPS endpoint may carry a password.

use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

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
    secret: &["endpoint"],
    match_id: Some(while_pending),
    // An ARN: never another subscription's listed name.
    state_id_unique: true,
};

/// The name the lister gives a subscription that has no ARN yet.
pub fn pending_id(topic_arn: &str, protocol: &str, endpoint: &str) -> String {
    format!("PendingConfirmation:{topic_arn}|{protocol}|{endpoint}")
}

/// The pending name of a state object Terraform recorded as waiting for its confirmation.
fn while_pending(r: &Resource) -> Option<String> {
    let a = r.attributes.members();
    let pending = a.get("pending_confirmation")?;
    if pending.as_bool() != Some(true) {
        return None;
    }
    let text = |k: &str| a.get(k).and_then(|v| v.as_str().map(String::from));
    Some(pending_id(
        &text("topic_arn")?,
        &text("protocol")?,
        &text("endpoint")?,
    ))
}
