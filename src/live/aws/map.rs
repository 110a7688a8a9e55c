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

/// The group that launched an instance, from the tags AWS puts on it: an EKS managed node
/// group (through an Auto Scaling group EKS owns), else an Auto Scaling group. Its instances
/// come and go with the group's capacity: never unmanaged while the state manages the group.
fn launched_by(tags: &[Tag]) -> Option<Companion> {
    eks_node_group(tags).or_else(|| {
        owned_by(
            "aws_autoscaling_group",
            tag(tags, "aws:autoscaling:groupName")?.to_string(),
        )
    })
}

/// A non-empty tag's value.
fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
        .filter(|v| !v.is_empty())
}

/// The EKS managed node group (`CLUSTER:NAME`) the tags EKS puts on what it makes for one name.
fn eks_node_group(tags: &[Tag]) -> Option<Companion> {
    let (cluster, group) = (
        tag(tags, "eks:cluster-name")?,
        tag(tags, "eks:nodegroup-name")?,
    );
    owned_by("aws_eks_node_group", format!("{cluster}:{group}"))
}

/// A companion that goes with its owner.
fn owned_by(owner_type: &str, owner_id: String) -> Option<Companion> {
    Some(Companion {
        owner_type: owner_type.into(),
        owner_id,
        dies_with_owner: true,
        owner_attr: None,
    })
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
    r.companion_of = launched_by(i.tags());
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
    r.companion_of = made_by_eks(g.tags());
    Some(r)
}

