//! The drift engine: joins state and live resources and classifies what differs.
//!
//! Pure and deterministic: the same inputs give the same report, in the same order.

pub mod ignore;
pub mod managed;
pub mod normalize;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{self, ALWAYS_IGNORED, TypeRules};
use crate::model::config::{Config, IgnoreChanges};
use crate::model::{Alert, AttrPath, LiveInventory, PathStep, Resource, Severity};
pub use ignore::DriftIgnore;
use managed::Managed;
use normalize::{canonical, equivalent, is_empty};

/// What kind of drift a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Both exist; attributes differ.
    Changed,
    /// In state, gone from the cloud.
    Missing,
    /// In the cloud, in no state.
    Unmanaged,
}

impl Kind {
    /// What happened, as a predicate after the resource's name ("aws_vpc.main changed
    /// outside Terraform"): the words every output that explains a finding uses.
    pub fn phrase(self) -> &'static str {
        match self {
            Kind::Changed => "changed outside Terraform",
            Kind::Missing => "is in the state but gone from the cloud",
            Kind::Unmanaged => "exists in the cloud but in no Terraform state",
        }
    }

    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Changed => "changed",
            Kind::Missing => "missing",
            Kind::Unmanaged => "unmanaged",
        }
    }
}

/// One changed attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Attribute path, shown as `tags.Owner` (kept as steps: a tag key `2024` is a key, not
    /// the index the text `tags.2024` would read as).
    pub path: AttrPath,
    /// Value in state (redacted when sensitive).
    pub state: Value,
    /// Value in the cloud (redacted when sensitive).
    pub live: Value,
    /// How much this change matters.
    pub severity: Severity,
    /// The values are sensitive and shown as [`REDACTED`]: a flag, so no code has to compare
    /// values with the redaction text (not in the JSON, where the values say it).
    #[serde(skip)]
    pub sensitive: bool,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    /// Changed, missing or unmanaged.
    pub kind: Kind,
    /// Resource type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Cloud ID.
    pub id: String,
    /// State address, `null` for unmanaged resources.
    pub address: Option<String>,
    /// Region, when known.
    pub region: Option<String>,
    /// Highest severity of the finding.
    pub severity: Severity,
    /// File declaring the resource, when known.
    pub file: Option<String>,
    /// Line of the resource block, when known.
    pub line: Option<usize>,
    /// Attribute changes (only for `changed`).
    pub changes: Vec<Change>,
    /// The live resource's attributes (unmanaged only), sensitive values redacted; kept as the
    /// text they were read as when there is nothing to redact (a 300k-resource snapshot must
    /// not become 300k parsed maps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_attributes: Option<crate::model::Attributes>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Managed resources found in the cloud (in sync or changed).
    pub managed: usize,
    /// Resources with attribute drift.
    pub changed: usize,
    /// Resources in state but gone from the cloud.
    pub missing: usize,
    /// Resources in the cloud and in no state.
    pub unmanaged: usize,
    /// State resources of types or regions the live source did not list, or that could not be
    /// read: each is named in [`Report::unchecked`].
    pub unchecked: usize,
    /// managed / (managed + unmanaged), in percent with one decimal; `None` (JSON `null`) when
    /// nothing was checked, since a share of nothing says nothing.
    pub coverage_percent: Option<f64>,
}

/// Why a state resource was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UncheckedReason {
    /// The live source does not list this type at all.
    TypeNotListed,
    /// The source reads this type, but did not list it (completely) in this resource's region:
    /// a listing failed there, or the region was outside the scan.
    RegionNotListed,
    /// The provider could not read this object.
    Unreadable,
}

/// A state resource that was not compared with the cloud: neither in sync nor drifted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unchecked {
    /// Resource type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// State address.
    pub address: Option<String>,
    /// Cloud ID.
    pub id: String,
    /// Region, when known.
    pub region: Option<String>,
    /// Machine-readable reason.
    #[serde(rename = "reason_code")]
    pub code: UncheckedReason,
    /// What happened and what to do, in one line.
    pub reason: String,
}

