//! `aws_lb_target_group_attachment` (and `aws_alb_target_group_attachment`): a target
//! registered in a target group. Checked against the group's targets as the lister read them.
//!
//! Targets registered by hand are not reported: Auto Scaling groups, ECS services and EKS
//! register theirs the same way, and provider 5 cannot import an attachment.

use serde_json::{Map, Value};

use super::derive::{Derived, number, text};
use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::{Resource, Severity};

/// Rules for target group attachments.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lb_target_group_attachment",
    compared: &["target_group_arn", "target_id", "port"],
    ignored: &["availability_zone"],
    sets: &[],
    maps: &[],
    when_set: &["port"],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// `aws_alb_target_group_attachment`: the same resource under its older name.
pub(super) const ALB: TypeRules = TypeRules {
    name: "aws_alb_target_group_attachment",
    ..RULES
};

static DERIVED: Derived = Derived {
    parents: &["aws_lb_target_group"],
    parent_id: |r| text(r, "target_group_arn"),
    derive,
    children: None,
};

/// The registration of the state's target (on the state's port, when it names one).
fn derive(state: &Resource, group: &Resource) -> Option<Map<String, Value>> {
    let target = text(state, "target_id")?;
    let port = number(state, "port").filter(|p| *p != 0);
    let targets = group.attributes.get("_targets")?;
    let found = targets.as_array()?.iter().find(|t| {
        t["target_id"].as_str() == Some(target.as_str())
            && port.is_none_or(|p| t["port"].as_i64() == Some(p))
    })?;
    let mut m = Map::new();
    m.insert("target_group_arn".into(), Value::String(group.id.clone()));
    m.insert("target_id".into(), Value::String(target));
    if port.is_some() {
        m.insert("port".into(), found["port"].clone());
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(rtype: &str, id: &str, attrs: Value) -> Resource {
        let mut r = Resource::live(rtype, id, "us-east-1");
        *r.attributes.make_mut() = attrs.as_object().unwrap().clone();
        r
    }

    #[test]
    fn an_attachment_is_there_while_its_target_is_registered_on_its_port() {
        let group = resource(
            "aws_lb_target_group",
            "arn:tg",
            json!({"_targets": [{"target_id": "i-1", "port": 80}]}),
        );
        let on = |port: Value| {
            let a = resource(
                RULES.name,
                "arn:tg-1",
                json!({"target_group_arn": "arn:tg", "target_id": "i-1", "port": port}),
            );
            derive(&a, &group)
        };
        assert!(on(json!(80)).is_some());
        assert!(on(Value::Null).is_some());
        assert!(on(json!(8080)).is_none());
    }
}
