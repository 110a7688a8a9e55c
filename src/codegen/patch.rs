//! Rewriting literals in `.tf` files to the live values, leaving every other byte alone.
//!
//! hcl-edit re-encodes a body with its own choices (line endings among them), so it is used
//! only to find byte spans: each change becomes a splice of the original text. Comments,
//! alignment, heredocs and CRLF endings outside the edited value therefore survive as they
//! were, and so does the decor around `=` of the edited attribute.

use super::hclvalue::{Val, key};
use crate::model::schema::Type;
use hcl::edit::Span;
use hcl::edit::expr::{Expression, Object, ObjectKey, UnaryOperator};
use hcl::edit::parser::parse_body;
use hcl::edit::structure::{Attribute, Block, Structure};
use serde_json::{Map, Value};
use std::ops::Range;

/// One drifted attribute to bring in line with the cloud.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// Resource type, e.g. `aws_instance`.
    pub rtype: &'a str,
    /// Resource name, e.g. `web`.
    pub name: &'a str,
    /// How many resource instances share this block's literals: 1 for a plain resource, more
    /// under `count`/`for_each` (or a module called several times). Changes to one block and
    /// path in one `apply` must come from distinct instances.
    pub instances: usize,
    /// Attribute path inside the resource block.
    pub path: &'a [PathStep],
    /// The value read from the cloud.
    pub live: &'a Value,
}

pub use crate::model::PathStep;

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The text now holds the live value (or already did).
    Patched,
    /// The value comes from an expression that only a person can fix.
    NotLiteral {
        /// 1-based line where the expression starts.
        line: usize,
        /// The expression's source text, e.g. `var.size`.
        expr: String,
    },
    /// No such resource, path, or the file does not parse.
    NotFound,
    /// The literal is shared by this many instances and not all of them drifted to one value:
    /// rewriting it would change the others too.
    Shared {
        /// 1-based line of the literal.
        line: usize,
        /// Instances sharing the literal.
        instances: usize,
    },
}

/// Applies `changes` in order to `text`, returning the new text and one outcome per change.
///
/// A literal shared by several instances is rewritten only when every one of them drifted to
/// the same value (one change each, all equal); otherwise each of their changes is
/// [`Outcome::Shared`] and the literal stays, unless it is no literal at all.
pub fn apply(text: &str, changes: &[Change]) -> (String, Vec<Outcome>) {
    let shared: Vec<bool> = changes
        .iter()
        .map(|c| {
            let siblings: Vec<&Change> = changes
                .iter()
                .filter(|o| o.rtype == c.rtype && o.name == c.name && o.path == c.path)
                .collect();
            c.instances > 1
                && (siblings.len() < c.instances || siblings.iter().any(|o| !same(o.live, c.live)))
        })
        .collect();
    let mut current = text.to_string();
    let outcomes = changes
        .iter()
        .zip(shared)
        .map(|(change, shared)| {
            // Parsing again after each splice keeps spans right when edits nest or overlap.
            let Ok(body) = parse_body(&current) else {
                return Outcome::NotFound;
            };
            let block = body.iter().filter_map(Structure::as_block).find(|b| {
                let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                b.ident.as_str() == "resource" && labels == [change.rtype, change.name]
            });
            let cx = Cx {
                text: &current,
                eol: if current.contains("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                },
                live: change.live,
            };
            match block.map_or(Err(Outcome::NotFound), |b| cx.walk_block(b, change.path)) {
                Ok(Some((range, _))) if shared => Outcome::Shared {
                    line: current[..range.start].matches('\n').count() + 1,
                    instances: change.instances,
                },
                Ok(Some((range, new))) => {
                    let mut next = current.clone();
                    next.replace_range(range, &new);
                    // A splice that breaks the file (an odd key, a strange layout) is dropped.
                    if parse_body(&next).is_err() {
                        return Outcome::NotFound;
                    }
                    current = next;
                    Outcome::Patched
                }
                Ok(None) => Outcome::Patched,
                Err(outcome) => outcome,
            }
        })
        .collect();
    (current, outcomes)
}

/// A byte range of the current text and its replacement; `None` when nothing must change.
type Edit = Option<(Range<usize>, String)>;

/// Where the target expression sits, which decides how a null live value removes it.
enum Slot<'e> {
    Attr(&'e Attribute),
    Entry(&'e Object, &'e ObjectKey),
    Elem,
}

struct Cx<'t> {
    text: &'t str,
    eol: &'static str,
    live: &'t Value,
}