impl Unchecked {
    fn new(s: &Resource, region: Option<String>, code: UncheckedReason) -> Unchecked {
        let reason = match code {
            UncheckedReason::TypeNotListed => format!(
                "{} is not read by this live source; scan with --live auto (the default) or --live provider to read it through its provider",
                s.rtype
            ),
            UncheckedReason::RegionNotListed => match &region {
                Some(r) => format!(
                    "{} was not listed in {r} (see the alerts, or add the region with --region)",
                    s.rtype
                ),
                None => format!(
                    "the region of this {} is unknown and no region was listed for it (pass --region)",
                    s.rtype
                ),
            },
            UncheckedReason::Unreadable => {
                "its provider could not read it (see the alerts)".to_string()
            }
        };
        Unchecked {
            rtype: s.rtype.clone(),
            address: s.address.as_ref().map(ToString::to_string),
            id: s.id.clone(),
            region,
            code,
            reason,
        }
    }
}

/// The result of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Contract version of the JSON output.
    pub format_version: &'static str,
    /// Counts.
    pub summary: Summary,
    /// Findings, sorted by kind, type, address and ID.
    pub drift: Vec<Drift>,
    /// State resources that were not checked, with the reason, sorted by type and address.
    pub unchecked: Vec<Unchecked>,
    /// Non-fatal problems; some make the report partial.
    pub alerts: Vec<Alert>,
    /// True when some resources could not be checked because of an alert.
    pub partial: bool,
    /// `(type, address)` of each state resource found in the cloud with no change, in state
    /// order: the passing cases of the JUnit output. Not in the JSON contract (a 100k-resource
    /// report would list them all).
    #[serde(skip)]
    pub in_sync: Vec<(String, String)>,
}

impl Report {
    /// True when anything drifted.
    pub fn has_drift(&self) -> bool {
        !self.drift.is_empty()
    }

    /// True when every state resource was checked and every listing completed: only then may a
    /// report without findings be called "in sync".
    pub fn is_complete(&self) -> bool {
        !self.partial && self.unchecked.is_empty()
    }

    /// Why the report is partial: the messages of its partial alerts, joined with "; ".
    pub fn partial_reasons(&self) -> String {
        self.alerts
            .iter()
            .filter(|a| a.partial)
            .map(|a| a.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Options that change what is reported.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report AWS-created defaults (default VPC, default security groups, …) as unmanaged.
    pub include_defaults: bool,
    /// Region for state resources whose region cannot be told from state or config.
    pub default_region: Option<String>,
    /// Which attributes are compared.
    pub compare: Compare,
}

/// Which attributes the engine compares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Compare {
    /// The catalog's curated attributes; types outside the catalog are unchecked (native lister).
    #[default]
    Catalog,
    /// Every attribute the live side carries, for every type (the live side is the provider's
    /// own read, already stripped of computed-only attributes); unknown types use generic rules.
    Everything,
    /// The catalog's attributes for its types, every attribute for the others (Terraform's
    /// refresh, whose reads carry computed-only noise the catalog already leaves out).
    CatalogElseEverything,
}

/// Everything the engine compares.
pub struct Input<'a> {
    /// Managed resources from every state read.
    pub state: &'a [Resource],
    /// What the live source found.
    pub live: &'a LiveInventory,
    /// The configuration (locations, `ignore_changes`, provider regions).
    pub config: &'a Config,
    /// `.driftignore` rules.
    pub ignore: &'a DriftIgnore,
    /// Options.
    pub options: &'a Options,
}

/// The marker shown instead of a sensitive value.
pub const REDACTED: &str = "(sensitive value)";

