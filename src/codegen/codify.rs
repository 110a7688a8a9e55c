//! Generating `import` and `resource` blocks for cloud objects Terraform does not manage yet.
//!
//! The goal is the configuration a person would write so that `terraform plan` shows no
//! change after the import: settable attributes with real values, nothing computed unless
//! asked for, references instead of hard-coded IDs, and `terraform fmt` layout.

use super::hclvalue::{Lines, Val, is_empty, key, string_lit};
use crate::model::schema::{Block, Nesting, Type};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// One unmanaged cloud object to codify.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// Resource type, e.g. `aws_instance`.
    pub rtype: &'a str,
    /// Cloud ID; also the fallback name and never replaced by a reference.
    pub id: &'a str,
    /// ID that `terraform import` expects; `id` is used when empty.
    pub import_id: &'a str,
    /// Attribute values as read from the provider.
    pub attributes: &'a Map<String, Value>,
    /// The resource type's schema block.
    pub schema: &'a Block,
    /// Attribute or block names (or dotted paths such as `root_block_device.iops`) to leave out.
    pub skip: &'a [&'a str],
    /// Optional+computed attributes (names or dotted paths) to write anyway.
    pub keep_computed: &'a [&'a str],
    /// Optional bools (names or dotted paths) written only when true.
    pub only_when_true: &'a [&'a str],
    /// Top-level list or set of object attributes to write as repeated blocks
    /// (`ingress { … }`); written even when computed, `name = []` when empty.
    pub as_blocks: &'a [&'a str],
    /// Top-level attributes or blocks that hold secrets whatever the schema says (a Lambda
    /// function's environment): left to the person, like schema-sensitive ones.
    pub secret: &'a [&'a str],
    /// The provider configuration to import and manage the object with (`aws.west`), when it
    /// is not the default one: the object lives in another region than the default provider's.
    pub provider: Option<&'a str>,
}

/// Settings shared by all objects of one run.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Cloud ID -> expression to write instead of the literal, e.g. `aws_vpc.main.id`.
    pub references: &'a HashMap<String, String>,
    /// `false` writes a shell script of `terraform import` commands (Terraform < 1.5).
    pub import_blocks: bool,
    /// Addresses that already exist, e.g. `aws_instance.web`.
    pub taken: &'a BTreeSet<String>,
}

/// The generated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// File contents: import and resource blocks, or only resource blocks in script mode.
    pub hcl: String,
    /// The `terraform import` script when `import_blocks` is false.
    pub script: Option<String>,
    /// The addresses given to the objects, in output order.
    pub addresses: Vec<String>,
}

/// Generates configuration for `objects`, sorted by (type, id); duplicates are written once.
pub fn generate(objects: &[Object], opts: &Options) -> Generated {
    let mut sorted: Vec<&Object> = objects.iter().collect();
    sorted.sort_by_key(|o| (o.rtype, o.id));
    sorted.dedup_by_key(|o| (o.rtype, o.id));

    let mut used = opts.taken.clone();
    let mut blocks = Vec::new();
    let mut script = String::from("#!/bin/sh\nset -e\n");
    let mut addresses = Vec::new();
    let breaks = cycle_breaks(&sorted, opts.references);
    for (obj, literal) in sorted.into_iter().zip(&breaks) {
        let name = unique_name(obj, &mut used);
        let address = format!("{}.{name}", obj.rtype);
        let import_id = if obj.import_id.is_empty() {
            obj.id
        } else {
            obj.import_id
        };
        if opts.import_blocks {
            let mut lines = Lines::default();
            lines.text(0, "import {");
            lines.attr(1, "to", &Val::Inline(address.clone()));
            if let Some(p) = obj.provider {
                lines.attr(1, "provider", &Val::Inline(p.to_string()));
            }
            lines.attr(1, "id", &Val::Inline(string_lit(import_id)));
            lines.text(0, "}");
            blocks.push(lines.finish("", "\n"));
        } else {
            // `terraform import` takes the provider from the resource block's `provider`.
            let (a, i) = (shell_quote(&address), shell_quote(import_id));
            script.push_str(&format!("terraform import {a} {i}\n"));
        }
        blocks.push(resource_block(obj, &name, opts, literal));
        addresses.push(address);
    }
    Generated {
        hcl: blocks.join("\n"),
        script: (!opts.import_blocks).then_some(script),
        addresses,
    }
}

