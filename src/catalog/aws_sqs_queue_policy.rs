//! `aws_sqs_queue_policy`: a queue's access policy written as its own resource. Checked against
//! the queue's `policy` as the lister read it (compared as a policy); a queue whose policy was
//! deleted by hand has none, and this resource is missing.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for queue policies.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_sqs_queue_policy",
    compared: &["queue_url", "policy"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::High,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
};

static DERIVED: Derived = Derived {
    parents: &["aws_sqs_queue"],
    parent_id: |r| text(r, "queue_url"),
    derive,
    children: None,
};

fn derive(_: &Resource, queue: &Resource) -> Option<Map<String, Value>> {
    let policy = text(queue, "policy")?;
    let mut m = Map::new();
    m.insert("queue_url".into(), Value::String(queue.id.clone()));
    m.insert("policy".into(), Value::String(policy));
    Some(m)
}
