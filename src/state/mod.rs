//! Terraform state readers: tfstate format v4, `terraform show -json` and plan JSON (`prior_state`).
//!
//! Parsing is pure (`parse`); `read_file` adds the file I/O. Errors name the file and say what
//! to do, because a state file is the one input the user cannot just "fix" by editing.

use std::path::Path;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::model::attributes::KeyStr;
use crate::model::{Address, AttrPath, Attributes, InstanceKey, PathStep, Resource};

/// Why a state file could not be read.
#[derive(Debug, Error)]
pub enum StateError {
    /// The file could not be read at all.
    #[error("cannot read state file {file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// Zero bytes or only whitespace.
    #[error(
        "state file {file} is empty: point --state at a real state, or run `terraform state pull > state.json`"
    )]
    Empty {
        /// File name.
        file: String,
    },
    /// Bytes that are not UTF-8.
    #[error(
        "state file {file} is not UTF-8 text (byte offset {offset}): it is not a Terraform state; check --state"
    )]
    NotUtf8 {
        /// File name.
        file: String,
        /// First invalid byte.
        offset: usize,
    },
    /// Broken JSON.
    #[error("state file {file} is not valid JSON ({detail}){hint}")]
    NotJson {
        /// File name.
        file: String,
        /// Parser message with line and column.
        detail: String,
        /// A hint, e.g. for truncated files.
        hint: &'static str,
    },
    /// Valid JSON of some other kind.
    #[error(
        "{file} is JSON but not a Terraform state (no \"version\" 4 or \"format_version\"): pass a tfstate file or `terraform show -json` output"
    )]
    NotState {
        /// File name.
        file: String,
    },
    /// Format versions 1 to 3 (Terraform 0.11 and older).
    #[error(
        "state file {file} uses format version {version} (Terraform 0.11 or older): upgrade it by running `terraform init` and `terraform apply -refresh-only` with Terraform 0.12 or newer, then retry"
    )]
    OldVersion {
        /// File name.
        file: String,
        /// The version found.
        version: u64,
    },
    /// A format version newer than 4.
    #[error(
        "state file {file} uses format version {version}, newer than the versions this tool reads (4): upgrade terraform-drift"
    )]
    FutureVersion {
        /// File name.
        file: String,
        /// The version found.
        version: u64,
    },
    /// A structurally wrong v4 file.
    #[error("state file {file} is malformed: {detail}")]
    Malformed {
        /// File name.
        file: String,
        /// What is wrong, with the JSON location.
        detail: String,
    },
    /// A worker reading attributes stopped with a panic: a bug in this tool, not the file.
    #[error(
        "reading state file {file} failed inside terraform-drift ({detail}): please report it with the file's shape"
    )]
    Internal {
        /// File name.
        file: String,
        /// The panic's message.
        detail: String,
    },
}

/// The managed resources of one state document.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Managed resource instances (data sources and deposed objects are skipped).
    pub resources: Vec<Resource>,
    /// The Terraform version that wrote the state, when recorded.
    pub terraform_version: Option<String>,
}

/// Decides which attributes of a resource type a reader keeps: `keep(type, attribute)`.
pub type Keep<'a> = &'a (dyn Fn(&str, &str) -> bool + Sync);

/// Keeps every attribute.
pub fn keep_all(_: &str, _: &str) -> bool {
    true
}

/// Reads and parses a state file, keeping every attribute.
pub fn read_file(path: &Path) -> Result<State, StateError> {
    read_file_with(path, &keep_all)
}

/// Reads and parses a state file, keeping only the attributes `keep` selects.
pub fn read_file_with(path: &Path, keep: Keep) -> Result<State, StateError> {
    let file = path.display().to_string();
    let bytes =
        crate::input_file::read(path, crate::input_file::MAX_DATA_FILE).map_err(|source| {
            StateError::Io {
                file: file.clone(),
                source,
            }
        })?;
    parse_with(&bytes, &file, keep)
}