/// For each object, the IDs of other objects it writes as literals instead of references:
/// those whose reference would close a cycle, which Terraform refuses (two security groups
/// whose rules name each other). A depth-first walk in output order cuts the back edges only.
fn cycle_breaks<'o>(
    sorted: &[&'o Object],
    refs: &HashMap<String, String>,
) -> Vec<BTreeSet<&'o str>> {
    let index: HashMap<&str, usize> = sorted.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let edges: Vec<Vec<usize>> = sorted
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut to = BTreeSet::new();
            let mut visit = |s: &str| {
                if let Some(&j) = index.get(s)
                    && j != i
                    && refs.contains_key(s)
                {
                    to.insert(j);
                }
            };
            o.attributes.values().for_each(|v| strings(v, &mut visit));
            to.into_iter().collect()
        })
        .collect();
    // 0: not seen, 1: on the current path, 2: done.
    let mut seen = vec![0u8; sorted.len()];
    let mut breaks = vec![BTreeSet::new(); sorted.len()];
    for start in 0..sorted.len() {
        if seen[start] != 0 {
            continue;
        }
        seen[start] = 1;
        let mut path = vec![(start, 0usize)];
        while let Some(&(node, next)) = path.last() {
            match edges[node].get(next) {
                Some(&j) => {
                    if let Some(top) = path.last_mut() {
                        top.1 += 1;
                    }
                    match seen[j] {
                        0 => {
                            seen[j] = 1;
                            path.push((j, 0));
                        }
                        1 => {
                            breaks[node].insert(sorted[j].id);
                        }
                        _ => {}
                    }
                }
                None => {
                    seen[node] = 2;
                    path.pop();
                }
            }
        }
    }
    breaks
}

fn strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|v| strings(v, f)),
        Value::Object(m) => m.values().for_each(|v| strings(v, f)),
        _ => {}
    }
}

fn resource_block(obj: &Object, name: &str, opts: &Options, literal: &BTreeSet<&str>) -> String {
    let reference = |s: &str| {
        (s != obj.id && !literal.contains(s))
            .then(|| opts.references.get(s))
            .flatten()
            .filter(|r| is_traversal(r))
            .cloned()
    };
    let mut lines = Lines::default();
    let (rtype, label) = (string_lit(obj.rtype), string_lit(name));
    lines.text(0, format!("resource {rtype} {label} {{"));
    if let Some(p) = obj.provider {
        // Meta-arguments first, set apart from the resource's own arguments.
        lines.attr(1, "provider", &Val::Inline(p.to_string()));
        lines.text(1, "");
    }
    write_body(
        &mut lines,
        1,
        obj.schema,
        obj.attributes,
        "",
        obj,
        &reference,
    );
    lines.text(0, "}");
    flag_secret_literals(&lines.finish("", "\n"))
}

/// The block with a comment above every literal under a secret-looking name (a tag
/// `db_password`, an environment variable `API_TOKEN`). The literal stays — the import must be
/// a no-op — but like a schema-sensitive value it should not stay in a committed file.
fn flag_secret_literals(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    for line in block.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some(at) = crate::model::secret_assignment(text)
            && text[at..].trim_start().starts_with('"')
        {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str(
                "# TODO: a secret-looking name holds a literal: move the value to a variable or a secret store\n",
            );
        }
        out.push_str(line);
    }
    out
}