/// Compares state with the live inventory.
pub fn diff(input: &Input) -> Report {
    let mut by_id: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in input.live.resources.iter().enumerate() {
        by_id.entry((&r.rtype, &r.id)).or_default().push(i);
    }
    let mut matched = vec![false; input.live.resources.len()];
    // State resources found live or left unchecked: their companions are never unmanaged.
    let mut managed_ids: HashSet<(&str, &str)> = HashSet::new();
    let parts = Managed::from_state(input.state);
    let mut report = Report {
        format_version: "1",
        ..Report::default()
    };

    // Judging a state resource only reads shared data: spread it over the cores, then merge
    // in state order so the result stays deterministic.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = input.state.len().div_ceil(threads).max(2048);
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let by_id = &by_id;
        let parts = &parts;
        let handles: Vec<_> = input
            .state
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|s| judge(s, input, by_id, parts))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // A judge that panicked is a bug, not an input error (diff is total over its
            // inputs): the worker's own panic, with its message and place, goes on upward.
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for (s, outcome) in input.state.iter().zip(outcomes) {
        match outcome {
            Outcome::Skip => {}
            Outcome::Unchecked(u) => {
                managed_ids.insert((&s.rtype, &s.id));
                report.unchecked.push(u);
            }
            Outcome::Missing(d) => report.drift.push(d),
            Outcome::Found { live, changed } => {
                matched[live] = true;
                managed_ids.insert((&s.rtype, &s.id));
                report.summary.managed += 1;
                match changed {
                    Some(d) => report.drift.push(d),
                    None => report.in_sync.push((
                        s.rtype.clone(),
                        s.address
                            .as_ref()
                            .map_or_else(|| format!("{}/{}", s.rtype, s.id), |a| a.to_string()),
                    )),
                }
            }
        }
    }

    let owned_by_attr = managed_by_attribute(input, &managed_ids);
    let mut unlisted_owners: BTreeMap<(&str, &str, Option<&str>), Vec<&Resource>> = BTreeMap::new();
    for (i, live) in input.live.resources.iter().enumerate() {
        if matched[i]
            || (live.aws_default && !input.options.include_defaults)
            || parts.created(&live.rtype, &live.id)
        {
            continue;
        }
        if let Some(c) = &live.companion_of {
            let owner = (c.owner_type.as_str(), c.owner_id.as_str());
            let managed = match &c.owner_attr {
                None => managed_ids.contains(&owner),
                Some(attr) => owned_by_attr
                    .get(&(owner.0, attr.as_str()))
                    .is_some_and(|values| values.contains(owner.1)),
            };
            if managed || (c.dies_with_owner && by_id.contains_key(&owner)) {
                continue;
            }
            // Launched by a group whose type was not listed here (an estate whose state has no
            // Auto Scaling types): the group is the one unmanaged thing, not each instance of
            // its capacity. Its running instances are proof enough that it exists.
            if GROUPS.contains(&c.owner_type.as_str())
                && c.dies_with_owner
                && !input
                    .live
                    .coverage
                    .covers(&c.owner_type, live.region.as_deref())
            {
                unlisted_owners
                    .entry((owner.0, owner.1, live.region.as_deref()))
                    .or_default()
                    .push(live);
                continue;
            }
        }
        if !input
            .live
            .coverage
            .covers(&live.rtype, live.region.as_deref())
            || input.ignore.ignores_resource(&live.rtype, shown_id(live))
        {
            continue;
        }
        let severity = catalog::rules(&live.rtype)
            .map(|r| r.unmanaged)
            .unwrap_or_default();
        report.drift.push(Drift {
            kind: Kind::Unmanaged,
            rtype: live.rtype.clone(),
            id: shown_id(live).to_string(),
            address: None,
            region: live.region.clone(),
            severity,
            file: None,
            line: None,
            changes: Vec::new(),
            live_attributes: Some(redact_attributes(live)),
        });
    }

    for ((rtype, id, region), companions) in unlisted_owners {
        // Reported where one of its companions would have been: unless ignored, or the
        // companions' own type is not judged here.
        if input.ignore.ignores_resource(rtype, id)
            || !companions.iter().any(|c| {
                input.live.coverage.covers(&c.rtype, c.region.as_deref())
                    && !input.ignore.ignores_resource(&c.rtype, shown_id(c))
            })
        {
            continue;
        }
        report.drift.push(Drift {
            kind: Kind::Unmanaged,
            rtype: rtype.to_string(),
            id: id.to_string(),
            address: None,
            region: region.map(String::from),
            severity: catalog::rules(rtype)
                .map(|r| r.unmanaged)
                .unwrap_or_default(),
            file: None,
            line: None,
            changes: Vec::new(),
            // Not read: only what its companions say of it (its name) is known.
            live_attributes: None,
        });
    }

    let sum = &mut report.summary;
    for d in &report.drift {
        match d.kind {
            Kind::Changed => sum.changed += 1,
            Kind::Missing => sum.missing += 1,
            Kind::Unmanaged => sum.unmanaged += 1,
        }
    }
    sum.unchecked = report.unchecked.len();
    let total = sum.managed + sum.unmanaged;
    sum.coverage_percent =
        (total > 0).then(|| (sum.managed as f64 * 1000.0 / total as f64).floor() / 10.0);
    report
        .unchecked
        .sort_by(|a, b| (&a.rtype, &a.address, &a.id).cmp(&(&b.rtype, &b.address, &b.id)));
    report.drift.sort_by(|a, b| {
        (a.kind, &a.rtype, &a.address, &a.region, &a.id)
            .cmp(&(b.kind, &b.rtype, &b.address, &b.region, &b.id))
    });
    report.alerts = input.live.alerts.clone();
    report.partial = report.alerts.iter().any(|a| a.partial);
    report
}

