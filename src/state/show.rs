//! `terraform show -json` output (a state, or a plan's `prior_state`).

use super::*;

/// `terraform show -json` (state) or plan JSON, whose `prior_state` is the state the plan read.
pub(super) fn parse_show_json(obj: &Map<String, Value>, file: &str) -> Result<State, StateError> {
    let (values, tf_version) = if let Some(Value::Object(prior)) = obj.get("prior_state") {
        (prior.get("values"), prior.get("terraform_version"))
    } else {
        (obj.get("values"), obj.get("terraform_version"))
    };
    let mut state = State {
        terraform_version: tf_version.and_then(Value::as_str).map(str::to_string),
        ..State::default()
    };
    if let Some(Value::Object(values)) = values
        && let Some(Value::Object(root)) = values.get("root_module")
    {
        walk_show_module(root, file, &mut state)?;
    }
    Ok(state)
}

pub(super) fn walk_show_module(
    module: &Map<String, Value>,
    file: &str,
    state: &mut State,
) -> Result<(), StateError> {
    if let Some(Value::Array(resources)) = module.get("resources") {
        for r in resources {
            if r.get("mode").and_then(Value::as_str) != Some("managed") {
                continue;
            }
            let addr = r.get("address").and_then(Value::as_str).unwrap_or("?");
            let get = |k: &str| {
                r.get(k)
                    .and_then(Value::as_str)
                    .ok_or_else(|| malformed(file, format!("resource {addr} has no \"{k}\"")))
            };
            let module_path = match r.get("address").and_then(Value::as_str) {
                // The module part is everything before the last "<type>.<name>" segment.
                Some(a) => match a.rfind(&format!("{}.{}", get("type")?, get("name")?)) {
                    Some(pos) if pos > 0 => {
                        Address::parse_module_path(a[..pos].trim_end_matches('.'))
                            .unwrap_or_default()
                    }
                    _ => Vec::new(),
                },
                None => Vec::new(),
            };
            let address = Address {
                module: module_path,
                rtype: get("type")?.to_string(),
                name: get("name")?.to_string(),
                key: r.get("index").and_then(InstanceKey::from_json),
            };
            let attributes = match r.get("values") {
                Some(Value::Object(v)) => v.clone(),
                _ => Map::new(),
            };
            let probe = probe_of(&attributes);
            let mut sensitive = Vec::new();
            if let Some(sv) = r.get("sensitive_values") {
                collect_sensitive_mirror(sv, &AttrPath::default(), &mut sensitive);
            }
            let provider = r
                .get("provider_name")
                .and_then(Value::as_str)
                .map(|p| format!("provider[\"{p}\"]"));
            state.resources.push(resource(
                address,
                provider,
                attributes.into(),
                &probe,
                sensitive,
                file,
            ));
        }
    }
    if let Some(Value::Array(children)) = module.get("child_modules") {
        for c in children {
            if let Value::Object(c) = c {
                walk_show_module(c, file, state)?;
            }
        }
    }
    Ok(())
}

/// `sensitive_values` mirrors the value's shape with `true` at sensitive leaves.
pub(super) fn collect_sensitive_mirror(v: &Value, at: &AttrPath, out: &mut Vec<AttrPath>) {
    match v {
        Value::Bool(true) if !at.0.is_empty() => out.push(at.clone()),
        Value::Object(m) => {
            for (k, v) in m {
                collect_sensitive_mirror(v, &at.child(PathStep::Key(k.clone())), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                collect_sensitive_mirror(v, &at.child(PathStep::Index(i)), out);
            }
        }
        _ => {}
    }
}