/// Writes the attributes, then the nested blocks, of one block; `path` is the dotted path
/// of the block ("" at the top) so `skip` and `keep_computed` can name nested attributes.
fn write_body(
    lines: &mut Lines,
    depth: usize,
    schema: &Block,
    values: &Map<String, Value>,
    path: &str,
    obj: &Object,
    reference: &dyn Fn(&str) -> Option<String>,
) {
    let top = path.is_empty();
    let listed = |list: &[&str], name: &str| {
        let dotted = format!("{path}.{name}");
        list.iter().any(|l| *l == name || (!top && *l == dotted))
    };
    // Terraform manages these itself at the top level; elsewhere they are ordinary names.
    let reserved = |name: &str| top && matches!(name, "id" | "tags_all" | "timeouts");

    let mut as_blocks = Vec::new();
    for a in &schema.attributes {
        let computed_only = a.computed && !a.optional && !a.required;
        if computed_only || a.write_only || a.deprecated || reserved(&a.name) {
            continue;
        }
        if listed(obj.skip, &a.name) {
            continue;
        }
        let v = values.get(&a.name).unwrap_or(&Value::Null);
        if top && obj.secret.contains(&a.name.as_str()) {
            if !is_empty(v) {
                lines.text(depth, format!("# TODO: set {} (sensitive)", a.name));
            }
            continue;
        }
        if top && obj.as_blocks.contains(&a.name.as_str()) {
            as_blocks.push((a, v));
            continue;
        }
        if a.required {
            if v.is_null() {
                lines.text(depth, format!("# TODO: set {}", a.name));
                continue;
            }
        } else if !a.optional
            || is_empty(v)
            || (a.computed && !listed(obj.keep_computed, &a.name))
            || (*v == Value::Bool(false) && listed(obj.only_when_true, &a.name))
        {
            continue;
        }
        if a.sensitive {
            // Secrets do not belong in files that get committed; the person picks a variable.
            lines.text(depth, format!("# TODO: set {} (sensitive)", a.name));
            continue;
        }
        lines.attr(depth, &a.name, &Val::from_json(v, &a.ty, reference));
    }

    for (a, v) in as_blocks {
        write_attribute_blocks(lines, depth, &a.name, &a.ty, v, reference);
    }

    for nb in &schema.blocks {
        if reserved(&nb.name) || listed(obj.skip, &nb.name) {
            continue;
        }
        if top && obj.secret.contains(&nb.name.as_str()) {
            if values.get(&nb.name).is_some_and(|v| !is_empty(v)) {
                lines.text(depth, format!("# TODO: set {} (sensitive)", nb.name));
            }
            continue;
        }
        let label = |k: &str| format!(" {}", string_lit(k));
        let elems: Vec<(String, &Map<String, Value>)> = match values.get(&nb.name) {
            Some(Value::Object(m)) if nb.nesting == Nesting::Map => m
                .iter()
                .filter_map(|(k, v)| Some((label(k), v.as_object()?)))
                .collect(),
            Some(Value::Object(o)) => vec![(String::new(), o)],
            Some(Value::Array(items)) => {
                // Single and group blocks sometimes arrive as a one-element list.
                let take = match nb.nesting {
                    Nesting::Single | Nesting::Group => 1,
                    _ => items.len(),
                };
                items
                    .iter()
                    .take(take)
                    .filter_map(|v| Some((String::new(), v.as_object()?)))
                    .collect()
            }
            _ => Vec::new(),
        };
        let child = if top {
            nb.name.clone()
        } else {
            format!("{path}.{}", nb.name)
        };
        let mut rendered: Vec<(String, Lines)> = Vec::new();
        for (label, values) in elems {
            // A block the provider read as nothing but nulls says nothing, and written out it
            // lacks the arguments its schema requires (a target group's `target_failover`).
            if nb.min_items <= 0 && values.values().all(is_empty) {
                continue;
            }
            let mut inner = Lines::default();
            write_body(
                &mut inner,
                depth + 1,
                &nb.block,
                values,
                &child,
                obj,
                reference,
            );
            let mut block = Lines::default();
            if inner.is_empty() {
                // An empty block only matters when the schema demands one.
                if nb.min_items <= 0 {
                    continue;
                }
                block.text(depth, format!("{}{label} {{}}", nb.name));
            } else {
                block.text(depth, format!("{}{label} {{", nb.name));
                block.extend(inner);
                block.text(depth, "}");
            }
            rendered.push((block.finish("", "\n"), block));
        }
        if nb.nesting == Nesting::Set {
            rendered.sort_by(|a, b| a.0.cmp(&b.0));
        }
        for (_, block) in rendered {
            lines.extend(block);
        }
    }
}

/// Writes a list or set of objects as one block per element. In block syntax an argument left
/// out is null, which the provider reads as its zero value, so only values that say something
/// are written: no nulls, empty strings or collections, or `false`; numbers always (a
/// `from_port = 0` reads better than a missing one). Set elements are sorted for a stable
/// output. An empty collection is `name = []`: none, rather than whatever the cloud has.
fn write_attribute_blocks(
    lines: &mut Lines,
    depth: usize,
    name: &str,
    ty: &Type,
    value: &Value,
    reference: &dyn Fn(&str) -> Option<String>,
) {
    let (Value::Array(items), Type::List(elem) | Type::Set(elem)) = (value, ty) else {
        // Unknown or not a collection of objects: nothing a block could say.
        return;
    };
    if items.is_empty() {
        lines.attr(depth, name, &Val::Inline("[]".into()));
        return;
    }
    let fields = match elem.as_ref() {
        Type::Object(fields) => Some(fields),
        _ => None,
    };
    let mut rendered: Vec<(String, Lines)> = Vec::new();
    for item in items {
        let Some(item) = item.as_object() else {
            continue;
        };
        let mut block = Lines::default();
        block.text(depth, format!("{name} {{"));
        for (k, v) in item {
            if is_empty(v) || *v == Value::Bool(false) {
                continue;
            }
            let ty = fields.and_then(|f| f.get(k)).unwrap_or(&Type::Dynamic);
            block.attr(depth + 1, &key(k), &Val::from_json(v, ty, reference));
        }
        block.text(depth, "}");
        rendered.push((block.finish("", "\n"), block));
    }
    if matches!(ty, Type::Set(_)) {
        rendered.sort_by(|a, b| a.0.cmp(&b.0));
    }
    for (_, block) in rendered {
        lines.extend(block);
    }
}

