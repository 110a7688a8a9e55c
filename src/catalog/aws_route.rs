//! `aws_route`: one route of a route table, written as a resource of its own as public modules
//! do (`0.0.0.0/0` to the NAT gateway). Checked against its table as the lister read it.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Route targets: the `aws_route` attribute and the route table's `route` member.
const TARGETS: &[&str] = &[
    "gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "egress_only_gateway_id",
    "carrier_gateway_id",
    "local_gateway_id",
    "core_network_arn",
    "vpc_endpoint_id",
];

/// Destinations: the `aws_route` attribute and the route table's `route` member.
const DESTINATIONS: &[(&str, &str)] = &[
    ("destination_cidr_block", "cidr_block"),
    ("destination_ipv6_cidr_block", "ipv6_cidr_block"),
    ("destination_prefix_list_id", "destination_prefix_list_id"),
];

/// Rules for `aws_route`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_route",
    compared: &[
        "route_table_id",
        "destination_cidr_block",
        "destination_ipv6_cidr_block",
        "destination_prefix_list_id",
        "gateway_id",
        "nat_gateway_id",
        "network_interface_id",
        "transit_gateway_id",
        "vpc_peering_connection_id",
        "egress_only_gateway_id",
        "carrier_gateway_id",
        "local_gateway_id",
        "core_network_arn",
        "vpc_endpoint_id",
    ],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Where traffic goes: a changed target can bypass a firewall or open a path out.
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
    parents: &["aws_route_table"],
    parent_id: |r| text(r, "route_table_id"),
    derive,
    children: None,
};

/// The route's destination: (`aws_route` attribute, route table member, value).
pub fn destination(r: &Resource) -> Option<(&'static str, &'static str, String)> {
    DESTINATIONS
        .iter()
        .find_map(|(attr, member)| Some((*attr, *member, text(r, attr)?)))
}

/// The route as its table shows it, every target spelled out ("" when unset, as in state).
fn derive(s: &Resource, table: &Resource) -> Option<Map<String, Value>> {
    let (attr, member, dest) = destination(s)?;
    let route = ["route", "_endpoint_routes"].into_iter().find_map(|list| {
        let routes = table.attributes.get(list)?;
        routes
            .as_array()?
            .iter()
            .find(|e| e[member].as_str() == Some(dest.as_str()))
            .cloned()
    })?;
    let mut m = Map::new();
    m.insert("route_table_id".into(), Value::String(table.id.clone()));
    m.insert(attr.into(), Value::String(dest));
    for t in TARGETS {
        let v = route[*t].as_str().unwrap_or_default().to_string();
        m.insert((*t).into(), Value::String(v));
    }
    // A route to a gateway load balancer endpoint: the table says `gateway_id`, the resource
    // says `vpc_endpoint_id`.
    if let Some(g) = route["gateway_id"]
        .as_str()
        .filter(|g| g.starts_with("vpce-"))
        && text(s, "vpc_endpoint_id").is_some()
    {
        m.insert("vpc_endpoint_id".into(), Value::String(g.to_string()));
        m.insert("gateway_id".into(), Value::String(String::new()));
    }
    Some(m)
}
