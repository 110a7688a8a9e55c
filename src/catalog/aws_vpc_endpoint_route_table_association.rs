//! `aws_vpc_endpoint_route_table_association`: a route table a gateway endpoint adds its
//! routes to. Checked against the endpoint's `route_table_ids` as the lister read them. A
//! table added by hand is a change of the endpoint's `route_table_ids` (those the state's
//! associations manage are taken out of it: `diff::managed`), so it is found once, there.

use serde_json::{Map, Value};

use super::derive::{Derived, member_of, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_vpc_endpoint_route_table_association`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc_endpoint_route_table_association",
    compared: &["vpc_endpoint_id", "route_table_id"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Which subnets reach a service privately (an S3 bucket policy may require it).
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
    parents: &["aws_vpc_endpoint"],
    parent_id: |r| text(r, "vpc_endpoint_id"),
    derive,
    children: None,
};

fn derive(state: &Resource, endpoint: &Resource) -> Option<Map<String, Value>> {
    member_of(
        state,
        endpoint,
        "vpc_endpoint_id",
        "route_table_id",
        "route_table_ids",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_association_is_there_while_the_endpoint_lists_the_table() {
        let mut state = Resource::live(RULES.name, "a-vpce-11234", "us-east-1");
        *state.attributes.make_mut() =
            json!({"vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-2"})
                .as_object()
                .unwrap()
                .clone();
        let mut endpoint = Resource::live("aws_vpc_endpoint", "vpce-1", "us-east-1");
        endpoint
            .attributes
            .make_mut()
            .insert("route_table_ids".into(), json!(["rtb-1", "rtb-2"]));
        assert_eq!(
            Value::Object(derive(&state, &endpoint).unwrap()),
            json!({"vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-2"})
        );
        endpoint
            .attributes
            .make_mut()
            .insert("route_table_ids".into(), json!(["rtb-1"]));
        assert!(derive(&state, &endpoint).is_none());
    }
}
