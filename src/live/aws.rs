//! AWS discovery through aws-sdk-ec2.
//!
//! One paginated bulk Describe call per type and region (never one call per resource), all
//! types and regions concurrently under a bound. Each SDK object becomes a [`Resource`] whose
//! attributes carry the names and shapes the Terraform AWS provider writes into state, and only
//! the attributes the Describe output really carries (so nothing unseen is ever "drift").

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{self as t, Tag};
use futures::StreamExt;
use serde_json::{Map, Value, json};

use super::Progress;
use crate::catalog;
use crate::model::{Alert, Companion, LiveInventory, Resource};

/// How to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// Regions to list; empty means the SDK's default region.
    pub regions: Vec<String>,
    /// Types to list; empty means every supported type.
    pub types: Vec<String>,
    /// Endpoint override (e.g. from the provider's `endpoints { ec2 }`), used only when no
    /// `AWS_ENDPOINT_URL*` variable is set.
    pub endpoint_url: Option<String>,
    /// Named profile.
    pub profile: Option<String>,
    /// Concurrent Describe calls.
    pub concurrency: usize,
}

/// Why one listing failed.
#[derive(Debug, Clone)]
pub struct ListError {
    /// The cause, as an alert kind: `no_credentials`, `credentials_expired`,
    /// `credentials_invalid`, `access_denied`, `endpoint_unreachable`, `list_failed`.
    pub kind: &'static str,
    /// AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, …).
    pub code: Option<String>,
    /// One line: the cause and what to do (the SDK's full error chain goes to the debug log).
    pub message: String,
}

impl ListError {
    fn from_sdk<E, R>(e: SdkError<E, R>) -> ListError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let full = DisplayErrorContext(&e).to_string();
        tracing::debug!("AWS call failed: {full}");
        let code = e.code().map(str::to_string);
        let (kind, message) = classify(&e, code.as_deref(), e.message(), &full);
        ListError {
            kind,
            code,
            message,
        }
    }
}

/// One cause per failure, in words a person can act on; the SDK's error chains run to 2 KB.
fn classify<E, R>(
    e: &SdkError<E, R>,
    code: Option<&str>,
    aws_message: Option<&str>,
    full: &str,
) -> (&'static str, String)
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let lower = full.to_ascii_lowercase();
    match code {
        Some(
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired",
        ) => {
            return (
                "credentials_expired",
                "the AWS credentials have expired: refresh them (e.g. `aws sso login`) and scan again".into(),
            );
        }
        Some(
            c @ ("AuthFailure"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"),
        ) => {
            return (
                "credentials_invalid",
                format!("AWS rejected the credentials ({c}): check AWS_PROFILE or the access keys"),
            );
        }
        Some(
            c @ ("UnauthorizedOperation"
            | "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedAccess"),
        ) => {
            return (
                "access_denied",
                format!("access denied ({c}): grant the scanning role the Describe permission"),
            );
        }
        _ => {}
    }
    if let SdkError::DispatchFailure(d) = e {
        if lower.contains("credential") || lower.contains("auth scheme") {
            return (
                "no_credentials",
                "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or log in with `aws sso login`)".into(),
            );
        }
        if d.is_timeout() || d.is_io() {
            let what = if d.is_timeout() {
                "timed out"
            } else {
                "failed"
            };
            return (
                "endpoint_unreachable",
                format!(
                    "the connection to the AWS endpoint {what} ({}): check the network, a proxy or AWS_ENDPOINT_URL",
                    root_cause(e)
                ),
            );
        }
    }
    if let SdkError::TimeoutError(_) = e {
        return (
            "endpoint_unreachable",
            "the AWS call timed out: check the network, a proxy or AWS_ENDPOINT_URL".into(),
        );
    }
    let detail = match (code, aws_message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => root_cause(e),
    };
    (
        "list_failed",
        crate::model::truncate_for_message(detail.lines().next().unwrap_or_default()),
    )
}

/// The innermost error's text: the part that says what actually went wrong.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    crate::model::truncate_for_message(cur.to_string().lines().next().unwrap_or_default())
}

/// The SDK's default region (env, profile), if any.
pub async fn default_region(profile: Option<&str>) -> Option<String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    loader.load().await.region().map(|r| r.to_string())
}

/// Counts the HTTP requests the SDK sends (every attempt, retries included): the number of
/// cloud API calls a scan cost, for `/metrics` and the logs.
#[derive(Debug, Clone, Default)]
struct CallCounter(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl aws_sdk_ec2::config::Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "terraform-drift call counter"
    }

    fn read_before_transmit(
        &self,
        _: &aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_ec2::config::RuntimeComponents,
        _: &mut aws_sdk_ec2::config::ConfigBag,
    ) -> Result<(), aws_sdk_ec2::error::BoxError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

