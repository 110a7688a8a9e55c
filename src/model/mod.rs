//! The shared vocabulary: resource addresses, attribute paths, resources and alerts.
//!
//! Everything here is plain data. Inputs (`state`, `config`, `live`) produce it, `diff` consumes it.

pub mod attributes;
pub mod config;
pub mod schema;

pub use attributes::Attributes;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An instance key from `count` (number) or `for_each` (string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InstanceKey {
    /// `count` index.
    Int(i64),
    /// `for_each` key.
    Str(String),
}

impl InstanceKey {
    /// Reads a state `index_key` (number or string); anything else is no key.
    pub fn from_json(v: &Value) -> Option<InstanceKey> {
        match v {
            Value::Number(n) => n.as_i64().map(InstanceKey::Int),
            Value::String(s) => Some(InstanceKey::Str(s.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", serde_json::Value::String(s.clone())),
        }
    }
}

/// One step of a module path: `module.NAME[KEY]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call name.
    pub name: String,
    /// The instance key when the module call uses `count` or `for_each`.
    pub key: Option<InstanceKey>,
}

/// A managed resource instance address such as `module.net["a"].aws_subnet.this[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// Module path from the root module.
    pub module: Vec<ModuleStep>,
    /// Resource type, e.g. `aws_instance`.
    pub rtype: String,
    /// Resource name in the configuration.
    pub name: String,
    /// Instance key.
    pub key: Option<InstanceKey>,
}

impl Address {
    /// Parses a module address such as `module.a["x"].module.b[0]` (as in `terraform show -json`).
    pub fn parse_module_path(s: &str) -> Option<Vec<ModuleStep>> {
        let mut steps = Vec::new();
        let mut rest = s.trim();
        while !rest.is_empty() {
            rest = rest.strip_prefix("module.")?;
            let end = rest.find(['[', '.']).unwrap_or(rest.len());
            let name = rest[..end].to_string();
            rest = &rest[end..];
            let mut key = None;
            if rest.starts_with('[') {
                let (k, after) = parse_key(rest)?;
                key = Some(k);
                rest = after;
            }
            steps.push(ModuleStep { name, key });
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
        Some(steps)
    }

    /// The address without instance keys, used to find the resource block in the config:
    /// `module.a.aws_instance.web`.
    pub fn config_key(&self) -> String {
        let mut s = String::new();
        for m in &self.module {
            s.push_str("module.");
            s.push_str(&m.name);
            s.push('.');
        }
        s.push_str(&self.rtype);
        s.push('.');
        s.push_str(&self.name);
        s
    }
}

/// Parses a leading `[0]` or `["key"]`, returning the key and the rest of the input.
fn parse_key(s: &str) -> Option<(InstanceKey, &str)> {
    let inner = s.strip_prefix('[')?;
    if inner.starts_with('"') {
        // The key is a JSON-style quoted string; find its closing quote honouring escapes.
        let mut escaped = false;
        for (i, c) in inner.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    let key: String = serde_json::from_str(&inner[..=i]).ok()?;
                    let rest = inner[i + 1..].strip_prefix(']')?;
                    return Some((InstanceKey::Str(key), rest));
                }
                _ => escaped = false,
            }
        }
        None
    } else {
        let end = inner.find(']')?;
        let n = inner[..end].trim().parse().ok()?;
        Some((InstanceKey::Int(n), &inner[end + 1..]))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{}", m.name)?;
            if let Some(k) = &m.key {
                write!(f, "{k}")?;
            }
            f.write_str(".")?;
        }
        write!(f, "{}.{}", self.rtype, self.name)?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// One step into an attribute value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// Object attribute or map key.
    Key(String),
    /// List index.
    Index(usize),
}

