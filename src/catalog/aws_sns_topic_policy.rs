//! `aws_sns_topic_policy`: a topic's access policy written as a resource of its own. Checked
//! against the topic's `policy` as the lister read it (compared as a JSON document). SNS
//! always has a policy on a topic (a default one when nobody set it), so a policy removed by
//! hand reads as that default, a change.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for topic policies: who may publish and subscribe.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_sns_topic_policy",
    compared: &["arn", "policy"],
    ignored: &["owner"],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::High,
    derived: Some(&POLICY),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static POLICY: Derived = Derived {
    parents: &["aws_sns_topic"],
    parent_id: |r| text(r, "arn"),
    derive: |_, topic| {
        let policy = text(topic, "policy")?;
        let mut m = Map::new();
        m.insert("arn".into(), Value::String(topic.id.clone()));
        m.insert("policy".into(), Value::String(policy));
        Some(m)
    },
    children: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Resource;
    use serde_json::json;

    #[test]
    fn the_policy_is_the_topics() {
        let arn = "arn:aws:sns:eu-west-1:1:events";
        let mut topic = Resource::live("aws_sns_topic", arn, "eu-west-1");
        topic
            .attributes
            .make_mut()
            .insert("policy".into(), json!("{\"Statement\":[]}"));
        let state = Resource::live(RULES.name, arn, "eu-west-1");
        assert_eq!(
            Value::Object((POLICY.derive)(&state, &topic).unwrap()),
            json!({"arn": arn, "policy": "{\"Statement\":[]}"})
        );
    }
}