async fn client(opts: &AwsOptions, region: &str, calls: &CallCounter) -> Client {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        // Standard mode retries throttling (RequestLimitExceeded) and 5xx with jittered backoff.
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(6)
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(120))
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let env_override = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2"]
        .iter()
        .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()));
    if let (Some(url), false) = (&opts.endpoint_url, env_override) {
        loader = loader.endpoint_url(url);
    }
    let conf = aws_sdk_ec2::config::Builder::from(&loader.load().await)
        .interceptor(calls.clone())
        .build();
    Client::from_conf(conf)
}

/// Lists every requested type in every requested region.
pub async fn discover(opts: &AwsOptions, progress: &(dyn Fn(Progress) + Sync)) -> LiveInventory {
    let types: Vec<String> = if opts.types.is_empty() {
        catalog::supported_types()
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        opts.types.clone()
    };
    let calls = CallCounter::default();
    let mut clients = Vec::new();
    for region in &opts.regions {
        clients.push((region.clone(), client(opts, region, &calls).await));
    }
    // Owned jobs: futures that borrow through a closure's reference argument are not provably
    // `Send`, and the server spawns scans on its runtime.
    let jobs: Vec<(String, Client, String)> = clients
        .iter()
        .flat_map(|(region, client)| {
            types
                .iter()
                .map(|rtype| (region.clone(), client.clone(), rtype.clone()))
        })
        .collect();
    let jobs = jobs.into_iter().map(|(region, client, rtype)| async move {
        let listed = list(&client, &rtype, &region).await;
        (region, rtype, listed)
    });
    // Each listing is reported as it finishes (the CLI spinner, the server's live updates).
    let mut results = futures::stream::iter(jobs).buffer_unordered(opts.concurrency.max(1));
    let mut inv = LiveInventory::default();
    // Failures grouped by cause: twelve types in two regions failing for want of credentials
    // are one line, not twenty-four.
    let mut failures: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
    while let Some((region, rtype, result)) = results.next().await {
        match result {
            Ok(resources) => {
                progress(Progress::Listed {
                    rtype: rtype.clone(),
                    region: region.clone(),
                    count: resources.len(),
                });
                inv.coverage.add(&rtype, Some(&region));
                inv.resources.extend(resources);
            }
            Err(e) => failures
                .entry((e.kind, e.message))
                .or_default()
                .push(format!("{rtype} in {region}")),
        }
    }
    for ((kind, message), mut what) in failures {
        what.sort();
        let listed = match what.len() {
            1 => what[0].clone(),
            n if n <= 3 => what.join(", "),
            n => format!("{}, {} and {} more", what[0], what[1], n - 2),
        };
        inv.alerts.push(Alert {
            kind: kind.to_string(),
            message: format!("{listed}: {message}; those resources were not checked"),
            partial: true,
        });
    }
    inv.api_calls = calls.0.load(std::sync::atomic::Ordering::Relaxed);
    link_companions(&mut inv.resources);
    inv.resources
        .sort_by(|a, b| (&a.rtype, &a.region, &a.id).cmp(&(&b.rtype, &b.region, &b.id)));
    inv.alerts.sort_by(|a, b| a.message.cmp(&b.message));
    inv
}

