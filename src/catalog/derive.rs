//! Types checked against a parent the lister already read: a route against its route table, a
//! rule against its security group, a tag against the tagged resource. No call of their own:
//! the live object is what the parent shows of the state object, or nothing (then it is
//! missing). Their unmanaged counterparts are, for most types, what is left on the parent once
//! the managed parts are taken out (`diff::managed`: a hand-added route is a change of its
//! table). Types whose parent has no attribute to carry them (a policy attached to a user, a
//! volume's attachment) list their children instead (`Children`): those nobody in the state
//! claims are unmanaged objects of their own.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::model::{LiveInventory, Resource};

/// How a derived type finds and reads its parent.
#[derive(Debug)]
pub struct Derived {
    /// The listed types the parent can be.
    pub parents: &'static [&'static str],
    /// The parent's ID, read from the state object.
    pub parent_id: fn(&Resource) -> Option<String>,
    /// The live attributes as the parent shows them; `None` when the parent no longer has it.
    pub derive: fn(&Resource, &Resource) -> Option<Map<String, Value>>,
    /// For types whose hand-made objects show nowhere else (a policy attached to a user by
    /// hand): every child a listed parent holds, and the child a state object stands for.
    pub children: Option<Children>,
}

/// A child object: Terraform's import ID and its live attributes.
pub type Child = (String, Map<String, Value>);

/// The children a parent holds, each under Terraform's import ID.
#[derive(Debug)]
pub struct Children {
    /// Each child the listed parent shows.
    pub of: fn(&Resource) -> Vec<Child>,
    /// The children state objects account for, by the state object's type: the child type's
    /// own objects, and those of other types that make children too (the exclusive
    /// `aws_iam_policy_attachment`, an instance and the volumes it was launched with). Read
    /// only when some parent has a child left over, so a large state pays nothing for them.
    pub claimed_by: &'static [(&'static str, Claims)],
}

/// The import IDs of the children a state object makes.
pub type Claims = fn(&Resource) -> Vec<String>;

