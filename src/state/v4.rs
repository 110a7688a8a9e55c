//! State files as Terraform writes them (format version 4): the document, parsed in
//! parallel per instance, with only the attributes the caller keeps.

use std::sync::Arc;

use super::*;

/// The top-level fields of a state document that say which kind it is. Its `resources` are
/// not kept here: they are handed to a `Resources` sink while the rest is read.
#[derive(Default)]
pub(super) struct Head {
    pub(super) version: Option<Value>,
    pub(super) format_version: bool,
    pub(super) terraform_version: Option<String>,
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

/// Resource-level fields shared by its instances.
pub(super) struct Block {
    pub(super) rtype: String,
    pub(super) name: String,
    pub(super) module: Vec<crate::model::ModuleStep>,
    pub(super) provider: Option<String>,
}

/// Instances waiting for their attributes to be read, numbered in state order.
type Batch<'a> = (usize, Vec<(Arc<Block>, InstanceV4<'a>)>);

/// How many instances travel together to a worker: enough to make a send cheap, few enough
/// that the workers start while the document is still being read.
const BATCH: usize = 256;

/// Reads a whole document. The parse of the document itself is serial; reading each
/// instance's attributes is most of the work on large states, so workers do it while the
/// document is still being read, and the reading thread joins them at its end.
///
/// Returns the head and, when the head says version 4, the state (or the first problem, in
/// state order). `Err` is the parser's own error, for the caller to explain.
pub(super) fn parse_doc(
    text: &str,
    file: &str,
    keep: Keep,
) -> Result<(Head, Result<State, StateError>), serde_json::Error> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (tx, rx) = std::sync::mpsc::channel::<Batch>();
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|scope| {
        let work = || {
            let mut done = Vec::new();
            // The lock is held only to take the next batch.
            while let Ok((seq, batch)) = rx
                .lock()
                .map_or_else(|p| p.into_inner().recv(), |r| r.recv())
            {
                let part: Result<Vec<Resource>, StateError> = batch
                    .iter()
                    .map(|(block, inst)| instance(inst, block, file, keep))
                    .collect();
                done.push((seq, part));
            }
            done
        };
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut sink = Resources {
            tx,
            batch: Vec::new(),
            sent: 0,
            seen: 0,
            file,
            problem: None,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let head = DocSeed(&mut sink)
            .deserialize(&mut de)
            .and_then(|h| de.end().map(|()| h));
        let problem = sink.finish();
        // The reading thread helps with what is left, then collects everyone's parts.
        let mut parts = work();
        for w in workers {
            parts.extend(w.join().unwrap_or_else(|panic| {
                vec![(
                    0,
                    Err(StateError::Internal {
                        file: file.to_string(),
                        detail: crate::model::scrub_secrets(&crate::model::panic_message(
                            panic.as_ref(),
                        )),
                    }),
                )]
            }));
        }
        let head = head?;
        if let Some(problem) = problem {
            return Ok((head, Err(problem)));
        }
        parts.sort_by_key(|(seq, _)| *seq);
        let mut state = State {
            terraform_version: head.terraform_version.clone(),
            resources: Vec::new(),
        };
        for (_, part) in parts {
            match part {
                Ok(rs) => state.resources.extend(rs),
                Err(e) => return Ok((head, Err(e))),
            }
        }
        Ok((head, Ok(state)))
    })
}

/// Where the `resources` array goes while it is read: managed resources are checked, and their
/// current instances are sent on in batches.
struct Resources<'a> {
    tx: std::sync::mpsc::Sender<Batch<'a>>,
    batch: Vec<(Arc<Block>, InstanceV4<'a>)>,
    sent: usize,
    /// Resources read so far (their index in the array, for messages).
    seen: usize,
    file: &'a str,
    /// The first resource block that is malformed: nothing after it is sent.
    problem: Option<StateError>,
}

impl<'a> Resources<'a> {
    fn take(&mut self, r: ResourceV4<'a>) {
        let ri = self.seen;
        self.seen += 1;
        if self.problem.is_some() || r.mode.as_deref() != Some("managed") {
            return;
        }
        match block(ri, &r, self.file) {
            Ok(block) => {
                let block = Arc::new(block);
                // Deposed objects are leftovers of create_before_destroy, not the current resource.
                for inst in r.instances.unwrap_or_default() {
                    if inst.deposed.is_none() {
                        self.batch.push((block.clone(), inst));
                    }
                }
                if self.batch.len() >= BATCH {
                    self.send();
                }
            }
            Err(e) => self.problem = Some(e),
        }
    }