/// Owners whose capacity AWS launches and replaces on its own: where their type was not listed,
/// what they launched is reported as them, once.
const GROUPS: &[&str] = &["aws_autoscaling_group", "aws_eks_node_group"];

/// The ID an unmanaged finding names: Terraform's import ID.
fn shown_id(live: &Resource) -> &str {
    live.import_id.as_deref().unwrap_or(&live.id)
}

/// What became of one state resource.
enum Outcome {
    /// No ID, or ignored by `.driftignore`.
    Skip,
    /// Its type or region was not listed, or it could not be read.
    Unchecked(Unchecked),
    /// Gone from the cloud.
    Missing(Drift),
    /// Found at `live`, with its changes if any.
    Found { live: usize, changed: Option<Drift> },
}

fn judge(
    s: &Resource,
    input: &Input,
    by_id: &HashMap<(&str, &str), Vec<usize>>,
    parts: &Managed,
) -> Outcome {
    if s.id.is_empty() {
        return Outcome::Skip;
    }
    let region = s
        .region
        .clone()
        .or_else(|| {
            s.provider
                .as_deref()
                .and_then(|p| input.config.provider_region(p))
        })
        .or_else(|| input.options.default_region.clone());
    let rules = match catalog::rules(&s.rtype) {
        Some(r) => r,
        None if input.options.compare != Compare::Catalog => &catalog::GENERIC,
        None => {
            return Outcome::Unchecked(Unchecked::new(s, region, UncheckedReason::TypeNotListed));
        }
    };
    let unreadable = &input.live.unreadable;
    if !unreadable.is_empty() && unreadable.contains(&(s.rtype.clone(), s.id.clone())) {
        return Outcome::Unchecked(Unchecked::new(s, region, UncheckedReason::Unreadable));
    }
    if input.ignore.ignores_resource(&s.rtype, &s.id) {
        return Outcome::Skip;
    }
    // A listing names the object by the ID `match_id` gives, a provider read by the state's.
    // The listed one is looked up first: a scaling policy literally named `workers/cpu` must
    // not be taken for group `workers`' policy `cpu`.
    // (`rules` is GENERIC for a type outside the catalog: no `match_id`.)
    let listed_id = rules.match_id.and_then(|f| f(s));
    let listed = listed_id
        .as_deref()
        .and_then(|id| by_id.get(&(s.rtype.as_str(), id)));
    let by_state = by_id.get(&(s.rtype.as_str(), s.id.as_str()));
    // A provider read carries no region of its own: it read the object where the state's
    // provider configuration points. It carries the address of the state object it read,
    // which is the only tell when several share an ID (Terraform's ID of a metric filter is
    // its name, and every group may have an `errors` one). Under the state's ID, a listed
    // object (no address) stands for this one only when the type has no ID of its own for
    // listings: otherwise a deleted policy `x/workers/cpu` would pass as `workers/cpu`.
    let fits = |i: &usize| {
        let l = &input.live.resources[*i];
        (region.is_none() || l.region.is_none() || l.region == region)
            && (l.address.is_none() || l.address == s.address)
    };
    let found = listed
        .into_iter()
        .flatten()
        .copied()
        .find(fits)
        .or_else(|| {
            by_state.into_iter().flatten().copied().find(|i| {
                fits(i)
                    && (listed_id.is_none()
                        || rules.state_id_unique
                        || input.live.resources[*i].address.is_some())
            })
        });
    let Some(li) = found else {
        return if input.live.coverage.covers(&s.rtype, region.as_deref()) {
            Outcome::Missing(finding(Kind::Missing, s, region, input))
        } else {
            // The source reads this type (it has rules) but did not list it where the resource
            // lives: a failed listing (see the alerts) or a region outside the scan.
            Outcome::Unchecked(Unchecked::new(s, region, UncheckedReason::RegionNotListed))
        };
    };
    let live = &input.live.resources[li];
    let ignore_changes = s
        .address
        .as_ref()
        .and_then(|a| input.config.resources.get(&a.config_key()))
        .map(|c| &c.ignore_changes);
    let all = match input.options.compare {
        Compare::Catalog => false,
        Compare::Everything => true,
        Compare::CatalogElseEverything => std::ptr::eq(rules, &catalog::GENERIC),
    };
    // Parts other resources manage are judged on those resources, not here.
    let cut;
    let (s, live) = if parts.has_parts(&s.rtype, &s.id) {
        cut = (parts.without_parts(s), parts.without_parts(live));
        (&cut.0, &cut.1)
    } else {
        (s, live)
    };
    let changes: Vec<Change> = compare(rules, s, live, all)
        .into_iter()
        .filter(|(path, _)| !ignore_changes.is_some_and(|ic: &IgnoreChanges| ic.ignores(path)))
        .filter(|(path, _)| !input.ignore.ignores_change(&s.rtype, &s.id, path))
        .map(|(_, c)| c)
        .collect();
    let changed = (!changes.is_empty()).then(|| {
        let mut d = finding(Kind::Changed, s, region, input);
        d.severity = changes.iter().map(|c| c.severity).max().unwrap_or_default();
        d.changes = changes;
        d
    });
    Outcome::Found { live: li, changed }
}

