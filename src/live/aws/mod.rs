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
use crate::model::{Alert, AlertKind, Companion, LiveInventory, Resource};

pub mod autoscaling;
mod client;
mod companions;
pub mod ecr;
pub mod eks;
pub mod elb;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
mod map;
pub mod route53;
pub mod sns;
pub mod sqs;

use client::*;
pub use client::{ListError, default_region};
pub use companions::link_companions;
use map::*;

/// How to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// Regions to list; empty means the SDK's default region.
    pub regions: Vec<String>,
    /// Types to list; empty means every supported type.
    pub types: Vec<String>,
    /// Endpoint overrides by the provider's service key (`endpoints { ec2 = … }`), used only
    /// when no `AWS_ENDPOINT_URL*` variable is set.
    pub endpoints: BTreeMap<String, String>,
    /// Named profile.
    pub profile: Option<String>,
    /// Concurrent Describe calls.
    pub concurrency: usize,
}

impl AwsOptions {
    /// The endpoint override for a service, under its key or one of the aliases the provider
    /// also accepts.
    pub fn endpoint(&self, service: &str) -> Option<&str> {
        let aliases: &[&str] = match service {
            "logs" => &["logs", "cloudwatchlogs", "cloudwatchlog"],
            "elbv2" => &["elbv2", "elasticloadbalancingv2"],
            other => return self.endpoints.get(other).map(String::as_str),
        };
        aliases
            .iter()
            .find_map(|k| self.endpoints.get(*k).map(String::as_str))
    }
}

/// A service beyond EC2 whose types are listed only when the state manages some of them:
/// each needs its own permissions, which an estate that does not use the service need not
/// grant.
pub struct Service {
    /// The service's name as AWS writes it.
    pub name: &'static str,
    /// The types its lister lists.
    pub types: &'static [&'static str],
    /// Whether a state type is one of the service's (listed, or checked against one).
    pub used_by: fn(&str) -> bool,
}

/// The services beyond EC2; every listed type not in one of them is EC2's.
pub const SERVICES: &[Service] = &[
    Service {
        name: "IAM",
        types: iam::TYPES,
        used_by: |t| t.starts_with("aws_iam_"),
    },
    Service {
        name: "Route 53",
        types: route53::TYPES,
        used_by: route53::used_by,
    },
    Service {
        name: "CloudWatch Logs",
        types: logs::TYPES,
        used_by: logs::used_by,
    },
    Service {
        name: "ECR",
        types: ecr::TYPES,
        used_by: ecr::used_by,
    },
    Service {
        name: "Lambda",
        types: lambda::TYPES,
        used_by: lambda::used_by,
    },
    Service {
        name: "ELBv2",
        types: elb::TYPES,
        used_by: elb::used_by,
    },
    Service {
        name: "SQS",
        types: sqs::TYPES,
        used_by: sqs::used_by,
    },
    Service {
        name: "SNS",
        types: sns::TYPES,
        used_by: sns::used_by,
    },
    Service {
        name: "KMS",
        types: kms::TYPES,
        used_by: kms::used_by,
    },
    Service {
        name: "Auto Scaling",
        types: autoscaling::TYPES,
        used_by: autoscaling::used_by,
    },
    Service {
        name: "EKS",
        types: eks::TYPES,
        used_by: eks::used_by,
    },
    Service {
        name: "GuardDuty",
        types: guardduty::TYPES,
        used_by: guardduty::used_by,
    },
];

/// The types a scan lists when `--type` does not say: every EC2 type, and those of the other
/// [`SERVICES`] only when the state manages some of theirs.
pub fn default_types<'a>(state_types: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut used = vec![false; SERVICES.len()];
    for t in state_types {
        for (u, service) in used.iter_mut().zip(SERVICES) {
            *u |= (service.used_by)(t);
        }
    }
    catalog::listed_types()
        .into_iter()
        .filter(|t| {
            SERVICES
                .iter()
                .zip(&used)
                .all(|(service, used)| *used || !service.types.contains(t))
        })
        .map(String::from)
        .collect()
}