/// A path into a resource's attributes, shown as `tags.Owner` or `ingress[0].cidr_blocks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    /// A path of one attribute name.
    pub fn attr(name: &str) -> AttrPath {
        AttrPath(vec![PathStep::Key(name.to_string())])
    }

    /// This path extended by one step.
    pub fn child(&self, step: PathStep) -> AttrPath {
        let mut v = self.0.clone();
        v.push(step);
        AttrPath(v)
    }

    /// True when `self` equals `other` or lies inside it.
    pub fn starts_with(&self, other: &AttrPath) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }

    /// True when the path is the one top-level attribute `name`.
    pub fn is_attr(&self, name: &str) -> bool {
        matches!(self.0.as_slice(), [PathStep::Key(k)] if k == name)
    }

    /// The top-level attribute name, if any.
    pub fn root(&self) -> Option<&str> {
        match self.0.first() {
            Some(PathStep::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Parses the display form (`a.b[0].c`, `tags["x.y"]`); also accepts `a.0.b` for indexes.
    pub fn parse(s: &str) -> AttrPath {
        let mut steps = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            if rest.starts_with('[') {
                match parse_key(rest) {
                    Some((InstanceKey::Int(i), after)) => {
                        steps.push(PathStep::Index(i.max(0) as usize));
                        rest = after;
                    }
                    Some((InstanceKey::Str(k), after)) => {
                        steps.push(PathStep::Key(k));
                        rest = after;
                    }
                    None => {
                        steps.push(PathStep::Key(rest.to_string()));
                        break;
                    }
                }
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let word = &rest[..end];
                if !word.is_empty() {
                    steps.push(match word.parse::<usize>() {
                        Ok(i) if !steps.is_empty() => PathStep::Index(i),
                        _ => PathStep::Key(word.to_string()),
                    });
                }
                rest = &rest[end..];
            }
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
        AttrPath(steps)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Index(n) => write!(f, "[{n}]")?,
                PathStep::Key(k) => {
                    let plain = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':');
                    if plain {
                        if i > 0 {
                            f.write_str(".")?;
                        }
                        f.write_str(k)?;
                    } else {
                        write!(f, "[{}]", serde_json::Value::String(k.clone()))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Serialized in its display form (`tags.Owner`), the report's stable contract.
impl Serialize for AttrPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// Tests only: outside them a path is never rebuilt from its text (`tags.2024` would come
// back as an index).
#[cfg(test)]
impl From<&str> for AttrPath {
    /// [`AttrPath::parse`], for test fixtures.
    fn from(s: &str) -> AttrPath {
        AttrPath::parse(s)
    }
}

/// Where a resource block is declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLoc {
    /// File path as shown to the user (relative to the scanned directory when possible).
    pub file: String,
    /// 1-based line of the `resource` keyword.
    pub line: usize,
}

/// How a live resource relates to another one that owns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Companion {
    /// Owner's resource type, e.g. `aws_instance`.
    pub owner_type: String,
    /// Owner's cloud ID.
    pub owner_id: String,
    /// True when the companion is deleted together with its owner (root volume, primary ENI).
    pub dies_with_owner: bool,
    /// The owner's attribute `owner_id` is the value of, where the name AWS gives a companion
    /// holds a name and Terraform's ID is an ARN or a generated ID (`identifier` of an
    /// `aws_db_instance`); `None`: `owner_id` is the owner's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_attr: Option<String>,
}

/// A resource as seen by one side (state or cloud), with attributes named as in Terraform state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Resource type, e.g. `aws_instance`.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Cloud ID (the state `id` attribute).
    pub id: String,
    /// State address; for a live resource, the state object a provider read or a refresh read
    /// it for, `None` for a listed one.
    #[serde(skip)]
    pub address: Option<Address>,
    /// AWS region when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Provider configuration address from the state (`provider["…/aws"].west`).
    #[serde(skip)]
    pub provider: Option<String>,
    /// Attribute values in the provider's state shape.
    #[serde(default)]
    pub attributes: Attributes,
    /// Paths whose values are sensitive and must never be shown.
    #[serde(skip)]
    pub sensitive: Vec<AttrPath>,
    /// Created by AWS itself (default VPC, default security group, main route table, …).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aws_default: bool,
    /// Set when the resource belongs to another one (root volume, primary network interface).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub companion_of: Option<Companion>,
    /// Terraform's import ID when it is not the `id` (`subnet-1/rtb-1` for a route table
    /// association): what an unmanaged finding names, so `codify` can import it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
    /// Which state file the resource came from.
    #[serde(skip)]
    pub origin: Option<String>,
    /// The provider schema version its state was written with (`schema_version`).
    #[serde(skip)]
    pub schema_version: u64,
}

impl Resource {
    /// A live resource with just a type, ID and region.
    pub fn live(rtype: &str, id: impl Into<String>, region: &str) -> Resource {
        Resource {
            rtype: rtype.to_string(),
            id: id.into(),
            address: None,
            region: Some(region.to_string()),
            provider: None,
            attributes: Attributes::default(),
            sensitive: Vec::new(),
            aws_default: false,
            companion_of: None,
            import_id: None,
            origin: None,
            schema_version: 0,
        }
    }

    /// Sets an attribute, returning `self` for chaining.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Resource {
        self.attributes
            .make_mut()
            .insert(key.to_string(), value.into());
        self
    }
}

/// Severity of a finding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Cosmetic (tags, descriptions).
    Low,
    /// Behavioural change.
    #[default]
    Medium,
    /// Security exposure or a lost resource.
    High,
}

