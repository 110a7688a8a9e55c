//! Route 53, once per account (it is global): ListHostedZones lists every zone; a zone's
//! records need a ListResourceRecordSets walk each, its tags one ListTagsForResources per ten
//! zones, a private zone's VPCs one GetHostedZone each, all at a bounded concurrency.

use aws_sdk_route53::types::{HostedZone, ResourceRecordSet, TagResourceType};

use super::*;

/// The Route 53 types listed here.
pub const TYPES: &[&str] = &["aws_route53_zone", "aws_route53_record"];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without zones needs no `route53:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_route53_")
}

/// A Route 53 client on the same configuration as the EC2 ones (the service has one endpoint
/// for every region).
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_route53::Client {
    service_client!(
        aws_sdk_route53,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_ROUTE_53",
        "route53"
    )
}

/// Lists `types` (members of [`TYPES`]): every zone of the account, and every record of them.
pub(super) async fn list(
    client: &aws_sdk_route53::Client,
    types: &[&str],
) -> Result<Vec<Resource>, ListError> {
    let zones = paginate!(client.list_hosted_zones().max_items(100), hosted_zones);
    let mut out = Vec::new();
    if types.contains(&"aws_route53_zone") {
        let mut tags: HashMap<String, Value> = HashMap::new();
        for chunk in zones.chunks(10) {
            let ids: Vec<String> = chunk.iter().map(|z| zone_id(z.id()).to_string()).collect();
            let listed = client
                .list_tags_for_resources()
                .resource_type(TagResourceType::Hostedzone)
                .set_resource_ids(Some(ids))
                .send()
                .await
                .map_err(ListError::from_sdk)?;
            for set in listed.resource_tag_sets() {
                let pairs = set
                    .tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value()?)));
                if let Some(id) = set.resource_id() {
                    tags.insert(id.to_string(), own_tags(pairs));
                }
            }
        }
        let private: Vec<HostedZone> = zones.iter().filter(|z| is_private(z)).cloned().collect();
        let vpcs: HashMap<String, Value> = read_each(private, |z| {
            let client = client.clone();
            async move {
                let id = zone_id(z.id()).to_string();
                let got = client.get_hosted_zone().id(&id).send().await;
                let got = match got {
                    Ok(g) => g,
                    // A zone deleted since the listing is gone.
                    Err(e) if e.code() == Some("NoSuchHostedZone") => return Ok(None),
                    Err(e) => return Err(ListError::from_sdk(e)),
                };
                let mut vpcs: Vec<Value> = got
                    .vpcs()
                    .iter()
                    .map(|v| {
                        json!({
                            "vpc_id": v.vpc_id(),
                            "vpc_region": v.vpc_region().map(|r| r.as_str()),
                        })
                    })
                    .collect();
                vpcs.sort_by_key(|v| v.to_string());
                Ok(Some((id, json!(vpcs))))
            }
        })
        .await?
        .into_iter()
        .collect();
        out.extend(zones.iter().map(|z| {
            let id = zone_id(z.id());
            zone(z, tags.get(id), vpcs.get(id))
        }));
    }
    if types.contains(&"aws_route53_record") {
        let per_zone = read_each(zones, |z| {
            let client = client.clone();
            async move { records(&client, &z).await.map(Some) }
        })
        .await?;
        out.extend(per_zone.into_iter().flatten());
    }
    Ok(out)
}

/// Every record set of one zone, walked page by page (the API has no paginator of its own).
async fn records(
    client: &aws_sdk_route53::Client,
    z: &HostedZone,
) -> Result<Vec<Resource>, ListError> {
    let (id, name) = (zone_id(z.id()), fqdn(z.name()));
    let mut sets = Vec::new();
    let mut next: Option<(String, aws_sdk_route53::types::RrType, Option<String>)> = None;
    loop {
        let mut req = client.list_resource_record_sets().hosted_zone_id(id);
        if let Some((name, rtype, identifier)) = next.take() {
            req = req
                .start_record_name(name)
                .start_record_type(rtype)
                .set_start_record_identifier(identifier);
        }
        let page = match req.send().await {
            Ok(page) => page,
            // A zone deleted since the listing has no records left to judge.
            Err(e) if e.code() == Some("NoSuchHostedZone") => return Ok(Vec::new()),
            Err(e) => return Err(ListError::from_sdk(e)),
        };
        sets.extend(page.resource_record_sets().iter().cloned());
        match (
            page.is_truncated(),
            page.next_record_name(),
            page.next_record_type(),
        ) {
            (true, Some(n), Some(t)) => {
                next = Some((
                    n.to_string(),
                    t.clone(),
                    page.next_record_identifier().map(String::from),
                ))
            }
            _ => break,
        }
    }
    Ok(sets.iter().map(|s| record(id, &name, s)).collect())
}

/// `/hostedzone/Z123` as Terraform names it: `Z123`.
fn zone_id(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

fn is_private(z: &HostedZone) -> bool {
    z.config().is_some_and(|c| c.private_zone())
}

/// A DNS name as the provider writes it: lowercase, no final dot, and the octal escapes AWS
/// returns (`\052` for `*`) decoded.
fn fqdn(name: &str) -> String {
    let name = name.strip_suffix('.').unwrap_or(name);
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let digits: String = chars.clone().take(3).collect();
            if digits.len() == 3
                && let Ok(code) = u8::from_str_radix(&digits, 8)
            {
                out.push(char::from(code));
                chars.nth(2);
                continue;
            }
        }
        out.push(c);
    }
    out.to_lowercase()
}

fn zone(z: &HostedZone, tags: Option<&Value>, vpcs: Option<&Value>) -> Resource {
    let id = zone_id(z.id());
    let mut r = Resource::live("aws_route53_zone", id, "");
    r.region = None;
    let a = r.attributes.make_mut();
    put(a, "name", Some(fqdn(z.name())));
    put(a, "zone_id", Some(id));
    a.insert(
        "comment".into(),
        json!(z.config().and_then(|c| c.comment()).unwrap_or("")),
    );
    a.insert("tags".into(), tags.cloned().unwrap_or_else(|| json!({})));
    if is_private(z) {
        a.insert("vpc".into(), vpcs.cloned().unwrap_or_else(|| json!([])));
    }
    r
}

fn record(zone: &str, zone_name: &str, s: &ResourceRecordSet) -> Resource {
    let name = fqdn(s.name());
    let rtype = s.r#type().as_str();
    let set = s.set_identifier().unwrap_or("");
    let id = match set {
        "" => format!("{zone}_{name}_{rtype}"),
        set => format!("{zone}_{name}_{rtype}_{set}"),
    };
    let mut r = Resource::live("aws_route53_record", &id, "");
    r.region = None;
    // The zone's own start of authority and name servers come with it.
    r.aws_default = name == zone_name && matches!(rtype, "SOA" | "NS");
    let a = r.attributes.make_mut();
    put(a, "zone_id", Some(zone));
    put(a, "name", Some(name.as_str()));
    put(a, "fqdn", Some(name.as_str()));
    put(a, "type", Some(rtype));
    a.insert("ttl".into(), json!(s.ttl().unwrap_or(0)));
    // TXT and SPF values come quoted; the provider writes them without the outer quotes.
    let mut records: Vec<String> = s
        .resource_records()
        .iter()
        .map(|v| {
            let v = v.value();
            match rtype {
                "TXT" | "SPF" if v.len() > 1 && v.starts_with('"') && v.ends_with('"') => {
                    v[1..v.len() - 1].to_string()
                }
                _ => v.to_string(),
            }
        })
        .collect();
    records.sort();
    a.insert("records".into(), json!(records));
    let alias: Vec<Value> = s
        .alias_target()
        .map(|t| {
            json!({
                "name": fqdn(t.dns_name()),
                "zone_id": t.hosted_zone_id(),
                "evaluate_target_health": t.evaluate_target_health(),
            })
        })
        .into_iter()
        .collect();
    a.insert("alias".into(), json!(alias));
    a.insert("set_identifier".into(), json!(set));
    a.insert(
        "health_check_id".into(),
        json!(s.health_check_id().unwrap_or("")),
    );
    let one = |v: Option<Value>| json!(v.into_iter().collect::<Vec<_>>());
    a.insert(
        "weighted_routing_policy".into(),
        one(s.weight().map(|w| json!({"weight": w}))),
    );
    a.insert(
        "failover_routing_policy".into(),
        one(s.failover().map(|f| json!({"type": f.as_str()}))),
    );
    a.insert(
        "latency_routing_policy".into(),
        one(s.region().map(|r| json!({"region": r.as_str()}))),
    );
    a.insert(
        "geolocation_routing_policy".into(),
        one(s.geo_location().map(|g| {
            json!({
                "continent": g.continent_code().unwrap_or(""),
                "country": g.country_code().unwrap_or(""),
                "subdivision": g.subdivision_code().unwrap_or(""),
            })
        })),
    );
    put(
        a,
        "multivalue_answer_routing_policy",
        s.multi_value_answer(),
    );
    r
}

#[cfg(test)]
mod tests {
    use aws_sdk_route53::types::{AliasTarget, ResourceRecord, RrType};

    use super::*;

    #[test]
    fn names_read_as_the_provider_writes_them() {
        assert_eq!(fqdn("\\052.Example.COM."), "*.example.com");
        assert_eq!(fqdn("www.example.com"), "www.example.com");
        assert_eq!(fqdn("a\\\\b."), "a\\\\b");
        assert_eq!(zone_id("/hostedzone/Z123"), "Z123");
    }

    #[test]
    fn records_are_named_by_terraforms_id() {
        let txt = ResourceRecordSet::builder()
            .name("Example.com.")
            .r#type(RrType::Txt)
            .ttl(300)
            .resource_records(
                ResourceRecord::builder()
                    .value("\"v=spf1 -all\"")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let r = record("Z1", "example.com", &txt);
        assert_eq!(r.id, "Z1_example.com_TXT");
        assert!(!r.aws_default);
        assert_eq!(r.attributes.map()["records"], json!(["v=spf1 -all"]));
        let weighted = ResourceRecordSet::builder()
            .name("\\052.example.com.")
            .r#type(RrType::A)
            .set_identifier("blue")
            .weight(10)
            .alias_target(
                AliasTarget::builder()
                    .hosted_zone_id("Z2")
                    .dns_name("LB-1.eu-west-1.elb.amazonaws.com.")
                    .evaluate_target_health(true)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let r = record("Z1", "example.com", &weighted);
        assert_eq!(r.id, "Z1_*.example.com_A_blue");
        let a = r.attributes.map();
        assert_eq!(a["weighted_routing_policy"], json!([{"weight": 10}]));
        assert_eq!(
            a["alias"][0]["name"],
            json!("lb-1.eu-west-1.elb.amazonaws.com")
        );
        assert_eq!(a["ttl"], 0);
        let soa = ResourceRecordSet::builder()
            .name("example.com.")
            .r#type(RrType::Soa)
            .build()
            .unwrap();
        assert!(record("Z1", "example.com", &soa).aws_default);
    }
}
