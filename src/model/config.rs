//! What the configuration says, as plain data: resource blocks (where they are, what they
//! ignore), provider blocks (region, endpoints, literal arguments). `config` reads it from
//! `*.tf` files; `diff` and the commands use it.

use std::collections::{BTreeMap, HashMap};

use crate::model::{AttrPath, SourceLoc};

/// What `lifecycle { ignore_changes }` says for one resource block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IgnoreChanges {
    /// Nothing ignored.
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// The listed attribute paths (and everything below them).
    Paths(Vec<AttrPath>),
}

impl IgnoreChanges {
    /// True when a change at `path` is ignored.
    pub fn ignores(&self, path: &AttrPath) -> bool {
        match self {
            IgnoreChanges::None => false,
            IgnoreChanges::All => true,
            IgnoreChanges::Paths(ps) => ps.iter().any(|p| path.starts_with(p)),
        }
    }
}

/// A `resource` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigResource {
    /// Where the block starts.
    pub loc: SourceLoc,
    /// Its `lifecycle { ignore_changes }`.
    pub ignore_changes: IgnoreChanges,
    /// The `provider = aws.alias` argument, as `aws.alias`.
    pub provider: Option<String>,
}

/// A `provider` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderBlock {
    /// Provider local name, e.g. `aws`.
    pub name: String,
    /// `alias`, if any.
    pub alias: Option<String>,
    /// Module path prefix (`""` for the root module, `module.a.` otherwise).
    pub module: String,
    /// `region`, when it is a literal or a variable with a known value.
    pub region: Option<String>,
    /// `endpoints { ec2 = "…" }`, literal values only.
    pub endpoints: BTreeMap<String, String>,
    /// Every argument whose value is a literal (or a known variable), nested blocks as arrays
    /// of objects: what a provider is configured with (`--live provider`).
    pub body: serde_json::Map<String, serde_json::Value>,
}

/// Everything read from the configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Resource blocks by their address without instance keys (`module.a.aws_vpc.main`).
    pub resources: HashMap<String, ConfigResource>,
    /// Provider blocks of every module.
    pub providers: Vec<ProviderBlock>,
    /// Files read, relative to the root.
    pub files: Vec<String>,
}

impl Config {
    /// The region of the provider configuration a state resource used.
    ///
    /// `provider` is the state's provider address, e.g. `provider["registry.terraform.io/hashicorp/aws"].west`
    /// or `module.a.provider["…"]`.
    pub fn provider_region(&self, provider: &str) -> Option<String> {
        self.provider_block(provider).and_then(|p| p.region.clone())
    }

    /// The provider block a state provider address refers to (inherited from the root module
    /// when the module declares none of its own).
    pub fn provider_block(&self, provider: &str) -> Option<&ProviderBlock> {
        let (module, rest) = match provider.find("provider[") {
            Some(pos) => (&provider[..pos], &provider[pos..]),
            None => ("", provider),
        };
        let alias = rest.rsplit_once("].").map(|(_, a)| a.to_string());
        let name = rest
            .split('"')
            .nth(1)
            .and_then(|src| src.rsplit('/').next())
            .unwrap_or("aws");
        let find = |module: &str| {
            self.providers
                .iter()
                .find(|p| p.name == name && p.alias == alias && p.module == module)
        };
        find(module).or_else(|| find(""))
    }

    /// The root module's `aws` provider configuration that works in `region`: `Some(None)` for
    /// the default one (its region is `region`, or unknown and no aliased one names `region`),
    /// `Some(Some("aws.ALIAS"))` for an aliased one, `None` when none does (the default one
    /// names another region and no alias names this one).
    pub fn aws_provider_for(&self, region: &str) -> Option<Option<String>> {
        let root = || {
            self.providers
                .iter()
                .filter(|p| p.name == "aws" && p.module.is_empty())
        };
        let default = root()
            .find(|p| p.alias.is_none())
            .and_then(|p| p.region.as_deref());
        if default == Some(region) {
            return Some(None);
        }
        if let Some(alias) = root()
            .filter(|p| p.region.as_deref() == Some(region))
            .find_map(|p| p.alias.as_deref())
        {
            return Some(Some(format!("aws.{alias}")));
        }
        default.is_none().then_some(None)
    }

    /// Regions named by the configuration's `aws` provider blocks.
    pub fn aws_regions(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .providers
            .iter()
            .filter(|p| p.name == "aws")
            .filter_map(|p| p.region.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The literal `endpoints { NAME = … }` of the `aws` provider blocks, by service key; the
    /// first block naming a service wins.
    pub fn aws_endpoints(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for p in self.providers.iter().filter(|p| p.name == "aws") {
            for (service, url) in &p.endpoints {
                out.entry(service.clone()).or_insert_with(|| url.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(alias: Option<&str>, module: &str, region: Option<&str>) -> ProviderBlock {
        ProviderBlock {
            name: "aws".into(),
            alias: alias.map(String::from),
            module: module.into(),
            region: region.map(String::from),
            endpoints: BTreeMap::new(),
            body: serde_json::Map::new(),
        }
    }

    #[test]
    fn the_provider_of_a_region_is_the_default_an_alias_or_none() {
        let config = |providers| Config {
            providers,
            ..Config::default()
        };
        let c = config(vec![
            aws(None, "", Some("eu-west-1")),
            aws(Some("dr"), "", Some("eu-central-1")),
            aws(Some("inner"), "module.a.", Some("us-east-2")),
        ]);
        assert_eq!(c.aws_provider_for("eu-west-1"), Some(None));
        assert_eq!(
            c.aws_provider_for("eu-central-1"),
            Some(Some("aws.dr".into()))
        );
        // A module's provider cannot be named from the root module.
        assert_eq!(c.aws_provider_for("us-east-2"), None);
        // The default's region is unknown (the environment's): it is the default's.
        let c = config(vec![
            aws(None, "", None),
            aws(Some("dr"), "", Some("eu-central-1")),
        ]);
        assert_eq!(c.aws_provider_for("us-west-2"), Some(None));
        assert_eq!(
            c.aws_provider_for("eu-central-1"),
            Some(Some("aws.dr".into()))
        );
    }
}
