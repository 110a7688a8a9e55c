//! IAM, once per account (it is global): one paginated GetAccountAuthorizationDetails call
//! returns every role, user and group with its attached and inline policies and every customer
//! managed policy with its default version; ListInstanceProfiles adds the instance profiles,
//! ListOpenIDConnectProviders the identity providers (read one by one: accounts hold a few).

use aws_sdk_iam::types::{
    AttachedPolicy, EntityType, GroupDetail, ManagedPolicyDetail, PolicyDetail, RoleDetail,
    UserDetail,
};

use super::*;

/// The IAM types listed here; the others (attachments) are checked against these.
pub const TYPES: &[&str] = &[
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_instance_profile",
    "aws_iam_user",
    "aws_iam_group",
    "aws_iam_openid_connect_provider",
];

/// An IAM client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_iam::Client {
    let conf = sdk_config(opts, region, "AWS_ENDPOINT_URL_IAM", opts.endpoint("iam")).await;
    let conf = aws_sdk_iam::config::Builder::from(&conf)
        .interceptor(calls.clone())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// Lists `types` (members of [`TYPES`]).
pub(super) async fn list(
    client: &aws_sdk_iam::Client,
    types: &[&str],
) -> Result<Vec<Resource>, ListError> {
    let mut out = Vec::new();
    let wants = |t: &str| types.contains(&t);
    let (roles, policies, users, groups) = (
        wants("aws_iam_role"),
        wants("aws_iam_policy"),
        wants("aws_iam_user"),
        wants("aws_iam_group"),
    );
    if roles || policies || users || groups {
        let mut req = client.get_account_authorization_details();
        for (wanted, filter) in [
            (roles, EntityType::Role),
            (policies, EntityType::LocalManagedPolicy),
            (users, EntityType::User),
            (groups, EntityType::Group),
        ] {
            if wanted {
                req = req.filter(filter);
            }
        }
        // Policy ARN → the roles, users and groups it is attached to (for
        // `aws_iam_policy_attachment`), and the names of AWS managed ones.
        let mut attachments: BTreeMap<String, [Vec<String>; 3]> = BTreeMap::new();
        let mut aws_managed: BTreeMap<String, String> = BTreeMap::new();
        let mut note = |policies: &[AttachedPolicy], which: usize, name: &str| {
            for p in policies {
                let Some(arn) = p.policy_arn() else { continue };
                attachments.entry(arn.to_string()).or_default()[which].push(name.to_string());
                if arn.starts_with("arn:aws:iam::aws:") {
                    aws_managed.insert(arn.to_string(), p.policy_name().unwrap_or("").to_string());
                }
            }
        };
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(ListError::from_sdk)?;
            for d in page.role_detail_list() {
                note(
                    d.attached_managed_policies(),
                    0,
                    d.role_name().unwrap_or(""),
                );
            }
            for d in page.user_detail_list() {
                note(
                    d.attached_managed_policies(),
                    1,
                    d.user_name().unwrap_or(""),
                );
            }
            for d in page.group_detail_list() {
                note(
                    d.attached_managed_policies(),
                    2,
                    d.group_name().unwrap_or(""),
                );
            }
            if roles {
                out.extend(page.role_detail_list().iter().filter_map(role));
            }
            if policies {
                out.extend(page.policies().iter().filter_map(policy));
            }
            if users {
                out.extend(page.user_detail_list().iter().filter_map(user));
            }
            if groups {
                out.extend(page.group_detail_list().iter().filter_map(group));
            }
        }
        if roles {
            // The authorization details leave out a role's description and session length;
            // ListRoles has both, a page of up to 1,000 roles per call.
            let mut described: BTreeMap<String, (String, i32)> = BTreeMap::new();
            let mut pages = client.list_roles().max_items(1000).into_paginator().send();
            while let Some(page) = pages.next().await {
                for r in page.map_err(ListError::from_sdk)?.roles() {
                    described.insert(
                        r.role_name().to_string(),
                        (
                            r.description().unwrap_or("").to_string(),
                            r.max_session_duration().unwrap_or(3600),
                        ),
                    );
                }
            }
            // A role made between the two calls is compared without them.
            for r in out.iter_mut().filter(|r| r.rtype == "aws_iam_role") {
                if let Some((description, max)) = described.remove(&r.id) {
                    let a = r.attributes.make_mut();
                    a.insert("description".into(), json!(description));
                    a.insert("max_session_duration".into(), json!(max));
                }
            }
        }
        if policies {
            // AWS managed policies attached in the account, for the attachments that name them
            // (AWS's own: never unmanaged).
            for (arn, name) in aws_managed {
                let mut r = global("aws_iam_policy", &arn);
                r.aws_default = true;
                let a = r.attributes.make_mut();
                put(a, "arn", Some(arn.as_str()));
                put(a, "name", Some(name.as_str()));
                out.push(r);
            }
            for r in out.iter_mut().filter(|r| r.rtype == "aws_iam_policy") {
                let [roles, users, groups] = attachments.remove(&r.id).unwrap_or_default();
                let a = r.attributes.make_mut();
                a.insert("_roles".into(), json!(roles));
                a.insert("_users".into(), json!(users));
                a.insert("_groups".into(), json!(groups));
            }
        }
    }
    if wants("aws_iam_openid_connect_provider") {
        let listed = client
            .list_open_id_connect_providers()
            .send()
            .await
            .map_err(ListError::from_sdk)?;
        for arn in listed
            .open_id_connect_provider_list()
            .iter()
            .filter_map(|p| p.arn())
        {
            let p = client
                .get_open_id_connect_provider()
                .open_id_connect_provider_arn(arn)
                .send()
                .await
                .map_err(ListError::from_sdk)?;
            let mut r = global("aws_iam_openid_connect_provider", arn);
            let a = r.attributes.make_mut();
            put(a, "arn", Some(arn));
            put(a, "url", p.url());
            a.insert("client_id_list".into(), json!(p.client_id_list()));
            a.insert("thumbprint_list".into(), json!(p.thumbprint_list()));
            a.insert("tags".into(), iam_tags(p.tags()));
            out.push(r);
        }
    }
    if types.contains(&"aws_iam_instance_profile") {
        let mut pages = client.list_instance_profiles().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(ListError::from_sdk)?;
            for p in page.instance_profiles() {
                let mut r = global("aws_iam_instance_profile", p.instance_profile_name());
                let a = r.attributes.make_mut();
                put(a, "name", Some(p.instance_profile_name()));
                put(a, "path", Some(p.path()));
                put(a, "arn", Some(p.arn()));
                a.insert(
                    "role".into(),
                    json!(p.roles().first().map(|r| r.role_name()).unwrap_or("")),
                );
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// An IAM object: global, no region.
fn global(rtype: &str, id: &str) -> Resource {
    let mut r = Resource::live(rtype, id, "");
    r.region = None;
    r
}

/// A policy document as IAM returns it (URL-encoded JSON), decoded.
fn document(encoded: &str) -> String {
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8_lossy()
        .into_owned()
}

fn iam_tags(tags: &[aws_sdk_iam::types::Tag]) -> Value {
    let m: BTreeMap<&str, &str> = tags
        .iter()
        .filter(|t| !t.key().starts_with("aws:"))
        .map(|t| (t.key(), t.value()))
        .collect();
    json!(m)
}

fn role(d: &RoleDetail) -> Option<Resource> {
    let name = d.role_name()?;
    let mut r = global("aws_iam_role", name);
    // Service-linked roles belong to the AWS service that made them.
    r.aws_default = d
        .path()
        .is_some_and(|p| p.starts_with("/aws-service-role/"));
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "path", d.path());
    put(a, "arn", d.arn());
    put(a, "unique_id", d.role_id());
    put(
        a,
        "assume_role_policy",
        d.assume_role_policy_document().map(document),
    );
    a.insert(
        "permissions_boundary".into(),
        json!(
            d.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .unwrap_or("")
        ),
    );
    a.insert(
        "managed_policy_arns".into(),
        strs(d.attached_managed_policies().iter().map(|p| p.policy_arn())),
    );
    a.insert("tags".into(), iam_tags(d.tags()));
    a.insert("_inline_policies".into(), inline(d.role_policy_list()));
    Some(r)
}

/// Inline policies by name, their documents decoded (for `aws_iam_*_policy`).
fn inline(policies: &[PolicyDetail]) -> Value {
    let m: BTreeMap<&str, String> = policies
        .iter()
        .filter_map(|p| Some((p.policy_name()?, document(p.policy_document()?))))
        .collect();
    json!(m)
}

/// Attached managed policies' ARNs (for `aws_iam_{user,group}_policy_attachment`).
fn attached(policies: &[AttachedPolicy]) -> Value {
    strs(policies.iter().map(|p| p.policy_arn()))
}

/// A user or a group: its name, path and IDs, with its attached and inline policies kept
/// aside for the attachments and inline policies checked against it.
fn principal(
    rtype: &str,
    name: &str,
    ids: [Option<&str>; 3],
    attached_policies: &[AttachedPolicy],
    inline_policies: &[PolicyDetail],
) -> Resource {
    let [path, arn, unique_id] = ids;
    let mut r = global(rtype, name);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "path", path);
    put(a, "arn", arn);
    put(a, "unique_id", unique_id);
    a.insert("_policy_arns".into(), attached(attached_policies));
    a.insert("_inline_policies".into(), inline(inline_policies));
    r
}