/// Parses state bytes; `file` names the source in errors and in `Resource::origin`.
pub fn parse(bytes: &[u8], file: &str) -> Result<State, StateError> {
    parse_with(bytes, file, &keep_all)
}

fn not_json(file: &str, e: &serde_json::Error) -> StateError {
    StateError::NotJson {
        file: file.to_string(),
        detail: e.to_string(),
        hint: if e.is_eof() {
            ": the file looks truncated; pull a fresh copy with `terraform state pull`"
        } else {
            ": check that it is a Terraform state (`terraform state pull > state.json`)"
        },
    }
}

/// The top-level fields that tell the kind of document, read without building the rest.
#[derive(Deserialize)]
struct Probe {
    version: Option<Value>,
}

/// Parses state bytes keeping only the attributes `keep` selects.
///
/// Large states are read without building a JSON tree: resources and instances are typed,
/// attributes stay raw slices of the input until parsed, and unselected attributes are skipped
/// by the parser instead of being allocated.
pub fn parse_with(bytes: &[u8], file: &str, keep: Keep) -> Result<State, StateError> {
    let text = std::str::from_utf8(bytes).map_err(|e| StateError::NotUtf8 {
        file: file.to_string(),
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(StateError::Empty {
            file: file.to_string(),
        });
    }
    let not_state = || StateError::NotState {
        file: file.to_string(),
    };
    if !text.trim_start().starts_with('{') {
        return match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => Err(not_state()),
            Err(e) => Err(not_json(file, &e)),
        };
    }
    // One pass over the document: a v4 state is read typed; anything else is recognised from
    // the same top-level fields.
    let doc: DocV4 = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) if e.is_syntax() || e.is_eof() => return Err(not_json(file, &e)),
        Err(e) => {
            // Valid JSON in an unexpected shape: the version decides which error is useful.
            let probe: Probe = serde_json::from_str(text).map_err(|e| not_json(file, &e))?;
            return match probe.version.as_ref().and_then(Value::as_u64) {
                Some(4) | None => Err(malformed(file, e.to_string())),
                Some(v) => version_error(file, v),
            };
        }
    };
    if doc.format_version.is_some() && doc.version.is_none() {
        let doc: Map<String, Value> = serde_json::from_str(text).map_err(|e| not_json(file, &e))?;
        return parse_show_json(&doc, file);
    }
    match doc.version.as_ref().and_then(Value::as_u64) {
        Some(4) => Ok(parse_v4(doc, file, keep)?),
        Some(v) => version_error(file, v),
        None => Err(not_state()),
    }
}

fn version_error(file: &str, version: u64) -> Result<State, StateError> {
    Err(match version {
        1..=3 => StateError::OldVersion {
            file: file.to_string(),
            version,
        },
        v if v > 4 => StateError::FutureVersion {
            file: file.to_string(),
            version: v,
        },
        _ => StateError::NotState {
            file: file.to_string(),
        },
    })
}

/// True for a provider configuration address as Terraform writes it in a v4 state:
/// `provider["registry.terraform.io/hashicorp/aws"]`, with an optional `.alias`, inside
/// optional `module.NAME.` steps; or the legacy `provider.aws` form of Terraform 0.12.
fn valid_provider_address(addr: &str) -> bool {
    fn ident(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }
    fn alias(tail: &str) -> bool {
        tail.is_empty() || tail.strip_prefix('.').is_some_and(ident)
    }
    // Terraform parses the address as an HCL traversal, where blanks between tokens are
    // allowed (its own test data holds `provider. null`): drop blanks outside quotes first.
    let mut in_quotes = false;
    let compact: String = addr
        .chars()
        .filter(|c| {
            if *c == '"' {
                in_quotes = !in_quotes;
            }
            in_quotes || !c.is_whitespace()
        })
        .collect();
    let mut rest = compact.as_str();
    while let Some(r) = rest.strip_prefix("module.") {
        let Some((name, r)) = r.split_once('.') else {
            return false;
        };
        if !ident(name) {
            return false;
        }
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("provider[\"") {
        let Some((source, tail)) = r.split_once("\"]") else {
            return false;
        };
        let parts: Vec<&str> = source.split('/').collect();
        let source_ok = (1..=3).contains(&parts.len())
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
            });
        source_ok && alias(tail)
    } else if let Some(r) = rest.strip_prefix("provider.") {
        let (name, tail) = match r.find('.') {
            Some(i) => r.split_at(i),
            None => (r, ""),
        };
        ident(name) && alias(tail)
    } else {
        false
    }
}

