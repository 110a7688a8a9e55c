//! `aws_iam_user_group_membership`: some of a user's groups (not exclusive: groups the user is
//! in besides these are not its business). Checked against the user as listed, whose groups
//! the lister keeps aside as `_groups`.

use serde_json::{Map, Value, json};

use super::derive::{Derived, text, texts};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_iam_user_group_membership`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_user_group_membership",
    compared: &["user", "groups"],
    ignored: &[],
    sets: &["groups"],
    maps: &[],
    when_set: &[],
    // Group membership is permission.
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
    parents: &["aws_iam_user"],
    parent_id: |r| text(r, "user"),
    derive,
    children: None,
};

/// The state's groups the user is still in. None left is a change to no groups, not a missing
/// membership: the provider keeps it in the state with an empty set (the `edges` scenario
/// checks this on every path).
fn derive(s: &Resource, user: &Resource) -> Option<Map<String, Value>> {
    let live = texts(user, "_groups");
    let kept: Vec<String> = texts(s, "groups")
        .into_iter()
        .filter(|g| live.contains(g))
        .collect();
    let mut m = Map::new();
    m.insert("user".into(), json!(user.id));
    m.insert("groups".into(), json!(kept));
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(rtype: &str, id: &str, attrs: Value) -> Resource {
        let mut r = Resource::live(rtype, id, "");
        r.attributes = attrs.as_object().unwrap().clone().into();
        r
    }

    #[test]
    fn groups_left_are_compared_and_none_left_is_still_a_change() {
        let s = res(
            "aws_iam_user_group_membership",
            "m",
            json!({"user": "alice", "groups": ["a", "b"]}),
        );
        let user = |groups: Value| res("aws_iam_user", "alice", json!({"_groups": groups}));
        let one = derive(&s, &user(json!(["b", "c"]))).unwrap();
        assert_eq!(one["groups"], json!(["b"]));
        let none = derive(&s, &user(json!(["c"]))).unwrap();
        assert_eq!(none["groups"], json!([]));
    }
}
