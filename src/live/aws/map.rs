//! EC2 API objects mapped to the AWS provider's attribute names and shapes, one function
//! per resource type.

use super::*;

/// Tags as the provider keeps them: a map without AWS-reserved `aws:` keys.
pub(super) fn tags(tags: &[Tag]) -> Value {
    let mut m: BTreeMap<&str, &str> = BTreeMap::new();
    for t in tags {
        if let (Some(k), Some(v)) = (t.key(), t.value())
            && !k.starts_with("aws:")
        {
            m.insert(k, v);
        }
    }
    json!(m)
}

/// Inserts `value` only when the API returned one: absent attributes are never compared.
pub(super) fn put<V: Into<Value>>(m: &mut Map<String, Value>, key: &str, value: Option<V>) {
    if let Some(v) = value {
        m.insert(key.to_string(), v.into());
    }
}

pub(super) fn strs<'a>(items: impl Iterator<Item = Option<&'a str>>) -> Value {
    let mut v: Vec<&str> = items.flatten().collect();
    v.sort_unstable();
    json!(v)
}

pub(super) fn instance(i: &t::Instance, region: &str) -> Option<Resource> {
    let id = i.instance_id()?;
    let state = i.state().and_then(|s| s.name()).map(|n| n.as_str());
    // Terminated instances linger in Describe output for a while; Terraform treats them as gone.
    if matches!(state, Some("terminated" | "shutting-down")) {
        return None;
    }
    let mut r = Resource::live("aws_instance", id, region);
    let a = r.attributes.make_mut();
    put(a, "ami", i.image_id());
    put(a, "instance_type", i.instance_type().map(|t| t.as_str()));
    put(a, "instance_state", state);
    put(
        a,
        "availability_zone",
        i.placement().and_then(|p| p.availability_zone()),
    );
    put(
        a,
        "tenancy",
        i.placement().and_then(|p| p.tenancy()).map(|t| t.as_str()),
    );
    put(a, "subnet_id", i.subnet_id());
    put(a, "key_name", i.key_name());
    put(a, "private_ip", i.private_ip_address());
    put(a, "ebs_optimized", i.ebs_optimized());
    put(a, "source_dest_check", i.source_dest_check());
    put(
        a,
        "monitoring",
        i.monitoring()
            .and_then(|m| m.state())
            .map(|s| matches!(s.as_str(), "enabled" | "pending")),
    );
    // The provider keeps the profile name; the API returns its ARN.
    put(
        a,
        "iam_instance_profile",
        i.iam_instance_profile()
            .and_then(|p| p.arn())
            .and_then(|arn| arn.rsplit('/').next()),
    );
    if i.vpc_id().is_some() {
        // Instances launched with an interface specification may list their groups only on
        // the primary interface; a lone `default` group there is AWS's fallback, which the
        // provider does not record when the instance itself lists no group.
        let primary = i
            .network_interfaces()
            .iter()
            .find(|n| n.attachment().and_then(|at| at.device_index()) == Some(0));
        let groups = if !i.security_groups().is_empty() {
            strs(i.security_groups().iter().map(|g| g.group_id()))
        } else {
            let eni_groups = primary.map(|n| n.groups()).unwrap_or_default();
            if eni_groups.iter().all(|g| g.group_name() == Some("default")) {
                json!([])
            } else {
                strs(eni_groups.iter().map(|g| g.group_id()))
            }
        };
        a.insert("vpc_security_group_ids".into(), groups);
    }
    // `associate_public_ip_address` is a launch-time choice; the current association follows
    // the instance state (a stopped instance loses its public IP), so it is not compared here.
    if let Some(m) = i.metadata_options() {
        let mut mo = Map::new();
        put(
            &mut mo,
            "http_endpoint",
            m.http_endpoint().map(|x| x.as_str()),
        );
        put(&mut mo, "http_tokens", m.http_tokens().map(|x| x.as_str()));
        put(
            &mut mo,
            "http_put_response_hop_limit",
            m.http_put_response_hop_limit(),
        );
        put(
            &mut mo,
            "instance_metadata_tags",
            m.instance_metadata_tags().map(|x| x.as_str()),
        );
        a.insert("metadata_options".into(), json!([mo]));
    }
    a.insert("tags".into(), tags(i.tags()));
    // Block devices are joined with the volume listing later; remember the mapping here.
    let root = i.root_device_name();
    for bd in i.block_device_mappings() {
        if let Some(ebs) = bd.ebs()
            && let Some(vol) = ebs.volume_id()
        {
            let is_root = root.is_some() && bd.device_name() == root;
            r.attributes
                .make_mut()
                .entry("_block_devices")
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .expect("created as array")
                .push(json!({
                    "volume_id": vol,
                    "device_name": bd.device_name(),
                    "delete_on_termination": ebs.delete_on_termination(),
                    "root": is_root,
                }));
        }
    }
    Some(r)
}

