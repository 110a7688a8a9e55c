//! State files as Terraform writes them (format version 4): the document, parsed in
//! parallel per instance, with only the attributes the caller keeps.

use super::*;

#[derive(Deserialize)]
pub(super) struct DocV4<'a> {
    pub(super) version: Option<Value>,
    pub(super) format_version: Option<IgnoredAny>,
    pub(super) terraform_version: Option<String>,
    #[serde(borrow, default)]
    pub(super) resources: Option<Vec<ResourceV4<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct ResourceV4<'a> {
    pub(super) module: Option<String>,
    pub(super) mode: Option<String>,
    #[serde(rename = "type")]
    pub(super) rtype: Option<String>,
    pub(super) name: Option<String>,
    pub(super) provider: Option<String>,
    #[serde(borrow, default)]
    pub(super) instances: Option<Vec<InstanceV4<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct InstanceV4<'a> {
    pub(super) index_key: Option<Value>,
    pub(super) deposed: Option<IgnoredAny>,
    #[serde(borrow)]
    pub(super) attributes: Option<&'a RawValue>,
    pub(super) attributes_flat: Option<Map<String, Value>>,
    pub(super) sensitive_attributes: Option<Value>,
    pub(super) schema_version: Option<u64>,
}

/// One instance with what it needs from its resource block.
pub(super) struct Pending<'a> {
    pub(super) resource: usize,
    pub(super) inst: InstanceV4<'a>,
}

/// Resource-level fields shared by its instances.
pub(super) struct Block {
    pub(super) rtype: String,
    pub(super) name: String,
    pub(super) module: Vec<crate::model::ModuleStep>,
    pub(super) provider: Option<String>,
}

pub(super) fn parse_v4(doc: DocV4, file: &str, keep: Keep) -> Result<State, StateError> {
    let mut blocks = Vec::new();
    let mut pending = Vec::new();
    for (ri, r) in doc.resources.unwrap_or_default().into_iter().enumerate() {
        if r.mode.as_deref() != Some("managed") {
            continue;
        }
        let missing = |k: &str| malformed(file, format!("resources[{ri}] has no string \"{k}\""));
        let rtype = r.rtype.ok_or_else(|| missing("type"))?;
        let name = r.name.ok_or_else(|| missing("name"))?;
        let module = match &r.module {
            Some(m) => Address::parse_module_path(m).ok_or_else(|| {
                malformed(
                    file,
                    format!(
                        "resources[{ri}] has an invalid module address {:?}",
                        crate::model::truncate_for_message(m)
                    ),
                )
            })?,
            None => Vec::new(),
        };
        if let Some(p) = &r.provider
            && !valid_provider_address(p)
        {
            // Terraform refuses such a state; reading it anyway would guess at its provider.
            return Err(malformed(
                file,
                format!(
                    "resources[{ri}] ({rtype}.{name}) has an invalid provider address {:?}: fix the state with terraform",
                    crate::model::truncate_for_message(p)
                ),
            ));
        }
        for inst in r.instances.unwrap_or_default() {
            // Deposed objects are leftovers of create_before_destroy, not the current resource.
            if inst.deposed.is_none() {
                pending.push(Pending {
                    resource: blocks.len(),
                    inst,
                });
            }
        }
        blocks.push(Block {
            rtype,
            name,
            module,
            provider: r.provider,
        });
    }
    // Attribute parsing is most of the work on large states: spread it over the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pending.len().div_ceil(threads).max(1024);
    let parsed: Vec<Result<Vec<Resource>, StateError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pending
            .chunks(chunk)
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .map(|p| instance(p, &blocks[p.resource], file, keep))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|panic| {
                    Err(StateError::Internal {
                        file: file.to_string(),
                        detail: crate::model::scrub_secrets(&crate::model::panic_message(
                            panic.as_ref(),
                        )),
                    })
                })
            })
            .collect()
    });
    let mut state = State {
        terraform_version: doc.terraform_version,
        resources: Vec::with_capacity(pending.len()),
    };
    for part in parsed {
        state.resources.extend(part?);
    }
    Ok(state)
}

