//! Terraform configuration reader: `*.tf` files of a root module and its local modules.
//!
//! Only what drift detection needs: where each resource is declared, its
//! `lifecycle { ignore_changes }`, the provider blocks (region, alias, endpoints) and simple
//! variable defaults to resolve `region = var.region`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use hcl::edit::Span;
use hcl::edit::structure::{Block, Body};
use hcl::{Expression, TraversalOperator};
use thiserror::Error;

use crate::model::{AttrPath, PathStep, SourceLoc};

mod eval;

/// Why the configuration could not be read.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// What was being read.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A `.tf` file is not valid UTF-8.
    #[error("{file} is not UTF-8 text")]
    NotUtf8 {
        /// File name.
        file: String,
    },
    /// A syntax error.
    #[error("{file}:{line}:{column}: invalid HCL: {message}")]
    Parse {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Parser message.
        message: String,
    },
    /// A module calls itself, directly or through others.
    #[error(
        "module {call:?} in {file} calls itself ({source_dir} is already being read): fix its source"
    )]
    ModuleCycle {
        /// The module call's address (`module.a.module.b`).
        call: String,
        /// The file with the module block.
        file: String,
        /// The module source, as written.
        source_dir: String,
    },
    /// Too many module calls or too deep a call chain.
    #[error("{what}: more than {limit}; this tool reads local modules up to that bound")]
    TooManyModules {
        /// What exceeded the bound.
        what: &'static str,
        /// The bound.
        limit: usize,
    },
}

pub use crate::model::config::{Config, ConfigResource, IgnoreChanges, ProviderBlock};

/// Reads the root module in `dir` and, recursively, the local modules it calls.
pub fn read_dir(dir: &Path) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    let mut walk = ModuleWalk::default();
    read_module(dir, dir, "", &mut walk, &mut config)?;
    Ok(config)
}

/// How deep local module calls may nest.
const MAX_MODULE_DEPTH: usize = 32;
/// How many local module calls one configuration may make in all (each is read once per call).
const MAX_MODULE_CALLS: usize = 2_000;

/// The module call stack (canonical directories, as Terraform's own cycle check walks the call
/// stack) and the number of calls read so far.
#[derive(Default)]
struct ModuleWalk {
    stack: Vec<PathBuf>,
    calls: usize,
}

fn read_module(
    root: &Path,
    dir: &Path,
    prefix: &str,
    walk: &mut ModuleWalk,
    config: &mut Config,
) -> Result<(), ConfigError> {
    let depth = walk.stack.len();
    walk.stack
        .push(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()));
    let io = |source| ConfigError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
        .collect();
    files.sort();
    let tfvars = read_tfvars(dir, depth == 0)?;
    let mut vars: HashMap<String, String> = tfvars
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect();
    let mut bodies = Vec::new();
    for path in files {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let bytes =
            crate::input_file::read(&path, crate::input_file::MAX_TEXT_FILE).map_err(|source| {
                ConfigError::Io {
                    path: shown.clone(),
                    source,
                }
            })?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError::NotUtf8 {
            file: shown.clone(),
        })?;
        let body = parse_body(&text, &shown)?;
        collect_variable_defaults(&body, &mut vars);
        config.files.push(shown.clone());
        bodies.push((shown, text, body));
    }
    // Provider arguments are evaluated: `TF_VAR_*` under the tfvars files (root module only,
    // as Terraform does), over the variable defaults; then locals.
    let mut known: HashMap<String, hcl::Value> = HashMap::new();
    if depth == 0 {
        for (k, v) in std::env::vars() {
            if let Some(name) = k.strip_prefix("TF_VAR_") {
                known.insert(name.to_string(), hcl::Value::from(v));
            }
        }
    }
    known.extend(tfvars);
    let scope = eval::Scope::new(
        &known,
        &bodies.iter().map(|(_, _, b)| b).collect::<Vec<_>>(),
    );
    let mut modules = Vec::new();
    for (file, text, body) in &bodies {
        let lines = LineIndex::new(text);
        for block in body.blocks() {
            match block.ident.as_str() {
                "resource" if block.labels.len() == 2 => {
                    let rtype = block.labels[0].as_str();
                    let name = block.labels[1].as_str();
                    let line = block.span().map(|s| lines.line(s.start)).unwrap_or(1);
                    config.resources.insert(
                        format!("{prefix}{rtype}.{name}"),
                        ConfigResource {
                            loc: SourceLoc {
                                file: file.clone(),
                                line,
                            },
                            ignore_changes: ignore_changes(block),
                            provider: block
                                .body
                                .get_attribute("provider")
                                .map(|a| expr_text(&Expression::from(a.value.clone()))),
                        },
                    );
                }
                "provider" if block.labels.len() == 1 => {
                    config.providers.push(provider_block(block, prefix, &scope));
                }
                "module" if block.labels.len() == 1 => {
                    let source = block
                        .body
                        .get_attribute("source")
                        .and_then(|a| literal_string(&Expression::from(a.value.clone()), &vars));
                    if let Some(src) = source
                        && (src.starts_with("./") || src.starts_with("../"))
                    {
                        modules.push((block.labels[0].as_str().to_string(), src, file.clone()));
                    }
                }
                _ => {}
            }
        }
    }
    for (name, src, file) in modules {
        let child = dir.join(&src);
        // A module outside the scanned tree is still read (`../modules/x` is common), but only
        // when it resolves to a real directory.
        if !child.is_dir() {
            continue;
        }
        let call = format!("{prefix}module.{name}");
        let canonical = std::fs::canonicalize(&child).unwrap_or_else(|_| child.clone());
        if walk.stack.contains(&canonical) {
            return Err(ConfigError::ModuleCycle {
                call: crate::model::truncate_for_message(&call),
                file,
                source_dir: crate::model::truncate_for_message(&src),
            });
        }
        if depth + 1 > MAX_MODULE_DEPTH {
            return Err(ConfigError::TooManyModules {
                what: "local modules nest too deep",
                limit: MAX_MODULE_DEPTH,
            });
        }
        walk.calls += 1;
        if walk.calls > MAX_MODULE_CALLS {
            return Err(ConfigError::TooManyModules {
                what: "too many local module calls",
                limit: MAX_MODULE_CALLS,
            });
        }
        read_module(root, &child, &format!("{call}."), walk, config)?;
    }
    walk.stack.pop();
    Ok(())
}

