//! `aws_autoscaling_attachment`: a target group (or a classic load balancer) an Auto Scaling
//! group registers its instances in. Checked against the group's `target_group_arns` and
//! `load_balancers` as the lister read them. One attached by hand is a change of the group's
//! list (those the state's attachments manage are taken out of it: `diff::managed`), so it
//! is found once, there.

use serde_json::{Map, Value};

use super::derive::{Derived, text, texts};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_autoscaling_attachment`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_autoscaling_attachment",
    compared: &["autoscaling_group_name", "lb_target_group_arn", "elb"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &["lb_target_group_arn", "elb"],
    // Which traffic reaches the group's instances.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_autoscaling_group"],
    parent_id: |r| text(r, "autoscaling_group_name"),
    derive,
    children: None,
};

fn derive(state: &Resource, group: &Resource) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    m.insert(
        "autoscaling_group_name".into(),
        Value::String(group.id.clone()),
    );
    for (attr, list) in [
        ("lb_target_group_arn", "target_group_arns"),
        ("elb", "load_balancers"),
    ] {
        if let Some(value) = text(state, attr) {
            if !texts(group, list).contains(&value) {
                return None;
            }
            m.insert(attr.into(), Value::String(value));
        }
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_attachment_is_there_while_the_group_lists_the_target() {
        let mut state = Resource::live(RULES.name, "workers-2024", "us-east-1");
        *state.attributes.make_mut() =
            json!({"autoscaling_group_name": "workers", "lb_target_group_arn": "arn:tg/2"})
                .as_object()
                .unwrap()
                .clone();
        let mut group = Resource::live("aws_autoscaling_group", "workers", "us-east-1");
        let lists = group.attributes.make_mut();
        lists.insert("target_group_arns".into(), json!(["arn:tg/1", "arn:tg/2"]));
        lists.insert("load_balancers".into(), json!([]));
        assert_eq!(
            Value::Object(derive(&state, &group).unwrap()),
            json!({"autoscaling_group_name": "workers", "lb_target_group_arn": "arn:tg/2"})
        );
        group
            .attributes
            .make_mut()
            .insert("target_group_arns".into(), json!(["arn:tg/1"]));
        assert!(derive(&state, &group).is_none());
    }
}
