//! `aws_ec2_transit_gateway_route_table`, with the types checked against it:
//! `aws_ec2_transit_gateway_route` (its static routes) and
//! `aws_ec2_transit_gateway_route_table_association` (the attachments it routes for). Listed
//! with DescribeTransitGatewayRouteTables, and per table SearchTransitGatewayRoutes (static
//! routes) and GetTransitGatewayRouteTableAssociations. A static route or an association made
//! by hand in a table the state manages is unmanaged, under its import ID. The tables AWS
//! makes with a gateway are never unmanaged.

use serde_json::{Map, Value, json};

use super::derive::{Child, Children, Derived, text};
use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::{Resource, Severity};

/// Rules for transit gateway route tables.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ec2_transit_gateway_route_table",
    compared: &[
        "transit_gateway_id",
        "default_association_route_table",
        "default_propagation_route_table",
        "tags",
    ],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Rules for static routes.
pub(super) const ROUTE: TypeRules = TypeRules {
    name: "aws_ec2_transit_gateway_route",
    compared: &[
        "transit_gateway_route_table_id",
        "destination_cidr_block",
        "transit_gateway_attachment_id",
        "blackhole",
    ],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Where a network's traffic goes.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::High,
    derived: Some(&ROUTE_DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Rules for route table associations.
pub(super) const ASSOCIATION: TypeRules = TypeRules {
    name: "aws_ec2_transit_gateway_route_table_association",
    compared: &[
        "transit_gateway_route_table_id",
        "transit_gateway_attachment_id",
        "resource_id",
        "resource_type",
    ],
    ignored: &["replace_existing_association"],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: Some(&ASSOCIATION_DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static ROUTE_DERIVED: Derived = Derived {
    parents: &["aws_ec2_transit_gateway_route_table"],
    parent_id: |r| text(r, "transit_gateway_route_table_id"),
    derive: |s, table| {
        let cidr = text(s, "destination_cidr_block")?;
        find(table, "_routes", "destination_cidr_block", &cidr)
    },
    children: Some(Children {
        of: |table| children(table, "_routes", "destination_cidr_block"),
        claimed_by: &[("aws_ec2_transit_gateway_route", |s| {
            own(s, "destination_cidr_block")
        })],
    }),
};

static ASSOCIATION_DERIVED: Derived = Derived {
    parents: &["aws_ec2_transit_gateway_route_table"],
    parent_id: |r| text(r, "transit_gateway_route_table_id"),
    derive: |s, table| {
        let attachment = text(s, "transit_gateway_attachment_id")?;
        find(
            table,
            "_associations",
            "transit_gateway_attachment_id",
            &attachment,
        )
    },
    children: Some(Children {
        of: |table| children(table, "_associations", "transit_gateway_attachment_id"),
        claimed_by: &[("aws_ec2_transit_gateway_route_table_association", |s| {
            own(s, "transit_gateway_attachment_id")
        })],
    }),
};

/// Terraform's import ID of a route or an association: `TABLE_KEY`.
fn import_id(table: &str, key: &str) -> String {
    format!("{table}_{key}")
}

/// The member of the table's `list` whose `key` is `value`, with the table's ID.
fn find(table: &Resource, list: &str, key: &str, value: &str) -> Option<Map<String, Value>> {
    let items = table.attributes.get(list)?;
    let item = items
        .as_array()?
        .iter()
        .find(|x| x[key].as_str() == Some(value))?;
    let mut m = item.as_object()?.clone();
    m.insert(
        "transit_gateway_route_table_id".into(),
        json!(table.id.clone()),
    );
    Some(m)
}

/// Every member of the table's `list`, under its import ID.
fn children(table: &Resource, list: &str, key: &str) -> Vec<Child> {
    let Some(items) = table.attributes.get(list) else {
        return Vec::new();
    };
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| {
            let value = x[key].as_str()?;
            let mut m = x.as_object()?.clone();
            m.insert(
                "transit_gateway_route_table_id".into(),
                json!(table.id.clone()),
            );
            Some((import_id(&table.id, value), m))
        })
        .collect()
}

/// The route or association a state object is.
fn own(s: &Resource, key: &str) -> Vec<String> {
    match (text(s, "transit_gateway_route_table_id"), text(s, key)) {
        (Some(table), Some(value)) => vec![import_id(&table, &value)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Resource {
        let mut t = Resource::live(RULES.name, "tgw-rtb-1", "us-east-1");
        let a = t.attributes.make_mut();
        a.insert(
            "_routes".into(),
            json!([{"destination_cidr_block": "10.1.0.0/16",
                    "transit_gateway_attachment_id": "tgw-attach-1", "blackhole": false}]),
        );
        a.insert(
            "_associations".into(),
            json!([{"transit_gateway_attachment_id": "tgw-attach-1",
                    "resource_id": "vpc-1", "resource_type": "vpc"}]),
        );
        t
    }

    #[test]
    fn routes_and_associations_are_found_in_their_table_under_their_import_id() {
        let t = table();
        let route = find(&t, "_routes", "destination_cidr_block", "10.1.0.0/16").unwrap();
        assert_eq!(route["transit_gateway_attachment_id"], "tgw-attach-1");
        assert_eq!(route["transit_gateway_route_table_id"], "tgw-rtb-1");
        assert!(find(&t, "_routes", "destination_cidr_block", "10.2.0.0/16").is_none());
        let kids = children(&t, "_associations", "transit_gateway_attachment_id");
        assert_eq!(kids[0].0, "tgw-rtb-1_tgw-attach-1");
        let mut s = Resource::live(ROUTE.name, "tgw-rtb-1_10.1.0.0/16", "us-east-1");
        let a = s.attributes.make_mut();
        a.insert("transit_gateway_route_table_id".into(), json!("tgw-rtb-1"));
        a.insert("destination_cidr_block".into(), json!("10.1.0.0/16"));
        assert_eq!(own(&s, "destination_cidr_block"), ["tgw-rtb-1_10.1.0.0/16"]);
    }
}