impl std::str::FromStr for Severity {
    type Err = String;

    /// A severity by name, ignoring case (`--fail-on`, settings files).
    fn from_str(s: &str) -> Result<Severity, String> {
        [Severity::Low, Severity::Medium, Severity::High]
            .into_iter()
            .find(|v| v.to_string().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity {s:?} (low, medium or high)"))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        })
    }
}

/// Words that make a name look secret (`db_password`, `api_token`): values under such names are
/// redacted even when nothing marks them sensitive. Matched as whole words of the name (see
/// [`is_secret_name`]), so `http_tokens` (IMDSv2) is not a secret.
pub const SECRET_WORDS: &[&str] = &["password", "secret", "token", "private_key", "passphrase"];

/// Whole words (and word pairs) that mark a name as secret, beyond [`SECRET_WORDS`]: common
/// spellings a person would write.
const SECRET_EXTRA: &[&str] = &[
    "passwd",
    "pwd",
    "apikey",
    "api_key",
    "secret_key",
    "auth_token",
];

/// True when an attribute or map key names a secret: one of its words (split at `_`, `-`, `.`,
/// spaces and camelCase humps, compared without case) is a secret word, or two adjacent words
/// form one (`private_key`). Substrings do not count: `http_tokens` says whether IMDSv2 is
/// required, and hiding it would hide a security change.
pub fn is_secret_name(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let known = |w: &str| SECRET_WORDS.contains(&w) || SECRET_EXTRA.contains(&w);
    words.iter().any(|w| known(w))
        || words
            .windows(2)
            .any(|pair| known(&format!("{}_{}", pair[0], pair[1])))
}

/// A line of a child process's output (a provider's or terraform's stderr) with anything that
/// looks like a credential masked: such tails end up in error messages, which the CLI prints
/// and the server returns over HTTP.
pub fn scrub_secrets(line: &str) -> String {
    use std::sync::LazyLock;
    static NAMED: LazyLock<regex::Regex> = LazyLock::new(|| {
        let words = SECRET_WORDS
            .iter()
            .chain(&["authorization", "credential", "session_key", "access_key"])
            .copied()
            .collect::<Vec<_>>()
            .join("|");
        regex::Regex::new(&format!(
            r#"(?i)([\w.-]*(?:{words})[\w.-]*"?\s*[:=]\s*"?)(?:bearer\s+|basic\s+)?[^\s",;}}]+"#
        ))
        .expect("a valid pattern")
    });
    static BEARER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]{8,}").expect("a valid pattern")
    });
    static KEY_ID: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b").expect("a valid pattern")
    });
    if line.contains("PRIVATE KEY") {
        return "(a line with a private key was redacted)".into();
    }
    let line = NAMED.replace_all(line, "${1}(redacted)");
    let line = BEARER.replace_all(&line, "${1} (redacted)");
    KEY_ID.replace_all(&line, "${1}(redacted)").into_owned()
}