fn malformed(file: &str, detail: impl Into<String>) -> StateError {
    StateError::Malformed {
        file: file.to_string(),
        detail: detail.into(),
    }
}

#[derive(Deserialize)]
struct DocV4<'a> {
    version: Option<Value>,
    format_version: Option<IgnoredAny>,
    terraform_version: Option<String>,
    #[serde(borrow, default)]
    resources: Option<Vec<ResourceV4<'a>>>,
}

#[derive(Deserialize)]
struct ResourceV4<'a> {
    module: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    rtype: Option<String>,
    name: Option<String>,
    provider: Option<String>,
    #[serde(borrow, default)]
    instances: Option<Vec<InstanceV4<'a>>>,
}

#[derive(Deserialize)]
struct InstanceV4<'a> {
    index_key: Option<Value>,
    deposed: Option<IgnoredAny>,
    #[serde(borrow)]
    attributes: Option<&'a RawValue>,
    attributes_flat: Option<Map<String, Value>>,
    sensitive_attributes: Option<Value>,
    schema_version: Option<u64>,
}

/// One instance with what it needs from its resource block.
struct Pending<'a> {
    resource: usize,
    inst: InstanceV4<'a>,
}

/// Resource-level fields shared by its instances.
struct Block {
    rtype: String,
    name: String,
    module: Vec<crate::model::ModuleStep>,
    provider: Option<String>,
}

