//! Provider schemas in this crate's own shape (protocol 5 and 6 both convert into it), and the
//! on-disk cache of the raw `GetProviderSchema` response keyed by the provider binary's hash.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use prost::Message;

use super::cty::{Type, Value};
use super::proto::{tfplugin5, tfplugin6};
pub use crate::model::schema::{Attribute, Block, NestedBlock, Nesting, Schema, sort_sets};

/// Everything `GetProviderSchema` told about a provider.
#[derive(Debug, Clone, Default)]
pub struct ProviderSchema {
    /// The provider block's schema.
    pub provider: Schema,
    /// Managed resource types.
    pub resources: BTreeMap<String, Schema>,
    /// Resource types the provider can list (ListResource).
    pub list_resources: BTreeMap<String, Schema>,
    /// The provider allows skipping GetProviderSchema when a cached copy exists.
    pub schema_optional: bool,
    /// The provider implements GenerateResourceConfig.
    pub generate_resource_config: bool,
}

impl Block {
    /// A configuration value from plain JSON (an HCL body's literal values, nested blocks as
    /// arrays of objects): absent attributes are null, absent repeated blocks are empty
    /// collections, as Terraform sends them.
    pub fn config_value(
        &self,
        body: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Value, String> {
        let mut out = BTreeMap::new();
        for a in &self.attributes {
            let v = match body.get(&a.name) {
                None | Some(serde_json::Value::Null) => Value::Null,
                Some(j) => {
                    super::cty::from_json_value(j, &a.ty).map_err(|e| format!("{}: {e}", a.name))?
                }
            };
            out.insert(a.name.clone(), v);
        }
        for b in &self.blocks {
            let given: Vec<&serde_json::Map<String, serde_json::Value>> = match body.get(&b.name) {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(serde_json::Value::Array(items)) => {
                    items.iter().filter_map(|i| i.as_object()).collect()
                }
                Some(serde_json::Value::Object(o)) => vec![o],
                Some(_) => return Err(format!("{} must be a block", b.name)),
            };
            let values = given
                .into_iter()
                .map(|o| b.block.config_value(o))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{}.{e}", b.name))?;
            let v = match b.nesting {
                Nesting::Single => values.into_iter().next().unwrap_or(Value::Null),
                Nesting::Group => match values.into_iter().next() {
                    Some(v) => v,
                    None => b.block.config_value(&serde_json::Map::new())?,
                },
                Nesting::List | Nesting::Set => Value::List(values),
                // Labelled blocks are not used in provider or list configurations.
                Nesting::Map => Value::Map(BTreeMap::new()),
            };
            out.insert(b.name.clone(), v);
        }
        Ok(Value::Map(out))
    }
}

/// Converts one protocol's schema messages (the two protocols differ only in details).
macro_rules! from_proto {
    ($proto:ident, $nested:path) => {
        impl From<&$proto::Schema> for Schema {
            fn from(s: &$proto::Schema) -> Schema {
                Schema {
                    version: s.version,
                    block: s.block.as_ref().map(block_from).unwrap_or_default(),
                }
            }
        }

        fn block_from(b: &$proto::schema::Block) -> Block {
            Block {
                attributes: b
                    .attributes
                    .iter()
                    .map(|a| Attribute {
                        name: a.name.clone(),
                        ty: $nested(a).map_or_else(
                            || Type::from_json(&a.r#type).unwrap_or(Type::Dynamic),
                            |(ty, _)| ty,
                        ),
                        required: a.required,
                        optional: a.optional,
                        computed: a.computed,
                        sensitive: a.sensitive || $nested(a).is_some_and(|(_, s)| s),
                        write_only: a.write_only,
                        deprecated: a.deprecated,
                    })
                    .collect(),
                blocks: b
                    .block_types
                    .iter()
                    .map(|n| NestedBlock {
                        name: n.type_name.clone(),
                        nesting: match $proto::schema::nested_block::NestingMode::try_from(
                            n.nesting,
                        ) {
                            Ok($proto::schema::nested_block::NestingMode::List) => Nesting::List,
                            Ok($proto::schema::nested_block::NestingMode::Set) => Nesting::Set,
                            Ok($proto::schema::nested_block::NestingMode::Map) => Nesting::Map,
                            Ok($proto::schema::nested_block::NestingMode::Group) => Nesting::Group,
                            _ => Nesting::Single,
                        },
                        block: n.block.as_ref().map(block_from).unwrap_or_default(),
                        min_items: n.min_items,
                        max_items: n.max_items,
                    })
                    .collect(),
            }
        }

        impl From<&$proto::get_provider_schema::Response> for ProviderSchema {
            fn from(r: &$proto::get_provider_schema::Response) -> ProviderSchema {
                let caps = r.server_capabilities.unwrap_or_default();
                ProviderSchema {
                    provider: r.provider.as_ref().map(Schema::from).unwrap_or_default(),
                    resources: r
                        .resource_schemas
                        .iter()
                        .map(|(k, v)| (k.clone(), Schema::from(v)))
                        .collect(),
                    list_resources: r
                        .list_resource_schemas
                        .iter()
                        .map(|(k, v)| (k.clone(), Schema::from(v)))
                        .collect(),
                    schema_optional: caps.get_provider_schema_optional,
                    generate_resource_config: caps.generate_resource_config,
                }
            }
        }
    };
}

mod v5 {
    use super::*;

    /// Protocol 5 has no nested attribute types.
    fn no_nested(_: &tfplugin5::schema::Attribute) -> Option<(Type, bool)> {
        None
    }

    from_proto!(tfplugin5, no_nested);
}

mod v6 {
    use super::*;
    use tfplugin6::schema::object::NestingMode;

    /// The type of a protocol 6 nested attribute, and whether anything inside is sensitive.
    fn nested(a: &tfplugin6::schema::Attribute) -> Option<(Type, bool)> {
        let o = a.nested_type.as_ref()?;
        let mut sensitive = false;
        let attrs = o
            .attributes
            .iter()
            .map(|inner| {
                let (ty, s) = nested(inner).unwrap_or_else(|| {
                    (
                        Type::from_json(&inner.r#type).unwrap_or(Type::Dynamic),
                        false,
                    )
                });
                sensitive |= s || inner.sensitive;
                (inner.name.clone(), ty)
            })
            .collect();
        let obj = Type::Object(attrs);
        let ty = match NestingMode::try_from(o.nesting) {
            Ok(NestingMode::List) => Type::List(Box::new(obj)),
            Ok(NestingMode::Set) => Type::Set(Box::new(obj)),
            Ok(NestingMode::Map) => Type::Map(Box::new(obj)),
            _ => obj,
        };
        Some((ty, sensitive))
    }

    from_proto!(tfplugin6, nested);
}

/// Magic bytes of a cache file, followed by the protocol version and the raw response.
const CACHE_MAGIC: &[u8] = b"tfdrift-schema-1\n";

/// Where schemas are cached: `$TF_DRIFT_CACHE_DIR`, else the user cache directory.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TF_DRIFT_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("terraform-drift"))
}

/// The cache file of a provider binary with SHA-256 `hash`.
pub fn cache_file(dir: &Path, hash: &str) -> PathBuf {
    dir.join("schemas").join(format!("{hash}.bin"))
}

/// Serializes a raw response for the cache.
pub fn encode_cache(protocol: u32, raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(CACHE_MAGIC.len() + 1 + raw.len());
    out.extend_from_slice(CACHE_MAGIC);
    out.push(protocol as u8);
    out.extend_from_slice(raw);
    out
}

/// Reads a cache file's contents back; `None` when it is not a valid cache entry.
pub fn decode_cache(bytes: &[u8]) -> Option<ProviderSchema> {
    let rest = bytes.strip_prefix(CACHE_MAGIC)?;
    let (&protocol, raw) = rest.split_first()?;
    decode_response(u32::from(protocol), raw).ok()
}

/// Decodes a raw `GetProviderSchema` response of protocol `protocol`.
pub fn decode_response(protocol: u32, raw: &[u8]) -> Result<ProviderSchema, prost::DecodeError> {
    Ok(match protocol {
        5 => ProviderSchema::from(&tfplugin5::get_provider_schema::Response::decode(raw)?),
        _ => ProviderSchema::from(&tfplugin6::get_provider_schema::Response::decode(raw)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttrPath;

    fn attr(name: &str, ty: &str) -> tfplugin5::schema::Attribute {
        tfplugin5::schema::Attribute {
            name: name.into(),
            r#type: ty.as_bytes().to_vec(),
            optional: true,
            ..Default::default()
        }
    }

    #[test]
    fn implied_type_config_value_and_cache() {
        let mut secret = attr("password", "\"string\"");
        secret.sensitive = true;
        let resp = tfplugin5::get_provider_schema::Response {
            provider: Some(tfplugin5::Schema {
                version: 0,
                block: Some(tfplugin5::schema::Block {
                    attributes: vec![attr("region", "\"string\""), secret],
                    block_types: vec![tfplugin5::schema::NestedBlock {
                        type_name: "endpoints".into(),
                        nesting: tfplugin5::schema::nested_block::NestingMode::Set as i32,
                        block: Some(tfplugin5::schema::Block {
                            attributes: vec![attr("ec2", "\"string\"")],
                            ..Default::default()
                        }),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            }),
            server_capabilities: Some(tfplugin5::ServerCapabilities {
                get_provider_schema_optional: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        let raw = resp.encode_to_vec();
        let schema = decode_cache(&encode_cache(5, &raw)).unwrap();
        assert!(schema.schema_optional);
        let block = &schema.provider.block;
        assert_eq!(
            block.implied_type().to_json(),
            serde_json::json!(["object", {"endpoints": ["set", ["object", {"ec2": "string"}]], "password": "string", "region": "string"}])
        );
        assert_eq!(block.sensitive_paths(), vec![AttrPath::attr("password")]);
        let body = serde_json::json!({"region": "eu-west-1", "endpoints": [{"ec2": "http://x"}]});
        let v = block.config_value(body.as_object().unwrap()).unwrap();
        assert_eq!(
            v.to_json().unwrap(),
            serde_json::json!({"endpoints": [{"ec2": "http://x"}], "password": null, "region": "eu-west-1"})
        );
        assert!(decode_cache(b"garbage").is_none());
    }
}
