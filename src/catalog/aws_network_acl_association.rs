//! `aws_network_acl_association`: a subnet put in a network ACL by its own resource. Checked
//! against the ACL's `subnet_ids` as the lister read them. A subnet moved into the ACL by hand
//! is a change of the ACL's `subnet_ids` (those the state's associations manage are taken out
//! of it: `diff::managed`), so it is found once, there.

use serde_json::{Map, Value};

use super::derive::{Derived, member_of, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_network_acl_association`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_network_acl_association",
    compared: &["network_acl_id", "subnet_id"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Which rules a subnet's traffic passes.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    // A default ACL is listed among the others.
    parents: &["aws_network_acl"],
    parent_id: |r| text(r, "network_acl_id"),
    derive,
    children: None,
};

fn derive(state: &Resource, acl: &Resource) -> Option<Map<String, Value>> {
    member_of(state, acl, "network_acl_id", "subnet_id", "subnet_ids")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_association_is_there_while_the_acl_holds_the_subnet() {
        let mut state = Resource::live(RULES.name, "aclassoc-1", "us-east-1");
        *state.attributes.make_mut() = json!({"network_acl_id": "acl-1", "subnet_id": "subnet-2"})
            .as_object()
            .unwrap()
            .clone();
        let mut acl = Resource::live("aws_network_acl", "acl-1", "us-east-1");
        acl.attributes
            .make_mut()
            .insert("subnet_ids".into(), json!(["subnet-1", "subnet-2"]));
        assert_eq!(
            Value::Object(derive(&state, &acl).unwrap()),
            json!({"network_acl_id": "acl-1", "subnet_id": "subnet-2"})
        );
        acl.attributes
            .make_mut()
            .insert("subnet_ids".into(), json!(["subnet-1"]));
        assert!(derive(&state, &acl).is_none());
    }
}