/// Line starts of a text, for turning many byte offsets into line numbers without recounting
/// from the start each time (a file with 100k blocks would be quadratic otherwise).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        LineIndex(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1)
                .collect(),
        )
    }

    /// 1-based line number of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset) + 1
    }
}

/// Parses one HCL file, mapping syntax errors to `file:line:col`.
pub fn parse_body(text: &str, file: &str) -> Result<Body, ConfigError> {
    hcl::edit::parser::parse_body(text).map_err(|e| ConfigError::Parse {
        file: file.to_string(),
        line: e.location().line(),
        column: e.location().column(),
        message: e
            .message()
            .lines()
            .next()
            .unwrap_or("syntax error")
            .to_string(),
    })
}

fn read_tfvars(dir: &Path, is_root: bool) -> Result<HashMap<String, hcl::Value>, ConfigError> {
    let mut vars = HashMap::new();
    if !is_root {
        return Ok(vars);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| ConfigError::Io {
            path: dir.display().to_string(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n == "terraform.tfvars" || n.ends_with(".auto.tfvars")
        })
        .collect();
    // Terraform loads terraform.tfvars first, then *.auto.tfvars in lexical order.
    files.sort_by_key(|p| (!p.ends_with("terraform.tfvars"), p.clone()));
    for path in files {
        let Ok(text) = crate::input_file::read_to_string(&path, crate::input_file::MAX_TEXT_FILE)
        else {
            continue;
        };
        let shown = path.display().to_string();
        let body = parse_body(&text, &shown)?;
        let empty = eval::Scope::new(&HashMap::new(), &[]);
        for attr in body.attributes() {
            if let Some(v) = empty.value(&Expression::from(attr.value.clone())) {
                vars.insert(attr.key.as_str().to_string(), v);
            }
        }
    }
    Ok(vars)
}

fn collect_variable_defaults(body: &Body, vars: &mut HashMap<String, String>) {
    for block in body.blocks() {
        if block.ident.as_str() == "variable" && block.labels.len() == 1 {
            let name = block.labels[0].as_str();
            if vars.contains_key(name) {
                continue;
            }
            if let Some(d) = block.body.get_attribute("default")
                && let Some(s) = literal_string(&Expression::from(d.value.clone()), vars)
            {
                vars.insert(name.to_string(), s);
            }
        }
    }
}

/// A string literal, or `var.x` with a known value.
fn literal_string(expr: &Expression, vars: &HashMap<String, String>) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => {
            let raw = t.to_string();
            let inner = raw.trim_matches('"');
            (!inner.contains("${") && !inner.contains("%{")).then(|| inner.to_string())
        }
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr
                && v.as_str() == "var"
                && let [TraversalOperator::GetAttr(name)] = t.operators.as_slice()
            {
                return vars.get(name.as_str()).cloned();
            }
            None
        }
        Expression::Parenthesis(e) => literal_string(e, vars),
        _ => None,
    }
}