    fn send(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        // The receiver lives until every worker is done: a send cannot fail before that.
        let _ = self.tx.send((self.sent, batch));
        self.sent += 1;
    }

    /// Sends what is left and closes the queue; the first malformed block, if any.
    fn finish(mut self) -> Option<StateError> {
        if !self.batch.is_empty() && self.problem.is_none() {
            self.send();
        }
        self.problem
    }
}

/// The resource-level fields of `resources[ri]`, checked.
fn block(ri: usize, r: &ResourceV4, file: &str) -> Result<Block, StateError> {
    let missing = |k: &str| malformed(file, format!("resources[{ri}] has no string \"{k}\""));
    let rtype = r.rtype.clone().ok_or_else(|| missing("type"))?;
    let name = r.name.clone().ok_or_else(|| missing("name"))?;
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
    Ok(Block {
        rtype,
        name,
        module,
        provider: r.provider.clone(),
    })
}

/// The document object: its head fields kept, `resources` streamed to the sink, the rest
/// skipped.
struct DocSeed<'s, 'a>(&'s mut Resources<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for DocSeed<'_, 'a> {
    type Value = Head;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Head, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for DocSeed<'_, 'a> {
    type Value = Head;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a state object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
        let mut head = Head::default();
        let mut resources = false;
        while let Some(key) = map.next_key::<KeyStr<'de>>()? {
            match &*key.0 {
                "version" => head.version = map.next_value()?,
                "format_version" => {
                    map.next_value::<IgnoredAny>()?;
                    head.format_version = true;
                }
                "terraform_version" => head.terraform_version = map.next_value()?,
                "resources" if resources => return Err(A::Error::duplicate_field("resources")),
                "resources" => {
                    resources = true;
                    map.next_value_seed(ResourcesSeed(&mut *self.0))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(head)
    }
}

/// The `resources` array (or null), each element handed to the sink as soon as it is read.
struct ResourcesSeed<'s, 'a>(&'s mut Resources<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for ResourcesSeed<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for ResourcesSeed<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of resources")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(r) = seq.next_element::<ResourceV4<'de>>()? {
            self.0.take(r);
        }
        Ok(())
    }
}

pub(super) fn instance(
    inst: &InstanceV4,
    b: &Block,
    file: &str,
    keep: Keep,
) -> Result<Resource, StateError> {
    let (attributes, probe) = match (inst.attributes, &inst.attributes_flat) {
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
    let sensitive = inst
        .sensitive_attributes
        .as_ref()
        .map(sensitive_paths_v4)
        .unwrap_or_default();
    let address = Address {
        module: b.module.clone(),
        rtype: b.rtype.clone(),
        name: b.name.clone(),
        key: inst.index_key.as_ref().and_then(InstanceKey::from_json),
    };
    let mut r = resource(
        address,
        b.provider.clone(),
        attributes,
        &probe,
        sensitive,
        file,
    );
    r.schema_version = inst.schema_version.unwrap_or(0);
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
        let kept = (self.keep)(self.rtype);
        let mut cursor = 0;
        out.text.push('{');
        while let Some(key) = map.next_key::<KeyStr<'de>>()? {
            if kept.is_some_and(|k| !is_kept(k, &mut cursor, &key.0)) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            if nests_deeper_than(value.get(), MAX_NESTING) {
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

/// True when `key` is among `kept` (sorted). Terraform writes an object's keys sorted, so a
/// cursor that only moves forward finds each one in a compare or two (a state has millions of
/// keys); a key out of order is searched for.
pub(super) fn is_kept(kept: &[&str], cursor: &mut usize, key: &str) -> bool {
    if *cursor > 0 && kept[*cursor - 1] >= key {
        return kept.binary_search(&key).is_ok();
    }
    // Here every key before the cursor sorts before `key`.
    while kept.get(*cursor).is_some_and(|k| *k < key) {
        *cursor += 1;
    }
    kept.get(*cursor) == Some(&key)
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