pub(super) fn vpc(v: &t::Vpc, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_vpc", v.vpc_id()?, region);
    r.aws_default = v.is_default() == Some(true);
    let a = r.attributes.make_mut();
    put(a, "cidr_block", v.cidr_block());
    put(
        a,
        "instance_tenancy",
        v.instance_tenancy().map(|x| x.as_str()),
    );
    put(a, "dhcp_options_id", v.dhcp_options_id());
    put(a, "owner_id", v.owner_id());
    a.insert("tags".into(), tags(v.tags()));
    Some(r)
}

pub(super) fn subnet(s: &t::Subnet, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_subnet", s.subnet_id()?, region);
    r.aws_default = s.default_for_az() == Some(true);
    let a = r.attributes.make_mut();
    put(a, "vpc_id", s.vpc_id());
    put(a, "cidr_block", s.cidr_block());
    put(a, "availability_zone", s.availability_zone());
    put(a, "map_public_ip_on_launch", s.map_public_ip_on_launch());
    put(
        a,
        "assign_ipv6_address_on_creation",
        s.assign_ipv6_address_on_creation(),
    );
    a.insert("tags".into(), tags(s.tags()));
    Some(r)
}

pub(super) fn security_group(g: &t::SecurityGroup, region: &str) -> Option<Resource> {
    let id = g.group_id()?;
    let mut r = Resource::live("aws_security_group", id, region);
    r.aws_default = g.group_name() == Some("default");
    let a = r.attributes.make_mut();
    put(a, "name", g.group_name());
    put(a, "description", g.description());
    put(a, "vpc_id", g.vpc_id());
    put(a, "owner_id", g.owner_id());
    a.insert(
        "ingress".into(),
        rules(g.ip_permissions(), id, g.owner_id()),
    );
    a.insert(
        "egress".into(),
        rules(g.ip_permissions_egress(), id, g.owner_id()),
    );
    a.insert("tags".into(), tags(g.tags()));
    Some(r)
}

