//! `aws_sqs_queue_policy` and `aws_sqs_queue_redrive_policy`: a queue's access policy and its
//! dead-letter settings written as resources of their own. Checked against the queue's
//! `policy` / `redrive_policy` as the lister read them (compared as JSON documents); a queue
//! whose document was removed by hand has none, and the resource is missing. (AWS's
//! `redrive_allow_policy` is judged the same on the queue; moto 5.2.5 does not keep it, so it
//! has no type here yet.)

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

const fn rules(
    name: &'static str,
    compared: &'static [&'static str],
    severity: Severity,
    derived: &'static Derived,
) -> TypeRules {
    TypeRules {
        name,
        compared,
        ignored: &[],
        sets: &[],
        maps: &[],
        when_set: &[],
        severity: match severity {
            Severity::High => |_, _, _| Some(Severity::High),
            _ => |_, _, _| None,
        },
        unmanaged: severity,
        derived: Some(derived),
        codify: CodifyRules::NONE,
        security: matches!(severity, Severity::High),
        secret: &[],
        match_id: None,
        state_id_unique: false,
    }
}

/// Rules for queue policies: who may send and read.
pub(super) const RULES: TypeRules = rules(
    "aws_sqs_queue_policy",
    &["queue_url", "policy"],
    Severity::High,
    &POLICY,
);

/// Rules for redrive policies: where failed messages go.
pub(super) const REDRIVE: TypeRules = rules(
    "aws_sqs_queue_redrive_policy",
    &["queue_url", "redrive_policy"],
    Severity::Medium,
    &REDRIVE_POLICY,
);

static POLICY: Derived = Derived {
    parents: &["aws_sqs_queue"],
    parent_id: |r| text(r, "queue_url"),
    derive: |_, queue| document(queue, "policy"),
    children: None,
};

static REDRIVE_POLICY: Derived = Derived {
    parents: &["aws_sqs_queue"],
    parent_id: |r| text(r, "queue_url"),
    derive: |_, queue| document(queue, "redrive_policy"),
    children: None,
};

/// The queue's document `attr`, when it has one.
fn document(queue: &Resource, attr: &str) -> Option<Map<String, Value>> {
    let doc = text(queue, attr)?;
    let mut m = Map::new();
    m.insert("queue_url".into(), Value::String(queue.id.clone()));
    m.insert(attr.into(), Value::String(doc));
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_is_there_while_the_queue_has_it() {
        let mut queue = Resource::live("aws_sqs_queue", "https://q/1/orders", "us-east-1");
        let redrive = r#"{"deadLetterTargetArn":"arn:dlq","maxReceiveCount":5}"#;
        queue
            .attributes
            .make_mut()
            .insert("redrive_policy".into(), json!(redrive));
        let state = Resource::live(REDRIVE.name, "https://q/1/orders", "us-east-1");
        let derive = REDRIVE.derived.unwrap().derive;
        assert_eq!(
            Value::Object(derive(&state, &queue).unwrap()),
            json!({"queue_url": "https://q/1/orders", "redrive_policy": redrive})
        );
        assert!((RULES.derived.unwrap().derive)(&state, &queue).is_none());
    }
}