/// A name from the `Name` tag or the ID, made unique against `used` (which it joins).
fn unique_name(obj: &Object, used: &mut BTreeSet<String>) -> String {
    let tag = obj
        .attributes
        .get("tags")
        .and_then(|t| t.get("Name"))
        .and_then(Value::as_str);
    let base = sanitize(tag.unwrap_or(obj.id));
    let mut name = base.clone();
    let mut n = 1;
    while used.contains(&format!("{}.{name}", obj.rtype)) {
        n += 1;
        name = format!("{base}_{n}");
    }
    used.insert(format!("{}.{name}", obj.rtype));
    name
}

/// Lowercase `[a-z0-9_]` with single underscores, never starting with a digit or empty.
fn sanitize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().map(|c| c.to_ascii_lowercase()) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let out = out.trim_matches('_');
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("r_{out}")
    } else {
        out.to_string()
    }
}

/// Guards against a malformed reference turning into arbitrary HCL.
fn is_traversal(r: &str) -> bool {
    r.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.[]\"".contains(c))
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::{Attribute, NestedBlock, Type};
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn secret_named_literals_are_flagged_and_nothing_else() {
        let block = "resource \"aws_instance\" \"a\" {\n  metadata_options {\n    http_tokens = \"required\"\n  }\n  tags = {\n    \"db_password\" = \"p\"\n    Name          = \"a\"\n    api_token     = var.t\n  }\n}\n";
        let out = flag_secret_literals(block);
        assert_eq!(
            out,
            block.replace(
                "    \"db_password\"",
                "    # TODO: a secret-looking name holds a literal: move the value to a variable or a secret store\n    \"db_password\""
            )
        );
    }

    fn attr(name: &str, ty: Type, flags: &str) -> Attribute {
        Attribute {
            name: name.into(),
            ty,
            required: flags.contains('r'),
            optional: flags.contains('o'),
            computed: flags.contains('c'),
            sensitive: flags.contains('s'),
            write_only: flags.contains('w'),
            deprecated: flags.contains('d'),
        }
    }

    fn nested(name: &str, nesting: Nesting, attributes: Vec<Attribute>, min: i64) -> NestedBlock {
        let block = Block {
            attributes,
            blocks: vec![],
        };
        NestedBlock {
            name: name.into(),
            nesting,
            block,
            min_items: min,
            max_items: 0,
        }
    }

    fn s() -> Type {
        Type::String
    }

    fn instance_schema() -> Block {
        let strings = |t: fn(Box<Type>) -> Type| t(Box::new(Type::String));
        Block {
            attributes: vec![
                attr("ami", s(), "oc"),
                attr("arn", s(), "c"),
                attr("id", s(), "oc"),
                attr("instance_type", s(), "oc"),
                attr("subnet_id", s(), "oc"),
                attr("tags", strings(Type::Map), "o"),
                attr("tags_all", strings(Type::Map), "oc"),
                attr("user_data", s(), "o"),
                attr("vpc_security_group_ids", strings(Type::Set), "oc"),
            ],
            blocks: vec![
                nested(
                    "root_block_device",
                    Nesting::List,
                    vec![
                        attr("delete_on_termination", Type::Bool, "o"),
                        attr("volume_size", Type::Number, "oc"),
                    ],
                    0,
                ),
                nested(
                    "timeouts",
                    Nesting::Single,
                    vec![attr("create", s(), "o")],
                    0,
                ),
            ],
        }
    }

    fn instance(tags: Value) -> Map<String, Value> {
        let v = json!({
            "ami": "ami-0abc", "arn": "arn:aws:ec2:eu-west-1:1:instance/i-1", "id": "i-1",
            "instance_type": "t3.micro", "subnet_id": "subnet-1", "tags": tags,
            "tags_all": {"Name": "web"}, "user_data": "", "vpc_security_group_ids": ["sg-2", "sg-1"],
            "root_block_device": [{"delete_on_termination": true, "volume_size": 8}],
            "timeouts": {"create": "10m"}
        });
        v.as_object().cloned().unwrap_or_default()
    }

    const KEEP: &[&str] = &[
        "ami",
        "instance_type",
        "subnet_id",
        "vpc_security_group_ids",
    ];

    fn object<'a>(attrs: &'a Map<String, Value>, schema: &'a Block, id: &'a str) -> Object<'a> {
        Object {
            rtype: "aws_instance",
            id,
            import_id: id,
            attributes: attrs,
            schema,
            skip: &[],
            keep_computed: KEEP,
            only_when_true: &[],
            as_blocks: &[],
            secret: &[],
            provider: None,
        }
    }

    fn refs() -> HashMap<String, String> {
        HashMap::from([
            (
                "subnet-1".to_string(),
                "aws_subnet.private_a.id".to_string(),
            ),
            ("sg-1".to_string(), "aws_security_group.web.id".to_string()),
            ("i-1".to_string(), "aws_instance.self.id".to_string()),
        ])
    }

    #[test]
    fn instance_snapshot() {
        let (schema, refs, taken) = (instance_schema(), refs(), BTreeSet::new());
        let attrs = instance(json!({"Name": "Web Server #1", "Owner": "ops"}));
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let out = generate(&[object(&attrs, &schema, "i-1")], &opts);
        let want = r#"import {
  to = aws_instance.web_server_1
  id = "i-1"
}