fn finding(kind: Kind, s: &Resource, region: Option<String>, input: &Input) -> Drift {
    let loc = s
        .address
        .as_ref()
        .and_then(|a| input.config.resources.get(&a.config_key()))
        .map(|c| c.loc.clone());
    Drift {
        kind,
        rtype: s.rtype.clone(),
        id: s.id.clone(),
        address: s.address.as_ref().map(ToString::to_string),
        region,
        severity: Severity::High,
        file: loc.as_ref().map(|l| l.file.clone()),
        line: loc.map(|l| l.line),
        changes: Vec::new(),
        live_attributes: None,
    }
}

/// The values of the attributes live companions name their owners by
/// ([`crate::model::Companion::owner_attr`]), by (owner type, attribute), over the managed
/// resources; empty when no companion does.
fn managed_by_attribute<'a>(
    input: &Input<'a>,
    managed: &HashSet<(&str, &str)>,
) -> HashMap<(&'a str, &'a str), HashSet<String>> {
    let mut out: HashMap<(&str, &str), HashSet<String>> = input
        .live
        .resources
        .iter()
        .filter_map(|r| r.companion_of.as_ref())
        .filter_map(|c| Some((c.owner_type.as_str(), c.owner_attr.as_deref()?)))
        .map(|key| (key, HashSet::new()))
        .collect();
    for ((rtype, attr), values) in &mut out {
        for s in input.state.iter().filter(|s| s.rtype == *rtype) {
            if managed.contains(&(s.rtype.as_str(), s.id.as_str()))
                && let Some(Value::String(v)) = s.attributes.map().get(*attr)
            {
                values.insert(v.clone());
            }
        }
    }
    out
}

/// True when a value at `path` must never be shown: it is marked, it lies under a mark, a mark
/// lies inside it (a list holding one sensitive member is shown whole, so it is redacted whole),
/// or one of its names is a secret's.
///
/// `tags` and `tags_all` are one map to every report (drift is shown as `tags.KEY`), so a mark
/// on either counts for both.
pub fn is_sensitive(path: &AttrPath, marked: &[AttrPath]) -> bool {
    marks(path, marked, true)
}

/// True when `path` is marked, lies under a mark, has a secret's name, or (`inside`) holds a
/// marked value somewhere below it.
fn marks(path: &AttrPath, marked: &[AttrPath], inside: bool) -> bool {
    fn tags_as_one(p: &AttrPath) -> std::borrow::Cow<'_, AttrPath> {
        match p.0.first() {
            Some(PathStep::Key(k)) if k == "tags_all" => {
                let mut q = p.clone();
                q.0[0] = PathStep::Key("tags".into());
                std::borrow::Cow::Owned(q)
            }
            _ => std::borrow::Cow::Borrowed(p),
        }
    }
    let path = tags_as_one(path);
    marked.iter().any(|m| {
        let m = tags_as_one(m);
        path.starts_with(&m) || (inside && m.starts_with(&path))
    }) || path.0.iter().any(|s| match s {
        PathStep::Key(k) => crate::model::is_secret_name(k),
        PathStep::Index(_) => false,
    })
}