fn provider_block(block: &Block, prefix: &str, scope: &eval::Scope) -> ProviderBlock {
    let attr = |k: &str| {
        block
            .body
            .get_attribute(k)
            .and_then(|a| scope.string(&Expression::from(a.value.clone())))
    };
    let mut endpoints = BTreeMap::new();
    for eb in block.body.get_blocks("endpoints") {
        for a in eb.body.attributes() {
            if let Some(v) = scope.string(&Expression::from(a.value.clone())) {
                endpoints.insert(a.key.as_str().to_string(), v);
            }
        }
    }
    ProviderBlock {
        name: block.labels[0].as_str().to_string(),
        alias: attr("alias"),
        module: prefix.to_string(),
        region: attr("region"),
        endpoints,
        body: known_body(&block.body, scope),
    }
}

/// The arguments of `body` whose values are known; meta-arguments and anything that cannot be
/// evaluated are left out (the provider's own defaults and environment then apply, as with a
/// partial config).
fn known_body(body: &Body, scope: &eval::Scope) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for a in body.attributes() {
        let key = a.key.as_str();
        if matches!(key, "alias" | "version") {
            continue;
        }
        match scope
            .value(&Expression::from(a.value.clone()))
            .and_then(|v| serde_json::to_value(v).ok())
        {
            Some(v) => {
                out.insert(key.to_string(), v);
            }
            None => tracing::debug!(
                argument = key,
                "provider argument cannot be evaluated; left to the provider"
            ),
        }
    }
    for b in body.blocks() {
        let items = out
            .entry(b.ident.as_str().to_string())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(items) = items {
            items.push(serde_json::Value::Object(known_body(&b.body, scope)));
        }
    }
    out
}

fn ignore_changes(block: &Block) -> IgnoreChanges {
    let Some(lc) = block.body.get_blocks("lifecycle").next() else {
        return IgnoreChanges::None;
    };
    let Some(attr) = lc.body.get_attribute("ignore_changes") else {
        return IgnoreChanges::None;
    };
    match Expression::from(attr.value.clone()) {
        Expression::Variable(v) if v.as_str() == "all" => IgnoreChanges::All,
        Expression::String(s) if s == "all" => IgnoreChanges::All,
        Expression::Array(items) => {
            IgnoreChanges::Paths(items.iter().filter_map(traversal_path).collect())
        }
        _ => IgnoreChanges::None,
    }
}

/// `tags["Owner"]`, `ingress[0].cidr_blocks` or the legacy string form `"tags"` as a path.
fn traversal_path(expr: &Expression) -> Option<AttrPath> {
    match expr {
        Expression::Variable(v) => Some(AttrPath::attr(v.as_str())),
        Expression::String(s) => Some(AttrPath::parse(s)),
        Expression::Traversal(t) => {
            let mut path = traversal_path(&t.expr)?;
            for op in &t.operators {
                let step = match op {
                    TraversalOperator::GetAttr(id) => PathStep::Key(id.as_str().to_string()),
                    TraversalOperator::LegacyIndex(i) => PathStep::Index(*i as usize),
                    TraversalOperator::Index(Expression::Number(n)) => {
                        PathStep::Index(n.as_u64()? as usize)
                    }
                    TraversalOperator::Index(Expression::String(s)) => PathStep::Key(s.clone()),
                    // A splat or computed index cannot be resolved statically: stop at the
                    // attribute it applies to, which ignores slightly more, never less.
                    _ => break,
                };
                path = path.child(step);
            }
            Some(path)
        }
        _ => None,
    }
}