/// True for the values Terraform users, and the provider (SDKv2), cannot tell apart from
/// "unset": null, `""`, `[]` and `{}`.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// The message of a caught panic (`panic!("…")` payloads are `&str` or `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// Text meant for people (a codify or patch diff, Terraform's plan and apply output) with the
/// value of every assignment to a secret-named key shown as `(sensitive value)`: `db_password =
/// "…"`, `"api_token" = "…" -> "…"`. The same rule as the report's redaction
/// ([`is_secret_name`]); the files written keep their literals (an import must be a no-op),
/// only what is shown is redacted.
pub fn redact_secret_assignments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match secret_assignment(line) {
            Some(value_at) => {
                out.push_str(&line[..value_at]);
                out.push_str("(sensitive value)");
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Where the value starts when `line` assigns a value to a secret-named key (`db_password =
/// "…"`, `+ "api_token" = …`); `None` for other lines, already redacted values, and block or
/// map openings (`password = {` holds no value on its line).
pub fn secret_assignment(line: &str) -> Option<usize> {
    use std::sync::LazyLock;
    // An optional diff or plan marker, an optional quote, the key, `=`, then the value.
    static ASSIGN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"^(\s*(?:[-+~]\s*)?"?)([A-Za-z0-9_.:/-]+)("?\s*=\s*)(.+)$"#)
            .expect("a valid pattern")
    });
    let c = ASSIGN.captures(line)?;
    let value = c.get(4)?;
    let v = value.as_str().trim();
    (is_secret_name(&c[2])
        && !v.is_empty()
        && !v.contains("(sensitive value)")
        && !matches!(v, "{" | "["))
    .then_some(value.start())
}

/// A provider's log line as it may be forwarded to our own log (`-vv`): request and response
/// bodies dropped (an AWS response carries every tag value, secret-named ones included), long
/// lines cut, and what remains scrubbed by [`scrub_secrets`].
///
/// Providers write hclog JSON lines (`{"@level": …, "@message": …, "http.response.body": …}`)
/// or plain text with `http.response.body=…`-style fields; both are handled.
pub fn provider_log_line(line: &str) -> String {
    const MAX: usize = 2_000;
    let line = match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.retain(|k, _| {
                let k = k.to_ascii_lowercase();
                !(k.contains("body") || k.contains("payload") || is_secret_name(&k))
            });
            serde_json::Value::Object(m).to_string()
        }
        _ => match line.to_ascii_lowercase().find("body") {
            // Plain text: everything from the first body field on is dropped.
            Some(i) => format!("{} (body omitted)", &line[..i]),
            None => line.to_string(),
        },
    };
    let line = truncate_for_message_at(&line, MAX);
    scrub_secrets(&line)
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn truncate_for_message_at(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// What an [`Alert`] is about; serialized in snake case (`no_credentials`), the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// No AWS credentials anywhere.
    NoCredentials,
    /// The credentials have expired.
    CredentialsExpired,
    /// AWS rejected the credentials.
    CredentialsInvalid,
    /// The credentials may not call the Describe API.
    AccessDenied,
    /// The endpoint could not be reached or timed out.
    EndpointUnreachable,
    /// A listing failed for another reason.
    ListFailed,
    /// A provider could not be started or configured.
    ProviderFailed,
    /// A provider could not read some resources.
    ReadFailed,
    /// A provider's region could not be evaluated from the configuration; its resources were
    /// read in the region the state records for them (not partial: everything was checked).
    RegionFromState,
    /// A kind this version does not know (read from a newer snapshot).
    #[serde(other)]
    Other,
}

impl AlertKind {
    /// The JSON name, for messages and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::NoCredentials => "no_credentials",
            AlertKind::CredentialsExpired => "credentials_expired",
            AlertKind::CredentialsInvalid => "credentials_invalid",
            AlertKind::AccessDenied => "access_denied",
            AlertKind::EndpointUnreachable => "endpoint_unreachable",
            AlertKind::ListFailed => "list_failed",
            AlertKind::ProviderFailed => "provider_failed",
            AlertKind::ReadFailed => "read_failed",
            AlertKind::RegionFromState => "region_from_state",
            AlertKind::Other => "other",
        }
    }
}