fn user(d: &UserDetail) -> Option<Resource> {
    let mut r = principal(
        "aws_iam_user",
        d.user_name()?,
        [d.path(), d.arn(), d.user_id()],
        d.attached_managed_policies(),
        d.user_policy_list(),
    );
    let a = r.attributes.make_mut();
    a.insert(
        "permissions_boundary".into(),
        json!(
            d.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .unwrap_or("")
        ),
    );
    a.insert("tags".into(), iam_tags(d.tags()));
    a.insert(
        "_groups".into(),
        strs(d.group_list().iter().map(|g| Some(g.as_str()))),
    );
    Some(r)
}

fn group(d: &GroupDetail) -> Option<Resource> {
    Some(principal(
        "aws_iam_group",
        d.group_name()?,
        [d.path(), d.arn(), d.group_id()],
        d.attached_managed_policies(),
        d.group_policy_list(),
    ))
}

fn policy(p: &ManagedPolicyDetail) -> Option<Resource> {
    let arn = p.arn()?;
    let mut r = global("aws_iam_policy", arn);
    let a = r.attributes.make_mut();
    put(a, "name", p.policy_name());
    put(a, "path", p.path());
    put(a, "arn", Some(arn));
    put(a, "policy_id", p.policy_id());
    a.insert("description".into(), json!(p.description().unwrap_or("")));
    let default = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version())
        .and_then(|v| v.document());
    put(a, "policy", default.map(document));
    Some(r)
}