/// The source text of a simple expression (`aws.west`).
fn expr_text(expr: &Expression) -> String {
    match expr {
        Expression::Variable(v) => v.as_str().to_string(),
        Expression::Traversal(t) => {
            let mut s = expr_text(&t.expr);
            for op in &t.operators {
                if let TraversalOperator::GetAttr(id) = op {
                    s.push('.');
                    s.push_str(id.as_str());
                }
            }
            s
        }
        Expression::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_from_offsets() {
        let idx = LineIndex::new("a\nbb\n\nc");
        assert_eq!(
            [0, 1, 2, 4, 5, 6, 7, 99].map(|o| idx.line(o)),
            [1, 1, 2, 2, 3, 4, 4, 4]
        );
    }

    #[test]
    fn module_cycles_and_fan_out_are_errors() {
        // Three calls of the module itself: Terraform says it calls itself; so do we.
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "main.tf",
            "module \"m0\" { source = \"./\" }\nmodule \"m1\" { source = \"./\" }\n",
        );
        let e = read_dir(d.path()).unwrap_err().to_string();
        assert!(e.contains("module.m0") && e.contains("calls itself"), "{e}");
        // a -> ../b -> ../a
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "main.tf", "module \"a\" { source = \"./a\" }\n");
        write(
            d.path(),
            "a/main.tf",
            "module \"b\" { source = \"../b\" }\n",
        );
        write(
            d.path(),
            "b/main.tf",
            "module \"a\" { source = \"../a\" }\n",
        );
        let e = read_dir(d.path()).unwrap_err().to_string();
        assert!(e.contains("module.a.module.b.module.a"), "{e}");
        assert!(e.contains("b/main.tf") || e.contains("main.tf"), "{e}");
        // A wide, deep tree without a cycle: 4 calls per level, 8 levels = 87k calls.
        let d = tempfile::tempdir().unwrap();
        let mut dir = d.path().to_path_buf();
        for level in 0..8 {
            let calls: String = (0..4)
                .map(|i| format!("module \"m{i}\" {{ source = \"./l{level}\" }}\n"))
                .collect();
            write(&dir, "main.tf", &calls);
            dir = dir.join(format!("l{level}"));
        }
        write(&dir, "main.tf", "");
        let e = read_dir(d.path()).unwrap_err().to_string();
        assert!(e.contains("too many local module calls"), "{e}");
    }

    fn write(dir: &Path, name: &str, text: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn reads_resources_modules_providers_and_ignore_changes() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "main.tf",
            r#"
variable "region" { default = "eu-west-1" }
provider "aws" { region = var.region }
provider "aws" {
  alias  = "west"
  region = "us-west-2"
  endpoints { ec2 = "http://127.0.0.1:5000" }
}

# comment
resource "aws_instance" "web" {
  ami = "ami-1"
  lifecycle {
    ignore_changes = [tags["Owner"], user_data, ingress[0].cidr_blocks]
  }
}
resource "aws_vpc" "v" {
  provider = aws.west
  lifecycle { ignore_changes = all }
}
module "net" { source = "./modules/net" }
module "remote" { source = "terraform-aws-modules/vpc/aws" }
"#,
        );
        write(
            d.path(),
            "modules/net/main.tf",
            "resource \"aws_subnet\" \"this\" {\n  count = 2\n}\n",
        );
        let c = read_dir(d.path()).unwrap();
        let web = &c.resources["aws_instance.web"];
        assert_eq!(web.loc.line, 11);
        assert_eq!(web.loc.file, "main.tf");
        assert!(web.ignore_changes.ignores(&AttrPath::parse("tags.Owner")));
        assert!(!web.ignore_changes.ignores(&AttrPath::parse("tags.Name")));
        assert!(
            web.ignore_changes
                .ignores(&AttrPath::parse("ingress[0].cidr_blocks"))
        );
        assert_eq!(c.resources["aws_vpc.v"].ignore_changes, IgnoreChanges::All);
        assert_eq!(
            c.resources["aws_vpc.v"].provider.as_deref(),
            Some("aws.west")
        );
        let sub = &c.resources["module.net.aws_subnet.this"];
        assert_eq!(sub.loc.file, "modules/net/main.tf");
        assert_eq!(sub.loc.line, 1);
        assert_eq!(c.aws_regions(), ["eu-west-1", "us-west-2"]);
        assert_eq!(
            c.provider_region(r#"provider["registry.terraform.io/hashicorp/aws"].west"#)
                .as_deref(),
            Some("us-west-2")
        );
        assert_eq!(
            c.provider_region(r#"module.net.provider["registry.terraform.io/hashicorp/aws"]"#)
                .as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            c.aws_endpoints().get("ec2").map(String::as_str),
            Some("http://127.0.0.1:5000")
        );
    }

    #[test]
    fn invalid_hcl_names_file_line_and_column() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "bad.tf", "resource \"a\" \"b\" {\n  x = \n}\n");
        let err = read_dir(d.path()).unwrap_err().to_string();
        assert!(err.starts_with("bad.tf:"), "{err}");
        assert!(err.contains("invalid HCL"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn tfvars_override_defaults() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "main.tf",
            "variable \"r\" { default = \"a\" }\nprovider \"aws\" { region = var.r }\n",
        );
        write(d.path(), "terraform.tfvars", "r = \"ap-south-1\"\n");
        assert_eq!(read_dir(d.path()).unwrap().aws_regions(), ["ap-south-1"]);
    }
}