/// The clients of one region; a service's only when one of its types is listed.
#[derive(Clone)]
struct Regional {
    ec2: Client,
    logs: Option<aws_sdk_cloudwatchlogs::Client>,
    ecr: Option<aws_sdk_ecr::Client>,
    lambda: Option<aws_sdk_lambda::Client>,
    elb: Option<aws_sdk_elasticloadbalancingv2::Client>,
    sqs: Option<aws_sdk_sqs::Client>,
    sns: Option<aws_sdk_sns::Client>,
    kms: Option<aws_sdk_kms::Client>,
    autoscaling: Option<aws_sdk_autoscaling::Client>,
    eks: Option<aws_sdk_eks::Client>,
    guardduty: Option<aws_sdk_guardduty::Client>,
}

impl Regional {
    /// The clients `types` need in `region`.
    async fn new(opts: &AwsOptions, region: &str, types: &[String], calls: &CallCounter) -> Self {
        let wants = |service: &[&str]| types.iter().any(|t| service.contains(&t.as_str()));
        Regional {
            ec2: client(opts, region, calls).await,
            logs: match wants(logs::TYPES) {
                true => Some(logs::client(opts, region, calls).await),
                false => None,
            },
            ecr: match wants(ecr::TYPES) {
                true => Some(ecr::client(opts, region, calls).await),
                false => None,
            },
            lambda: match wants(lambda::TYPES) {
                true => Some(lambda::client(opts, region, calls).await),
                false => None,
            },
            elb: match wants(elb::TYPES) {
                true => Some(elb::client(opts, region, calls).await),
                false => None,
            },
            sqs: match wants(sqs::TYPES) {
                true => Some(sqs::client(opts, region, calls).await),
                false => None,
            },
            sns: match wants(sns::TYPES) {
                true => Some(sns::client(opts, region, calls).await),
                false => None,
            },
            kms: match wants(kms::TYPES) {
                true => Some(kms::client(opts, region, calls).await),
                false => None,
            },
            autoscaling: match wants(autoscaling::TYPES) {
                true => Some(autoscaling::client(opts, region, calls).await),
                false => None,
            },
            eks: match wants(eks::TYPES) {
                true => Some(eks::client(opts, region, calls).await),
                false => None,
            },
            guardduty: match wants(guardduty::TYPES) {
                true => Some(guardduty::client(opts, region, calls).await),
                false => None,
            },
        }
    }

    /// Lists `rtype` with the client of its service.
    async fn list(&self, rtype: &str, region: &str) -> Result<Vec<Resource>, ListError> {
        let of = |types: &[&str]| types.contains(&rtype);
        if let (Some(c), true) = (&self.logs, of(logs::TYPES)) {
            return logs::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.ecr, of(ecr::TYPES)) {
            return ecr::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.lambda, of(lambda::TYPES)) {
            return lambda::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.elb, of(elb::TYPES)) {
            return elb::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.sqs, of(sqs::TYPES)) {
            return sqs::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.sns, of(sns::TYPES)) {
            return sns::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.kms, of(kms::TYPES)) {
            return kms::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.autoscaling, of(autoscaling::TYPES)) {
            return autoscaling::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.eks, of(eks::TYPES)) {
            return eks::list(c, rtype, region).await;
        }
        if let (Some(c), true) = (&self.guardduty, of(guardduty::TYPES)) {
            return guardduty::list(c, rtype, region).await;
        }
        list(&self.ec2, rtype, region).await
    }
}

