//! Terraform 0.11-style flat attributes (`tags.%`, `ingress.#`, `ingress.123.from_port`),
//! expanded level by level with a depth bound.

use super::*;

/// Expands Terraform 0.11-style flat attributes (`tags.%`, `ingress.#`, `ingress.123.from_port`).
/// Errs when keys nest deeper than [`MAX_NESTING`] levels.
pub(super) fn expand_flatmap(flat: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let entries: Vec<(&str, &Value)> = flat.iter().map(|(k, v)| (k.as_str(), v)).collect();
    expand_level(&entries, 0)
}

/// Flat keys with their values, relative to some prefix.
pub(super) type FlatEntries<'a> = Vec<(&'a str, &'a Value)>;

/// The flat keys under one segment: the value written at the segment itself, and the rest of
/// each longer key.
pub(super) type FlatGroup<'a> = (Option<&'a Value>, FlatEntries<'a>);

/// One level of flat keys grouped by their first segment: the value written at the segment
/// itself (if any) and the rest of each longer key. One pass, so wide levels stay linear.
pub(super) fn group<'a>(entries: &[(&'a str, &'a Value)]) -> BTreeMap<&'a str, FlatGroup<'a>> {
    let mut groups: BTreeMap<&str, FlatGroup> = BTreeMap::new();
    for &(k, v) in entries {
        match k.split_once('.') {
            Some((top, rest)) => groups.entry(top).or_default().1.push((rest, v)),
            None => groups.entry(k).or_default().0 = Some(v),
        }
    }
    groups
}

pub(super) fn expand_level(
    entries: &[(&str, &Value)],
    depth: usize,
) -> Result<Map<String, Value>, String> {
    if depth > MAX_NESTING {
        return Err(format!(
            "attributes_flat keys nest deeper than {MAX_NESTING} levels"
        ));
    }
    let mut out = Map::new();
    for (top, (direct, children)) in group(entries) {
        let value = if children.iter().any(|(k, _)| *k == "%") {
            // A map: its keys may contain dots, so they are leaves as written.
            Value::Object(
                children
                    .iter()
                    .filter(|(k, _)| *k != "%")
                    .map(|(k, v)| (k.to_string(), (*v).clone()))
                    .collect(),
            )
        } else if children.iter().any(|(k, _)| *k == "#") {
            let items: Vec<(&str, &Value)> = children
                .iter()
                .copied()
                .filter(|(k, _)| *k != "#")
                .collect();
            let mut idx: Vec<(&str, FlatGroup)> = group(&items).into_iter().collect();
            idx.sort_by_key(|(i, _)| (i.parse::<u64>().unwrap_or(u64::MAX), i.to_string()));
            let mut list = Vec::with_capacity(idx.len());
            for (_, (direct, sub)) in idx {
                list.push(if sub.is_empty() {
                    direct.cloned().unwrap_or(Value::Null)
                } else {
                    Value::Object(expand_level(&sub, depth + 1)?)
                });
            }
            Value::Array(list)
        } else if let Some(v) = direct {
            v.clone()
        } else {
            Value::Object(expand_level(&children, depth + 1)?)
        };
        out.insert(top.to_string(), value);
    }
    Ok(out)
}