fn redact_attributes(r: &Resource) -> crate::model::Attributes {
    // Text with no secret word anywhere in it has no secret-named key to redact: keep it as
    // it is instead of parsing it into a map for every unmanaged resource.
    if r.sensitive.is_empty()
        && catalog::secret_attributes(&r.rtype).is_empty()
        && let Some(text) = r.attributes.raw_text()
        && !has_secret_key(text)
        && !text.contains("\"_")
    {
        return r.attributes.clone();
    }
    let mut shown = redact(&r.rtype, &r.attributes.map(), &r.sensitive);
    // `_`-members are the lister's notes for derived types, not attributes.
    shown.retain(|k, _| !k.starts_with('_'));
    shown.into()
}

/// True when some object key in the JSON `text` is a secret's name, read in one pass over the
/// text without parsing it (keys are the strings followed by `:`).
fn has_secret_key(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < bytes.len() && bytes[j] != b'"' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        let end = j.min(bytes.len());
        let mut k = end + 1;
        while k < bytes.len() && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        if k < bytes.len()
            && bytes[k] == b':'
            && crate::model::is_secret_name(&String::from_utf8_lossy(&bytes[start..end]))
        {
            return true;
        }
        i = end + 1;
    }
    false
}

/// `attrs` of an `rtype` object with every value under a `marked` path, a secret-looking name or
/// an attribute the catalog holds secret for the type redacted.
pub fn redact(
    rtype: &str,
    attrs: &serde_json::Map<String, Value>,
    marked: &[AttrPath],
) -> serde_json::Map<String, Value> {
    let secret = catalog::secret_attributes(rtype);
    let with_secret: Vec<AttrPath>;
    let marked = if secret.is_empty() {
        marked
    } else {
        with_secret = marked
            .iter()
            .cloned()
            .chain(catalog::secret_paths(rtype))
            .collect();
        &with_secret
    };
    attrs
        .iter()
        .map(|(k, v)| {
            let p = AttrPath::attr(k);
            (k.clone(), redact_value(&p, v, marked))
        })
        .collect()
}

/// `v` with every sensitive value inside it (at any depth, e.g. a secret-named tag) redacted.
fn redact_value(path: &AttrPath, v: &Value, marked: &[AttrPath]) -> Value {
    // Whole values are shown here, member by member: redact at the marks themselves.
    if marks(path, marked, false) && !is_empty(v) {
        return Value::String(REDACTED.into());
    }
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let p = path.child(PathStep::Key(k.clone()));
                    (k.clone(), redact_value(&p, x, marked))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| redact_value(&path.child(PathStep::Index(i)), x, marked))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The attribute changes between a state object and its live counterpart, each with its path.