resource "aws_instance" "web_server_1" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.private_a.id
  tags = {
    Name  = "Web Server #1"
    Owner = "ops"
  }
  vpc_security_group_ids = ["sg-2", aws_security_group.web.id]
  root_block_device {
    delete_on_termination = true
  }
}
"#;
        assert_eq!(out.hcl, want);
        assert_eq!(out.script, None);
        assert_eq!(out.addresses, ["aws_instance.web_server_1"]);
        hcl::parse(&out.hcl).expect("valid hcl");
    }

    #[test]
    fn names_avoid_taken_and_each_other_and_sort_by_id() {
        let (schema, refs) = (instance_schema(), refs());
        let taken = BTreeSet::from(["aws_instance.web".to_string()]);
        let a = instance(json!({"Name": "web"}));
        let b = instance(json!({"Name": "WEB"}));
        let c = instance(json!({}));
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let objs = [
            object(&b, &schema, "i-9"),
            object(&a, &schema, "i-2"),
            object(&c, &schema, "9x"),
        ];
        let out = generate(&objs, &opts);
        assert_eq!(
            out.addresses,
            [
                "aws_instance.r_9x",
                "aws_instance.web_2",
                "aws_instance.web_3"
            ]
        );
        assert_eq!(generate(&objs, &opts), out, "deterministic");
    }

    #[test]
    fn hostile_tags_are_escaped() {
        let (schema, refs, taken) = (instance_schema(), refs(), BTreeSet::new());
        let evil = json!({"Name": "x", "${k}": "${file(\"/etc/passwd\")}\n%{if}\\"});
        let attrs = instance(evil);
        let opts = Options {
            references: &refs,
            import_blocks: false,
            taken: &taken,
        };
        let out = generate(&[object(&attrs, &schema, "i-1")], &opts);
        let want =
            "    \"$${k}\" = \"$${file(\\\"/etc/passwd\\\")}\\n%%{if}\\\\\"\n    Name    = \"x\"\n";
        assert!(out.hcl.contains(want), "{}", out.hcl);
    }

    #[test]
    fn script_mode_quotes_for_the_shell() {
        let (schema, refs, taken) = (instance_schema(), refs(), BTreeSet::new());
        let attrs = instance(json!({"Name": "db"}));
        let mut obj = object(&attrs, &schema, "i-1");
        obj.import_id = "it's;$(rm -rf /)";
        let opts = Options {
            references: &refs,
            import_blocks: false,
            taken: &taken,
        };
        let out = generate(&[obj], &opts);
        let want = "#!/bin/sh\nset -e\nterraform import 'aws_instance.db' 'it'\\''s;$(rm -rf /)'\n";
        assert_eq!(out.script.as_deref(), Some(want));
        assert!(out.hcl.starts_with("resource \"aws_instance\" \"db\" {\n"));
        assert!(!out.hcl.contains("import"));
    }

    #[test]
    fn required_nulls_map_blocks_skips_and_min_items() {
        let schema = Block {
            attributes: vec![
                attr("bucket", s(), "r"),
                attr("policy", s(), "r"),
                attr("old", s(), "od"),
                attr("secret", s(), "ow"),
                attr("acl", s(), "o"),
                attr("token", s(), "os"),
            ],
            blocks: vec![
                nested(
                    "rule",
                    Nesting::Map,
                    vec![attr("days", Type::Number, "o")],
                    0,
                ),
                nested(
                    "lifecycle_rule",
                    Nesting::Set,
                    vec![attr("prefix", s(), "o")],
                    0,
                ),
                nested("required", Nesting::Single, vec![attr("x", s(), "oc")], 1),
                nested("ignored", Nesting::Group, vec![attr("x", s(), "o")], 0),
            ],
        };
        let v = json!({"bucket": "b", "policy": null, "old": "o", "secret": "s", "acl": "private", "token": "t",
            "rule": {"b key": {"days": 3}, "a": {"days": 1}},
            "lifecycle_rule": [{"prefix": "z"}, {"prefix": "a"}],
            "required": {"x": "computed"}, "ignored": [{"x": "no"}]});
        let attrs = v.as_object().cloned().unwrap_or_default();
        let (refs, taken) = (HashMap::new(), BTreeSet::new());
        let mut obj = object(&attrs, &schema, "b");
        obj.rtype = "aws_s3_bucket";
        obj.skip = &["acl", "ignored"];
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let out = generate(&[obj], &opts);
        let want = r#"resource "aws_s3_bucket" "b" {
  bucket = "b"
  # TODO: set policy
  # TODO: set token (sensitive)
  rule "a" {
    days = 1
  }
  rule "b key" {
    days = 3
  }
  lifecycle_rule {
    prefix = "a"
  }
  lifecycle_rule {
    prefix = "z"
  }
  required {}
}
"#;
        assert!(out.hcl.ends_with(want), "{}", out.hcl);
    }

    #[test]
    fn another_regions_provider_null_blocks_and_false_flags() {
        let schema = Block {
            attributes: vec![
                attr("name", s(), "r"),
                attr("multivalue", Type::Bool, "o"),
                attr("enabled", Type::Bool, "o"),
            ],
            blocks: vec![nested(
                "failover",
                Nesting::List,
                vec![attr("on_unhealthy", s(), "r")],
                0,
            )],
        };
        let (refs, taken) = (HashMap::new(), BTreeSet::new());
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let hcl = |v: Value, provider| {
            let attrs = v.as_object().cloned().unwrap_or_default();
            let mut obj = object(&attrs, &schema, "r-1");
            obj.rtype = "aws_thing";
            obj.only_when_true = &["multivalue"];
            obj.provider = provider;
            generate(&[obj], &opts).hcl
        };
        let want = r#"import {
  to       = aws_thing.r_1
  provider = aws.west
  id       = "r-1"
}