fn parse_v4(doc: DocV4, file: &str, keep: Keep) -> Result<State, StateError> {
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
                        detail: crate::model::panic_message(panic.as_ref()),
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

fn instance(p: &Pending, b: &Block, file: &str, keep: Keep) -> Result<Resource, StateError> {
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
const PROBED: &[&str] = &["id", "region", "arn", "availability_zone"];

/// The `PROBED` attributes of a parsed attribute map.
fn probe_of(attrs: &Map<String, Value>) -> Map<String, Value> {
    PROBED
        .iter()
        .filter_map(|k| attrs.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect()
}

/// The kept attributes of one object as JSON text, and its `PROBED` attributes parsed.
struct Kept {
    text: String,
    probe: Map<String, Value>,
}

/// Reads an attributes object keeping only the selected keys, as text copied from the input:
/// nothing is built for the values (the diff parses them when it compares), and the rest is
/// skipped unparsed.
struct Filtered<'k> {
    rtype: &'k str,
    keep: Keep<'k>,
    /// The length of the whole object's text: the kept text is never longer, so it is written
    /// without growing (and shrunk to size once).
    capacity: usize,
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

fn resource(
    address: Address,
    provider: Option<String>,
    attributes: Attributes,
    probe: &Map<String, Value>,
    sensitive: Vec<AttrPath>,
    file: &str,
) -> Resource {
    let id = match probe.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    Resource {
        rtype: address.rtype.clone(),
        id,
        region: region_of(probe),
        address: Some(address),
        provider,
        attributes,
        sensitive,
        aws_default: false,
        companion_of: None,
        origin: Some(file.to_string()),
        schema_version: 0,
    }
}

/// The AWS region a state object lives in, from `region`, its ARN or its availability zone.
pub fn region_of(attrs: &Map<String, Value>) -> Option<String> {
    if let Some(Value::String(r)) = attrs.get("region")
        && !r.is_empty()
    {
        return Some(r.clone());
    }
    if let Some(Value::String(arn)) = attrs.get("arn") {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 && parts[0] == "arn" && !parts[3].is_empty() {
            return Some(parts[3].to_string());
        }
    }
    if let Some(Value::String(az)) = attrs.get("availability_zone") {
        return region_from_az(az);
    }
    None
}

/// `us-east-1a` -> `us-east-1`; local zones such as `us-west-2-lax-1a` -> `us-west-2`.
pub fn region_from_az(az: &str) -> Option<String> {
    let parts: Vec<&str> = az.split('-').collect();
    // The region is the prefix up to and including the first all-digit-leading part.
    for (i, p) in parts.iter().enumerate().skip(1) {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let mut region = parts[..i].join("-");
            region.push('-');
            region.push_str(&digits);
            return Some(region);
        }
    }
    None
}

/// State v4 `sensitive_attributes`: a list of paths, each a list of `get_attr`/`index` steps.
fn sensitive_paths_v4(v: &Value) -> Vec<AttrPath> {
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

/// `terraform show -json` (state) or plan JSON, whose `prior_state` is the state the plan read.
fn parse_show_json(obj: &Map<String, Value>, file: &str) -> Result<State, StateError> {
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

fn walk_show_module(
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
fn collect_sensitive_mirror(v: &Value, at: &AttrPath, out: &mut Vec<AttrPath>) {
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

/// How deep attribute values may nest. Terraform's own schemas stay far below this; deeper
/// input is hostile or broken, and must be an error rather than a stack overflow or a value
/// that later fails to parse and reads as null.
pub const MAX_NESTING: usize = 100;

/// The nesting depth of a JSON text (objects and arrays), without parsing it.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Expands Terraform 0.11-style flat attributes (`tags.%`, `ingress.#`, `ingress.123.from_port`).
/// Errs when keys nest deeper than [`MAX_NESTING`] levels.
fn expand_flatmap(flat: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let entries: Vec<(&str, &Value)> = flat.iter().map(|(k, v)| (k.as_str(), v)).collect();
    expand_level(&entries, 0)
}

/// Flat keys with their values, relative to some prefix.
type FlatEntries<'a> = Vec<(&'a str, &'a Value)>;

/// The flat keys under one segment: the value written at the segment itself, and the rest of
/// each longer key.
type FlatGroup<'a> = (Option<&'a Value>, FlatEntries<'a>);

/// One level of flat keys grouped by their first segment: the value written at the segment
/// itself (if any) and the rest of each longer key. One pass, so wide levels stay linear.
fn group<'a>(entries: &[(&'a str, &'a Value)]) -> BTreeMap<&'a str, FlatGroup<'a>> {
    let mut groups: BTreeMap<&str, FlatGroup> = BTreeMap::new();
    for &(k, v) in entries {
        match k.split_once('.') {
            Some((top, rest)) => groups.entry(top).or_default().1.push((rest, v)),
            None => groups.entry(k).or_default().0 = Some(v),
        }
    }
    groups
}

fn expand_level(entries: &[(&str, &Value)], depth: usize) -> Result<Map<String, Value>, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_addresses_as_terraform_writes_them() {
        for ok in [
            "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "provider[\"registry.terraform.io/hashicorp/aws\"].west",
            "module.net.module.sub.provider[\"example.com/acme/thing\"]",
            "provider[\"hashicorp/aws\"]",
            "provider.aws",
            "provider.aws.east",
            "module.a.provider.null",
            "provider. null",
            "provider [\"hashicorp/aws\"] . east",
        ] {
            assert!(valid_provider_address(ok), "{ok}");
        }
        for bad in [
            "this is an invalid value for this field",
            "",
            "provider",
            "provider[\"registry.terraform.io/hashicorp/aws\"",
            "provider[\"\"]",
            "provider[\"a/b/c/d\"]",
            "provider[\"registry.terraform.io/hashicorp/aws\"].",
            "provider[\"registry.terraform.io/hashicorp/aws\"]x",
            "module..provider.aws",
            "provider.aws.1east",
            "provider.aws.bad!alias",
        ] {
            assert!(!valid_provider_address(bad), "{bad}");
        }
        let doc = r#"{"version": 4, "serial": 1, "lineage": "l", "resources": [
            {"mode": "managed", "type": "null_resource", "name": "bar",
             "provider": "this is an invalid value for this field",
             "instances": [{"attributes": {"id": "1"}}]}]}"#;
        let e = parse(doc.as_bytes(), "bad.tfstate")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.tfstate") && e.contains("null_resource.bar"),
            "{e}"
        );
        assert!(e.contains("invalid provider address"), "{e}");
    }

    const V4: &str = r#"{
      "version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "x",
      "outputs": {},
      "resources": [
        {"mode": "data", "type": "aws_ami", "name": "a", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes": {"id": "ami-1"}}]},
        {"module": "module.net[\"blue\"]", "mode": "managed", "type": "aws_subnet", "name": "this",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"].west",
         "instances": [
           {"index_key": 0, "schema_version": 1, "attributes": {"id": "subnet-1", "availability_zone": "us-west-2b"},
            "sensitive_attributes": [[{"type": "get_attr", "value": "secret"}]]},
           {"index_key": 1, "attributes": {"id": "subnet-2", "arn": "arn:aws:ec2:eu-west-1:1:subnet/subnet-2"}},
           {"index_key": 2, "deposed": "abc", "attributes": {"id": "subnet-old"}}
         ]},
        {"mode": "managed", "type": "aws_instance", "name": "web",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"index_key": "a", "attributes": {"id": "i-1"}}]}
      ]
    }"#;

    #[test]
    fn v4_modules_count_for_each_data_and_deposed() {
        let s = parse(V4.as_bytes(), "t.tfstate").unwrap();
        let addrs: Vec<String> = s
            .resources
            .iter()
            .map(|r| r.address.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(
            addrs,
            [
                r#"module.net["blue"].aws_subnet.this[0]"#,
                r#"module.net["blue"].aws_subnet.this[1]"#,
                r#"aws_instance.web["a"]"#
            ]
        );
        assert_eq!(s.resources[0].region.as_deref(), Some("us-west-2"));
        assert_eq!(s.resources[1].region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.resources[0].sensitive, vec![AttrPath::attr("secret")]);
        assert_eq!(s.terraform_version.as_deref(), Some("1.11.4"));
    }

    #[test]
    fn bad_inputs_have_clear_errors() {
        let cases: [(&[u8], &str); 8] = [
            (b"", "is empty"),
            (b"  \n", "is empty"),
            (b"{\"version\": 4, \"resources\": [", "looks truncated"),
            (b"\xff\xfe{}", "not UTF-8"),
            (b"hello", "not valid JSON"),
            (b"{\"version\": 3}", "format version 3"),
            (b"{\"version\": 5}", "newer than"),
            (b"[1,2]", "not a Terraform state"),
        ];
        for (input, want) in cases {
            let err = parse(input, "bad.tfstate").unwrap_err().to_string();
            assert!(err.contains(want), "{err:?} should contain {want:?}");
            assert!(err.contains("bad.tfstate"), "{err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn plan_drift_splits_stored_and_refreshed() {
        let plan = br#"{"format_version": "1.2",
          "prior_state": {"values": {"root_module": {"resources": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "values": {"id": "vpc-1", "tags": {"Owner": "x"}}, "sensitive_values": {}}]}}},
          "resource_drift": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["update"], "before": {"id": "vpc-1", "tags": null}}},
            {"address": "module.m.aws_subnet.s[0]", "module_address": "module.m", "mode": "managed",
             "type": "aws_subnet", "name": "s", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["delete"], "before": {"id": "subnet-1"},
                        "before_sensitive": {}}}]}"#;
        let d = plan_drift(plan, "plan.json").unwrap();
        assert_eq!(d.refreshed.len(), 1);
        assert_eq!(
            d.refreshed[0].attributes.map()["tags"],
            serde_json::json!({"Owner": "x"})
        );
        assert_eq!(d.stored.len(), 2);
        assert_eq!(d.stored[0].attributes.map()["tags"], Value::Null);
        assert_eq!(
            d.stored[1].address.as_ref().unwrap().to_string(),
            "module.m.aws_subnet.s[0]"
        );
        let empty = plan_drift(br#"{"format_version": "1.2", "planned_values": {}}"#, "p").unwrap();
        assert!(empty.stored.is_empty());
        assert!(plan_drift(br#"{"version": 4}"#, "p").is_err());
    }

    #[test]
    fn show_json_and_plan_prior_state() {
        let show = r#"{"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {
          "resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
            "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"id": "vpc-1", "password": "p"},
            "sensitive_values": {"password": true}}],
          "child_modules": [{"address": "module.a[0]", "resources": [{"address": "module.a[0].aws_eip.x[\"k\"]",
            "mode": "managed", "type": "aws_eip", "name": "x", "index": "k", "values": {"id": "eipalloc-1"}}]}]}}}"#;
        let s = parse(show.as_bytes(), "show.json").unwrap();
        assert_eq!(s.resources.len(), 2);
        assert_eq!(
            s.resources[1].address.as_ref().unwrap().to_string(),
            r#"module.a[0].aws_eip.x["k"]"#
        );
        assert_eq!(s.resources[0].sensitive, vec![AttrPath::attr("password")]);
        let plan = format!(r#"{{"format_version": "1.2", "prior_state": {show}}}"#);
        assert_eq!(
            parse(plan.as_bytes(), "plan.json").unwrap().resources.len(),
            2
        );
        let empty = parse(br#"{"format_version": "1.0"}"#, "e.json").unwrap();
        assert!(empty.resources.is_empty());
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_crash() {
        // 5,000 dot segments in one flat key: an error naming the resource, no stack overflow.
        let key = vec!["a"; 5000].join(".");
        let doc = serde_json::json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
            {"mode": "managed", "type": "aws_vpc", "name": "deep",
             "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
             "instances": [{"attributes_flat": {"id": "vpc-1", key: "x"}}]}]});
        let e = parse(doc.to_string().as_bytes(), "deep.tfstate")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("deep.tfstate") && e.contains("aws_vpc.deep"),
            "{e}"
        );
        assert!(e.contains("deeper than"), "{e}");
        // A kept attribute nested 200 levels: an error, never read as null.
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let doc = format!(
            r#"{{"version": 4, "serial": 1, "lineage": "l", "resources": [
            {{"mode": "managed", "type": "aws_instance", "name": "deep",
             "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
             "instances": [{{"attributes": {{"id": "i-1", "tags": {deep}}}}}]}}]}}"#
        );
        let e = parse(doc.as_bytes(), "deep.tfstate")
            .unwrap_err()
            .to_string();
        assert!(e.contains("deeper than"), "{e}");
        assert_eq!(json_depth(r#"{"a": "[[[[", "b": [1, {"c": []}]}"#), 4);
    }

    #[test]
    fn flatmap_expansion() {
        let flat: Map<String, Value> = serde_json::from_str(
            r#"{"id": "sg-1", "tags.%": "1", "tags.Name": "x", "ingress.#": "1",
                "ingress.123.from_port": "80", "ingress.123.cidr_blocks.#": "1", "ingress.123.cidr_blocks.0": "0.0.0.0/0"}"#,
        )
        .unwrap();
        let v = Value::Object(expand_flatmap(&flat).unwrap());
        assert_eq!(v["tags"]["Name"], "x");
        assert_eq!(v["ingress"][0]["from_port"], "80");
        assert_eq!(v["ingress"][0]["cidr_blocks"][0], "0.0.0.0/0");
    }

    #[test]
    fn az_to_region() {
        assert_eq!(region_from_az("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(
            region_from_az("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_from_az("nonsense"), None);
    }
}