/// Lists one type in one region.
pub async fn list(client: &Client, rtype: &str, region: &str) -> Result<Vec<Resource>, ListError> {
    macro_rules! paginate {
        ($req:expr, $items:ident) => {{
            let mut out = Vec::new();
            let mut pages = $req.into_paginator().send();
            while let Some(page) = pages.next().await {
                out.extend(page.map_err(ListError::from_sdk)?.$items().iter().cloned());
            }
            out
        }};
    }
    let r = region;
    Ok(match rtype {
        "aws_instance" => {
            let reservations =
                paginate!(client.describe_instances().max_results(1000), reservations);
            reservations
                .iter()
                .flat_map(|res| res.instances())
                .filter_map(|i| instance(i, r))
                .collect()
        }
        "aws_vpc" => paginate!(client.describe_vpcs().max_results(1000), vpcs)
            .iter()
            .filter_map(|v| vpc(v, r))
            .collect(),
        "aws_subnet" => paginate!(client.describe_subnets().max_results(1000), subnets)
            .iter()
            .filter_map(|s| subnet(s, r))
            .collect(),
        "aws_security_group" => paginate!(
            client.describe_security_groups().max_results(1000),
            security_groups
        )
        .iter()
        .filter_map(|g| security_group(g, r))
        .collect(),
        "aws_ebs_volume" => paginate!(client.describe_volumes().max_results(1000), volumes)
            .iter()
            .filter_map(|v| volume(v, r))
            .collect(),
        "aws_internet_gateway" => paginate!(
            client.describe_internet_gateways().max_results(1000),
            internet_gateways
        )
        .iter()
        .filter_map(|g| internet_gateway(g, r))
        .collect(),
        "aws_route_table" => paginate!(
            client.describe_route_tables().max_results(100),
            route_tables
        )
        .iter()
        .filter_map(|t| route_table(t, r))
        .collect(),
        "aws_nat_gateway" => paginate!(
            client.describe_nat_gateways().max_results(1000),
            nat_gateways
        )
        .iter()
        .filter_map(|n| nat_gateway(n, r))
        .collect(),
        "aws_eip" => client
            .describe_addresses()
            .send()
            .await
            .map_err(ListError::from_sdk)?
            .addresses()
            .iter()
            .filter_map(|a| eip(a, r))
            .collect(),
        "aws_key_pair" => client
            .describe_key_pairs()
            .send()
            .await
            .map_err(ListError::from_sdk)?
            .key_pairs()
            .iter()
            .filter_map(|k| key_pair(k, r))
            .collect(),
        "aws_network_interface" => paginate!(
            client.describe_network_interfaces().max_results(1000),
            network_interfaces
        )
        .iter()
        .filter_map(|n| network_interface(n, r))
        .collect(),
        "aws_launch_template" => paginate!(
            client.describe_launch_templates().max_results(200),
            launch_templates
        )
        .iter()
        .filter_map(|l| launch_template(l, r))
        .collect(),
        other => {
            return Err(ListError {
                kind: "list_failed",
                code: None,
                message: format!("the AWS lister does not support {other}"),
            });
        }
    })
}

/// Tags as the provider keeps them: a map without AWS-reserved `aws:` keys.
fn tags(tags: &[Tag]) -> Value {
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
fn put<V: Into<Value>>(m: &mut Map<String, Value>, key: &str, value: Option<V>) {
    if let Some(v) = value {
        m.insert(key.to_string(), v.into());
    }
}

fn strs<'a>(items: impl Iterator<Item = Option<&'a str>>) -> Value {
    let mut v: Vec<&str> = items.flatten().collect();
    v.sort_unstable();
    json!(v)
}

