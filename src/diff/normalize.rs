//! Value normalization shared by every type: what the AWS provider treats as "the same".

use serde_json::{Map, Value};

pub use crate::catalog::explode;
pub use crate::model::is_empty;

/// A canonical form for comparison.
///
/// `as_set` sorts every list inside the value (for set attributes such as security group
/// rules, whose nested lists are sets too). Objects inside sets lose empty, `false` and `0`
/// members, because one side often spells "unset" as `""`/`false`/`0` and the other leaves it
/// out or writes null (a network ACL entry's ICMP type and code: null as configured, 0 as read).
pub fn canonical(v: &Value, as_set: bool) -> Value {
    match v {
        Value::Array(items) => {
            let mut out: Vec<Value> = if as_set {
                items
                    .iter()
                    .flat_map(explode)
                    .map(|i| canonical(&i, true))
                    .collect()
            } else {
                items.iter().map(|i| canonical(i, false)).collect()
            };
            if as_set {
                out.sort_by_cached_key(|x| x.to_string());
                out.dedup();
            }
            if out.iter().all(is_empty) && !out.is_empty() && as_set {
                return Value::Array(Vec::new());
            }
            Value::Array(out)
        }
        Value::Object(m) => {
            let mut out = Map::new();
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                let c = canonical(&m[k], as_set);
                if as_set && (is_empty(&c) || c == Value::Bool(false) || c == 0) {
                    continue;
                }
                out.insert(k.clone(), c);
            }
            Value::Object(out)
        }
        Value::Number(n) => {
            // 1 and 1.0 are the same number to Terraform.
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
                _ => v.clone(),
            }
        }
        other => other.clone(),
    }
}

/// Equality after canonicalization, with all empty values equal.
pub fn equivalent(a: &Value, b: &Value, as_set: bool) -> bool {
    // The common case, equal as they are, needs no canonical copies.
    if a == b || (is_empty(a) && is_empty(b)) {
        return true;
    }
    if !as_set {
        return loose_eq(a, b);
    }
    let (ca, cb) = (canonical(a, true), canonical(b, true));
    (is_empty(&ca) && is_empty(&cb)) || ca == cb || loose_scalar_eq(&ca, &cb)
}

/// Structural equality with empty values equal and numbers compared by value, without copies.
fn loose_eq(a: &Value, b: &Value) -> bool {
    if a == b || (is_empty(a) && is_empty(b)) {
        return true;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.iter()
                .all(|(k, v)| loose_eq(v, y.get(k).unwrap_or(&Value::Null)))
                && y.iter().all(|(k, v)| x.contains_key(k) || is_empty(v))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| loose_eq(p, q))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => loose_scalar_eq(a, b),
    }
}

/// State values sometimes carry numbers or bools as strings (flatmap states, moto quirks).
fn loose_scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s.parse::<f64>().ok() == n.as_f64()
        }
        (Value::String(s), Value::Bool(x)) | (Value::Bool(x), Value::String(s)) => {
            s.parse::<bool>().ok() == Some(*x)
        }
        (Value::String(x), Value::String(y)) => {
            same_group(x, y) || same_group(y, x) || same_policy(x, y)
        }
        _ => false,
    }
}

/// Two JSON documents (IAM policies) that say the same: whitespace and key order aside, a
/// one-element list is its element, and the order of statements and of values in a list does
/// not matter (IAM evaluates them as sets).
fn same_policy(a: &str, b: &str) -> bool {
    if !(a.trim_start().starts_with('{') && b.trim_start().starts_with('{')) {
        return false;
    }
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => policy_form(&x) == policy_form(&y),
        _ => false,
    }
}

fn policy_form(v: &Value) -> Value {
    match v {
        Value::Array(items) if items.len() == 1 => policy_form(&items[0]),
        Value::Array(items) => {
            let mut out: Vec<Value> = items.iter().map(policy_form).collect();
            out.sort_by_cached_key(|x| x.to_string());
            Value::Array(out)
        }
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), policy_form(v))).collect())
        }
        other => other.clone(),
    }
}

