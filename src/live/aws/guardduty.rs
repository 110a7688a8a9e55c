//! GuardDuty, per region: ListDetectors names the region's detector (one per account and
//! region); GetDetector reads it, ListMembers lists its member accounts in bulk,
//! DescribeOrganizationConfiguration reads what a delegated administrator enables for the
//! organization's accounts; IP sets, threat intelligence sets, filters and publishing
//! destinations are listed by ID and read with one Get call each; ListOrganizationAdminAccounts
//! names the organization's delegated administrators. Each only for the types asked for.

use super::*;

/// The GuardDuty types listed here.
pub const TYPES: &[&str] = &[
    "aws_guardduty_detector",
    "aws_guardduty_member",
    "aws_guardduty_organization_configuration",
    "aws_guardduty_ipset",
    "aws_guardduty_threatintelset",
    "aws_guardduty_filter",
    "aws_guardduty_publishing_destination",
    "aws_guardduty_organization_admin_account",
];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without GuardDuty needs no `guardduty:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_guardduty_")
}

/// A GuardDuty client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_guardduty::Client {
    service_client!(
        aws_sdk_guardduty,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_GUARDDUTY",
        "guardduty"
    )
}

/// Lists one GuardDuty type in one region.
pub(super) async fn list(
    client: &aws_sdk_guardduty::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    if !TYPES.contains(&rtype) {
        return Err(unsupported(rtype));
    }
    if rtype == "aws_guardduty_organization_admin_account" {
        return admin_accounts(client, region).await;
    }
    let detectors: Vec<String> = paginate!(client.list_detectors().max_results(50), detector_ids);
    let (rtype, region) = (rtype.to_string(), region.to_string());
    let per_detector = read_each(detectors, |id| {
        let (client, rtype, region) = (client.clone(), rtype.clone(), region.clone());
        async move { read(&client, &rtype, id, &region).await.map(Some) }
    })
    .await?;
    Ok(per_detector.into_iter().flatten().collect())
}

/// Reads each of a detector's objects named by `ids` with one call (`get`), mapping the
/// answer with `map` (`None`: not one to judge); an object deleted since the listing is left
/// out.
macro_rules! read_by_id {
    ($ids:expr, ($client:expr, $detector:expr, $region:expr),
     |$c:ident, $d:ident, $r:ident, $id:ident| $get:expr, |$o:ident| $map:expr) => {{
        read_each($ids, |$id: String| {
            let ($c, $d, $r) = ($client.clone(), $detector.clone(), $region.to_string());
            async move {
                Ok(match $get.send().await {
                    Ok($o) => $map,
                    Err(e) if gone(e.code(), e.message()) => None,
                    Err(e) => return Err(ListError::from_sdk(e)),
                })
            }
        })
        .await
    }};
}

/// The `rtype` objects of one detector.
async fn read(
    client: &aws_sdk_guardduty::Client,
    rtype: &str,
    detector: String,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    match rtype {
        "aws_guardduty_detector" => {
            let got = client.get_detector().detector_id(&detector).send().await;
            Ok(match got {
                Ok(d) => vec![self::detector(&detector, &d, region)],
                Err(e) if gone(e.code(), e.message()) => Vec::new(),
                Err(e) => return Err(ListError::from_sdk(e)),
            })
        }
        "aws_guardduty_member" => {
            // Every member, invited or not (the API's default is the associated ones only).
            let listed = paginate!(
                client
                    .list_members()
                    .detector_id(&detector)
                    .only_associated("false")
                    .max_results(50),
                members
            );
            Ok(listed
                .iter()
                .filter_map(|m| member(&detector, m, region))
                .collect())
        }
        "aws_guardduty_ipset" => {
            let ids = paginate!(
                client.list_ip_sets().detector_id(&detector).max_results(50),
                ip_set_ids
            );
            read_by_id!(
                ids,
                (client, detector, region),
                |c, d, r, id| c.get_ip_set().detector_id(&d).ip_set_id(&id),
                |o| list_of_addresses(
                    "aws_guardduty_ipset",
                    (&d, &id),
                    (o.name(), o.format().map(|f| f.as_str())),
                    (o.location(), o.status().map(|s| s.as_str())),
                    o.tags(),
                    &r,
                )
            )
        }
        "aws_guardduty_threatintelset" => {
            let ids = paginate!(
                client
                    .list_threat_intel_sets()
                    .detector_id(&detector)
                    .max_results(50),
                threat_intel_set_ids
            );
            read_by_id!(
                ids,
                (client, detector, region),
                |c, d, r, id| c
                    .get_threat_intel_set()
                    .detector_id(&d)
                    .threat_intel_set_id(&id),
                |o| list_of_addresses(
                    "aws_guardduty_threatintelset",
                    (&d, &id),
                    (o.name(), o.format().map(|f| f.as_str())),
                    (o.location(), o.status().map(|s| s.as_str())),
                    o.tags(),
                    &r,
                )
            )
        }
        "aws_guardduty_filter" => {
            let names = paginate!(
                client.list_filters().detector_id(&detector).max_results(50),
                filter_names
            );
            read_by_id!(
                names,
                (client, detector, region),
                |c, d, r, name| c.get_filter().detector_id(&d).filter_name(&name),
                |o| Some(filter(&d, &name, &o, &r))
            )
        }
        "aws_guardduty_publishing_destination" => {
            let listed = paginate!(
                client
                    .list_publishing_destinations()
                    .detector_id(&detector)
                    .max_results(50),
                destinations
            );
            let ids: Vec<String> = listed
                .iter()
                .filter_map(|d| d.destination_id().map(String::from))
                .collect();
            read_by_id!(
                ids,
                (client, detector, region),
                |c, d, r, id| c
                    .describe_publishing_destination()
                    .detector_id(&d)
                    .destination_id(&id),
                |o| Some(publishing_destination(&d, &o, &r))
            )
        }
        _ => {
            let got = client
                .describe_organization_configuration()
                .detector_id(&detector)
                .send()
                .await;
            Ok(match got {
                Ok(c) => vec![organization_configuration(&detector, &c, region)],
                // Only an organization's delegated administrator has one: elsewhere the
                // call is refused as a bad request, and there is nothing to judge.
                Err(e) if gone(e.code(), e.message()) || not_for_this_account(&e) => Vec::new(),
                Err(e) => return Err(ListError::from_sdk(e)),
            })
        }
    }
}

/// The organization's delegated GuardDuty administrators, as the organization's management
/// account sees them; any other account is refused as a bad request, and has none to judge.
async fn admin_accounts(
    client: &aws_sdk_guardduty::Client,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    let mut pages = client
        .list_organization_admin_accounts()
        .max_results(50)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if not_for_this_account(&e) => return Ok(Vec::new()),
            Err(e) => return Err(ListError::from_sdk(e)),
        };
        for admin in page.admin_accounts() {
            let (Some(id), Some("ENABLED")) = (
                admin.admin_account_id(),
                admin.admin_status().map(|s| s.as_str()),
            ) else {
                continue;
            };
            let mut r = Resource::live("aws_guardduty_organization_admin_account", id, region);
            put(r.attributes.make_mut(), "admin_account_id", Some(id));
            out.push(r);
        }
    }
    Ok(out)
}

/// An IP set or a threat intelligence set (the two have one shape): Terraform's ID is
/// `DETECTOR:ID`, `activate` the set's status.
fn list_of_addresses(
    rtype: &str,
    (detector, id): (&str, &str),
    (name, format): (Option<&str>, Option<&str>),
    (location, status): (Option<&str>, Option<&str>),
    tags: Option<&HashMap<String, String>>,
    region: &str,
) -> Option<Resource> {
    // A list being deleted is gone, as for the provider; one between states says nothing yet
    // of whether it is on.
    if matches!(status, Some("DELETE_PENDING" | "DELETED")) {
        return None;
    }
    let mut r = Resource::live(rtype, format!("{detector}:{id}"), region);
    let a = r.attributes.make_mut();
    put(a, "detector_id", Some(detector));
    put(a, "name", name);
    put(a, "format", format);
    put(a, "location", location);
    match status {
        Some("ACTIVE") => {
            a.insert("activate".into(), json!(true));
        }
        Some("INACTIVE") => {
            a.insert("activate".into(), json!(false));
        }
        _ => {}
    }
    a.insert("tags".into(), own_tag_map(tags));
    Some(r)
}

fn filter(
    detector: &str,
    name: &str,
    f: &aws_sdk_guardduty::operation::get_filter::GetFilterOutput,
    region: &str,
) -> Resource {
    let mut r = Resource::live("aws_guardduty_filter", format!("{detector}:{name}"), region);
    let a = r.attributes.make_mut();
    put(a, "detector_id", Some(detector));
    put(a, "name", Some(name));
    put(a, "action", f.action().map(|x| x.as_str()));
    put(a, "rank", f.rank());
    // The provider records no description as "".
    put(a, "description", Some(f.description().unwrap_or("")));
    a.insert("tags".into(), own_tag_map(f.tags()));
    r
}

fn publishing_destination(
    detector: &str,
    d: &aws_sdk_guardduty::operation::describe_publishing_destination::DescribePublishingDestinationOutput,
    region: &str,
) -> Resource {
    let id = d.destination_id().unwrap_or_default();
    let mut r = Resource::live(
        "aws_guardduty_publishing_destination",
        format!("{detector}:{id}"),
        region,
    );
    let a = r.attributes.make_mut();
    put(a, "detector_id", Some(detector));
    put(
        a,
        "destination_type",
        d.destination_type().map(|t| t.as_str()),
    );
    if let Some(p) = d.destination_properties() {
        put(a, "destination_arn", p.destination_arn());
        put(a, "kms_key_arn", p.kms_key_arn());
    }
    r
}

/// True for the error of an object deleted since the listing: GuardDuty answers a bad request
/// naming an ID the account does not (any longer) own.
fn gone(code: Option<&str>, message: Option<&str>) -> bool {
    let message = message.unwrap_or_default().to_ascii_lowercase();
    code == Some("ResourceNotFoundException")
        || (code == Some("BadRequestException")
            && (message.contains("not owned by the current account")
                || message.contains("no such resource")))
}

/// True for GuardDuty's refusal of an organization call in an account that is not the
/// organization's management account or delegated administrator: there is nothing of that
/// kind to judge there. Any other bad request is the listing's failure.
fn not_for_this_account<E, R>(e: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    let message = e.message().unwrap_or_default().to_ascii_lowercase();
    e.code() == Some("BadRequestException")
        && [
            "administrator",
            "management account",
            "master account",
            "organization",
        ]
        .iter()
        .any(|m| message.contains(m))
}

fn detector(
    id: &str,
    d: &aws_sdk_guardduty::operation::get_detector::GetDetectorOutput,
    region: &str,
) -> Resource {
    let mut r = Resource::live("aws_guardduty_detector", id, region);
    let a = r.attributes.make_mut();
    if let Some(status) = d.status() {
        a.insert("enable".into(), json!(status.as_str() == "ENABLED"));
    }
    put(
        a,
        "finding_publishing_frequency",
        d.finding_publishing_frequency().map(|f| f.as_str()),
    );
    a.insert("tags".into(), own_tag_map(d.tags()));
    r
}

/// A member account of `detector` (the administrator's detector: Terraform's ID is
/// `DETECTOR:ACCOUNT`; the member's own detector is another one, or none before it accepts).
fn member(detector: &str, m: &aws_sdk_guardduty::types::Member, region: &str) -> Option<Resource> {
    let account = m.account_id()?;
    let mut r = Resource::live(
        "aws_guardduty_member",
        format!("{detector}:{account}"),
        region,
    );
    let a = r.attributes.make_mut();
    put(a, "account_id", Some(account));
    put(a, "detector_id", Some(detector));
    put(a, "email", m.email());
    put(a, "relationship_status", m.relationship_status());
    Some(r)
}

fn organization_configuration(
    detector: &str,
    c: &aws_sdk_guardduty::operation::describe_organization_configuration::DescribeOrganizationConfigurationOutput,
    region: &str,
) -> Resource {
    let mut r = Resource::live("aws_guardduty_organization_configuration", detector, region);
    // It exists wherever a delegated administrator's detector does: a setting, not an
    // object anyone makes, so never unmanaged.
    r.aws_default = true;
    let a = r.attributes.make_mut();
    put(a, "detector_id", Some(detector));
    put(
        a,
        "auto_enable_organization_members",
        c.auto_enable_organization_members().map(|m| m.as_str()),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GuardDuty endpoint answering from the API's documented response shapes (moto serves
    /// detectors but neither members nor organization configurations): one detector with two
    /// members, the second page of which the lister must ask for.
    async fn canned_guardduty() -> String {
        use axum::extract::{Path, Query};
        use axum::routing::get;
        let app = axum::Router::new()
            .route(
                "/detector",
                get(|| async { axum::Json(json!({"detectorIds": ["d1"]})) }),
            )
            .route(
                "/detector/{id}",
                get(|Path(id): Path<String>| async move {
                    axum::Json(json!({
                        "status": if id == "d1" { "ENABLED" } else { "DISABLED" },
                        "findingPublishingFrequency": "SIX_HOURS",
                        "serviceRole": "arn:aws:iam::111111111111:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
                        "tags": {"Team": "sec", "aws:cloudformation:stack-name": "s"}
                    }))
                }),
            )
            .route(
                "/detector/{id}/member",
                get(|Query(q): Query<HashMap<String, String>>| async move {
                    assert_eq!(q.get("onlyAssociated").map(String::as_str), Some("false"));
                    let member = |account: &str, status: &str| {
                        // The member's own detector, not the administrator's.
                        json!({"accountId": account, "detectorId": format!("own-{account}"),
                               "masterId": "111111111111",
                               "email": format!("{account}@example.com"),
                               "relationshipStatus": status, "updatedAt": "2026-01-01T00:00:00Z"})
                    };
                    axum::Json(match q.get("nextToken") {
                        None => json!({"members": [member("222222222222", "Enabled")], "nextToken": "p2"}),
                        Some(_) => json!({"members": [member("333333333333", "Created")]}),
                    })
                }),
            )
            .route(
                "/detector/{id}/ipset",
                get(|| async { axum::Json(json!({"ipSetIds": ["ip1"]})) }),
            )
            .route(
                "/detector/{id}/ipset/{set}",
                get(|| async {
                    axum::Json(json!({"name": "office", "format": "TXT", "status": "ACTIVE",
                                      "location": "https://s3.amazonaws.com/lists/office.txt",
                                      "tags": {"Team": "sec"}}))
                }),
            )
            .route(
                "/detector/{id}/threatintelset",
                get(|| async {
                    axum::Json(json!({"threatIntelSetIds": ["ti1", "ti-gone", "ti-deleting"]}))
                }),
            )
            .route(
                "/detector/{id}/threatintelset/{set}",
                get(|Path((_, set)): Path<(String, String)>| async move {
                    if set == "ti-gone" {
                        // Deleted between the listing and the read.
                        return (
                            axum::http::StatusCode::BAD_REQUEST,
                            [("x-amzn-errortype", "BadRequestException")],
                            axum::Json(json!({"message": "The request is rejected because the input threatIntelSetId is not owned by the current account."})),
                        );
                    }
                    if set == "ti-deleting" {
                        return (
                            axum::http::StatusCode::OK,
                            [("x-amzn-errortype", "")],
                            axum::Json(json!({"name": "old", "format": "TXT", "status": "DELETE_PENDING",
                                              "location": "https://s3.amazonaws.com/lists/old.txt"})),
                        );
                    }
                    (
                        axum::http::StatusCode::OK,
                        [("x-amzn-errortype", "")],
                        axum::Json(json!({"name": "feed", "format": "STIX", "status": "INACTIVE",
                                          "location": "https://s3.amazonaws.com/lists/feed.xml"})),
                    )
                }),
            )
            .route(
                "/detector/{id}/filter",
                get(|| async { axum::Json(json!({"filterNames": ["quiet"]})) }),
            )
            .route(
                "/detector/{id}/filter/{name}",
                get(|| async {
                    axum::Json(json!({"name": "quiet", "action": "ARCHIVE", "rank": 1,
                                      "findingCriteria": {"criterion": {"severity": {"lt": 4}}}}))
                }),
            )
            .route(
                "/detector/{id}/publishingDestination",
                get(|| async {
                    axum::Json(json!({"destinations": [{"destinationId": "pd1",
                        "destinationType": "S3", "status": "PUBLISHING"}]}))
                }),
            )
            .route(
                "/detector/{id}/publishingDestination/{dest}",
                get(|| async {
                    axum::Json(json!({"destinationId": "pd1", "destinationType": "S3",
                        "status": "PUBLISHING", "publishingFailureStartTimestamp": 0,
                        "destinationProperties": {"destinationArn": "arn:aws:s3:::findings",
                                                  "kmsKeyArn": "arn:aws:kms:eu-west-1:111111111111:key/k"}}))
                }),
            )
            .route(
                "/admin",
                get(|| async {
                    axum::Json(json!({"adminAccounts": [
                        {"adminAccountId": "444444444444", "adminStatus": "ENABLED"},
                        {"adminAccountId": "555555555555", "adminStatus": "DISABLE_IN_PROGRESS"}]}))
                }),
            )
            .route(
                "/detector/{id}/admin",
                get(|| async {
                    axum::Json(json!({
                        "autoEnable": true,
                        "memberAccountLimitReached": false,
                        "autoEnableOrganizationMembers": "NEW"
                    }))
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn client(url: &str) -> aws_sdk_guardduty::Client {
        aws_sdk_guardduty::Client::from_conf(
            aws_sdk_guardduty::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-1"))
                .endpoint_url(url)
                .credentials_provider(aws_sdk_guardduty::config::Credentials::new(
                    "a", "b", None, None, "test",
                ))
                .retry_config(RetryConfig::disabled())
                .build(),
        )
    }

    #[tokio::test]
    async fn detectors_members_and_the_organization_configuration_are_listed() {
        let client = client(&canned_guardduty().await);
        let d = list(&client, "aws_guardduty_detector", "eu-west-1")
            .await
            .unwrap();
        assert_eq!(d.len(), 1);
        let a = d[0].attributes.map();
        assert_eq!(d[0].id, "d1");
        assert_eq!(a["enable"], json!(true));
        assert_eq!(a["finding_publishing_frequency"], json!("SIX_HOURS"));
        assert_eq!(a["tags"], json!({"Team": "sec"}));

        let m = list(&client, "aws_guardduty_member", "eu-west-1")
            .await
            .unwrap();
        let ids: Vec<&str> = m.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["d1:222222222222", "d1:333333333333"], "both pages");
        assert_eq!(
            m[0].attributes.map()["email"],
            json!("222222222222@example.com")
        );
        assert_eq!(m[0].attributes.map()["detector_id"], json!("d1"));

        let c = list(
            &client,
            "aws_guardduty_organization_configuration",
            "eu-west-1",
        )
        .await
        .unwrap();
        assert_eq!(c.len(), 1);
        assert!(c[0].aws_default, "a setting is never unmanaged");

        let ip = list(&client, "aws_guardduty_ipset", "eu-west-1")
            .await
            .unwrap();
        assert_eq!(ip[0].id, "d1:ip1");
        let a = ip[0].attributes.map();
        assert_eq!(
            (&a["activate"], &a["format"]),
            (&json!(true), &json!("TXT"))
        );
        let ti = list(&client, "aws_guardduty_threatintelset", "eu-west-1")
            .await
            .unwrap();
        let ids: Vec<&str> = ti.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["d1:ti1"],
            "sets deleted or being deleted are left out"
        );
        assert_eq!(ti[0].attributes.map()["activate"], json!(false));
        let f = list(&client, "aws_guardduty_filter", "eu-west-1")
            .await
            .unwrap();
        assert_eq!(f[0].id, "d1:quiet");
        let a = f[0].attributes.map();
        assert_eq!((&a["action"], &a["rank"]), (&json!("ARCHIVE"), &json!(1)));
        assert_eq!(a["description"], json!(""));
        let p = list(&client, "aws_guardduty_publishing_destination", "eu-west-1")
            .await
            .unwrap();
        assert_eq!(p[0].id, "d1:pd1");
        assert_eq!(
            p[0].attributes.map()["destination_arn"],
            json!("arn:aws:s3:::findings")
        );
        let admins = list(
            &client,
            "aws_guardduty_organization_admin_account",
            "eu-west-1",
        )
        .await
        .unwrap();
        let ids: Vec<&str> = admins.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["444444444444"], "enabled administrators only");
        assert_eq!(
            c[0].attributes.map()["auto_enable_organization_members"],
            json!("NEW")
        );
    }

    #[tokio::test]
    async fn an_account_that_is_not_the_administrator_has_no_organization_configuration() {
        use axum::http::StatusCode;
        use axum::routing::get;
        let app = axum::Router::new()
            .route(
                "/detector",
                get(|| async { axum::Json(json!({"detectorIds": ["d1"]})) }),
            )
            .route(
                "/detector/{id}/admin",
                get(|| async {
                    (
                        StatusCode::BAD_REQUEST,
                        [("x-amzn-errortype", "BadRequestException")],
                        axum::Json(json!({"message": "The request is rejected because the current account is not the delegated administrator."})),
                    )
                }),
            )
            .route(
                "/admin",
                get(|| async {
                    (
                        StatusCode::BAD_REQUEST,
                        [("x-amzn-errortype", "BadRequestException")],
                        axum::Json(json!({"message": "1 validation error detected: maxResults"})),
                    )
                }),
            )
            .route(
                "/detector/{id}/member",
                get(|| async {
                    (
                        StatusCode::FORBIDDEN,
                        [("x-amzn-errortype", "AccessDeniedException")],
                        axum::Json(json!({"message": "not allowed"})),
                    )
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = client(&url);
        let c = list(
            &client,
            "aws_guardduty_organization_configuration",
            "eu-west-1",
        )
        .await
        .unwrap();
        assert!(c.is_empty());
        // A refused listing is the listing's failure, never "no members".
        let e = list(&client, "aws_guardduty_member", "eu-west-1")
            .await
            .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("AccessDeniedException"));
        // Any other bad request is a failure too, never "no administrators".
        let e = list(
            &client,
            "aws_guardduty_organization_admin_account",
            "eu-west-1",
        )
        .await
        .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("BadRequestException"));
    }
}