fn instance(i: &t::Instance, region: &str) -> Option<Resource> {
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

fn vpc(v: &t::Vpc, region: &str) -> Option<Resource> {
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

fn subnet(s: &t::Subnet, region: &str) -> Option<Resource> {
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

fn security_group(g: &t::SecurityGroup, region: &str) -> Option<Resource> {
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
fn rules(perms: &[t::IpPermission], own_id: &str, owner: Option<&str>) -> Value {
    let mut out = Vec::new();
    for p in perms {
        let protocol = protocol_name(p.ip_protocol().unwrap_or("-1"));
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

/// The provider writes well-known protocol numbers as names.
fn protocol_name(p: &str) -> &str {
    match p {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        "all" => "-1",
        other => other,
    }
}

fn volume(v: &t::Volume, region: &str) -> Option<Resource> {
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
    Some(r)
}

fn internet_gateway(g: &t::InternetGateway, region: &str) -> Option<Resource> {
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

fn route_table(rt: &t::RouteTable, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_route_table", rt.route_table_id()?, region);
    r.aws_default = rt.associations().iter().any(|a| a.main() == Some(true));
    let mut routes = Vec::new();
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
        routes.push(Value::Object(m));
    }
    let a = r.attributes.make_mut();
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

fn nat_gateway(n: &t::NatGateway, region: &str) -> Option<Resource> {
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

fn eip(e: &t::Address, region: &str) -> Option<Resource> {
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

fn key_pair(k: &t::KeyPairInfo, region: &str) -> Option<Resource> {
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

fn network_interface(n: &t::NetworkInterface, region: &str) -> Option<Resource> {
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
            Some(json!({"instance": att.instance_id()?, "device_index": att.device_index()}))
        })
        .into_iter()
        .collect();
    a.insert("attachment".into(), Value::Array(attachment));
    a.insert("tags".into(), tags(n.tag_set()));
    Some(r)
}

fn launch_template(l: &t::LaunchTemplate, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_launch_template", l.launch_template_id()?, region);
    let a = r.attributes.make_mut();
    put(a, "name", l.launch_template_name());
    put(a, "default_version", l.default_version_number());
    put(a, "latest_version", l.latest_version_number());
    a.insert("tags".into(), tags(l.tags()));
    Some(r)
}

/// Joins resources listed separately: an instance's block devices become its
/// `root_block_device` and companions; interfaces of NAT gateways belong to them.
pub fn link_companions(resources: &mut [Resource]) {
    let mut volumes: HashMap<(String, String), usize> = HashMap::new();
    let mut enis: HashMap<(String, String), usize> = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        let key = (r.region.clone().unwrap_or_default(), r.id.clone());
        match r.rtype.as_str() {
            "aws_ebs_volume" => {
                volumes.insert(key, i);
            }
            "aws_network_interface" => {
                enis.insert(key, i);
            }
            _ => {}
        }
    }
    let mut links: Vec<(usize, Companion)> = Vec::new();
    let mut roots: Vec<(usize, Value)> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let region = r.region.clone().unwrap_or_default();
        match r.rtype.as_str() {
            "aws_instance" => {
                let devices = r.attributes.get("_block_devices");
                let Some(Value::Array(bds)) = devices.as_deref() else {
                    continue;
                };
                for bd in bds {
                    let vol = bd["volume_id"].as_str().unwrap_or_default().to_string();
                    let Some(&vi) = volumes.get(&(region.clone(), vol)) else {
                        continue;
                    };
                    links.push((
                        vi,
                        Companion {
                            owner_type: "aws_instance".into(),
                            owner_id: r.id.clone(),
                            dies_with_owner: bd["delete_on_termination"] == Value::Bool(true),
                        },
                    ));
                    if bd["root"] == Value::Bool(true) {
                        let v = resources[vi].attributes.map();
                        let mut root = Map::new();
                        for (from, to) in [
                            ("size", "volume_size"),
                            ("type", "volume_type"),
                            ("encrypted", "encrypted"),
                        ] {
                            if let Some(x) = v.get(from) {
                                root.insert(to.into(), x.clone());
                            }
                        }
                        root.insert("volume_id".into(), json!(resources[vi].id));
                        root.insert(
                            "delete_on_termination".into(),
                            bd["delete_on_termination"].clone(),
                        );
                        roots.push((i, json!([root])));
                    }
                }
            }
            "aws_nat_gateway" => {
                if let Some(Value::String(eni)) =
                    r.attributes.get("network_interface_id").as_deref()
                    && let Some(&ei) = enis.get(&(region.clone(), eni.clone()))
                {
                    links.push((
                        ei,
                        Companion {
                            owner_type: "aws_nat_gateway".into(),
                            owner_id: r.id.clone(),
                            dies_with_owner: true,
                        },
                    ));
                }
            }
            _ => {}
        }
    }
    for (i, c) in links {
        resources[i].companion_of = Some(c);
    }
    for (i, root) in roots {
        resources[i]
            .attributes
            .make_mut()
            .insert("root_block_device".into(), root);
    }
    for r in resources.iter_mut() {
        r.attributes.make_mut().remove("_block_devices");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_group_by_description_and_mark_self() {
        let perm = t::IpPermission::builder()
            .ip_protocol("6")
            .from_port(443)
            .to_port(443)
            .ip_ranges(
                t::IpRange::builder()
                    .cidr_ip("10.0.0.0/8")
                    .description("d")
                    .build(),
            )
            .ip_ranges(
                t::IpRange::builder()
                    .cidr_ip("192.168.0.0/16")
                    .description("d")
                    .build(),
            )
            .ip_ranges(t::IpRange::builder().cidr_ip("1.2.3.4/32").build())
            .user_id_group_pairs(
                t::UserIdGroupPair::builder()
                    .group_id("sg-self")
                    .user_id("1")
                    .build(),
            )
            .build();
        let v = rules(&[perm], "sg-self", Some("1"));
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), 2);
        assert_eq!(arr[0]["description"], "");
        assert_eq!(arr[0]["cidr_blocks"], json!(["1.2.3.4/32"]));
        assert_eq!(arr[0]["self"], json!(true));
        assert_eq!(
            arr[1]["cidr_blocks"],
            json!(["10.0.0.0/8", "192.168.0.0/16"])
        );
        assert_eq!(arr[1]["protocol"], "tcp");
    }

    #[test]
    fn tags_drop_aws_reserved_keys() {
        let t = tags(&[
            Tag::builder().key("Name").value("x").build(),
            Tag::builder()
                .key("aws:cloudformation:stack-name")
                .value("y")
                .build(),
        ]);
        assert_eq!(t, json!({"Name": "x"}));
    }

    #[test]
    fn terminated_instances_are_gone() {
        let i = t::Instance::builder()
            .instance_id("i-1")
            .state(
                t::InstanceState::builder()
                    .name(t::InstanceStateName::Terminated)
                    .build(),
            )
            .build();
        assert!(instance(&i, "us-east-1").is_none());
    }
}