/// Security group rules as the provider flattens them: one object per permission and
/// description, the referencing group itself as `self`.
pub(super) fn rules(perms: &[t::IpPermission], own_id: &str, owner: Option<&str>) -> Value {
    let mut out = Vec::new();
    for p in perms {
        let protocol = catalog::protocol_name(p.ip_protocol().unwrap_or("-1"));
        let mut by_desc: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        let mut add = |desc: Option<&str>, field: &str, value: Value| {
            let rule = by_desc
                .entry(desc.unwrap_or("").to_string())
                .or_insert_with(|| {
                    let mut m = Map::new();
                    m.insert("protocol".into(), json!(protocol));
                    m.insert("from_port".into(), json!(p.from_port().unwrap_or(0)));
                    m.insert("to_port".into(), json!(p.to_port().unwrap_or(0)));
                    m.insert("description".into(), json!(desc.unwrap_or("")));
                    for f in [
                        "cidr_blocks",
                        "ipv6_cidr_blocks",
                        "prefix_list_ids",
                        "security_groups",
                    ] {
                        m.insert(f.into(), json!([]));
                    }
                    m.insert("self".into(), json!(false));
                    m
                });
            match rule.get_mut(field) {
                Some(Value::Array(list)) => list.push(value),
                _ => {
                    rule.insert(field.into(), value);
                }
            }
        };
        for x in p.ip_ranges() {
            if let Some(c) = x.cidr_ip() {
                add(x.description(), "cidr_blocks", json!(c));
            }
        }
        for x in p.ipv6_ranges() {
            if let Some(c) = x.cidr_ipv6() {
                add(x.description(), "ipv6_cidr_blocks", json!(c));
            }
        }
        for x in p.prefix_list_ids() {
            if let Some(c) = x.prefix_list_id() {
                add(x.description(), "prefix_list_ids", json!(c));
            }
        }
        for x in p.user_id_group_pairs() {
            let Some(gid) = x.group_id() else { continue };
            if gid == own_id {
                add(x.description(), "self", json!(true));
            } else if x.user_id().is_some() && x.user_id() != owner {
                let other = format!("{}/{gid}", x.user_id().unwrap_or_default());
                add(x.description(), "security_groups", json!(other));
            } else {
                add(x.description(), "security_groups", json!(gid));
            }
        }
        out.extend(by_desc.into_values().map(Value::Object));
    }
    Value::Array(out)
}

pub(super) fn volume(v: &t::Volume, region: &str) -> Option<Resource> {
    let id = v.volume_id()?;
    if matches!(
        v.state().map(|s| s.as_str()),
        Some("deleting" | "deleted" | "error")
    ) {
        return None;
    }
    let mut r = Resource::live("aws_ebs_volume", id, region);
    if let Some(att) = v.attachments().iter().find(|a| a.instance_id().is_some()) {
        r.companion_of = Some(Companion {
            owner_type: "aws_instance".into(),
            owner_id: att.instance_id().unwrap_or_default().to_string(),
            dies_with_owner: att.delete_on_termination() == Some(true),
        });
    }
    let a = r.attributes.make_mut();
    put(a, "availability_zone", v.availability_zone());
    put(a, "size", v.size());
    put(a, "type", v.volume_type().map(|x| x.as_str()));
    put(a, "iops", v.iops());
    put(a, "throughput", v.throughput());
    put(a, "encrypted", v.encrypted());
    put(a, "kms_key_id", v.kms_key_id());
    put(a, "snapshot_id", v.snapshot_id().filter(|s| !s.is_empty()));
    put(a, "multi_attach_enabled", v.multi_attach_enabled());
    a.insert("tags".into(), tags(v.tags()));
    // For `aws_volume_attachment` (`_` members are never compared on the volume itself).
    let attachments: Vec<Value> = v
        .attachments()
        .iter()
        .filter(|x| {
            !matches!(
                x.state().map(|s| s.as_str()),
                Some("detaching" | "detached")
            )
        })
        .map(|x| json!({"instance_id": x.instance_id(), "device": x.device()}))
        .collect();
    a.insert("_attachments".into(), Value::Array(attachments));
    Some(r)
}

pub(super) fn internet_gateway(g: &t::InternetGateway, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_internet_gateway", g.internet_gateway_id()?, region);
    let a = r.attributes.make_mut();
    a.insert(
        "vpc_id".into(),
        json!(
            g.attachments()
                .first()
                .and_then(|x| x.vpc_id())
                .unwrap_or("")
        ),
    );
    put(a, "owner_id", g.owner_id());
    a.insert("tags".into(), tags(g.tags()));
    Some(r)
}