/// `123456789012/sg-1` and `sg-1` name the same security group (group IDs are unique): the
/// provider writes the account prefix when it does not know its own account (or reads it back
/// from AWS that way) while the configuration says `sg-1`.
fn same_group(prefixed: &str, bare: &str) -> bool {
    bare.starts_with("sg-")
        && prefixed.strip_suffix(bare).is_some_and(|acct| {
            acct.len() == 13
                && acct.ends_with('/')
                && acct[..12].bytes().all(|b| b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empties_are_equal() {
        for (a, b) in [
            (json!(null), json!({})),
            (json!([]), json!(null)),
            (json!(""), json!(null)),
        ] {
            assert!(equivalent(&a, &b, false), "{a} vs {b}");
        }
        assert!(!equivalent(&json!(null), &json!(false), false));
        assert!(!equivalent(&json!(""), &json!("x"), false));
    }

    #[test]
    fn sets_ignore_order_and_unset_members() {
        let state = json!([
            {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8", "1.2.3.4/32"],
             "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""},
            {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
        ]);
        let live = json!([
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
            {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["1.2.3.4/32", "10.0.0.0/8"]}
        ]);
        assert!(equivalent(&state, &live, true));
        assert!(!equivalent(&state, &live, false));
        let changed = json!([{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}]);
        assert!(!equivalent(&state, &changed, true));
    }

    #[test]
    fn a_zero_in_a_set_element_is_unset_too() {
        // A default network ACL's entry as configured (ICMP fields null) and as read (0).
        let state =
            json!([{"rule_no": 100, "protocol": "-1", "icmp_type": null, "icmp_code": null}]);
        let live = json!([{"rule_no": 100, "protocol": "-1", "icmp_type": 0, "icmp_code": 0}]);
        assert!(equivalent(&state, &live, true));
        let icmp = json!([{"rule_no": 100, "protocol": "-1", "icmp_type": 8, "icmp_code": 0}]);
        assert!(!equivalent(&state, &icmp, true));
    }

    #[test]
    fn rule_grouping_does_not_matter() {
        let state = json!([
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "description": "d", "cidr_blocks": ["10.0.0.0/8"], "self": false},
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "description": "d", "cidr_blocks": ["1.2.3.4/32"], "self": true}
        ]);
        let live = json!([
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "description": "d", "cidr_blocks": ["1.2.3.4/32", "10.0.0.0/8"], "self": true}
        ]);
        assert!(equivalent(&state, &live, true));
        let without_self = json!([
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "description": "d", "cidr_blocks": ["1.2.3.4/32", "10.0.0.0/8"]}
        ]);
        assert!(!equivalent(&state, &without_self, true));
    }

    #[test]
    fn policies_that_say_the_same() {
        let state = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#;
        let live = r#"{
  "Statement": {"Principal": {"Service": ["ec2.amazonaws.com"]}, "Action": ["sts:AssumeRole"], "Effect": "Allow"},
  "Version": "2012-10-17"
}"#;
        assert!(equivalent(&json!(state), &json!(live), false));
        let two = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}"#;
        let swapped = r#"{"Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["*"]}]}"#;
        assert!(equivalent(&json!(two), &json!(swapped), false));
        let wider = r#"{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["*"]}]}"#;
        assert!(!equivalent(&json!(two), &json!(wider), false));
        assert!(!equivalent(
            &json!("{not json"),
            &json!("{not json "),
            false
        ));
    }

    #[test]
    fn a_group_with_or_without_its_account() {
        assert!(equivalent(
            &json!("123456789012/sg-1a"),
            &json!("sg-1a"),
            false
        ));
        assert!(equivalent(
            &json!("sg-1a"),
            &json!("123456789012/sg-1a"),
            false
        ));
        assert!(!equivalent(
            &json!("123456789012/sg-1a"),
            &json!("sg-2b"),
            false
        ));
        assert!(!equivalent(&json!("x/sg-1a"), &json!("sg-1a"), false));
    }

    #[test]
    fn numbers_and_strings() {
        assert!(equivalent(&json!(1), &json!(1.0), false));
        assert!(equivalent(&json!("8"), &json!(8), false));
        assert!(equivalent(&json!("true"), &json!(true), false));
    }
}