impl std::fmt::Display for AlertKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-fatal problem met while gathering inputs (a type that could not be listed, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Machine-readable kind (`access_denied`, `list_failed`, … in JSON).
    #[serde(rename = "type")]
    pub kind: AlertKind,
    /// Human-readable explanation naming the resource type and region.
    pub message: String,
    /// True when the alert means some resources could not be checked.
    #[serde(default)]
    pub partial: bool,
}

/// Which resource types (and regions) a live source listed completely.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    entries: std::collections::BTreeSet<(String, Option<String>)>,
}

impl Coverage {
    /// Records that `rtype` was listed completely in `region` (`None`: in every region).
    pub fn add(&mut self, rtype: &str, region: Option<&str>) {
        self.entries
            .insert((rtype.to_string(), region.map(str::to_string)));
    }

    /// True when resources of `rtype` in `region` can be judged missing or unmanaged.
    pub fn covers(&self, rtype: &str, region: Option<&str>) -> bool {
        self.entries.contains(&(rtype.to_string(), None))
            || region.is_some_and(|r| {
                self.entries
                    .contains(&(rtype.to_string(), Some(r.to_string())))
            })
    }

    /// Adds everything `other` covers.
    pub fn extend(&mut self, other: Coverage) {
        self.entries.extend(other.entries);
    }