/// What EKS makes for a cluster or a managed node group, from the tags it puts on it: a
/// cluster's own security group (`aws:eks:cluster-name`), a node group's launch template
/// (`eks:cluster-name` and `eks:nodegroup-name`). Never unmanaged while the state manages
/// its owner; gone with it.
fn made_by_eks(tags: &[Tag]) -> Option<Companion> {
    eks_node_group(tags).or_else(|| {
        owned_by(
            "aws_eks_cluster",
            tag(tags, "aws:eks:cluster-name")?.to_string(),
        )
    })
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
            owner_attr: None,
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
    // The main association, for an `aws_main_route_table_association` to find.
    if let Some(main) = rt
        .associations()
        .iter()
        .find(|a| a.main() == Some(true))
        .and_then(|a| a.route_table_association_id())
    {
        a.insert("_main".into(), json!(main));
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
            owner_attr: None,
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
    r.companion_of = made_by_eks(l.tags());
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

/// A network ACL entry as the provider writes one into `ingress`/`egress`.
fn acl_entry(e: &t::NetworkAclEntry) -> Value {
    let ports = e.port_range();
    let icmp = e.icmp_type_code();
    json!({
        "rule_no": e.rule_number(),
        "action": e.rule_action().map(|a| a.as_str()),
        "protocol": e.protocol(),
        "cidr_block": e.cidr_block().unwrap_or(""),
        "ipv6_cidr_block": e.ipv6_cidr_block().unwrap_or(""),
        "from_port": ports.and_then(|p| p.from()).unwrap_or(0),
        "to_port": ports.and_then(|p| p.to()).unwrap_or(0),
        "icmp_type": icmp.and_then(|i| i.r#type()).unwrap_or(0),
        "icmp_code": icmp.and_then(|i| i.code()).unwrap_or(0),
    })
}

pub(super) fn network_acl(n: &t::NetworkAcl, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_network_acl", n.network_acl_id()?, region);
    r.aws_default = n.is_default() == Some(true);
    let entries = |egress: bool| -> Value {
        n.entries()
            .iter()
            .filter(|e| e.egress() == Some(egress))
            // The catch-all deny entries every ACL ends with are AWS's, and the provider
            // leaves them out.
            .filter(|e| !matches!(e.rule_number(), Some(32767 | 32768)))
            .map(acl_entry)
            .collect()
    };
    let ingress = entries(false);
    let egress = entries(true);
    let a = r.attributes.make_mut();
    put(a, "vpc_id", n.vpc_id());
    put(a, "owner_id", n.owner_id());
    a.insert(
        "subnet_ids".into(),
        strs(n.associations().iter().map(|x| x.subnet_id())),
    );
    a.insert("ingress".into(), ingress);
    a.insert("egress".into(), egress);
    a.insert("tags".into(), tags(n.tags()));
    Some(r)
}

/// A VPC's secondary IPv4 ranges (the primary one is the VPC's own).
pub(super) fn vpc_cidr_associations(v: &t::Vpc, region: &str) -> Vec<Resource> {
    let Some(vpc) = v.vpc_id() else {
        return Vec::new();
    };
    v.cidr_block_association_set()
        .iter()
        .filter(|c| c.cidr_block() != v.cidr_block())
        .filter(|c| {
            matches!(
                c.cidr_block_state()
                    .and_then(|s| s.state())
                    .map(|s| s.as_str()),
                Some("associating" | "associated") | None
            )
        })
        .filter_map(|c| {
            let mut r = Resource::live(
                "aws_vpc_ipv4_cidr_block_association",
                c.association_id()?,
                region,
            );
            let a = r.attributes.make_mut();
            a.insert("vpc_id".into(), json!(vpc));
            put(a, "cidr_block", c.cidr_block());
            Some(r)
        })
        .collect()
}

pub(super) fn egress_only_internet_gateway(
    g: &t::EgressOnlyInternetGateway,
    region: &str,
) -> Option<Resource> {
    let mut r = Resource::live(
        "aws_egress_only_internet_gateway",
        g.egress_only_internet_gateway_id()?,
        region,
    );
    let a = r.attributes.make_mut();
    let vpc = g.attachments().iter().find_map(|x| x.vpc_id());
    a.insert("vpc_id".into(), json!(vpc.unwrap_or("")));
    a.insert("tags".into(), tags(g.tags()));
    Some(r)
}

pub(super) fn flow_log(f: &t::FlowLog, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_flow_log", f.flow_log_id()?, region);
    let a = r.attributes.make_mut();
    // The logged resource is one ID; the provider files it under the argument its prefix names.
    if let Some(id) = f.resource_id() {
        let key = match id.split('-').next() {
            Some("vpc") => "vpc_id",
            Some("subnet") => "subnet_id",
            Some("eni") => "eni_id",
            Some("tgw") if id.starts_with("tgw-attach-") => "transit_gateway_attachment_id",
            Some("tgw") => "transit_gateway_id",
            _ => "vpc_id",
        };
        a.insert(key.into(), json!(id));
    }
    put(a, "traffic_type", f.traffic_type().map(|x| x.as_str()));
    put(
        a,
        "log_destination_type",
        f.log_destination_type().map(|x| x.as_str()),
    );
    put(a, "log_destination", f.log_destination());
    put(a, "log_group_name", f.log_group_name());
    a.insert(
        "iam_role_arn".into(),
        json!(f.deliver_logs_permission_arn().unwrap_or("")),
    );
    put(
        a,
        "deliver_cross_account_role",
        f.deliver_cross_account_role(),
    );
    put(a, "log_format", f.log_format());
    put(a, "max_aggregation_interval", f.max_aggregation_interval());
    a.insert("tags".into(), tags(f.tags()));
    Some(r)
}

pub(super) fn vpn_gateway(g: &t::VpnGateway, region: &str) -> Option<Resource> {
    if matches!(g.state().map(|s| s.as_str()), Some("deleted" | "deleting")) {
        return None;
    }
    let mut r = Resource::live("aws_vpn_gateway", g.vpn_gateway_id()?, region);
    let a = r.attributes.make_mut();
    let vpc = g
        .vpc_attachments()
        .iter()
        .filter(|x| {
            matches!(
                x.state().map(|s| s.as_str()),
                Some("attached" | "attaching")
            )
        })
        .find_map(|x| x.vpc_id());
    a.insert("vpc_id".into(), json!(vpc.unwrap_or("")));
    // The provider keeps the ASN as a string.
    put(
        a,
        "amazon_side_asn",
        g.amazon_side_asn().map(|n| n.to_string()),
    );
    put(a, "availability_zone", g.availability_zone());
    a.insert("tags".into(), tags(g.tags()));
    Some(r)
}

pub(super) fn customer_gateway(g: &t::CustomerGateway, region: &str) -> Option<Resource> {
    if matches!(g.state(), Some("deleted" | "deleting")) {
        return None;
    }
    let mut r = Resource::live("aws_customer_gateway", g.customer_gateway_id()?, region);
    let a = r.attributes.make_mut();
    put(a, "bgp_asn", g.bgp_asn());
    put(a, "bgp_asn_extended", g.bgp_asn_extended());
    put(a, "ip_address", g.ip_address());
    put(a, "type", g.r#type());
    put(a, "device_name", g.device_name());
    put(a, "certificate_arn", g.certificate_arn());
    a.insert("tags".into(), tags(g.tags()));
    Some(r)
}

pub(super) fn vpc_peering_connection(
    p: &t::VpcPeeringConnection,
    region: &str,
) -> Option<Resource> {
    let status = p.status().and_then(|s| s.code()).map(|c| c.as_str());
    // Terraform drops a connection in any of these states from the state.
    if matches!(
        status,
        Some("deleted" | "deleting" | "rejected" | "failed" | "expired")
    ) {
        return None;
    }
    let mut r = Resource::live(
        "aws_vpc_peering_connection",
        p.vpc_peering_connection_id()?,
        region,
    );
    let a = r.attributes.make_mut();
    let requester = p.requester_vpc_info();
    let accepter = p.accepter_vpc_info();
    put(a, "vpc_id", requester.and_then(|v| v.vpc_id()));
    put(a, "peer_vpc_id", accepter.and_then(|v| v.vpc_id()));
    put(a, "peer_owner_id", accepter.and_then(|v| v.owner_id()));
    put(a, "peer_region", accepter.and_then(|v| v.region()));
    put(a, "accept_status", status);
    a.insert("tags".into(), tags(p.tags()));
    Some(r)
}

pub(super) fn transit_gateway(g: &t::TransitGateway, region: &str) -> Option<Resource> {
    if matches!(g.state().map(|s| s.as_str()), Some("deleted" | "deleting")) {
        return None;
    }
    let mut r = Resource::live("aws_ec2_transit_gateway", g.transit_gateway_id()?, region);
    let a = r.attributes.make_mut();
    a.insert("description".into(), json!(g.description().unwrap_or("")));
    put(a, "owner_id", g.owner_id());
    if let Some(o) = g.options() {
        put(a, "amazon_side_asn", o.amazon_side_asn());
        put(
            a,
            "auto_accept_shared_attachments",
            o.auto_accept_shared_attachments().map(|x| x.as_str()),
        );
        put(
            a,
            "default_route_table_association",
            o.default_route_table_association().map(|x| x.as_str()),
        );
        put(
            a,
            "default_route_table_propagation",
            o.default_route_table_propagation().map(|x| x.as_str()),
        );
        put(a, "dns_support", o.dns_support().map(|x| x.as_str()));
        put(
            a,
            "vpn_ecmp_support",
            o.vpn_ecmp_support().map(|x| x.as_str()),
        );
        put(
            a,
            "multicast_support",
            o.multicast_support().map(|x| x.as_str()),
        );
        put(
            a,
            "security_group_referencing_support",
            o.security_group_referencing_support().map(|x| x.as_str()),
        );
        a.insert(
            "transit_gateway_cidr_blocks".into(),
            json!(o.transit_gateway_cidr_blocks()),
        );
    }
    a.insert("tags".into(), tags(g.tags()));
    Some(r)
}

pub(super) fn transit_gateway_vpc_attachment(
    x: &t::TransitGatewayVpcAttachment,
    region: &str,
) -> Option<Resource> {
    if matches!(
        x.state().map(|s| s.as_str()),
        Some("deleted" | "deleting" | "failed" | "rejected")
    ) {
        return None;
    }
    let mut r = Resource::live(
        "aws_ec2_transit_gateway_vpc_attachment",
        x.transit_gateway_attachment_id()?,
        region,
    );
    let a = r.attributes.make_mut();
    put(a, "transit_gateway_id", x.transit_gateway_id());
    put(a, "vpc_id", x.vpc_id());
    put(a, "vpc_owner_id", x.vpc_owner_id());
    a.insert(
        "subnet_ids".into(),
        strs(x.subnet_ids().iter().map(|s| Some(s.as_str()))),
    );
    if let Some(o) = x.options() {
        put(a, "dns_support", o.dns_support().map(|v| v.as_str()));
        put(a, "ipv6_support", o.ipv6_support().map(|v| v.as_str()));
        put(
            a,
            "appliance_mode_support",
            o.appliance_mode_support().map(|v| v.as_str()),
        );
        put(
            a,
            "security_group_referencing_support",
            o.security_group_referencing_support().map(|v| v.as_str()),
        );
    }
    a.insert("tags".into(), tags(x.tags()));
    Some(r)
}

/// True for a prefix list AWS keeps for its services (S3, DynamoDB, CloudFront, …).
pub(super) fn aws_prefix_list(l: &t::ManagedPrefixList) -> bool {
    l.owner_id() == Some("AWS")
}

pub(super) fn managed_prefix_list(
    l: &t::ManagedPrefixList,
    entries: &[t::PrefixListEntry],
    region: &str,
) -> Option<Resource> {
    if matches!(
        l.state().map(|s| s.as_str()),
        Some("delete-complete" | "delete-in-progress")
    ) {
        return None;
    }
    let mut r = Resource::live("aws_ec2_managed_prefix_list", l.prefix_list_id()?, region);
    r.aws_default = aws_prefix_list(l);
    let a = r.attributes.make_mut();
    put(a, "name", l.prefix_list_name());
    put(a, "address_family", l.address_family());
    put(a, "max_entries", l.max_entries());
    put(a, "owner_id", l.owner_id());
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| json!({"cidr": e.cidr(), "description": e.description().unwrap_or("")}))
        .collect();
    if !r.aws_default {
        a.insert("entry".into(), Value::Array(entries));
    }
    a.insert("tags".into(), tags(l.tags()));
    Some(r)
}

/// True when AWS made the object on someone's behalf (Data Lifecycle Manager, AWS Backup, a
/// fleet): it carries `aws:` tags.
fn made_by_aws(tags: &[Tag]) -> bool {
    tags.iter()
        .any(|t| t.key().is_some_and(|k| k.starts_with("aws:")))
}

pub(super) fn ebs_snapshot(s: &t::Snapshot, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_ebs_snapshot", s.snapshot_id()?, region);
    r.aws_default = made_by_aws(s.tags());
    let a = r.attributes.make_mut();
    put(a, "volume_id", s.volume_id());
    a.insert("description".into(), json!(s.description().unwrap_or("")));
    put(a, "encrypted", s.encrypted());
    put(a, "kms_key_id", s.kms_key_id());
    put(a, "volume_size", s.volume_size());
    put(a, "storage_tier", s.storage_tier().map(|x| x.as_str()));
    put(a, "outpost_arn", s.outpost_arn());
    put(a, "owner_id", s.owner_id());
    a.insert("tags".into(), tags(s.tags()));
    Some(r)
}

pub(super) fn ami(i: &t::Image, region: &str) -> Option<Resource> {
    if matches!(
        i.state().map(|s| s.as_str()),
        Some("deregistered" | "failed" | "error")
    ) {
        return None;
    }
    let mut r = Resource::live("aws_ami", i.image_id()?, region);
    r.aws_default = made_by_aws(i.tags());
    let a = r.attributes.make_mut();
    put(a, "name", i.name());
    a.insert("description".into(), json!(i.description().unwrap_or("")));
    put(a, "architecture", i.architecture().map(|x| x.as_str()));
    put(
        a,
        "virtualization_type",
        i.virtualization_type().map(|x| x.as_str()),
    );
    put(a, "root_device_name", i.root_device_name());
    put(a, "ena_support", i.ena_support());
    put(a, "sriov_net_support", i.sriov_net_support());
    put(a, "boot_mode", i.boot_mode().map(|x| x.as_str()));
    put(a, "imds_support", i.imds_support().map(|x| x.as_str()));
    put(a, "tpm_support", i.tpm_support().map(|x| x.as_str()));
    put(a, "public", i.public());
    put(a, "owner_id", i.owner_id());
    a.insert("tags".into(), tags(i.tags()));
    Some(r)
}

/// A transit gateway route table, with its static routes (`_routes`) and associations
/// (`_associations`) for the types checked against it. The tables AWS makes with a gateway
/// (its default association and propagation tables) are AWS's.
pub(super) fn transit_gateway_route_table(
    table: &t::TransitGatewayRouteTable,
    routes: &[t::TransitGatewayRoute],
    associations: &[t::TransitGatewayRouteTableAssociation],
    region: &str,
) -> Option<Resource> {
    let id = table.transit_gateway_route_table_id()?;
    let mut r = Resource::live("aws_ec2_transit_gateway_route_table", id, region);
    let (association, propagation) = (
        table.default_association_route_table(),
        table.default_propagation_route_table(),
    );
    r.aws_default = association == Some(true) || propagation == Some(true);
    let a = r.attributes.make_mut();
    put(a, "transit_gateway_id", table.transit_gateway_id());
    put(a, "default_association_route_table", association);
    put(a, "default_propagation_route_table", propagation);
    a.insert("tags".into(), tags(table.tags()));
    let routes: Vec<Value> = routes
        .iter()
        .filter(|x| !matches!(x.state().map(|s| s.as_str()), Some("deleted" | "deleting")))
        .filter_map(|x| {
            let attachment = x
                .transit_gateway_attachments()
                .first()
                .and_then(|a| a.transit_gateway_attachment_id())
                .unwrap_or("");
            Some(json!({
                "destination_cidr_block": x.destination_cidr_block()?,
                "transit_gateway_attachment_id": attachment,
                // As the provider reads it: a route with no attachment drops traffic.
                "blackhole": x.state().map(|s| s.as_str()) == Some("blackhole")
                    || attachment.is_empty(),
            }))
        })
        .collect();
    a.insert("_routes".into(), Value::Array(routes));
    let associations: Vec<Value> = associations
        .iter()
        .filter(|x| {
            !matches!(
                x.state().map(|s| s.as_str()),
                Some("disassociated" | "disassociating")
            )
        })
        .filter_map(|x| {
            Some(json!({
                "transit_gateway_attachment_id": x.transit_gateway_attachment_id()?,
                "resource_id": x.resource_id().unwrap_or(""),
                "resource_type": x.resource_type().map_or("", |t| t.as_str()),
            }))
        })
        .collect();
    a.insert("_associations".into(), Value::Array(associations));
    Some(r)
}