impl Cx<'_> {
    fn walk_block(&self, block: &Block, steps: &[PathStep]) -> Result<Edit, Outcome> {
        let Some((PathStep::Key(name), rest)) = steps.split_first() else {
            return Err(Outcome::NotFound);
        };
        if let Some(attr) = block.body.get_attribute(name) {
            return self.walk_expr(&attr.value, rest, Slot::Attr(attr));
        }
        let blocks: Vec<&Block> = block.body.get_blocks(name).collect();
        if blocks.is_empty() {
            // Blocks generated by `dynamic` get their values from its `for_each`.
            let dynamic = block
                .body
                .get_blocks("dynamic")
                .find(|b| b.labels.first().is_some_and(|l| l.as_str() == name));
            if let Some(for_each) = dynamic.and_then(|d| d.body.get_attribute("for_each")) {
                return Err(self.not_literal(&for_each.value));
            }
            return match rest {
                [] => self.insert_attr(block, name),
                _ => Err(Outcome::NotFound),
            };
        }
        let labelled = |k: &str| {
            blocks
                .iter()
                .find(|b| b.labels.first().is_some_and(|l| l.as_str() == k))
        };
        let (chosen, rest) = match rest.split_first() {
            Some((PathStep::Index(i), rest)) => (blocks.get(*i).copied(), rest),
            Some((PathStep::Key(k), tail)) if labelled(k).is_some() => (labelled(k).copied(), tail),
            _ => (blocks.first().copied(), rest),
        };
        self.walk_block(chosen.ok_or(Outcome::NotFound)?, rest)
    }

    fn walk_expr(
        &self,
        expr: &Expression,
        steps: &[PathStep],
        slot: Slot,
    ) -> Result<Edit, Outcome> {
        let Some((step, rest)) = steps.split_first() else {
            return self.replace(expr, slot);
        };
        match (step, expr) {
            (PathStep::Key(k), Expression::Object(obj)) => {
                if obj.iter().any(|(key, _)| key_str(key).is_none()) {
                    return Err(self.not_literal(expr));
                }
                match obj.iter().find(|(key, _)| key_str(key) == Some(k)) {
                    Some((key, value)) => self.walk_expr(value.expr(), rest, Slot::Entry(obj, key)),
                    None if rest.is_empty() => self.add_entry(obj, k),
                    None => Err(Outcome::NotFound),
                }
            }
            (PathStep::Index(i), Expression::Array(arr)) => match arr.get(*i) {
                Some(elem) => self.walk_expr(elem, rest, Slot::Elem),
                None => Err(Outcome::NotFound),
            },
            _ if literal(expr).is_none() => Err(self.not_literal(expr)),
            _ => Err(Outcome::NotFound),
        }
    }

    /// Rewrites the literal `expr` to the live value; null removes attributes and entries.
    fn replace(&self, expr: &Expression, slot: Slot) -> Result<Edit, Outcome> {
        let Some(current) = literal(expr) else {
            return Err(self.not_literal(expr));
        };
        if same(&current, self.live) {
            return Ok(None);
        }
        let span = expr.span().ok_or(Outcome::NotFound)?;
        if self.live.is_null() {
            match slot {
                Slot::Attr(attr) => {
                    if let Some(lines) = attr.span().and_then(|s| self.own_lines(s)) {
                        return Ok(Some((lines, String::new())));
                    }
                }
                Slot::Entry(obj, key) => return self.remove_entry(obj, key, span),
                Slot::Elem => {}
            }
        }
        let new = self.val().render(self.indent(span.start), self.eol);
        Ok(Some((span, new)))
    }

    fn insert_attr(&self, block: &Block, name: &str) -> Result<Edit, Outcome> {
        if self.live.is_null() {
            return Ok(None);
        }
        let (text, eol) = (self.text, self.eol);
        let span = block.span().ok_or(Outcome::NotFound)?;
        let close = span.end.saturating_sub(1);
        let after_labels = block
            .labels
            .last()
            .and_then(Span::span)
            .or(block.ident.span());
        let open = after_labels
            .and_then(|s| text.get(s.end..close)?.find('{').map(|i| s.end + i))
            .ok_or(Outcome::NotFound)?;
        let inner = format!("{}  ", self.indent(span.start));
        let line = |ind: &str| format!("{ind}{name} = {}", self.val().render(ind, eol));
        if !text[open..close].contains('\n') {
            // `x { a = 1 }` holds one attribute at most: spread the block over lines.
            let existing = text[open + 1..close].trim();
            let existing = if existing.is_empty() {
                String::new()
            } else {
                format!("{inner}{existing}{eol}")
            };
            let new = format!(
                "{eol}{existing}{}{eol}{}",
                line(&inner),
                self.indent(span.start)
            );
            return Ok(Some((open + 1..close, new)));
        }
        match block.body.iter().filter_map(Structure::as_attribute).last() {
            Some(last) => {
                let (s, k) = last.span().zip(last.key.span()).ok_or(Outcome::NotFound)?;
                Ok(Some(self.insert_after(s, k.end, name)))
            }
            None => {
                let at = text[open..].find('\n').map_or(text.len(), |i| open + i + 1);
                Ok(Some((at..at, format!("{}{eol}", line(&inner)))))
            }
        }
    }

    fn add_entry(&self, obj: &Object, k: &str) -> Result<Edit, Outcome> {
        if self.live.is_null() {
            return Ok(None);
        }
        let span = obj.span().ok_or(Outcome::NotFound)?;
        let key = key(k);
        match entry_spans(obj).last() {
            None => {
                let new = Val::Object(vec![(key, self.val())]);
                Ok(Some((
                    span.clone(),
                    new.render(self.indent(span.start), self.eol),
                )))
            }
            Some((ks, vs)) if self.text[span].contains('\n') => {
                Ok(Some(self.insert_after(ks.start..vs.end, ks.end, &key)))
            }
            Some((_, vs)) => Ok(Some((
                vs.end..vs.end,
                format!(", {key} = {}", self.val().inline()),
            ))),
        }
    }

    /// Removes an entry: its whole lines when it has them to itself, else the entry and the
    /// comma on one side, else the whole object when it was the only entry.
    fn remove_entry(
        &self,
        obj: &Object,
        key: &ObjectKey,
        value: Range<usize>,
    ) -> Result<Edit, Outcome> {
        let start = key.span().ok_or(Outcome::NotFound)?.start;
        if let Some(lines) = self.own_lines(start..value.end) {
            return Ok(Some((lines, String::new())));
        }
        let entries = entry_spans(obj);
        let pos = entries
            .iter()
            .position(|(k, _)| k.start == start)
            .ok_or(Outcome::NotFound)?;
        let range = match (
            pos.checked_sub(1).and_then(|p| entries.get(p)),
            entries.get(pos + 1),
        ) {
            (_, Some((next, _))) => start..next.start,
            (Some((_, prev)), None) => prev.end..value.end,
            (None, None) => return Ok(Some((obj.span().ok_or(Outcome::NotFound)?, "{}".into()))),
        };
        Ok(Some((range, String::new())))
    }

    /// Inserts `name = live` on a new line after the item spanning `item`, indented like it
    /// and with `=` in the item's column when the item is a single-line `key = value`.
    fn insert_after(
        &self,
        item: Range<usize>,
        key_end: usize,
        name: &str,
    ) -> (Range<usize>, String) {
        let text = self.text;
        let indent = self.indent(item.start);
        let mut at = text[item.end..]
            .find('\n')
            .map_or(text.len(), |i| item.end + i);
        if text[..at].ends_with('\r') {
            at -= 1;
        }
        let eq_col = (!text[item.clone()].contains('\n'))
            .then(|| text[key_end..item.end].find(['=', ':']))
            .flatten()
            .map(|i| {
                text[line_start(text, item.start)..key_end + i]
                    .chars()
                    .count()
            });
        let used = indent.chars().count() + name.chars().count();
        let pad = eq_col.map_or(1, |c| c.saturating_sub(used).max(1));
        let value = self.val().render(indent, self.eol);
        (
            at..at,
            format!("{}{indent}{name}{:pad$}= {value}", self.eol, ""),
        )
    }

    /// The whole lines of `range` when nothing but whitespace, a comma or a line comment
    /// shares them, so removing an item leaves no blank line behind.
    fn own_lines(&self, range: Range<usize>) -> Option<Range<usize>> {
        let text = self.text;
        let start = line_start(text, range.start);
        if !text[start..range.start].trim().is_empty() {
            return None;
        }
        let end = text[range.end..]
            .find('\n')
            .map_or(text.len(), |i| range.end + i + 1);
        let rest = text[range.end..end]
            .trim_start()
            .trim_start_matches(',')
            .trim();
        (rest.is_empty() || rest.starts_with('#') || rest.starts_with("//")).then_some(start..end)
    }

    fn indent(&self, pos: usize) -> &str {
        let line = &self.text[line_start(self.text, pos)..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    fn val(&self) -> Val {
        Val::from_json(self.live, &Type::Dynamic, &|_| None)
    }

    fn not_literal(&self, expr: &Expression) -> Outcome {
        match expr.span() {
            Some(span) => Outcome::NotLiteral {
                line: self.text[..span.start].matches('\n').count() + 1,
                expr: self.text[span].to_string(),
            },
            None => Outcome::NotFound,
        }
    }
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

fn entry_spans(obj: &Object) -> Vec<(Range<usize>, Range<usize>)> {
    obj.iter()
        .filter_map(|(k, v)| k.span().zip(v.expr().span()))
        .collect()
}

fn key_str(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Ident(id) => Some(id.as_str()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.as_str()),
        ObjectKey::Expression(_) => None,
    }
}

/// The value of an expression made only of literals; `None` for anything Terraform would
/// have to evaluate (references, calls, templates, heredocs).
fn literal(expr: &Expression) -> Option<Value> {
    let number = |n: &hcl::Number| {
        n.as_i64()
            .map(Value::from)
            .or_else(|| n.as_u64().map(Value::from))
            .or_else(|| serde_json::Number::from_f64(n.as_f64()?).map(Value::Number))
    };
    match expr {
        Expression::Null(_) => Some(Value::Null),
        Expression::Bool(b) => Some(Value::Bool(*b.value())),
        Expression::Number(n) => number(n.value()),
        Expression::String(s) => Some(Value::String(s.value().clone())),
        Expression::Array(a) => a
            .iter()
            .map(literal)
            .collect::<Option<_>>()
            .map(Value::Array),
        Expression::Object(o) => o
            .iter()
            .map(|(k, v)| Some((key_str(k)?.to_string(), literal(v.expr())?)))
            .collect::<Option<Map<_, _>>>()
            .map(Value::Object),
        Expression::UnaryOp(op) if *op.operator.value() == UnaryOperator::Neg => {
            let Expression::Number(n) = &op.expr else {
                return None;
            };
            let n = n.value();
            match n.as_i64().and_then(i64::checked_neg) {
                Some(i) => Some(Value::from(i)),
                None => serde_json::Number::from_f64(-n.as_f64()?).map(Value::Number),
            }
        }
        _ => None,
    }
}

/// Equality that counts `8` and `8.0` as the same number, as Terraform does.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use similar::{ChangeTag, TextDiff};

    const FIXTURE: &str = r#"# Main instance
// managed by team x
/* block
   comment */
terraform {
  required_version = ">= 1.5"
}

resource "aws_instance" "web" {
  ami           = var.ami # from tfvars
  instance_type = "t3.micro"   // small
  subnet_id     = aws_subnet.a.id

  vpc_security_group_ids = ["sg-1", "sg-2"]
  tags = {
    Name  = "web"
    Owner = "alice" # owner
    Temp  = "yes"
  }
  user_data = <<-EOT
    #!/bin/bash
    echo hello
  EOT

  root_block_device {
    volume_size = 8 /* GiB */
    volume_type = "gp3"
  }
}

resource "aws_s3_bucket" "logs" {
  count  = 2
  bucket = "logs-${count.index}"
  tags   = { Env = "prod", Team = "ops" }
  lifecycle { prevent_destroy = true }
}
"#;

    fn key(k: &str) -> PathStep {
        PathStep::Key(k.into())
    }

    fn change<'a>(rtype: &'a str, path: &'a [PathStep], live: &'a Value) -> Change<'a> {
        let name = if rtype == "aws_instance" {
            "web"
        } else {
            "logs"
        };
        Change {
            rtype,
            name,
            instances: 1,
            path,
            live,
        }
    }

    fn one(text: &str, path: &[PathStep], live: Value) -> (String, Outcome) {
        let rtype = if path == [key("bucket")] {
            "aws_s3_bucket"
        } else {
            "aws_instance"
        };
        let (new, mut outcomes) = apply(text, &[change(rtype, path, &live)]);
        assert_eq!(outcomes.len(), 1);
        (new, outcomes.remove(0))
    }

    /// (removed lines, added lines) between two texts.
    fn changed(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
        let diff = TextDiff::from_lines(old, new);
        let lines = |tag| {
            diff.iter_all_changes()
                .filter(|c| c.tag() == tag)
                .map(|c| c.value().to_string())
                .collect()
        };
        (lines(ChangeTag::Delete), lines(ChangeTag::Insert))
    }

    fn crlf(text: &str) -> String {
        text.replace('\n', "\r\n")
    }

    #[test]
    fn no_changes_keep_every_byte() {
        for text in [
            FIXTURE.to_string(),
            crlf(FIXTURE),
            "not { hcl".to_string(),
            String::new(),
        ] {
            assert_eq!(apply(&text, &[]), (text.clone(), vec![]));
        }
    }

    #[test]
    fn scalar_change_touches_only_its_value() {
        for text in [FIXTURE.to_string(), crlf(FIXTURE)] {
            let (new, outcome) = one(&text, &[key("instance_type")], json!("t3.large"));
            assert_eq!(outcome, Outcome::Patched);
            let eol = if text.contains('\r') { "\r\n" } else { "\n" };
            let (old_lines, new_lines) = changed(&text, &new);
            assert_eq!(
                old_lines,
                [format!("  instance_type = \"t3.micro\"   // small{eol}")]
            );
            assert_eq!(
                new_lines,
                [format!("  instance_type = \"t3.large\"   // small{eol}")]
            );
            assert_eq!(new.replace("t3.large", "t3.micro"), text);
        }
    }

    #[test]
    fn nested_block_attribute_by_index() {
        let path = [
            key("root_block_device"),
            PathStep::Index(0),
            key("volume_size"),
        ];
        let (new, outcome) = one(FIXTURE, &path, json!(20));
        assert_eq!(outcome, Outcome::Patched);
        assert_eq!(
            changed(FIXTURE, &new).1,
            ["    volume_size = 20 /* GiB */\n"]
        );
        // Without an index the first block is meant.
        let (again, _) = one(
            FIXTURE,
            &path[..1]
                .iter()
                .chain(&path[2..])
                .cloned()
                .collect::<Vec<_>>(),
            json!(20),
        );
        assert_eq!(again, new);
    }

    #[test]
    fn references_templates_and_heredocs_are_not_literal() {
        let cases = [
            (vec![key("ami")], 10, "var.ami"),
            (
                vec![key("user_data")],
                20,
                "<<-EOT\n    #!/bin/bash\n    echo hello\n  EOT",
            ),
            (vec![key("bucket")], 33, "\"logs-${count.index}\""),
        ];
        for (path, line, expr) in cases {
            let (new, outcome) = one(FIXTURE, &path, json!("x"));
            assert_eq!(
                outcome,
                Outcome::NotLiteral {
                    line,
                    expr: expr.into()
                }
            );
            assert_eq!(new, FIXTURE);
        }
        let text =
            "resource \"aws_instance\" \"web\" {\n  tags = merge(local.tags, { A = \"b\" })\n}\n";
        let (new, outcome) = one(text, &[key("tags"), key("Owner")], json!("bob"));
        let expr = "merge(local.tags, { A = \"b\" })".to_string();
        assert_eq!(
            (new.as_str(), outcome),
            (text, Outcome::NotLiteral { line: 2, expr })
        );
    }

    #[test]
    fn map_entries_change_add_and_remove_in_place() {
        let (new, outcome) = one(FIXTURE, &[key("tags"), key("Owner")], json!("bob"));
        assert_eq!(outcome, Outcome::Patched);
        assert_eq!(changed(FIXTURE, &new).1, ["    Owner = \"bob\" # owner\n"]);

        let (new, _) = one(FIXTURE, &[key("tags"), key("Temp")], Value::Null);
        assert_eq!(
            changed(FIXTURE, &new),
            (vec!["    Temp  = \"yes\"\n".to_string()], vec![])
        );

        let (new, _) = one(FIXTURE, &[key("tags"), key("Cost Center")], json!("42"));
        assert_eq!(
            changed(FIXTURE, &new),
            (vec![], vec!["    \"Cost Center\" = \"42\"\n".to_string()])
        );
        let (new, _) = one(FIXTURE, &[key("tags"), key("Env")], json!("dev"));
        assert_eq!(
            changed(FIXTURE, &new),
            (vec![], vec!["    Env   = \"dev\"\n".to_string()])
        );
    }

    #[test]
    fn single_line_objects_and_blocks() {
        let bucket = |path: &[PathStep], live: Value| {
            let (new, outcomes) = apply(FIXTURE, &[change("aws_s3_bucket", path, &live)]);
            assert_eq!(outcomes, [Outcome::Patched]);
            changed(FIXTURE, &new).1.concat()
        };
        assert_eq!(
            bucket(&[key("tags"), key("Env")], Value::Null),
            "  tags   = { Team = \"ops\" }\n"
        );
        assert_eq!(
            bucket(&[key("tags"), key("Team")], Value::Null),
            "  tags   = { Env = \"prod\" }\n"
        );
        assert_eq!(
            bucket(&[key("tags"), key("New")], json!(1)),
            "  tags   = { Env = \"prod\", Team = \"ops\", New = 1 }\n"
        );
        let path = [key("lifecycle"), key("ignore_changes")];
        let want =
            "  lifecycle {\n    prevent_destroy = true\n    ignore_changes = [\"tags\"]\n  }\n";
        assert_eq!(bucket(&path, json!(["tags"])), want);

        let text = "resource \"aws_instance\" \"web\" {\n  tags = { A = 1 }\n  empty = {}\n}\n";
        let (new, _) = one(text, &[key("tags"), key("A")], Value::Null);
        assert_eq!(new, text.replace("{ A = 1 }", "{}"));
        let (new, _) = one(text, &[key("empty"), key("k")], json!("v"));
        assert_eq!(
            new,
            text.replace("empty = {}", "empty = {\n    k = \"v\"\n  }")
        );
    }

    #[test]
    fn whole_collections_and_missing_attributes() {
        let (new, outcome) = one(FIXTURE, &[key("vpc_security_group_ids")], json!(["sg-3"]));
        assert_eq!(outcome, Outcome::Patched);
        assert_eq!(
            changed(FIXTURE, &new).1,
            ["  vpc_security_group_ids = [\"sg-3\"]\n"]
        );

        let (new, _) = one(
            FIXTURE,
            &[key("tags")],
            json!({"Name": "web", "a b": "${x}"}),
        );
        let want = "  tags = {\n    Name  = \"web\"\n    \"a b\" = \"$${x}\"\n  }\n  user_data";
        assert!(new.contains(want), "{new}");

        // Lands after the last attribute, `=` in that attribute's column.
        let (new, _) = one(&crlf(FIXTURE), &[key("monitoring")], json!(true));
        let (old, added) = changed(&crlf(FIXTURE), &new);
        assert_eq!(
            (old.len(), added),
            (0, vec!["  monitoring = true\r\n".to_string()])
        );
        assert!(
            new.contains(
                "    echo hello\r\n  EOT\r\n  monitoring = true\r\n\r\n  root_block_device"
            )
        );
        let (new, _) = one(
            FIXTURE,
            &[key("root_block_device"), key("iops")],
            json!(3000),
        );
        assert_eq!(changed(FIXTURE, &new).1, ["    iops        = 3000\n"]);

        let (new, _) = one(FIXTURE, &[key("instance_type")], Value::Null);
        assert_eq!(
            changed(FIXTURE, &new).0,
            ["  instance_type = \"t3.micro\"   // small\n"]
        );
    }

    #[test]
    fn missing_things_are_not_found() {
        let cases: [(&[PathStep], Value); 4] = [
            (&[key("tags"), key("Name"), key("x")], json!(1)),
            (
                &[key("vpc_security_group_ids"), PathStep::Index(5)],
                json!("sg"),
            ),
            (&[key("nope"), key("x")], json!(1)),
            (
                &[
                    key("root_block_device"),
                    PathStep::Index(1),
                    key("volume_size"),
                ],
                json!(1),
            ),
        ];
        for (path, live) in cases {
            assert_eq!(
                one(FIXTURE, path, live),
                (FIXTURE.to_string(), Outcome::NotFound)
            );
        }
        let live = json!(1);
        let other = Change {
            rtype: "aws_instance",
            name: "db",
            instances: 1,
            path: &[],
            live: &live,
        };
        assert_eq!(apply(FIXTURE, &[other]).1, [Outcome::NotFound]);
        assert_eq!(
            apply("resource {", &[other]),
            ("resource {".to_string(), vec![Outcome::NotFound])
        );
        // A key that is no identifier cannot become an attribute.
        assert_eq!(
            one(FIXTURE, &[key("a b")], json!(1)),
            (FIXTURE.to_string(), Outcome::NotFound)
        );
    }

    #[test]
    fn equal_values_and_repeats_change_nothing() {
        let (new, outcome) = one(
            FIXTURE,
            &[key("root_block_device"), key("volume_size")],
            json!(8.0),
        );
        assert_eq!((new.as_str(), outcome), (FIXTURE, Outcome::Patched));
        let (live, path) = (json!("bob"), [key("tags"), key("Owner")]);
        let c = change("aws_instance", &path, &live);
        let (new, outcomes) = apply(FIXTURE, &[c, c]);
        assert_eq!(outcomes, [Outcome::Patched, Outcome::Patched]);
        assert_eq!(apply(&new, &[c]).0, new);
    }

    #[test]
    fn shared_literals_change_only_when_every_instance_agrees() {
        fn of<'a>(path: &'a [PathStep], live: &'a Value, instances: usize) -> Change<'a> {
            Change {
                instances,
                ..change("aws_s3_bucket", path, live)
            }
        }
        let path = [key("tags"), key("Team")];
        let (dev, qa) = (json!("dev"), json!("qa"));
        let d = |n| of(&path, &dev, n);
        let q = |n| of(&path, &qa, n);
        let shared = Outcome::Shared {
            line: 34,
            instances: 2,
        };
        // Two instances drifting apart: neither wins, nothing is written.
        assert_eq!(
            apply(FIXTURE, &[d(2), q(2)]),
            (FIXTURE.to_string(), vec![shared.clone(), shared.clone()])
        );
        // One of two drifted: the other would change too.
        assert_eq!(
            apply(FIXTURE, &[d(2)]),
            (FIXTURE.to_string(), vec![shared.clone()])
        );
        // Both drifted to the same value: one literal, patched once, both reported.
        let (new, outcomes) = apply(FIXTURE, &[d(2), d(2)]);
        assert_eq!(outcomes, [Outcome::Patched, Outcome::Patched]);
        assert_eq!(
            changed(FIXTURE, &new).1,
            ["  tags   = { Env = \"prod\", Team = \"dev\" }\n"]
        );
        // A shared value that is no literal says where it comes from instead.
        let (bucket, live) = ([key("bucket")], json!("x"));
        assert!(matches!(
            apply(FIXTURE, &[of(&bucket, &live, 2)]).1[..],
            [Outcome::NotLiteral { line: 33, .. }]
        ));
        // Already the live value: nothing to do, whatever the others hold.
        let (env, prod) = ([key("tags"), key("Env")], json!("prod"));
        assert_eq!(apply(FIXTURE, &[of(&env, &prod, 3)]).1, [Outcome::Patched]);
    }

    #[test]
    fn dynamic_blocks_point_at_their_for_each() {
        let text = "resource \"aws_instance\" \"web\" {\n  dynamic \"ebs_block_device\" {\n    for_each = var.disks\n    content {}\n  }\n}\n";
        let path = [
            key("ebs_block_device"),
            PathStep::Index(0),
            key("volume_size"),
        ];
        let (new, outcome) = one(text, &path, json!(1));
        assert_eq!(
            (new.as_str(), outcome),
            (
                text,
                Outcome::NotLiteral {
                    line: 3,
                    expr: "var.disks".into()
                }
            )
        );
    }

    fn step() -> impl Strategy<Value = PathStep> {
        let names = [
            "tags",
            "Owner",
            "Temp",
            "Env",
            "root_block_device",
            "volume_size",
            "ami",
            "count",
            "x y",
            "lifecycle",
        ];
        prop_oneof![
            (0..names.len()).prop_map(move |i| key(names[i])),
            (0usize..3).prop_map(PathStep::Index),
        ]
    }

    fn live() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                prop::collection::btree_map("[a-z ]{1,4}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_change_leaves_valid_hcl_or_the_text_alone(
            path in prop::collection::vec(step(), 1..4), live in live(), bucket in any::<bool>(), lf in any::<bool>(),
        ) {
            let text = if lf { FIXTURE.to_string() } else { crlf(FIXTURE) };
            let c = change(if bucket { "aws_s3_bucket" } else { "aws_instance" }, &path, &live);
            let (new, outcomes) = apply(&text, &[c]);
            prop_assert_eq!(outcomes.len(), 1);
            prop_assert!(parse_body(&new).is_ok());
            if outcomes[0] != Outcome::Patched {
                prop_assert_eq!(&new, &text);
            }
            // Applying it again finds the value already there.
            if outcomes[0] == Outcome::Patched {
                prop_assert_eq!(apply(&new, &[c]), (new.clone(), vec![Outcome::Patched]));
            }
        }
    }

    #[test]
    fn patched_strings_stay_literals() {
        let hostile = "${file(\"/etc/passwd\")} %{if x}\"\\\n\u{1}";
        let (new, _) = one(FIXTURE, &[key("instance_type")], json!(hostile));
        let body: hcl::Body = hcl::from_str(&new).expect("parses");
        let web = body
            .blocks()
            .find(|b| b.labels().get(1).is_some_and(|l| l.as_str() == "web"));
        let attr = web.and_then(|b| {
            b.body()
                .attributes()
                .find(|a| a.key() == "instance_type")
                .cloned()
        });
        assert_eq!(
            attr.map(|a| a.expr().clone()),
            Some(hcl::Expression::String(hostile.into()))
        );
    }
}
