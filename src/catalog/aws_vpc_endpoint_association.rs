//! `aws_vpc_endpoint_subnet_association` and `aws_vpc_endpoint_security_group_association`: a
//! subnet or a security group an interface endpoint is given by a resource of its own. Checked
//! against the endpoint's `subnet_ids` / `security_group_ids` as the lister read them. One
//! added by hand is a change of the endpoint's list (those the state's associations manage
//! are taken out of it: `diff::managed`), so it is found once, there.

use super::derive::{Derived, member_of, text};
use super::{CodifyRules, TypeRules};
use crate::model::Severity;

const fn rules(
    name: &'static str,
    compared: &'static [&'static str],
    ignored: &'static [&'static str],
    derived: &'static Derived,
) -> TypeRules {
    TypeRules {
        name,
        compared,
        ignored,
        sets: &[],
        maps: &[],
        when_set: &[],
        // Where a service is reached from, and who may reach it.
        severity: |_, _, _| Some(Severity::High),
        unmanaged: Severity::Medium,
        derived: Some(derived),
        codify: CodifyRules::NONE,
        security: true,
        secret: &[],
        match_id: None,
        state_id_unique: false,
    }
}

/// Rules for `aws_vpc_endpoint_subnet_association`.
pub(super) const SUBNET: TypeRules = rules(
    "aws_vpc_endpoint_subnet_association",
    &["vpc_endpoint_id", "subnet_id"],
    &[],
    &SUBNET_DERIVED,
);

/// Rules for `aws_vpc_endpoint_security_group_association`.
pub(super) const SECURITY_GROUP: TypeRules = rules(
    "aws_vpc_endpoint_security_group_association",
    &["vpc_endpoint_id", "security_group_id"],
    &["replace_default_association"],
    &GROUP_DERIVED,
);

static SUBNET_DERIVED: Derived = Derived {
    parents: &["aws_vpc_endpoint"],
    parent_id: |r| text(r, "vpc_endpoint_id"),
    derive: |state, endpoint| {
        member_of(
            state,
            endpoint,
            "vpc_endpoint_id",
            "subnet_id",
            "subnet_ids",
        )
    },
    children: None,
};

static GROUP_DERIVED: Derived = Derived {
    parents: &["aws_vpc_endpoint"],
    parent_id: |r| text(r, "vpc_endpoint_id"),
    derive: |state, endpoint| {
        member_of(
            state,
            endpoint,
            "vpc_endpoint_id",
            "security_group_id",
            "security_group_ids",
        )
    },
    children: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Resource;
    use serde_json::{Value, json};

    #[test]
    fn an_association_is_there_while_the_endpoint_lists_it() {
        let mut state = Resource::live(SUBNET.name, "a-vpce-1", "us-east-1");
        *state.attributes.make_mut() =
            json!({"vpc_endpoint_id": "vpce-1", "subnet_id": "subnet-2"})
                .as_object()
                .unwrap()
                .clone();
        let mut endpoint = Resource::live("aws_vpc_endpoint", "vpce-1", "us-east-1");
        let a = endpoint.attributes.make_mut();
        a.insert("subnet_ids".into(), json!(["subnet-1", "subnet-2"]));
        a.insert("security_group_ids".into(), json!(["sg-1"]));
        let derive = SUBNET.derived.unwrap().derive;
        assert_eq!(
            Value::Object(derive(&state, &endpoint).unwrap()),
            json!({"vpc_endpoint_id": "vpce-1", "subnet_id": "subnet-2"})
        );
        let mut group = Resource::live(SECURITY_GROUP.name, "a-vpce-1-sg", "us-east-1");
        *group.attributes.make_mut() =
            json!({"vpc_endpoint_id": "vpce-1", "security_group_id": "sg-2"})
                .as_object()
                .unwrap()
                .clone();
        assert!((SECURITY_GROUP.derived.unwrap().derive)(&group, &endpoint).is_none());
    }
}