/// Lists every requested type in every requested region.
pub async fn discover(opts: &AwsOptions, progress: &(dyn Fn(Progress) + Sync)) -> LiveInventory {
    let types: Vec<String> = if opts.types.is_empty() {
        catalog::listed_types()
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        opts.types.clone()
    };
    // IAM and Route 53 are global: listed once, with the first region's configuration.
    let is_global = |t: &str| iam::TYPES.contains(&t) || route53::TYPES.contains(&t);
    let (global, types): (Vec<String>, Vec<String>) = types.into_iter().partition(|t| is_global(t));
    let calls = CallCounter::default();
    let mut clients = Vec::new();
    for region in &opts.regions {
        clients.push((
            region.clone(),
            Regional::new(opts, region, &types, &calls).await,
        ));
    }
    let global_listings = match opts.regions.first() {
        Some(region) => global_jobs(opts, region, &global, &calls).await,
        None => Vec::new(),
    };
    // Owned jobs: futures that borrow through a closure's reference argument are not provably
    // `Send`, and the server spawns scans on its runtime.
    let jobs: Vec<(String, Regional, String)> = clients
        .iter()
        .flat_map(|(region, client)| {
            types
                .iter()
                .map(|rtype| (region.clone(), client.clone(), rtype.clone()))
        })
        .collect();
    let jobs = jobs.into_iter().map(|(region, client, rtype)| async move {
        let t = std::time::Instant::now();
        let listed = client.list(&rtype, &region).await;
        // Per listing, so a slow or throttled service shows as itself (`-v`, and the bench).
        tracing::info!(
            rtype = rtype.as_str(),
            region = region.as_str(),
            ok = listed.is_ok(),
            elapsed_ms = t.elapsed().as_millis() as u64,
            "listing done"
        );
        (region, rtype, listed)
    });
    // Each listing is reported as it finishes (the CLI spinner, the server's live updates).
    let mut results = futures::stream::iter(jobs).buffer_unordered(opts.concurrency.max(1));
    let mut inv = LiveInventory::default();
    // Failures grouped by cause: twelve types in two regions failing for want of credentials
    // are one line, not twenty-four.
    let mut failures: BTreeMap<(AlertKind, String), Vec<String>> = BTreeMap::new();
    let mut globals = futures::stream::iter(global_listings).buffer_unordered(2);
    let (mut global_done, mut regional_done) = (false, false);
    loop {
        let (region, rtype, result) = tokio::select! {
            listed = globals.next(), if !global_done => {
                match listed {
                    Some((types, Ok(resources))) => {
                        for t in &types {
                            progress(Progress::Listed {
                                rtype: t.clone(),
                                region: "global".into(),
                                count: resources.iter().filter(|r| r.rtype == *t).count(),
                            });
                            inv.coverage.add(t, None);
                        }
                        inv.resources.extend(resources);
                    }
                    Some((types, Err(e))) => failures
                        .entry((e.kind, e.message))
                        .or_default()
                        .push(format!("{} (global)", types.join(", "))),
                    None => global_done = true,
                }
                continue;
            }
            next = results.next(), if !regional_done => match next {
                Some(x) => x,
                None => {
                    regional_done = true;
                    continue;
                }
            },
            else => break,
        };
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
            kind,
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

/// A global service's listing: the types it lists, and what it found.
type GlobalJob = std::pin::Pin<
    Box<dyn std::future::Future<Output = (Vec<String>, Result<Vec<Resource>, ListError>)> + Send>,
>;

/// One listing per global service `global` asks for, on the configuration of `region`.
async fn global_jobs(
    opts: &AwsOptions,
    region: &str,
    global: &[String],
    calls: &CallCounter,
) -> Vec<GlobalJob> {
    let of = |service: &[&str]| -> Vec<String> {
        global
            .iter()
            .filter(|t| service.contains(&t.as_str()))
            .cloned()
            .collect()
    };
    let mut jobs: Vec<GlobalJob> = Vec::new();
    let types = of(iam::TYPES);
    if !types.is_empty() {
        let client = iam::client(opts, region, calls).await;
        jobs.push(Box::pin(async move {
            let wanted: Vec<&str> = types.iter().map(String::as_str).collect();
            let listed = iam::list(&client, &wanted).await;
            (types, listed)
        }));
    }
    let types = of(route53::TYPES);
    if !types.is_empty() {
        let client = route53::client(opts, region, calls).await;
        jobs.push(Box::pin(async move {
            let wanted: Vec<&str> = types.iter().map(String::as_str).collect();
            let listed = route53::list(&client, &wanted).await;
            (types, listed)
        }));
    }
    jobs
}

/// Lists one EC2 type in one region.
pub async fn list(client: &Client, rtype: &str, region: &str) -> Result<Vec<Resource>, ListError> {
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
        "aws_route_table_association" => paginate!(
            client.describe_route_tables().max_results(100),
            route_tables
        )
        .iter()
        .flat_map(|t| route_table_associations(t, r))
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
        "aws_vpc_dhcp_options" => paginate!(
            client.describe_dhcp_options().max_results(1000),
            dhcp_options
        )
        .iter()
        .filter_map(|d| dhcp_options(d, r))
        .collect(),
        "aws_vpc_endpoint" => paginate!(
            client.describe_vpc_endpoints().max_results(1000),
            vpc_endpoints
        )
        .iter()
        .filter_map(|e| vpc_endpoint(e, r))
        .collect(),
        "aws_spot_instance_request" => paginate!(
            client.describe_spot_instance_requests().max_results(1000),
            spot_instance_requests
        )
        .iter()
        .filter_map(|q| spot_instance_request(q, r))
        .collect(),
        "aws_network_acl" => paginate!(
            client.describe_network_acls().max_results(1000),
            network_acls
        )
        .iter()
        .filter_map(|n| network_acl(n, r))
        .collect(),
        "aws_vpc_ipv4_cidr_block_association" => {
            paginate!(client.describe_vpcs().max_results(1000), vpcs)
                .iter()
                .flat_map(|v| vpc_cidr_associations(v, r))
                .collect()
        }
        "aws_egress_only_internet_gateway" => paginate!(
            client
                .describe_egress_only_internet_gateways()
                .max_results(255),
            egress_only_internet_gateways
        )
        .iter()
        .filter_map(|g| egress_only_internet_gateway(g, r))
        .collect(),
        "aws_flow_log" => paginate!(client.describe_flow_logs().max_results(1000), flow_logs)
            .iter()
            .filter_map(|f| flow_log(f, r))
            .collect(),
        "aws_vpn_gateway" => client
            .describe_vpn_gateways()
            .send()
            .await
            .map_err(ListError::from_sdk)?
            .vpn_gateways()
            .iter()
            .filter_map(|g| vpn_gateway(g, r))
            .collect(),
        "aws_customer_gateway" => client
            .describe_customer_gateways()
            .send()
            .await
            .map_err(ListError::from_sdk)?
            .customer_gateways()
            .iter()
            .filter_map(|g| customer_gateway(g, r))
            .collect(),
        "aws_vpc_peering_connection" => paginate!(
            client.describe_vpc_peering_connections().max_results(1000),
            vpc_peering_connections
        )
        .iter()
        .filter_map(|p| vpc_peering_connection(p, r))
        .collect(),
        "aws_ec2_transit_gateway" => paginate!(
            client.describe_transit_gateways().max_results(1000),
            transit_gateways
        )
        .iter()
        .filter_map(|g| transit_gateway(g, r))
        .collect(),
        "aws_ec2_transit_gateway_vpc_attachment" => paginate!(
            client
                .describe_transit_gateway_vpc_attachments()
                .max_results(1000),
            transit_gateway_vpc_attachments
        )
        .iter()
        .filter_map(|x| transit_gateway_vpc_attachment(x, r))
        .collect(),
        "aws_ec2_transit_gateway_route_table" => {
            let tables = paginate!(
                client
                    .describe_transit_gateway_route_tables()
                    .max_results(1000),
                transit_gateway_route_tables
            );
            // Static routes and associations need two calls per table (accounts hold a
            // few), one table after the other inside this listing's slot.
            let mut out = Vec::new();
            for table in &tables {
                let Some(id) = table.transit_gateway_route_table_id() else {
                    continue;
                };
                if matches!(
                    table.state().map(|s| s.as_str()),
                    Some("deleted" | "deleting")
                ) {
                    continue;
                }
                let routes = client
                    .search_transit_gateway_routes()
                    .transit_gateway_route_table_id(id)
                    .filters(t::Filter::builder().name("type").values("static").build())
                    // No MaxResults: AWS returns up to 1,000 routes without it, and moto
                    // fails on it.
                    .send()
                    .await
                    .map_err(ListError::from_sdk)?
                    .routes()
                    .to_vec();
                let associations = paginate!(
                    client
                        .get_transit_gateway_route_table_associations()
                        .transit_gateway_route_table_id(id)
                        .max_results(1000),
                    associations
                );
                out.extend(transit_gateway_route_table(
                    table,
                    &routes,
                    &associations,
                    r,
                ));
            }
            out
        }
        "aws_ec2_managed_prefix_list" => {
            let lists = paginate!(
                client.describe_managed_prefix_lists().max_results(100),
                prefix_lists
            );
            // Entries need a call per list: made only for the account's own lists (AWS's
            // are never compared), one after the other inside this listing's slot.
            let mut out = Vec::new();
            for l in &lists {
                let entries = match (aws_prefix_list(l), l.prefix_list_id()) {
                    (false, Some(id)) => paginate!(
                        client
                            .get_managed_prefix_list_entries()
                            .prefix_list_id(id)
                            .max_results(100),
                        entries
                    ),
                    _ => Vec::new(),
                };
                out.extend(managed_prefix_list(l, &entries, r));
            }
            out
        }
        "aws_ebs_snapshot" => {
            // Every security group listed is the account's own: its owner is the account.
            // Snapshots are filtered by it as well as by `OwnerIds=self`, because an endpoint
            // that ignores `OwnerIds` (moto does) would list every public snapshot, slowly.
            let account = client
                .describe_security_groups()
                .max_results(5)
                .send()
                .await
                .map_err(ListError::from_sdk)?
                .security_groups()
                .iter()
                .find_map(|g| g.owner_id().map(String::from));
            let mut request = client.describe_snapshots().owner_ids("self");
            if let Some(account) = &account {
                request = request.filters(
                    t::Filter::builder()
                        .name("owner-id")
                        .values(account.as_str())
                        .build(),
                );
            }
            paginate!(request.max_results(1000), snapshots)
                .iter()
                .filter(|x| account.is_none() || x.owner_id() == account.as_deref())
                .filter_map(|x| ebs_snapshot(x, r))
                .collect()
        }
        "aws_ami" => paginate!(
            client.describe_images().owners("self").max_results(1000),
            images
        )
        .iter()
        .filter_map(|i| ami(i, r))
        .collect(),
        other => {
            return Err(ListError {
                kind: AlertKind::ListFailed,
                code: None,
                message: format!("the AWS lister does not support {other}"),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every type the catalog says is listed has a lister here (IAM's in `iam`); every derived
    /// type is checked against listed parents (the catalog's own test).
    #[tokio::test]
    async fn every_listed_type_has_a_lister() {
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            // Nothing listens on port 1: every call fails at once, without retries.
            .endpoint_url("http://127.0.0.1:1")
            .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                "a", "b", None, None, "test",
            ))
            .retry_config(RetryConfig::disabled())
            .build();
        let client = Client::from_conf(conf);
        macro_rules! unreachable_client {
            ($sdk:ident) => {
                $sdk::Client::from_conf(
                    $sdk::Config::builder()
                        .behavior_version(BehaviorVersion::latest())
                        .region(aws_config::Region::new("us-east-1"))
                        .endpoint_url("http://127.0.0.1:1")
                        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                            "a", "b", None, None, "test",
                        ))
                        .retry_config(RetryConfig::disabled())
                        .build(),
                )
            };
        }
        let regional = Regional {
            ec2: client.clone(),
            logs: Some(unreachable_client!(aws_sdk_cloudwatchlogs)),
            ecr: Some(unreachable_client!(aws_sdk_ecr)),
            lambda: Some(unreachable_client!(aws_sdk_lambda)),
            elb: Some(unreachable_client!(aws_sdk_elasticloadbalancingv2)),
            sqs: Some(unreachable_client!(aws_sdk_sqs)),
            sns: Some(unreachable_client!(aws_sdk_sns)),
            kms: Some(unreachable_client!(aws_sdk_kms)),
            autoscaling: Some(unreachable_client!(aws_sdk_autoscaling)),
            eks: Some(unreachable_client!(aws_sdk_eks)),
            guardduty: Some(unreachable_client!(aws_sdk_guardduty)),
        };
        for t in catalog::listed_types() {
            if iam::TYPES.contains(&t) || route53::TYPES.contains(&t) {
                continue;
            }
            let e = regional.list(t, "us-east-1").await.unwrap_err();
            assert!(
                !e.message.contains("does not support"),
                "{t}: {}",
                e.message
            );
        }
        for t in [
            iam::TYPES,
            route53::TYPES,
            logs::TYPES,
            ecr::TYPES,
            lambda::TYPES,
            elb::TYPES,
            sqs::TYPES,
            sns::TYPES,
            kms::TYPES,
            autoscaling::TYPES,
            eks::TYPES,
            guardduty::TYPES,
        ]
        .concat()
        {
            assert!(catalog::listed_types().contains(&t), "{t}");
        }
        let e = list(&client, "aws_s3_bucket", "us-east-1")
            .await
            .unwrap_err();
        assert!(e.message.contains("does not support"), "{}", e.message);
    }

    #[test]
    fn services_beyond_ec2_are_listed_only_when_the_state_uses_them() {
        let ec2_only = default_types(["aws_instance", "aws_s3_bucket"].into_iter());
        assert!(ec2_only.iter().any(|t| t == "aws_vpc"));
        assert!(!ec2_only.iter().any(|t| {
            ["aws_iam_", "aws_ecr_", "aws_cloudwatch_"]
                .iter()
                .any(|p| t.starts_with(p))
        }));
        let with_ecr = default_types(["aws_instance", "aws_ecr_lifecycle_policy"].into_iter());
        assert!(with_ecr.iter().any(|t| t == "aws_ecr_repository"));
        assert!(!with_ecr.iter().any(|t| t == "aws_cloudwatch_log_group"));
        assert!(!with_ecr.iter().any(|t| t == "aws_iam_role"));
        assert!(!with_ecr.iter().any(|t| t == "aws_lambda_function"));
    }

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
    fn the_regions_own_dhcp_options_are_aws_defaults() {
        let conf = |key: &str, values: &[&str]| {
            let mut c = t::DhcpConfiguration::builder().key(key);
            for v in values {
                c = c.values(t::AttributeValue::builder().value(*v).build());
            }
            c.build()
        };
        let set = |extra: Option<t::DhcpConfiguration>| {
            let mut d = t::DhcpOptions::builder()
                .dhcp_options_id("dopt-1")
                .dhcp_configurations(conf("domain-name", &["eu-west-1.compute.internal"]))
                .dhcp_configurations(conf("domain-name-servers", &["AmazonProvidedDNS"]));
            if let Some(e) = extra {
                d = d.dhcp_configurations(e);
            }
            dhcp_options(&d.build(), "eu-west-1").unwrap()
        };
        assert!(set(None).aws_default);
        let own = set(Some(conf("ntp-servers", &["169.254.169.123"])));
        assert!(!own.aws_default);
        assert_eq!(
            own.attributes.get("ntp_servers").unwrap().into_owned(),
            json!(["169.254.169.123"])
        );
        assert_eq!(
            own.attributes
                .get("netbios_node_type")
                .unwrap()
                .into_owned(),
            json!("")
        );
        // The same options in another region are someone's own set.
        let d = t::DhcpOptions::builder()
            .dhcp_options_id("dopt-2")
            .dhcp_configurations(conf("domain-name", &["eu-west-1.compute.internal"]))
            .dhcp_configurations(conf("domain-name-servers", &["AmazonProvidedDNS"]))
            .build();
        assert!(!dhcp_options(&d, "us-east-1").unwrap().aws_default);
    }

    #[test]
    fn cancelled_spot_requests_are_gone() {
        let q = |state: t::SpotInstanceState| {
            t::SpotInstanceRequest::builder()
                .spot_instance_request_id("sir-1")
                .state(state)
                .build()
        };
        assert!(spot_instance_request(&q(t::SpotInstanceState::Cancelled), "us-east-1").is_none());
        assert!(spot_instance_request(&q(t::SpotInstanceState::Closed), "us-east-1").is_none());
        let open = spot_instance_request(&q(t::SpotInstanceState::Open), "us-east-1").unwrap();
        assert_eq!(
            open.attributes
                .get("spot_instance_id")
                .unwrap()
                .into_owned(),
            json!("")
        );
    }

    #[test]
    fn network_acls_drop_the_catch_all_entries_and_know_their_default() {
        let entry = |n: i32, egress: bool, protocol: &str| {
            t::NetworkAclEntry::builder()
                .rule_number(n)
                .egress(egress)
                .protocol(protocol)
                .rule_action(t::RuleAction::Allow)
                .cidr_block("0.0.0.0/0")
                .build()
        };
        let acl = t::NetworkAcl::builder()
            .network_acl_id("acl-1")
            .is_default(true)
            .entries(entry(100, false, "6"))
            .entries(entry(32767, false, "-1"))
            .entries(entry(32767, true, "-1"))
            .associations(
                t::NetworkAclAssociation::builder()
                    .subnet_id("subnet-1")
                    .build(),
            )
            .build();
        let r = network_acl(&acl, "us-east-1").unwrap();
        assert!(r.aws_default);
        let ingress = r.attributes.get("ingress").unwrap().into_owned();
        assert_eq!(ingress.as_array().unwrap().len(), 1);
        assert_eq!(ingress[0]["rule_no"], 100);
        assert_eq!(ingress[0]["protocol"], "6");
        assert_eq!(ingress[0]["icmp_type"], 0);
        assert_eq!(r.attributes.get("egress").unwrap().into_owned(), json!([]));
        assert_eq!(
            r.attributes.get("subnet_ids").unwrap().into_owned(),
            json!(["subnet-1"])
        );
    }

    #[test]
    fn objects_aws_keeps_or_made_are_defaults_and_gone_ones_are_gone() {
        let aws_list = t::ManagedPrefixList::builder()
            .prefix_list_id("pl-1")
            .owner_id("AWS")
            .build();
        let own = t::ManagedPrefixList::builder()
            .prefix_list_id("pl-2")
            .owner_id("123456789012")
            .build();
        let entries = [t::PrefixListEntry::builder().cidr("10.0.0.0/8").build()];
        assert!(
            managed_prefix_list(&aws_list, &[], "us-east-1")
                .unwrap()
                .aws_default
        );
        let own = managed_prefix_list(&own, &entries, "us-east-1").unwrap();
        assert!(!own.aws_default);
        assert_eq!(
            own.attributes.get("entry").unwrap().into_owned(),
            json!([{"cidr": "10.0.0.0/8", "description": ""}])
        );
        let snapshot = |tag: &str| {
            t::Snapshot::builder()
                .snapshot_id("snap-1")
                .tags(Tag::builder().key(tag).value("x").build())
                .build()
        };
        assert!(
            ebs_snapshot(&snapshot("aws:dlm:lifecycle-policy-id"), "us-east-1")
                .unwrap()
                .aws_default
        );
        assert!(
            !ebs_snapshot(&snapshot("Name"), "us-east-1")
                .unwrap()
                .aws_default
        );
        let peering = |code: t::VpcPeeringConnectionStateReasonCode| {
            t::VpcPeeringConnection::builder()
                .vpc_peering_connection_id("pcx-1")
                .status(
                    t::VpcPeeringConnectionStateReason::builder()
                        .code(code)
                        .build(),
                )
                .build()
        };
        for gone in [
            t::VpcPeeringConnectionStateReasonCode::Deleted,
            t::VpcPeeringConnectionStateReasonCode::Rejected,
            t::VpcPeeringConnectionStateReasonCode::Expired,
        ] {
            assert!(vpc_peering_connection(&peering(gone), "us-east-1").is_none());
        }
        let pending = peering(t::VpcPeeringConnectionStateReasonCode::PendingAcceptance);
        assert_eq!(
            vpc_peering_connection(&pending, "us-east-1")
                .unwrap()
                .attributes
                .get("accept_status")
                .unwrap()
                .into_owned(),
            json!("pending-acceptance")
        );
    }

    #[test]
    fn flow_logs_file_the_logged_resource_under_its_argument() {
        let log = |id: &str| {
            flow_log(
                &t::FlowLog::builder()
                    .flow_log_id("fl-1")
                    .resource_id(id)
                    .build(),
                "us-east-1",
            )
            .unwrap()
        };
        assert!(log("subnet-1").attributes.get("subnet_id").is_some());
        assert!(log("eni-1").attributes.get("eni_id").is_some());
        assert!(
            log("tgw-attach-1")
                .attributes
                .get("transit_gateway_attachment_id")
                .is_some()
        );
        assert!(log("tgw-1").attributes.get("transit_gateway_id").is_some());
        assert!(log("vpc-1").attributes.get("vpc_id").is_some());
    }

    #[test]
    fn only_a_vpcs_secondary_ranges_are_associations() {
        let assoc = |id: &str, cidr: &str| {
            t::VpcCidrBlockAssociation::builder()
                .association_id(id)
                .cidr_block(cidr)
                .cidr_block_state(
                    t::VpcCidrBlockState::builder()
                        .state(t::VpcCidrBlockStateCode::Associated)
                        .build(),
                )
                .build()
        };
        let vpc = t::Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .cidr_block_association_set(assoc("a-1", "10.0.0.0/16"))
            .cidr_block_association_set(assoc("a-2", "10.1.0.0/16"))
            .build();
        let found = vpc_cidr_associations(&vpc, "us-east-1");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "a-2");
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

    #[test]
    fn what_eks_makes_is_its_cluster_or_node_group() {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
        let sg = t::SecurityGroup::builder()
            .group_id("sg-eks")
            .group_name("eks-cluster-sg-main-123")
            .tags(tag("aws:eks:cluster-name", "main"))
            .tags(tag("kubernetes.io/cluster/main", "owned"))
            .build();
        let owner = security_group(&sg, "us-east-1")
            .unwrap()
            .companion_of
            .unwrap();
        assert_eq!(
            (owner.owner_type.as_str(), owner.owner_id.as_str()),
            ("aws_eks_cluster", "main")
        );
        let lt = t::LaunchTemplate::builder()
            .launch_template_id("lt-eks")
            .launch_template_name("eks-workers")
            .tags(tag("eks:cluster-name", "main"))
            .tags(tag("eks:nodegroup-name", "workers"))
            .build();
        let owner = launch_template(&lt, "us-east-1")
            .unwrap()
            .companion_of
            .unwrap();
        assert_eq!(
            (owner.owner_type.as_str(), owner.owner_id.as_str()),
            ("aws_eks_node_group", "main:workers")
        );
        let own = t::SecurityGroup::builder()
            .group_id("sg-1")
            .group_name("web")
            .build();
        assert!(
            security_group(&own, "us-east-1")
                .unwrap()
                .companion_of
                .is_none()
        );
    }
}