resource "aws_thing" "r_1" {
  provider = aws.west

  name    = "n"
  enabled = false
}
"#;
        let v = json!({"name": "n", "multivalue": false, "enabled": false,
            "failover": [{"on_unhealthy": null}]});
        assert_eq!(hcl(v, Some("aws.west")), want);
        let v = json!({"name": "n", "multivalue": true, "failover": [{"on_unhealthy": "x"}]});
        let out = hcl(v, None);
        assert!(out.contains("multivalue = true"), "{out}");
        assert!(
            out.contains("failover {\n    on_unhealthy = \"x\""),
            "{out}"
        );
        assert!(!out.contains("provider"), "{out}");
    }

    #[test]
    fn secret_blocks_and_attributes_are_left_to_the_person() {
        // Nothing in the schema marks them; the type's rules say they hold secrets.
        let schema = Block {
            attributes: vec![
                attr("function_name", s(), "r"),
                attr("kms_key_arn", s(), "o"),
            ],
            blocks: vec![
                nested(
                    "environment",
                    Nesting::List,
                    vec![attr("variables", Type::Map(Box::new(Type::String)), "o")],
                    0,
                ),
                nested(
                    "tracing_config",
                    Nesting::List,
                    vec![attr("mode", s(), "o")],
                    0,
                ),
            ],
        };
        let v = json!({"function_name": "f", "kms_key_arn": "arn:aws:kms:k",
            "environment": [{"variables": {"DATABASE_URL": "postgres://u:hunter2@db"}}],
            "tracing_config": [{"mode": "Active"}]});
        let attrs = v.as_object().cloned().unwrap_or_default();
        let (refs, taken) = (HashMap::new(), BTreeSet::new());
        let mut obj = object(&attrs, &schema, "f");
        obj.rtype = "aws_lambda_function";
        obj.secret = &["environment", "kms_key_arn"];
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let out = generate(&[obj], &opts);
        let want = r#"resource "aws_lambda_function" "f" {
  function_name = "f"
  # TODO: set kms_key_arn (sensitive)
  # TODO: set environment (sensitive)
  tracing_config {
    mode = "Active"
  }
}
"#;
        assert!(out.hcl.ends_with(want), "{}", out.hcl);
        assert!(!out.hcl.contains("hunter2"), "{}", out.hcl);
    }

    fn security_group_schema() -> Block {
        let strings = |t: fn(Box<Type>) -> Type| t(Box::new(Type::String));
        let rule = Type::Object(
            [
                ("cidr_blocks", strings(Type::List)),
                ("description", s()),
                ("from_port", Type::Number),
                ("ipv6_cidr_blocks", strings(Type::List)),
                ("prefix_list_ids", strings(Type::List)),
                ("protocol", s()),
                ("security_groups", strings(Type::Set)),
                ("self", Type::Bool),
                ("to_port", Type::Number),
            ]
            .into_iter()
            .map(|(k, t)| (k.to_string(), t))
            .collect(),
        );
        let rules = || Type::Set(Box::new(rule.clone()));
        Block {
            attributes: vec![
                attr("description", s(), "o"),
                attr("egress", rules(), "oc"),
                attr("id", s(), "c"),
                attr("ingress", rules(), "oc"),
                attr("name", s(), "oc"),
                attr("owner_id", s(), "c"),
                attr("vpc_id", s(), "oc"),
            ],
            blocks: vec![],
        }
    }

    fn rule(from: u16, proto: &str, cidrs: &[&str], groups: &[&str], desc: Value) -> Value {
        json!({"cidr_blocks": cidrs, "description": desc, "from_port": from,
            "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": proto,
            "security_groups": groups, "self": false, "to_port": from})
    }

    fn group(id: &str, ingress: Vec<Value>) -> Map<String, Value> {
        let v = json!({"id": id, "name": id, "description": "d", "vpc_id": "vpc-1",
            "owner_id": "1", "ingress": ingress,
            "egress": [rule(0, "-1", &["0.0.0.0/0"], &[], Value::Null)]});
        v.as_object().cloned().unwrap_or_default()
    }

    fn sg_object<'a>(attrs: &'a Map<String, Value>, schema: &'a Block, id: &'a str) -> Object<'a> {
        Object {
            rtype: "aws_security_group",
            id,
            import_id: id,
            attributes: attrs,
            schema,
            skip: &[],
            keep_computed: &["name", "vpc_id"],
            only_when_true: &[],
            as_blocks: &["ingress", "egress"],
            secret: &[],
            provider: None,
        }
    }

    #[test]
    fn security_group_rules_are_blocks_with_references() {
        let schema = security_group_schema();
        let refs = HashMap::from([
            ("vpc-1".to_string(), "aws_vpc.main.id".to_string()),
            (
                "sg-peer".to_string(),
                "aws_security_group.peer.id".to_string(),
            ),
        ]);
        let web = group(
            "sg-web",
            vec![
                rule(443, "tcp", &[], &["sg-peer"], json!("from peer")),
                rule(22, "tcp", &["0.0.0.0/0"], &[], json!("")),
            ],
        );
        let peer = group("sg-peer", vec![]);
        let taken = BTreeSet::new();
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let objs = [
            sg_object(&web, &schema, "sg-web"),
            sg_object(&peer, &schema, "sg-peer"),
        ];
        let out = generate(&objs, &opts);
        let want = r#"resource "aws_security_group" "sg_peer" {
  description = "d"
  name        = "sg-peer"
  vpc_id      = aws_vpc.main.id
  egress {
    cidr_blocks = ["0.0.0.0/0"]
    from_port   = 0
    protocol    = "-1"
    to_port     = 0
  }
  ingress = []
}
"#;
        assert!(out.hcl.contains(want), "{}", out.hcl);
        let want = r#"resource "aws_security_group" "sg_web" {
  description = "d"
  name        = "sg-web"
  vpc_id      = aws_vpc.main.id
  egress {
    cidr_blocks = ["0.0.0.0/0"]
    from_port   = 0
    protocol    = "-1"
    to_port     = 0
  }
  ingress {
    cidr_blocks = ["0.0.0.0/0"]
    from_port   = 22
    protocol    = "tcp"
    to_port     = 22
  }
  ingress {
    description     = "from peer"
    from_port       = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.peer.id]
    to_port         = 443
  }
}
"#;
        assert!(out.hcl.ends_with(want), "{}", out.hcl);
        hcl::parse(&out.hcl).expect("valid hcl");
    }

    #[test]
    fn references_that_would_close_a_cycle_stay_literal() {
        let schema = security_group_schema();
        let refs = HashMap::from([
            ("sg-a".to_string(), "aws_security_group.sg_a.id".to_string()),
            ("sg-b".to_string(), "aws_security_group.sg_b.id".to_string()),
            ("sg-c".to_string(), "aws_security_group.sg_c.id".to_string()),
        ]);
        // a -> b -> c -> a, and a -> c: one edge of the cycle is cut, the rest stay references.
        let a = group(
            "sg-a",
            vec![rule(1, "tcp", &[], &["sg-b", "sg-c"], Value::Null)],
        );
        let b = group("sg-b", vec![rule(2, "tcp", &[], &["sg-c"], Value::Null)]);
        let c = group("sg-c", vec![rule(3, "tcp", &[], &["sg-a"], Value::Null)]);
        let taken = BTreeSet::new();
        let opts = Options {
            references: &refs,
            import_blocks: true,
            taken: &taken,
        };
        let objs = [
            sg_object(&c, &schema, "sg-c"),
            sg_object(&a, &schema, "sg-a"),
            sg_object(&b, &schema, "sg-b"),
        ];
        let out = generate(&objs, &opts);
        let groups = |line: &str| {
            line.trim()
                .strip_prefix("security_groups = ")
                .map(str::to_string)
        };
        let got: Vec<String> = out.hcl.lines().filter_map(groups).collect();
        assert_eq!(
            got,
            [
                "[aws_security_group.sg_b.id, aws_security_group.sg_c.id]",
                "[aws_security_group.sg_c.id]",
                "[\"sg-a\"]",
            ],
            "{}",
            out.hcl
        );
    }

    #[test]
    fn sanitizes_names() {
        assert_eq!(sanitize("My--Web  Server!"), "my_web_server");
        assert_eq!(sanitize("__"), "r_");
        assert_eq!(sanitize("1st"), "r_1st");
        assert_eq!(sanitize("café"), "caf");
    }

    fn parse_block(text: &str, ident: &str) -> hcl::Body {
        let body: hcl::Body = hcl::from_str(text).expect("parses");
        let block = body.blocks().find(|b| b.identifier() == ident);
        block.expect("block").body().clone()
    }

    proptest! {
        #[test]
        fn hostile_strings_stay_literals(v in "(\\PC|[\"\\\\\n\r\t\u{0}]|\\$\\{|%\\{|\\}|\\$\\$\\{)*",
                                         k in "(\\PC|[\"\\\\\n]|\\$\\{|%\\{|\\})*") {
            let (schema, refs, taken) = (instance_schema(), HashMap::new(), BTreeSet::new());
            let mut attrs = instance(json!({ k.clone(): v.clone(), "Name": v.clone() }));
            attrs.insert("user_data".into(), json!(v.clone()));
            let opts = Options { references: &refs, import_blocks: true, taken: &taken };
            let out = generate(&[object(&attrs, &schema, &v)], &opts);
            let import = parse_block(&out.hcl, "import");
            let id = import.attributes().find(|a| a.key() == "id").map(|a| a.expr().clone());
            prop_assert_eq!(id, Some(hcl::Expression::String(v.clone())));
            let body = parse_block(&out.hcl, "resource");
            let get = |name: &str| body.attributes().find(|a| a.key() == name).map(|a| a.expr().clone());
            if !v.is_empty() {
                prop_assert_eq!(get("user_data"), Some(hcl::Expression::String(v.clone())));
            }
            let Some(hcl::Expression::Object(tags)) = get("tags") else { panic!("tags") };
            let tags: Vec<(String, hcl::Expression)> = tags.into_iter().map(|(k, x)| match k {
                hcl::ObjectKey::Identifier(id) => (id.to_string(), x),
                hcl::ObjectKey::Expression(hcl::Expression::String(s)) => (s, x),
                other => panic!("key {other:?}"),
            }).collect();
            let mut want = vec![("Name".to_string(), hcl::Expression::String(v.clone()))];
            if k != "Name" {
                want.push((k, hcl::Expression::String(v)));
                want.sort_by(|a, b| a.0.cmp(&b.0));
            }
            prop_assert_eq!(tags, want);
        }
    }
}
