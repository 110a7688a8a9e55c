//! Drift as a plan reports it (`terraform show -json PLANFILE`): the stored and the
//! refreshed state.

use super::*;

/// A plan's view of drift: the state as stored and the state as Terraform refreshed it.
#[derive(Debug, Clone, Default)]
pub struct PlanDrift {
    /// Objects as the state file stores them (before the refresh).
    pub stored: Vec<Resource>,
    /// Objects as the providers read them (`prior_state`); deleted ones are absent.
    pub refreshed: Vec<Resource>,
}

/// Reads a plan JSON (`terraform show -json PLANFILE`): `prior_state` is the refreshed state,
/// `resource_drift` holds the stored values (`before`) of what changed outside Terraform.
pub fn plan_drift(bytes: &[u8], file: &str) -> Result<PlanDrift, StateError> {
    let obj: Map<String, Value> = serde_json::from_slice(bytes).map_err(|e| not_json(file, &e))?;
    // An empty state gives a plan without `prior_state`; a plan always has `planned_values`.
    let is_plan = [
        "prior_state",
        "resource_drift",
        "planned_values",
        "resource_changes",
    ]
    .iter()
    .any(|k| obj.contains_key(*k));
    if !is_plan {
        return Err(malformed(
            file,
            "not a plan: no \"prior_state\" (expected `terraform show -json PLANFILE` output)",
        ));
    }
    let mut refreshed = parse_show_json(&obj, file)?.resources;
    let mut stored = refreshed.clone();
    let mut index: HashMap<String, usize> = stored
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.address.as_ref().map(|a| (a.to_string(), i)))
        .collect();
    for entry in obj
        .get("resource_drift")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if entry.get("mode").and_then(Value::as_str) != Some("managed") {
            continue;
        }
        let Some(before) = entry.pointer("/change/before").and_then(Value::as_object) else {
            continue;
        };
        let address = entry
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match index.get(address) {
            Some(&i) => {
                stored[i].attributes = before.clone().into();
                // Marks the plan recorded on either side hold for both: a value sensitive
                // before the refresh is still a secret in the report.
                for side in ["/change/before_sensitive", "/change/after_sensitive"] {
                    if let Some(sv) = entry.pointer(side) {
                        let mut marks = Vec::new();
                        collect_sensitive_mirror(sv, &AttrPath::default(), &mut marks);
                        for m in marks {
                            if !stored[i].sensitive.contains(&m) {
                                stored[i].sensitive.push(m.clone());
                            }
                            if let Some(r) = refreshed.get_mut(i)
                                && !r.sensitive.contains(&m)
                            {
                                r.sensitive.push(m);
                            }
                        }
                    }
                }
            }
            None => {
                // Deleted outside Terraform: only the drift entry remembers it.
                let mut wrapper = Map::new();
                let mut r = entry.as_object().cloned().unwrap_or_default();
                r.insert("values".into(), Value::Object(before.clone()));
                if let Some(sv) = entry.pointer("/change/before_sensitive") {
                    r.insert("sensitive_values".into(), sv.clone());
                }
                wrapper.insert("resources".into(), Value::Array(vec![Value::Object(r)]));
                let mut one = State::default();
                walk_show_module(&wrapper, file, &mut one)?;
                for r in one.resources {
                    index.insert(address.to_string(), stored.len());
                    stored.push(r);
                }
            }
        }
    }
    Ok(PlanDrift { stored, refreshed })
}
