//! Provider schemas in this crate's own shape: value types, attributes and nested blocks.
//!
//! Pure data, shared by the plugin client (which fills it from `GetProviderSchema`), the diff
//! and the generators of `remediate`.

use std::collections::BTreeMap;

use super::AttrPath;

/// A cty type, as found in provider schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `bool`.
    Bool,
    /// `dynamic`: the concrete type travels with the value.
    Dynamic,
    /// `list(T)`.
    List(Box<Type>),
    /// `set(T)`.
    Set(Box<Type>),
    /// `map(T)`.
    Map(Box<Type>),
    /// `object({...})`.
    Object(BTreeMap<String, Type>),
    /// `tuple([...])`.
    Tuple(Vec<Type>),
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block, null when absent.
    Single,
    /// Like `Single`, but never null (absent means all attributes null).
    Group,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
    /// Blocks keyed by label.
    Map,
}

/// One attribute of a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Name.
    pub name: String,
    /// Value type (for protocol 6 nested attributes, the implied object/collection type).
    pub ty: Type,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// The provider may set it.
    pub computed: bool,
    /// Never shown.
    pub sensitive: bool,
    /// Configuration-only, never stored in state.
    pub write_only: bool,
    /// Deprecated by the provider.
    pub deprecated: bool,
}

/// A nested block type.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    /// Block type name.
    pub name: String,
    /// How it repeats.
    pub nesting: Nesting,
    /// Its contents.
    pub block: Block,
    /// Minimum number of blocks.
    pub min_items: i64,
    /// Maximum number of blocks (0: no limit).
    pub max_items: i64,
}

/// A configuration block: attributes and nested blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// Attributes.
    pub attributes: Vec<Attribute>,
    /// Nested block types.
    pub blocks: Vec<NestedBlock>,
}

/// The schema of a provider, resource type or list resource type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Schema version (recorded in state as `schema_version`).
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Block {
    /// The object type of a value of this block (as in state and on the wire).
    pub fn implied_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone()))
            .collect();
        for b in &self.blocks {
            let inner = b.block.implied_type();
            let ty = match b.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::List(Box::new(inner)),
                Nesting::Set => Type::Set(Box::new(inner)),
                Nesting::Map => Type::Map(Box::new(inner)),
            };
            attrs.insert(b.name.clone(), ty);
        }
        Type::Object(attrs)
    }

    /// Paths of sensitive values. A sensitive attribute inside a nested block marks the whole
    /// top-level block: paths cannot express "every element", and hiding more is the safe side.
    pub fn sensitive_paths(&self) -> Vec<AttrPath> {
        let mut out: Vec<AttrPath> = self
            .attributes
            .iter()
            .filter(|a| a.sensitive)
            .map(|a| AttrPath::attr(&a.name))
            .collect();
        out.extend(
            self.blocks
                .iter()
                .filter(|b| b.block.has_sensitive())
                .map(|b| AttrPath::attr(&b.name)),
        );
        out
    }

    fn has_sensitive(&self) -> bool {
        self.attributes.iter().any(|a| a.sensitive)
            || self.blocks.iter().any(|b| b.block.has_sensitive())
    }

    /// True when `name` is an attribute only the provider sets (not configurable).
    pub fn is_computed_only(&self, name: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.name == name && a.computed && !a.optional && !a.required)
    }

    /// Attributes that only exist in configuration (never in state or reads).
    pub fn write_only(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .filter(|a| a.write_only)
            .map(|a| a.name.as_str())
    }
}

/// Puts the elements of every set inside `v` (typed `t`) in one canonical order, so that two
/// equal sets compare equal whatever order each side listed them in.
pub fn sort_sets(v: &mut serde_json::Value, t: &Type) {
    match (v, t) {
        (serde_json::Value::Array(items), Type::Set(inner)) => {
            for i in items.iter_mut() {
                sort_sets(i, inner);
            }
            items.sort_by_cached_key(|i| i.to_string());
        }
        (serde_json::Value::Array(items), Type::List(inner)) => {
            for i in items.iter_mut() {
                sort_sets(i, inner);
            }
        }
        (serde_json::Value::Array(items), Type::Tuple(types)) => {
            for (i, it) in items.iter_mut().zip(types) {
                sort_sets(i, it);
            }
        }
        (serde_json::Value::Object(m), Type::Map(inner)) => {
            for i in m.values_mut() {
                sort_sets(i, inner);
            }
        }
        (serde_json::Value::Object(m), Type::Object(attrs)) => {
            for (k, i) in m.iter_mut() {
                if let Some(at) = attrs.get(k) {
                    sort_sets(i, at);
                }
            }
        }
        _ => {}
    }
}