/// A non-empty string attribute.
pub fn text(r: &Resource, key: &str) -> Option<String> {
    match r.attributes.get(key).as_deref() {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A list of strings (or one string) attribute, empty members left out.
pub fn texts(r: &Resource, key: &str) -> Vec<String> {
    match r.attributes.get(key).as_deref() {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().filter(|s| !s.is_empty()).map(String::from))
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A member of a parent's list set by a resource of its own (a subnet an ACL association puts
/// in its ACL, a table an endpoint association adds): `{parent_key: parent ID, attr: value}`
/// while the parent's `list` holds the state's `attr`.
pub fn member_of(
    state: &Resource,
    parent: &Resource,
    parent_key: &str,
    attr: &str,
    list: &str,
) -> Option<Map<String, Value>> {
    let value = text(state, attr)?;
    texts(parent, list).contains(&value).then(|| {
        let mut m = Map::new();
        m.insert(parent_key.into(), Value::String(parent.id.clone()));
        m.insert(attr.into(), Value::String(value));
        m
    })
}

/// A number attribute (flatmap states keep numbers as strings).
pub fn number(r: &Resource, key: &str) -> Option<i64> {
    match r.attributes.get(key).as_deref() {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
}

/// Copies the state's values of `keys` into `m` (identity the parent confirms by holding it).
pub fn copy_from_state(s: &Resource, keys: &[&str], m: &mut Map<String, Value>) {
    for k in keys {
        if let Some(v) = s.attributes.get(k) {
            m.insert((*k).to_string(), v.into_owned());
        }
    }
}

/// Adds to `live` the derived objects of `state` as their parents show them, and covers each
/// derived type wherever one of its parent types was listed. Objects the live source already
/// holds (a provider's own read) are left as they are.
pub fn derive_all(state: &[Resource], live: &mut LiveInventory) {
    let wanted: Vec<(&Resource, &'static Derived)> = state
        .iter()
        .filter(|s| !s.id.is_empty())
        .filter_map(|s| Some((s, super::rules(&s.rtype)?.derived?)))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let parent_types: HashSet<&str> = wanted
        .iter()
        .flat_map(|(_, d)| d.parents.iter().copied())
        .collect();
    let derived_types: HashSet<&str> = wanted.iter().map(|(s, _)| s.rtype.as_str()).collect();
    let mut parents: HashMap<(&str, &str), usize> = HashMap::new();
    let mut present: HashSet<(&str, &str)> = HashSet::new();
    for (i, r) in live.resources.iter().enumerate() {
        if parent_types.contains(r.rtype.as_str()) {
            parents.insert((&r.rtype, &r.id), i);
        }
        if derived_types.contains(r.rtype.as_str()) {
            present.insert((&r.rtype, &r.id));
        }
    }
    let mut out = Vec::new();
    let mut unreadable = Vec::new();
    for (s, d) in &wanted {
        if present.contains(&(s.rtype.as_str(), s.id.as_str())) {
            continue;
        }
        // No parent the lister reads (a tag on a type it does not list, a rule without its
        // group): nothing here can tell, so the object is unchecked, never missing.
        let Some(pid) = (d.parent_id)(s) else {
            unreadable.push((s.rtype.clone(), s.id.clone()));
            continue;
        };
        let parent = d
            .parents
            .iter()
            .find_map(|t| parents.get(&(*t, pid.as_str())))
            .map(|&i| &live.resources[i]);
        let Some(parent) = parent else { continue };
        if let Some(attrs) = (d.derive)(s, parent) {
            let mut r = Resource::live(&s.rtype, s.id.clone(), "");
            r.region = parent.region.clone();
            r.attributes = attrs.into();
            r.companion_of = None;
            out.push(r);
        }
    }
    live.resources.extend(out);
    live.unreadable.extend(unreadable);
    let mut covered = Vec::new();
    for t in derived_types {
        let Some(d) = super::rules(t).and_then(|r| r.derived) else {
            continue;
        };
        for p in d.parents {
            for region in live.coverage.regions_of(p) {
                covered.push((t, region));
            }
        }
    }
    for (t, region) in covered {
        live.coverage.add(t, region.as_deref());
    }
}

/// Adds to `live` the children of the parents the state manages that no state object claims
/// (see [`Children::claimed_by`]): the diff reports them unmanaged. Children of unmanaged
/// parents are left out: the parent is the finding. Each child type is covered wherever its
/// parents were listed.
pub fn add_unclaimed_children(state: &[Resource], live: &mut LiveInventory) {
    let kinds: Vec<(&'static str, &'static Derived, &'static Children)> = super::ALL
        .iter()
        .filter_map(|r| {
            let d = r.derived?;
            Some((r.name, d, d.children.as_ref()?))
        })
        .collect();
    let parent_types: HashSet<&str> = kinds
        .iter()
        .flat_map(|(_, d, _)| d.parents.iter().copied())
        .collect();
    let managed: HashSet<(&str, &str)> = state
        .iter()
        .filter(|r| parent_types.contains(r.rtype.as_str()))
        .map(|r| (r.rtype.as_str(), r.id.as_str()))
        .collect();
    if managed.is_empty() {
        return;
    }
    let mut out = Vec::new();
    let mut covered = Vec::new();
    for (rtype, d, children) in kinds {
        let present: HashSet<&str> = live
            .resources
            .iter()
            .filter(|r| r.rtype == rtype)
            .map(|r| r.id.as_str())
            .collect();
        let candidates: Vec<(Option<String>, Child)> = live
            .resources
            .iter()
            .filter(|p| {
                d.parents.contains(&p.rtype.as_str())
                    && managed.contains(&(p.rtype.as_str(), p.id.as_str()))
            })
            .flat_map(|p| (children.of)(p).into_iter().map(|c| (p.region.clone(), c)))
            .filter(|(_, (id, _))| !present.contains(id.as_str()))
            .collect();
        if !candidates.is_empty() {
            let claimed: HashSet<String> = state
                .iter()
                .flat_map(|s| {
                    children
                        .claimed_by
                        .iter()
                        .filter(|(t, _)| *t == s.rtype)
                        .flat_map(|(_, claims)| claims(s))
                })
                .collect();
            for (region, (id, attrs)) in candidates {
                if claimed.contains(&id) {
                    continue;
                }
                let mut r = Resource::live(rtype, id, "");
                r.region = region;
                r.attributes = attrs.into();
                out.push(r);
            }
        }
        for p in d.parents {
            for region in live.coverage.regions_of(p) {
                covered.push((rtype, region));
            }
        }
    }
    live.resources.extend(out);
    for (t, region) in covered {
        live.coverage.add(t, region.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res(rtype: &str, id: &str, attrs: Value) -> Resource {
        let mut r = Resource::live(rtype, id, "eu-west-1");
        r.attributes = attrs.as_object().unwrap().clone().into();
        r
    }

    #[test]
    fn policies_attached_by_hand_to_managed_principals_are_unclaimed_children() {
        let mut state = vec![
            res("aws_iam_user", "alice", json!({})),
            res("aws_iam_group", "ops", json!({})),
            res(
                "aws_iam_user_policy_attachment",
                "alice-20240101",
                json!({"user": "alice", "policy_arn": "arn:p/read"}),
            ),
        ];
        let mut live = LiveInventory::default();
        for (rtype, id, arns) in [
            (
                "aws_iam_user",
                "alice",
                json!(["arn:p/read", "arn:p/admin"]),
            ),
            ("aws_iam_group", "ops", json!(["arn:p/admin"])),
            ("aws_iam_user", "mallory", json!(["arn:p/admin"])),
        ] {
            let mut r = res(rtype, id, json!({ "_policy_arns": arns }));
            r.region = None;
            live.resources.push(r);
        }
        live.coverage.add("aws_iam_user", None);
        live.coverage.add("aws_iam_group", None);
        let fresh = live.clone();
        add_unclaimed_children(&state, &mut live);
        let mut ids: Vec<(&str, &str)> = live
            .resources
            .iter()
            .filter(|r| r.rtype.ends_with("_policy_attachment"))
            .map(|r| (r.rtype.as_str(), r.id.as_str()))
            .collect();
        ids.sort();
        // Alice's read policy is the state's; a hand-made user's policies are that user's.
        assert_eq!(
            ids,
            [
                ("aws_iam_group_policy_attachment", "ops/arn:p/admin"),
                ("aws_iam_user_policy_attachment", "alice/arn:p/admin"),
            ]
        );
        assert!(live.coverage.covers("aws_iam_user_policy_attachment", None));
        // Claimed by a state object: not a child of its own.
        state.push(res(
            "aws_iam_group_policy_attachment",
            "ops-1",
            json!({"group": "ops", "policy_arn": "arn:p/admin"}),
        ));
        let mut live = fresh;
        add_unclaimed_children(&state, &mut live);
        assert!(
            !live
                .resources
                .iter()
                .any(|r| r.rtype == "aws_iam_group_policy_attachment")
        );
    }

    #[test]
    fn children_other_resources_make_are_claimed() {
        let state = vec![
            res("aws_iam_user", "bob", json!({})),
            res("aws_iam_group", "ops", json!({})),
            res(
                "aws_iam_policy_attachment",
                "audit",
                json!({"policy_arn": "arn:p/audit", "users": ["bob"], "groups": []}),
            ),
            res(
                "aws_iam_group_policies_exclusive",
                "ops",
                json!({"group_name": "ops", "policy_names": ["mfa"]}),
            ),
            res("aws_ebs_volume", "vol-r", json!({})),
            res("aws_ebs_volume", "vol-x", json!({})),
            res(
                "aws_instance",
                "i-1",
                json!({"root_block_device": [{"device_name": "/dev/xvda", "volume_id": "vol-r"}],
                       "ebs_block_device": []}),
            ),
        ];
        let mut live = LiveInventory::default();
        let listed = [
            (
                "aws_iam_user",
                "bob",
                json!({"_policy_arns": ["arn:p/audit"]}),
            ),
            (
                "aws_iam_group",
                "ops",
                json!({"_inline_policies": {"mfa": "{}", "extra": "{}"}}),
            ),
            (
                "aws_ebs_volume",
                "vol-r",
                json!({"_attachments": [{"instance_id": "i-1", "device": "/dev/xvda"}]}),
            ),
            (
                "aws_ebs_volume",
                "vol-x",
                json!({"_attachments": [{"instance_id": "i-1", "device": "/dev/sdx"}]}),
            ),
        ];
        for (rtype, id, attrs) in listed {
            live.resources.push(res(rtype, id, attrs));
        }
        add_unclaimed_children(&state, &mut live);
        let mut ids: Vec<(&str, &str)> = live
            .resources
            .iter()
            .filter(|r| r.rtype == "aws_volume_attachment" || r.rtype.ends_with("_policy"))
            .map(|r| (r.rtype.as_str(), r.id.as_str()))
            .collect();
        ids.sort();
        // Bob's audit policy is the exclusive attachment's, the group's `mfa` the exclusive
        // inline policies', the root volume the instance's own: what is left was made by hand.
        assert_eq!(
            ids,
            [
                ("aws_iam_group_policy", "ops:extra"),
                ("aws_volume_attachment", "/dev/sdx:vol-x:i-1"),
            ]
        );
    }

    #[test]
    fn routes_and_rules_are_read_from_their_parents() {
        let state = vec![
            res(
                "aws_route",
                "r-rtb-1123",
                json!({"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0",
                       "nat_gateway_id": "nat-1", "gateway_id": ""}),
            ),
            res(
                "aws_route",
                "r-rtb-1456",
                json!({"route_table_id": "rtb-1", "destination_cidr_block": "10.9.0.0/16"}),
            ),
            res(
                "aws_security_group_rule",
                "sgrule-1",
                json!({"security_group_id": "sg-1", "type": "ingress", "protocol": "tcp",
                       "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8", "10.1.0.0/16"],
                       "description": "https"}),
            ),
        ];
        let mut live = LiveInventory::default();
        live.resources.push(res(
            "aws_route_table",
            "rtb-1",
            json!({"route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-2"}]}),
        ));
        live.resources.push(res(
            "aws_security_group",
            "sg-1",
            json!({"ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443,
                                "cidr_blocks": ["10.0.0.0/8"], "description": "web"}]}),
        ));
        live.coverage.add("aws_route_table", Some("eu-west-1"));
        live.coverage.add("aws_security_group", Some("eu-west-1"));
        derive_all(&state, &mut live);
        let find = |id: &str| live.resources.iter().find(|r| r.id == id);
        let route = find("r-rtb-1123").expect("the route is in its table");
        assert_eq!(
            route.attributes.get("nat_gateway_id").unwrap().into_owned(),
            "nat-2"
        );
        assert_eq!(route.attributes.get("gateway_id").unwrap().into_owned(), "");
        assert!(
            find("r-rtb-1456").is_none(),
            "a route gone from the table is missing"
        );
        let rule = find("sgrule-1").expect("one of its sources is still there");
        assert_eq!(
            rule.attributes.get("cidr_blocks").unwrap().into_owned(),
            json!(["10.0.0.0/8"])
        );
        assert_eq!(
            rule.attributes.get("description").unwrap().into_owned(),
            "web"
        );
        assert!(live.coverage.covers("aws_route", Some("eu-west-1")));
        assert!(
            live.coverage
                .covers("aws_security_group_rule", Some("eu-west-1"))
        );
        assert!(!live.coverage.covers("aws_route", Some("us-east-1")));
    }

    #[test]
    fn a_tag_on_a_type_the_lister_does_not_read_is_unchecked_not_missing() {
        let state = vec![
            res(
                "aws_ec2_tag",
                "tgw-1,Team",
                json!({"resource_id": "tgw-1", "key": "Team", "value": "net"}),
            ),
            res(
                "aws_ec2_tag",
                "vpc-1,Team",
                json!({"resource_id": "vpc-1", "key": "Team", "value": "net"}),
            ),
        ];
        let mut live = LiveInventory::default();
        live.coverage.add("aws_vpc", Some("eu-west-1"));
        derive_all(&state, &mut live);
        assert!(
            live.unreadable
                .contains(&("aws_ec2_tag".into(), "tgw-1,Team".into()))
        );
        // The VPC was listed and is gone: its tag is missing, as it should be.
        assert!(
            !live
                .unreadable
                .contains(&("aws_ec2_tag".into(), "vpc-1,Team".into()))
        );
    }
}