pub(super) fn instance(
    p: &Pending,
    b: &Block,
    file: &str,
    keep: Keep,
) -> Result<Resource, StateError> {
    let (attributes, probe) = match (p.inst.attributes, &p.inst.attributes_flat) {
        (Some(raw), _) => {
            let mut de = serde_json::Deserializer::from_str(raw.get());
            let kept = Filtered {
                rtype: &b.rtype,
                keep,
                capacity: raw.get().len(),
            }
            .deserialize(&mut de)
            .map_err(|e| {
                malformed(
                    file,
                    format!(
                        "attributes of {}.{} are not an object: {e}",
                        b.rtype, b.name
                    ),
                )
            })?;
            (Attributes::from_json_object_text(kept.text), kept.probe)
        }
        (None, Some(flat)) => {
            let m = expand_flatmap(flat)
                .map_err(|e| malformed(file, format!("{}.{}: {e}", b.rtype, b.name)))?;
            let probe = probe_of(&m);
            (Attributes::from(m), probe)
        }
        (None, None) => (Attributes::default(), Map::new()),
    };
    let sensitive = p
        .inst
        .sensitive_attributes
        .as_ref()
        .map(sensitive_paths_v4)
        .unwrap_or_default();
    let address = Address {
        module: b.module.clone(),
        rtype: b.rtype.clone(),
        name: b.name.clone(),
        key: p.inst.index_key.as_ref().and_then(InstanceKey::from_json),
    };
    let mut r = resource(
        address,
        b.provider.clone(),
        attributes,
        &probe,
        sensitive,
        file,
    );
    r.schema_version = p.inst.schema_version.unwrap_or(0);
    Ok(r)
}

/// The attributes that identify and place a resource (its ID and region), read by `resource`.
pub(super) const PROBED: &[&str] = &["id", "region", "arn", "availability_zone"];

/// The `PROBED` attributes of a parsed attribute map.
pub(super) fn probe_of(attrs: &Map<String, Value>) -> Map<String, Value> {
    PROBED
        .iter()
        .filter_map(|k| attrs.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect()
}

/// The kept attributes of one object as JSON text, and its `PROBED` attributes parsed.
pub(super) struct Kept {
    pub(super) text: String,
    pub(super) probe: Map<String, Value>,
}

/// Reads an attributes object keeping only the selected keys, as text copied from the input:
/// nothing is built for the values (the diff parses them when it compares), and the rest is
/// skipped unparsed.
pub(super) struct Filtered<'k> {
    pub(super) rtype: &'k str,
    pub(super) keep: Keep<'k>,
    /// The length of the whole object's text: the kept text is never longer, so it is written
    /// without growing (and shrunk to size once).
    pub(super) capacity: usize,
}

impl<'de> DeserializeSeed<'de> for Filtered<'_> {
    type Value = Kept;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Filtered<'_> {
    type Value = Kept;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an attributes object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Kept {
            text: String::with_capacity(self.capacity),
            probe: Map::new(),
        };
        out.text.push('{');
        while let Some(key) = map.next_key::<KeyStr<'de>>()? {
            if !(self.keep)(self.rtype, &key.0) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            if json_depth(value.get()) > MAX_NESTING {
                return Err(A::Error::custom(format!(
                    "{:?} nests deeper than {MAX_NESTING} levels",
                    crate::model::truncate_for_message(&key.0)
                )));
            }
            if out.text.len() > 1 {
                out.text.push(',');
            }
            match &key.0 {
                // Borrowed means the input spelled it without escapes: quoting restores it.
                Cow::Borrowed(k) => {
                    out.text.push('"');
                    out.text.push_str(k);
                    out.text.push('"');
                }
                Cow::Owned(k) => out.text.push_str(&Value::String(k.clone()).to_string()),
            }
            out.text.push(':');
            out.text.push_str(value.get());
            if PROBED.contains(&&*key.0) {
                let v: Value = serde_json::from_str(value.get()).map_err(A::Error::custom)?;
                out.probe.insert(key.0.into_owned(), v);
            }
        }
        out.text.push('}');
        Ok(out)
    }
}

/// State v4 `sensitive_attributes`: a list of paths, each a list of `get_attr`/`index` steps.
pub(super) fn sensitive_paths_v4(v: &Value) -> Vec<AttrPath> {
    let Value::Array(paths) = v else {
        return Vec::new();
    };
    paths
        .iter()
        .filter_map(|p| {
            let steps = match p {
                Value::Array(steps) => steps.clone(),
                Value::Object(_) => vec![p.clone()],
                _ => return None,
            };
            let mut path = AttrPath::default();
            for s in steps {
                let value = s.get("value")?;
                let step = match s.get("type").and_then(Value::as_str)? {
                    "get_attr" => PathStep::Key(value.as_str()?.to_string()),
                    _ => {
                        let inner = value.get("value").unwrap_or(value);
                        match inner {
                            Value::Number(n) => PathStep::Index(n.as_u64()? as usize),
                            Value::String(s) => PathStep::Key(s.clone()),
                            _ => return None,
                        }
                    }
                };
                path = path.child(step);
            }
            (!path.0.is_empty()).then_some(path)
        })
        .collect()
}