///
/// Only attributes the live side carries are compared: a live source that cannot see an
/// attribute must not report it.
pub fn compare(
    rules: &TypeRules,
    state: &Resource,
    live: &Resource,
    all: bool,
) -> Vec<(AttrPath, Change)> {
    let mut out = Vec::new();
    // Bulk-read resources hold their attributes as text: members whose text is the same on both
    // sides are equal and never parsed; the others are parsed for this pair only.
    let (state_attrs, live_attrs) = (state.attributes.members(), live.attributes.members());
    for key in live_attrs.keys() {
        if (!all && !rules.compared.contains(&key))
            || key.starts_with('_')
            || ALWAYS_IGNORED.contains(&key)
            || rules.ignored.contains(&key)
        {
            continue;
        }
        // With provider default_tags, `tags_all` holds every tag the provider manages.
        // A provider read (or Terraform's refresh) splits tags the same way (`tags` without the
        // defaults): compare its `tags_all` then, so every source reports drift as `tags.KEY`.
        let (state_key, live_key) = if key == "tags" && state_attrs.contains_key("tags_all") {
            let live_key = match live_attrs.contains_key("tags_all") {
                true => "tags_all",
                false => key,
            };
            ("tags_all", live_key)
        } else {
            (key, key)
        };
        if let (Some(s), Some(l)) = (state_attrs.text(state_key), live_attrs.text(live_key))
            && s == l
        {
            continue;
        }
        let (Some(state_v), Some(live_v)) = (state_attrs.get(state_key), live_attrs.get(live_key))
        else {
            continue;
        };
        let (state_v, live_v) = (&*state_v, &*live_v);
        if rules.when_set.contains(&key) && is_empty(state_v) {
            continue;
        }
        let as_set = rules.sets.contains(&key);
        let is_map = rules.maps.contains(&key);
        walk(
            rules,
            &AttrPath::attr(key),
            state_v,
            live_v,
            as_set,
            is_map,
            &mut out,
        );
    }
    // Reports list changes by path, whatever order the maps kept.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, change) in &mut out {
        if is_sensitive(path, &state.sensitive)
            || is_sensitive(path, &live.sensitive)
            || path.root().is_some_and(|root| rules.secret.contains(&root))
        {
            change.state = Value::String(REDACTED.into());
            change.live = Value::String(REDACTED.into());
            change.sensitive = true;
        }
    }
    out
}

fn walk(
    rules: &TypeRules,
    path: &AttrPath,
    state: &Value,
    live: &Value,
    as_set: bool,
    is_map: bool,
    out: &mut Vec<(AttrPath, Change)>,
) {
    if equivalent(state, live, as_set) {
        return;
    }
    match (state, live) {
        // Maps (tags): key by key, a missing key is a change.
        (Value::Object(_) | Value::Null, Value::Object(_) | Value::Null) if is_map => {
            let empty = serde_json::Map::new();
            let s = state.as_object().unwrap_or(&empty);
            let l = live.as_object().unwrap_or(&empty);
            let mut keys: Vec<&String> = s.keys().chain(l.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let sv = s.get(k).unwrap_or(&Value::Null);
                let lv = l.get(k).unwrap_or(&Value::Null);
                walk(
                    rules,
                    &path.child(PathStep::Key(k.clone())),
                    sv,
                    lv,
                    false,
                    false,
                    out,
                );
            }
        }
        // Nested blocks: only what the live side carries.
        (Value::Object(s), Value::Object(l)) if !as_set => {
            for (k, lv) in l {
                if let Some(sv) = s.get(k) {
                    walk(
                        rules,
                        &path.child(PathStep::Key(k.clone())),
                        sv,
                        lv,
                        false,
                        false,
                        out,
                    );
                }
            }
        }
        // Lists of blocks of the same length (root_block_device): element by element.
        (Value::Array(s), Value::Array(l))
            if !as_set && s.len() == l.len() && l.iter().all(Value::is_object) =>
        {
            for (i, (sv, lv)) in s.iter().zip(l).enumerate() {
                walk(
                    rules,
                    &path.child(PathStep::Index(i)),
                    sv,
                    lv,
                    false,
                    false,
                    out,
                );
            }
        }
        _ => {
            let (sv, lv) = if as_set {
                (canonical(state, true), canonical(live, true))
            } else {
                (state.clone(), live.clone())
            };
            let severity =
                (rules.severity)(path, &sv, &lv).unwrap_or_else(|| catalog::default_severity(path));
            out.push((
                path.clone(),
                Change {
                    path: path.clone(),
                    state: sv,
                    live: lv,
                    severity,
                    sensitive: false,
                },
            ));
        }
    }
}

/// Which findings a command acts on (`--type`, `--id`, `--address`; codify, patch,
/// remediate and the API's remediation share it).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Resource types (empty: all).
    pub types: Vec<String>,
    /// Cloud IDs (empty: all).
    pub ids: Vec<String>,
    /// State addresses (empty: all).
    pub addresses: Vec<String>,
}

impl Selection {
    /// True when `d` is selected.
    pub fn wants(&self, d: &Drift) -> bool {
        (self.types.is_empty() || self.types.contains(&d.rtype))
            && (self.ids.is_empty() || self.ids.contains(&d.id))
            && (self.addresses.is_empty()
                || d.address
                    .as_ref()
                    .is_some_and(|a| self.addresses.contains(a)))
    }
}

#[cfg(test)]
mod tests;