pub(super) fn route_table(rt: &t::RouteTable, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_route_table", rt.route_table_id()?, region);
    r.aws_default = rt.associations().iter().any(|a| a.main() == Some(true));
    let mut routes = Vec::new();
    // Routes through a VPC endpoint belong to the endpoint (a gateway endpoint adds them to
    // its tables); the provider leaves them out of the table. Kept aside for `aws_route`s to a
    // gateway load balancer endpoint.
    let mut endpoint_routes = Vec::new();
    for route in rt.routes() {
        // The provider leaves out the implicit local route and propagated routes.
        if route.gateway_id() == Some("local")
            || route.origin().map(|o| o.as_str()) == Some("EnableVgwRoutePropagation")
        {
            continue;
        }
        let mut m = Map::new();
        for (k, v) in [
            ("cidr_block", route.destination_cidr_block()),
            ("ipv6_cidr_block", route.destination_ipv6_cidr_block()),
            (
                "destination_prefix_list_id",
                route.destination_prefix_list_id(),
            ),
            ("gateway_id", route.gateway_id()),
            ("nat_gateway_id", route.nat_gateway_id()),
            ("network_interface_id", route.network_interface_id()),
            ("transit_gateway_id", route.transit_gateway_id()),
            (
                "vpc_peering_connection_id",
                route.vpc_peering_connection_id(),
            ),
            (
                "egress_only_gateway_id",
                route.egress_only_internet_gateway_id(),
            ),
            ("carrier_gateway_id", route.carrier_gateway_id()),
            ("local_gateway_id", route.local_gateway_id()),
            ("core_network_arn", route.core_network_arn()),
        ] {
            put(&mut m, k, v);
        }
        if route.gateway_id().is_some_and(|g| g.starts_with("vpce-")) {
            endpoint_routes.push(Value::Object(m));
        } else {
            routes.push(Value::Object(m));
        }
    }
    let a = r.attributes.make_mut();
    if !endpoint_routes.is_empty() {
        a.insert("_endpoint_routes".into(), Value::Array(endpoint_routes));
    }
    put(a, "vpc_id", rt.vpc_id());
    put(a, "owner_id", rt.owner_id());
    a.insert("route".into(), Value::Array(routes));
    a.insert(
        "propagating_vgws".into(),
        strs(rt.propagating_vgws().iter().map(|p| p.gateway_id())),
    );
    a.insert("tags".into(), tags(rt.tags()));
    Some(r)
}

/// A table's explicit associations (the main one is the VPC's default, not a resource),
/// named by Terraform's import ID `subnet-…/rtb-…` (or `igw-…/rtb-…`).
pub(super) fn route_table_associations(rt: &t::RouteTable, region: &str) -> Vec<Resource> {
    let Some(table) = rt.route_table_id() else {
        return Vec::new();
    };
    rt.associations()
        .iter()
        .filter(|a| a.main() != Some(true))
        .filter(|a| {
            // Associations being torn down are gone to Terraform.
            !matches!(
                a.association_state()
                    .and_then(|s| s.state())
                    .map(|s| s.as_str()),
                Some("disassociating" | "disassociated" | "failed")
            )
        })
        .filter_map(|a| {
            let id = a.route_table_association_id()?;
            let target = a.subnet_id().or(a.gateway_id())?;
            let mut r = Resource::live("aws_route_table_association", id, region);
            r.import_id = Some(format!("{target}/{table}"));
            let m = r.attributes.make_mut();
            m.insert("route_table_id".into(), json!(table));
            m.insert("subnet_id".into(), json!(a.subnet_id().unwrap_or("")));
            m.insert("gateway_id".into(), json!(a.gateway_id().unwrap_or("")));
            Some(r)
        })
        .collect()
}

pub(super) fn nat_gateway(n: &t::NatGateway, region: &str) -> Option<Resource> {
    if matches!(
        n.state().map(|s| s.as_str()),
        Some("deleted" | "deleting" | "failed")
    ) {
        return None;
    }
    let mut r = Resource::live("aws_nat_gateway", n.nat_gateway_id()?, region);
    let primary = n.nat_gateway_addresses().first();
    let a = r.attributes.make_mut();
    put(a, "subnet_id", n.subnet_id());
    put(
        a,
        "connectivity_type",
        n.connectivity_type().map(|c| c.as_str()),
    );
    put(a, "allocation_id", primary.and_then(|p| p.allocation_id()));
    put(a, "private_ip", primary.and_then(|p| p.private_ip()));
    put(a, "public_ip", primary.and_then(|p| p.public_ip()));
    put(
        a,
        "network_interface_id",
        primary.and_then(|p| p.network_interface_id()),
    );
    a.insert("tags".into(), tags(n.tags()));
    Some(r)
}