    /// The regions `rtype` was listed in (`None`: everywhere).
    pub fn regions_of(&self, rtype: &str) -> Vec<Option<String>> {
        self.entries
            .iter()
            .filter(|(t, _)| t == rtype)
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// True when `rtype` was listed in at least one region.
    pub fn covers_type(&self, rtype: &str) -> bool {
        self.entries.iter().any(|(t, _)| t == rtype)
    }

    /// The covered types, deduplicated and sorted.
    pub fn types(&self) -> Vec<String> {
        let mut v: Vec<String> = self.entries.iter().map(|(t, _)| t.clone()).collect();
        v.dedup();
        v
    }
}

/// What a live source found.
#[derive(Debug, Clone, Default)]
pub struct LiveInventory {
    /// Live resources.
    pub resources: Vec<Resource>,
    /// What was listed completely.
    pub coverage: Coverage,
    /// Problems met while listing.
    pub alerts: Vec<Alert>,
    /// `(type, id)` of state resources that could not be read (judged unchecked, never missing).
    pub unreadable: std::collections::HashSet<(String, String)>,
    /// HTTP requests sent to the cloud's APIs to build it (retries included).
    pub api_calls: u64,
}

/// `s` cut to at most 200 characters (with `…` when cut), for echoing input in one-line
/// error messages: a hostile 5 MB value must not become a 5 MB message.
pub fn truncate_for_message(s: &str) -> String {
    truncate_for_message_at(s, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_logs_lose_bodies_and_secrets() {
        let json = r#"{"@level":"debug","@message":"HTTP Response Received","http.response.body":"<Value>SECRET-A</Value>","tf_aws.sdk":"aws-sdk-go-v2","db_password":"SECRET-B"}"#;
        let out = provider_log_line(json);
        assert!(!out.contains("SECRET"), "{out}");
        assert!(out.contains("HTTP Response Received"), "{out}");
        let text = "2026-12-01T10:00:00Z [DEBUG] sending request: http.request.body=Action=CreateTags&Tag.1.Value=SECRET-C";
        let out = provider_log_line(text);
        assert!(!out.contains("SECRET"), "{out}");
        assert!(out.contains("body omitted"), "{out}");
        let long = "x".repeat(10_000);
        assert!(provider_log_line(&long).chars().count() <= 2_001);
        assert_eq!(provider_log_line("plain line"), "plain line");
    }

    #[test]
    fn secret_assignments_are_redacted_in_text() {
        let text = "+resource \"aws_db_instance\" \"x\" {\n+  db_password = \"hunter2\"\n+  tags = {\n+    api_token = \"abc\" # note\n+    Name = \"web\"\n+  }\n      ~ \"db_password\" = \"a\" -> \"b\"\n  http_tokens = \"required\"\n  password = {\n";
        let out = redact_secret_assignments(text);
        assert!(!out.contains("hunter2") && !out.contains("abc"), "{out}");
        assert!(!out.contains("\"a\" -> \"b\""), "{out}");
        assert!(out.contains("Name = \"web\""), "{out}");
        assert!(out.contains("http_tokens = \"required\""), "{out}");
        assert!(out.contains("password = {"), "{out}");
        assert_eq!(out.lines().count(), text.lines().count());
    }

    #[test]
    fn secret_names_are_whole_words() {
        for secret in [
            "password",
            "db_password",
            "DB_PASSWORD",
            "dbPassword",
            "api_token",
            "client_secret",
            "private_key",
            "ssh-passphrase",
            "SecretString",
            "x.api_key",
            "master_passwd",
        ] {
            assert!(is_secret_name(secret), "{secret} is a secret name");
        }
        for plain in [
            "http_tokens",
            "secretsmanager_arn",
            "instance_type",
            "key_name",
            "kms_key_id",
            "public_key",
            "tokenization",
            "",
        ] {
            assert!(!is_secret_name(plain), "{plain} is not a secret name");
        }
    }

    #[test]
    fn output_lines_lose_their_secrets() {
        for (line, secret) in [
            ("2026/11/26 [DEBUG] password=hunter2 user=bob", "hunter2"),
            (
                r#"config: {"db_password": "s3cr3t!", "region": "us-east-1"}"#,
                "s3cr3t!",
            ),
            (
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
                "eyJhbGciOiJIUzI1NiJ9",
            ),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
                "wJalrXUtnFEMI",
            ),
            (
                "using key AKIAIOSFODNN7EXAMPLE for ec2",
                "AKIAIOSFODNN7EXAMPLE",
            ),
            (
                "X-Amz-Security-Token: FwoGZXIvYXdzEBYaDH",
                "FwoGZXIvYXdzEBYaDH",
            ),
            ("-----BEGIN RSA PRIVATE KEY-----", "BEGIN RSA"),
        ] {
            let out = super::scrub_secrets(line);
            assert!(!out.contains(secret), "{line} -> {out}");
        }
        // Ordinary lines stay as they are.
        let plain = "panic: runtime error: invalid memory address (region us-east-1)";
        assert_eq!(super::scrub_secrets(plain), plain);
        assert_eq!(
            super::scrub_secrets("user=bob password=x"),
            "user=bob password=(redacted)"
        );
    }

    #[test]
    fn address_display_and_module_parse() {
        let a = Address {
            module: Address::parse_module_path(r#"module.net["a.b"].module.sub[2]"#).unwrap(),
            rtype: "aws_subnet".into(),
            name: "this".into(),
            key: Some(InstanceKey::Int(0)),
        };
        assert_eq!(
            a.to_string(),
            r#"module.net["a.b"].module.sub[2].aws_subnet.this[0]"#
        );
        assert_eq!(a.config_key(), "module.net.module.sub.aws_subnet.this");
        assert_eq!(Address::parse_module_path("").unwrap(), vec![]);
        assert!(Address::parse_module_path("modul.x").is_none());
    }

    #[test]
    fn attr_path_round_trip() {
        for s in [
            "tags.Owner",
            "ingress[0].cidr_blocks",
            r#"tags["a.b c"]"#,
            "root_block_device[0].volume_size",
        ] {
            assert_eq!(AttrPath::parse(s).to_string(), s);
        }
        assert_eq!(
            AttrPath::parse("ingress.0.cidr_blocks").to_string(),
            "ingress[0].cidr_blocks"
        );
        assert!(AttrPath::parse("tags.Owner").starts_with(&AttrPath::attr("tags")));
    }

    #[test]
    fn coverage_by_region() {
        let mut c = Coverage::default();
        c.add("aws_vpc", Some("us-east-1"));
        c.add("aws_instance", None);
        assert!(c.covers("aws_vpc", Some("us-east-1")));
        assert!(!c.covers("aws_vpc", Some("eu-west-1")));
        assert!(!c.covers("aws_vpc", None));
        assert!(c.covers("aws_instance", Some("eu-west-1")));
    }
}