pub(super) fn eip(e: &t::Address, region: &str) -> Option<Resource> {
    let id = e.allocation_id().or(e.public_ip())?;
    let mut r = Resource::live("aws_eip", id, region);
    let a = r.attributes.make_mut();
    put(a, "domain", e.domain().map(|d| d.as_str()));
    put(a, "public_ip", e.public_ip());
    a.insert("instance".into(), json!(e.instance_id().unwrap_or("")));
    a.insert(
        "network_interface".into(),
        json!(e.network_interface_id().unwrap_or("")),
    );
    a.insert(
        "private_ip".into(),
        json!(e.private_ip_address().unwrap_or("")),
    );
    a.insert(
        "association_id".into(),
        json!(e.association_id().unwrap_or("")),
    );
    a.insert("tags".into(), tags(e.tags()));
    Some(r)
}

pub(super) fn key_pair(k: &t::KeyPairInfo, region: &str) -> Option<Resource> {
    let name = k.key_name()?;
    let mut r = Resource::live("aws_key_pair", name, region);
    let a = r.attributes.make_mut();
    put(a, "key_name", Some(name));
    put(a, "key_pair_id", k.key_pair_id());
    put(a, "fingerprint", k.key_fingerprint());
    put(a, "key_type", k.key_type().map(|x| x.as_str()));
    a.insert("tags".into(), tags(k.tags()));
    Some(r)
}

pub(super) fn network_interface(n: &t::NetworkInterface, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_network_interface", n.network_interface_id()?, region);
    // Interfaces AWS creates for its own services (NAT gateways, endpoints, load balancers).
    r.aws_default = n.requester_managed() == Some(true)
        || n.interface_type()
            .is_some_and(|t| t.as_str() != "interface");
    if let Some(att) = n.attachment()
        && let Some(inst) = att.instance_id()
    {
        r.companion_of = Some(Companion {
            owner_type: "aws_instance".into(),
            owner_id: inst.to_string(),
            dies_with_owner: att.device_index() == Some(0),
        });
    }
    let a = r.attributes.make_mut();
    put(a, "subnet_id", n.subnet_id());
    a.insert("description".into(), json!(n.description().unwrap_or("")));
    put(a, "private_ip", n.private_ip_address());
    a.insert(
        "private_ips".into(),
        strs(
            n.private_ip_addresses()
                .iter()
                .map(|p| p.private_ip_address()),
        ),
    );
    a.insert(
        "security_groups".into(),
        strs(n.groups().iter().map(|g| g.group_id())),
    );
    put(a, "source_dest_check", n.source_dest_check());
    put(a, "interface_type", n.interface_type().map(|x| x.as_str()));
    let attachment: Vec<Value> = n
        .attachment()
        .and_then(|att| {
            Some(json!({
                "instance": att.instance_id()?,
                "device_index": att.device_index(),
                "attachment_id": att.attachment_id(),
            }))
        })
        .into_iter()
        .collect();
    a.insert("attachment".into(), Value::Array(attachment));
    a.insert("tags".into(), tags(n.tag_set()));
    Some(r)
}

pub(super) fn launch_template(l: &t::LaunchTemplate, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_launch_template", l.launch_template_id()?, region);
    let a = r.attributes.make_mut();
    put(a, "name", l.launch_template_name());
    put(a, "default_version", l.default_version_number());
    put(a, "latest_version", l.latest_version_number());
    a.insert("tags".into(), tags(l.tags()));
    Some(r)
}

pub(super) fn dhcp_options(d: &t::DhcpOptions, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_vpc_dhcp_options", d.dhcp_options_id()?, region);
    let values = |key: &str| -> Vec<&str> {
        d.dhcp_configurations()
            .iter()
            .filter(|c| c.key() == Some(key))
            .flat_map(|c| c.values().iter().filter_map(|v| v.value()))
            .collect()
    };
    let domain = values("domain-name").join(" ");
    let servers = values("domain-name-servers");
    // The set AWS makes for every region: its domain and its resolver, nothing else.
    let default_domain = if region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{region}.compute.internal")
    };
    r.aws_default = d.tags().is_empty()
        && domain == default_domain
        && servers == ["AmazonProvidedDNS"]
        && d.dhcp_configurations().len() == 2;
    let a = r.attributes.make_mut();
    a.insert("domain_name".into(), json!(domain));
    a.insert("domain_name_servers".into(), json!(servers));
    a.insert("ntp_servers".into(), json!(values("ntp-servers")));
    a.insert(
        "netbios_name_servers".into(),
        json!(values("netbios-name-servers")),
    );
    a.insert(
        "netbios_node_type".into(),
        json!(values("netbios-node-type").join(" ")),
    );
    put(a, "owner_id", d.owner_id());
    a.insert("tags".into(), tags(d.tags()));
    Some(r)
}

pub(super) fn vpc_endpoint(e: &t::VpcEndpoint, region: &str) -> Option<Resource> {
    if matches!(
        e.state()
            .map(|s| s.as_str().to_ascii_lowercase())
            .as_deref(),
        Some("deleted" | "deleting")
    ) {
        return None;
    }
    let mut r = Resource::live("aws_vpc_endpoint", e.vpc_endpoint_id()?, region);
    // Endpoints a service makes in your VPC for itself.
    r.aws_default = e.requester_managed() == Some(true);
    let a = r.attributes.make_mut();
    put(a, "vpc_id", e.vpc_id());
    put(a, "service_name", e.service_name());
    put(
        a,
        "vpc_endpoint_type",
        e.vpc_endpoint_type().map(|x| x.as_str()),
    );
    a.insert(
        "route_table_ids".into(),
        strs(e.route_table_ids().iter().map(|x| Some(x.as_str()))),
    );
    a.insert(
        "subnet_ids".into(),
        strs(e.subnet_ids().iter().map(|x| Some(x.as_str()))),
    );
    a.insert(
        "security_group_ids".into(),
        strs(e.groups().iter().map(|g| g.group_id())),
    );
    put(a, "private_dns_enabled", e.private_dns_enabled());
    put(a, "policy", e.policy_document());
    a.insert("tags".into(), tags(e.tags()));
    Some(r)
}

pub(super) fn spot_instance_request(q: &t::SpotInstanceRequest, region: &str) -> Option<Resource> {
    // A cancelled or closed request is gone for Terraform too (it drops it from the state); a
    // failed one still exists, and is compared.
    if matches!(q.state().map(|s| s.as_str()), Some("cancelled" | "closed")) {
        return None;
    }
    let mut r = Resource::live(
        "aws_spot_instance_request",
        q.spot_instance_request_id()?,
        region,
    );
    // Requests a fleet or an Auto Scaling group makes for itself.
    r.aws_default = q
        .tags()
        .iter()
        .any(|t| t.key().is_some_and(|k| k.starts_with("aws:")));
    let a = r.attributes.make_mut();
    a.insert(
        "spot_instance_id".into(),
        json!(q.instance_id().unwrap_or("")),
    );
    put(a, "spot_type", q.r#type().map(|x| x.as_str()));
    put(a, "spot_price", q.spot_price());
    put(
        a,
        "instance_interruption_behavior",
        q.instance_interruption_behavior().map(|x| x.as_str()),
    );
    a.insert("tags".into(), tags(q.tags()));
    Some(r)
}
