//! Type-directed codec for Terraform's value system (cty) as carried by the
//! plugin protocol's `DynamicValue`, in both its msgpack and JSON forms.
//!
//! Neither wire form is self-describing enough to decode without the schema
//! type (objects and maps, lists and tuples look alike), so every entry point
//! takes a [`Type`].
//!
//! Numbers have one canonical form so that round trips compare equal: a
//! number whose value is integral and fits `i64` or `u64` is an integer
//! [`serde_json::Number`], anything else is an `f64`. Decoders produce
//! canonical numbers, encoders canonicalise before writing, and
//! [`number_from_f64`] builds canonical numbers from floats. Numbers beyond
//! `f64` range or precision are approximated or rejected, because
//! `serde_json::Number` cannot hold them exactly.
//!
//! Sets are kept in wire order without deduplication. All recursion is
//! bounded by [`MAX_DEPTH`] so hostile input cannot overflow the stack.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde_json::{Map as JsonMap, Number, Value as Json};

/// Deepest nesting of containers (and of type notation) that is accepted.
pub const MAX_DEPTH: usize = 64;

// cty marks unknown values with extension type 0; newer Terraform versions
// send "refined" unknowns (extension type 12) whose payload we do not need.
const EXT_UNKNOWN: i8 = 0;
const EXT_REFINED_UNKNOWN: i8 = 12;

/// Everything that can go wrong while converting cty types or values.
#[derive(Debug, thiserror::Error)]
pub enum CtyError {
    /// An unknown value reached a format that cannot represent it (JSON).
    #[error("unknown values cannot be represented in json")]
    Unknown,
    /// The JSON type notation is malformed.
    #[error("invalid type notation: {0}")]
    Type(String),
    /// The input does not hold a value of the expected type.
    #[error("cannot decode {}: {message}", show_path(.path))]
    Decode {
        /// Attribute path of the offending value, empty for the root.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The value does not conform to the type it is encoded with.
    #[error("cannot encode {}: {message}", show_path(.path))]
    Encode {
        /// Attribute path of the offending value, empty for the root.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// Nesting exceeds [`MAX_DEPTH`].
    #[error("value or type is nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

fn show_path(path: &str) -> &str {
    if path.is_empty() { "value" } else { path }
}

pub use crate::model::schema::Type;

impl Type {
    /// Parses cty's JSON type notation from bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Type, CtyError> {
        let j: Json = serde_json::from_slice(bytes)
            .map_err(|e| CtyError::Type(format!("invalid json: {e}")))?;
        Self::from_json_value(&j)
    }

    /// Parses cty's JSON type notation from an already parsed JSON value.
    /// The optional-attribute list of object types is validated and ignored.
    pub fn from_json_value(j: &Json) -> Result<Type, CtyError> {
        type_from_json(j, 0)
    }

    /// Renders the type in cty's JSON type notation (objects without the
    /// optional-attribute list). Parts nested deeper than [`MAX_DEPTH`] are
    /// written as `"dynamic"`: this cannot fail, and such types cannot come
    /// from [`Type::from_json`].
    pub fn to_json(&self) -> Json {
        type_to_json(self, 0)
    }

    fn describe(&self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Number => "number",
            Type::Bool => "bool",
            Type::Dynamic => "dynamic value",
            Type::List(_) => "list",
            Type::Set(_) => "set",
            Type::Map(_) => "map",
            Type::Object(_) => "object",
            Type::Tuple(_) => "tuple",
        }
    }
}

fn type_from_json(j: &Json, depth: usize) -> Result<Type, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    let bad = |what: String| Err(CtyError::Type(what));
    let items = match j {
        Json::String(s) => match s.as_str() {
            "string" => return Ok(Type::String),
            "number" => return Ok(Type::Number),
            "bool" => return Ok(Type::Bool),
            "dynamic" => return Ok(Type::Dynamic),
            other => return bad(format!("unknown primitive type {other:?}")),
        },
        Json::Array(items) => items,
        _ => return bad("expected a type name or a [kind, ...] array".into()),
    };
    let Some((Json::String(kind), rest)) = items.split_first() else {
        return bad("a compound type must be an array starting with its kind".into());
    };
    let inner = |t: &Json| type_from_json(t, depth + 1).map(Box::new);
    match (kind.as_str(), rest) {
        ("list", [t]) => Ok(Type::List(inner(t)?)),
        ("set", [t]) => Ok(Type::Set(inner(t)?)),
        ("map", [t]) => Ok(Type::Map(inner(t)?)),
        ("object", [Json::Object(attrs), optional @ ..]) if optional.len() <= 1 => {
            let names = |o: &Json| o.as_array().is_some_and(|a| a.iter().all(Json::is_string));
            if !optional.iter().all(names) {
                return bad("optional attributes must be an array of names".into());
            }
            let mut out = BTreeMap::new();
            for (name, t) in attrs {
                out.insert(name.clone(), type_from_json(t, depth + 1)?);
            }
            Ok(Type::Object(out))
        }
        ("tuple", [Json::Array(elems)]) => {
            let elems = elems.iter().map(|t| type_from_json(t, depth + 1));
            Ok(Type::Tuple(elems.collect::<Result<_, _>>()?))
        }
        (kind, _) => bad(format!("malformed {kind:?} type")),
    }
}

fn type_to_json(t: &Type, depth: usize) -> Json {
    let name = |s: &str| Json::String(s.to_string());
    if depth > MAX_DEPTH {
        return name("dynamic");
    }
    let pair = |kind: &str, inner: Json| Json::Array(vec![name(kind), inner]);
    match t {
        Type::String => name("string"),
        Type::Number => name("number"),
        Type::Bool => name("bool"),
        Type::Dynamic => name("dynamic"),
        Type::List(e) => pair("list", type_to_json(e, depth + 1)),
        Type::Set(e) => pair("set", type_to_json(e, depth + 1)),
        Type::Map(e) => pair("map", type_to_json(e, depth + 1)),
        Type::Object(attrs) => {
            let attrs = attrs
                .iter()
                .map(|(k, t)| (k.clone(), type_to_json(t, depth + 1)));
            pair("object", Json::Object(attrs.collect()))
        }
        Type::Tuple(elems) => {
            let elems = elems.iter().map(|t| type_to_json(t, depth + 1));
            pair("tuple", Json::Array(elems.collect()))
        }
    }
}

/// A cty value. The type lives beside it, so containers are structural.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null of any type.
    Null,
    /// A value not known until apply.
    Unknown,
    /// A bool.
    Bool(bool),
    /// A number, in the canonical form described in the module docs.
    Number(Number),
    /// A string.
    String(String),
    /// The elements of a list, set or tuple.
    List(Vec<Value>),
    /// The entries of a map or the attributes of an object.
    Map(BTreeMap<String, Value>),
}

impl Value {
    /// Converts to plain JSON; fails on unknowns, which JSON cannot carry.
    pub fn to_json(&self) -> Result<Json, CtyError> {
        plain_to_json(self, false)
    }

    /// Converts to plain JSON with unknowns written as null, for display.
    /// A value nested deeper than [`MAX_DEPTH`] becomes null as a whole.
    pub fn to_json_lossy(&self) -> Json {
        plain_to_json(self, true).unwrap_or(Json::Null)
    }

    /// Builds a value from JSON structure alone (arrays become lists, objects
    /// maps, numbers are canonicalised). Input nested deeper than
    /// [`MAX_DEPTH`] yields null as a whole, since this cannot fail.
    pub fn from_plain_json(j: &Json) -> Value {
        plain_from_json(j, 0).unwrap_or(Value::Null)
    }

    fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
        }
    }
}

// The inferred type contains `dynamic` only at null and unknown leaves, which
// are never wrapped, so this yields exactly the plain JSON structure.
fn plain_to_json(v: &Value, lossy: bool) -> Result<Json, CtyError> {
    let tree = encode_tree(v, &infer_type(v, 0)?, &Path::Root, 0)?;
    tree_to_json(&tree, lossy, 0)
}

fn plain_from_json(j: &Json, depth: usize) -> Result<Value, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    Ok(match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(canonical(n)),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => {
            let items = items.iter().map(|j| plain_from_json(j, depth + 1));
            Value::List(items.collect::<Result<_, _>>()?)
        }
        Json::Object(m) => {
            let mut out = BTreeMap::new();
            for (k, j) in m {
                out.insert(k.clone(), plain_from_json(j, depth + 1)?);
            }
            Value::Map(out)
        }
    })
}

/// Builds the canonical number for `f`: an integer when `f` is integral and
/// fits `i64`/`u64`, otherwise a float. `None` for NaN and infinities.
pub fn number_from_f64(f: f64) -> Option<Number> {
    if !f.is_finite() {
        return None;
    }
    // The bounds are exact powers of two, so the casts cannot saturate.
    if f.fract() == 0.0 {
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
            return Some(Number::from(f as i64));
        }
        if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
            return Some(Number::from(f as u64));
        }
    }
    Number::from_f64(f)
}

fn canonical(n: &Number) -> Number {
    if let Some(u) = n.as_u64() {
        Number::from(u)
    } else if let Some(i) = n.as_i64() {
        Number::from(i)
    } else {
        n.as_f64()
            .and_then(number_from_f64)
            .unwrap_or_else(|| n.clone())
    }
}

// cty writes numbers that are neither exact int64 nor exact float64 as
// decimal strings, and Terraform accepts strings where numbers are expected.
fn parse_number_str(s: &str) -> Result<Number, String> {
    if let Ok(i) = s.parse::<i64>() {
        return Ok(Number::from(i));
    }
    if let Ok(u) = s.parse::<u64>() {
        return Ok(Number::from(u));
    }
    match s.parse::<f64>() {
        Ok(f) => number_from_f64(f).ok_or_else(|| format!("number {s:?} is not finite")),
        Err(_) => Err(format!("{s:?} is not a number")),
    }
}

// Infers the type a `dynamic` value is sent with. Nulls and unknowns become
// `dynamic` and lists become tuples, which keeps inference stable across a
// round trip: decoding yields exactly the value that was inferred from.
fn infer_type(v: &Value, depth: usize) -> Result<Type, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    Ok(match v {
        Value::Null | Value::Unknown => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(items) => {
            let types = items.iter().map(|v| infer_type(v, depth + 1));
            Type::Tuple(types.collect::<Result<_, _>>()?)
        }
        Value::Map(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                out.insert(k.clone(), infer_type(v, depth + 1)?);
            }
            Type::Object(out)
        }
    })
}

// Paths are a borrowed linked list so that building them costs nothing on
// the happy path; they are rendered only when an error is reported.
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    // Paths grow one segment per depth-checked level, so this recursion is
    // bounded by MAX_DEPTH too.
    fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Index(parent, i) => format!("{}[{i}]", parent.render()),
            Path::Key(parent, k) => {
                let parent = parent.render();
                let plain = k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                match (plain && !k.is_empty(), parent.is_empty()) {
                    (true, true) => k.to_string(),
                    (true, false) => format!("{parent}.{k}"),
                    (false, _) => format!("{parent}[{}]", Json::from(*k)),
                }
            }
        }
    }
}

fn dec_err(path: &Path<'_>, message: impl Into<String>) -> CtyError {
    CtyError::Decode {
        path: path.render(),
        message: message.into(),
    }
}

fn enc_err(path: &Path<'_>, message: impl Into<String>) -> CtyError {
    CtyError::Encode {
        path: path.render(),
        message: message.into(),
    }
}

fn raw_err(message: impl Into<String>) -> CtyError {
    dec_err(&Path::Root, message)
}

// Element types of a list, set or tuple holding `n` elements.
fn elem_types(t: &Type, n: usize) -> Result<Vec<&Type>, String> {
    match t {
        Type::List(e) | Type::Set(e) => Ok(vec![e.as_ref(); n]),
        Type::Tuple(ts) if ts.len() == n => Ok(ts.iter().collect()),
        _ => Err(format!("expected {}, got {n} elements", t.describe())),
    }
}

/// Encodes `v` as cty msgpack according to `t`.
pub fn encode_msgpack(v: &Value, t: &Type) -> Result<Vec<u8>, CtyError> {
    let tree = encode_tree(v, t, &Path::Root, 0)?;
    let mut out = Vec::new();
    write_mp(&mut out, &tree, 0)?;
    Ok(out)
}

/// Decodes cty msgpack according to `t`; the whole input must be one value.
pub fn decode_msgpack(bytes: &[u8], t: &Type) -> Result<Value, CtyError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let tree = parse_mp(&mut r, 0)?;
    if r.remaining() > 0 {
        return Err(raw_err(format!(
            "{} trailing bytes after the value",
            r.remaining()
        )));
    }
    decode_node(&tree, t, &Path::Root, 0)
}

/// Encodes `v` as cty JSON bytes according to `t`.
pub fn encode_json(v: &Value, t: &Type) -> Result<Vec<u8>, CtyError> {
    let j = to_json_value(v, t)?;
    serde_json::to_vec(&j).map_err(|e| enc_err(&Path::Root, format!("cannot write json: {e}")))
}

/// Decodes cty JSON bytes according to `t`.
pub fn decode_json(bytes: &[u8], t: &Type) -> Result<Value, CtyError> {
    let j: Json =
        serde_json::from_slice(bytes).map_err(|e| raw_err(format!("invalid json: {e}")))?;
    from_json_value(&j, t)
}

/// Converts a value to cty JSON according to `t`: plain JSON, except that
/// non-null `dynamic` values are wrapped as `{"value": ..., "type": ...}`.
pub fn to_json_value(v: &Value, t: &Type) -> Result<Json, CtyError> {
    tree_to_json(&encode_tree(v, t, &Path::Root, 0)?, false, 0)
}

/// Converts parsed cty JSON (e.g. a state attribute) to a value of type `t`.
pub fn from_json_value(j: &Json, t: &Type) -> Result<Value, CtyError> {
    decode_node(j, t, &Path::Root, 0)
}

// A typed value laid out for the wire. Encoding builds this once and each
// format writes it, so the typing rules live in one place; msgpack parsing
// produces it too (without `Dyn`, which arrives as a plain array).
enum Tree {
    Nil,
    Unknown,
    Bool(bool),
    Num(Number),
    Str(String),
    Bin(Vec<u8>),
    Array(Vec<Tree>),
    Map(Vec<(String, Tree)>),
    Dyn(Type, Box<Tree>),
}

fn encode_tree(v: &Value, t: &Type, path: &Path<'_>, depth: usize) -> Result<Tree, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    Ok(match (v, t) {
        (Value::Null, _) => Tree::Nil,
        (Value::Unknown, _) => Tree::Unknown,
        (_, Type::Dynamic) => {
            let concrete = infer_type(v, depth)?;
            let inner = encode_tree(v, &concrete, path, depth + 1)?;
            Tree::Dyn(concrete, Box::new(inner))
        }
        (Value::Bool(b), Type::Bool) => Tree::Bool(*b),
        (Value::Number(n), Type::Number) => Tree::Num(canonical(n)),
        (Value::String(s), Type::String) => Tree::Str(s.clone()),
        (Value::List(items), Type::List(_) | Type::Set(_) | Type::Tuple(_)) => {
            let types = elem_types(t, items.len()).map_err(|m| enc_err(path, m))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, et)) in items.iter().zip(types).enumerate() {
                out.push(encode_tree(item, et, &Path::Index(path, i), depth + 1)?);
            }
            Tree::Array(out)
        }
        (Value::Map(m), Type::Map(e)) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, item) in m {
                out.push((
                    k.clone(),
                    encode_tree(item, e, &Path::Key(path, k), depth + 1)?,
                ));
            }
            Tree::Map(out)
        }
        (Value::Map(m), Type::Object(attrs)) => {
            if let Some(k) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(enc_err(path, format!("unexpected attribute {k:?}")));
            }
            // cty always sends every attribute; absent ones are null.
            let mut out = Vec::with_capacity(attrs.len());
            for (k, at) in attrs {
                let item = m.get(k).unwrap_or(&Value::Null);
                out.push((
                    k.clone(),
                    encode_tree(item, at, &Path::Key(path, k), depth + 1)?,
                ));
            }
            Tree::Map(out)
        }
        _ => {
            let msg = format!("expected {}, got {}", t.describe(), v.describe());
            return Err(enc_err(path, msg));
        }
    })
}

// Trees come from encode_tree, whose depth check already bounds them; the
// check here is a backstop.
fn tree_to_json(tree: &Tree, lossy: bool, depth: usize) -> Result<Json, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    Ok(match tree {
        Tree::Nil => Json::Null,
        Tree::Unknown if lossy => Json::Null,
        Tree::Unknown => return Err(CtyError::Unknown),
        Tree::Bool(b) => Json::Bool(*b),
        Tree::Num(n) => Json::Number(n.clone()),
        Tree::Str(s) => Json::String(s.clone()),
        Tree::Bin(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
        Tree::Array(items) => {
            let items = items.iter().map(|t| tree_to_json(t, lossy, depth + 1));
            Json::Array(items.collect::<Result<_, _>>()?)
        }
        Tree::Map(entries) => {
            let mut out = JsonMap::new();
            for (k, t) in entries {
                out.insert(k.clone(), tree_to_json(t, lossy, depth + 1)?);
            }
            Json::Object(out)
        }
        Tree::Dyn(t, inner) => {
            let mut out = JsonMap::new();
            out.insert("value".into(), tree_to_json(inner, lossy, depth + 1)?);
            out.insert("type".into(), t.to_json());
            Json::Object(out)
        }
    })
}

// A format-neutral view of one node of parsed input.
enum Node<'a, W> {
    Null,
    Unknown,
    Bool(bool),
    Num(Number),
    Str(&'a str),
    Array(&'a [W]),
    Map(Vec<(&'a str, &'a W)>),
}

impl<W> Node<'_, W> {
    fn describe(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Unknown => "unknown",
            Node::Bool(_) => "bool",
            Node::Num(_) => "number",
            Node::Str(_) => "string",
            Node::Array(_) => "array",
            Node::Map(_) => "map",
        }
    }
}

// How a `dynamic` value was found on the wire.
enum Dyn<'a, W> {
    Typed(Type, &'a W),
    Plain(Value),
}

// A parsed wire tree that the type-directed decoder can walk.
trait Wire: Sized {
    // JSON accepts strings for bools and scalars for strings; msgpack does not.
    const LENIENT: bool;
    fn view(&self) -> Result<Node<'_, Self>, String>;
    fn dynamic(&self, path: &Path<'_>, depth: usize) -> Result<Dyn<'_, Self>, CtyError>;
}

fn decode_node<W: Wire>(w: &W, t: &Type, path: &Path<'_>, depth: usize) -> Result<Value, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    let node = w.view().map_err(|m| dec_err(path, m))?;
    Ok(match (t, node) {
        (_, Node::Null) => Value::Null,
        (_, Node::Unknown) => Value::Unknown,
        (Type::Dynamic, _) => match w.dynamic(path, depth)? {
            Dyn::Typed(concrete, inner) => decode_node(inner, &concrete, path, depth + 1)?,
            Dyn::Plain(v) => v,
        },
        (Type::Bool, Node::Bool(b)) => Value::Bool(b),
        (Type::Bool, Node::Str(s)) if W::LENIENT && (s == "true" || s == "false") => {
            Value::Bool(s == "true")
        }
        (Type::Number, Node::Num(n)) => Value::Number(canonical(&n)),
        (Type::Number, Node::Str(s)) => {
            Value::Number(parse_number_str(s).map_err(|m| dec_err(path, m))?)
        }
        (Type::String, Node::Str(s)) => Value::String(s.to_string()),
        (Type::String, Node::Num(n)) if W::LENIENT => Value::String(canonical(&n).to_string()),
        (Type::String, Node::Bool(b)) if W::LENIENT => Value::String(b.to_string()),
        (Type::List(_) | Type::Set(_) | Type::Tuple(_), Node::Array(items)) => {
            let types = elem_types(t, items.len()).map_err(|m| dec_err(path, m))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, et)) in items.iter().zip(types).enumerate() {
                out.push(decode_node(item, et, &Path::Index(path, i), depth + 1)?);
            }
            Value::List(out)
        }
        (Type::Map(_) | Type::Object(_), Node::Map(entries)) => {
            let mut out = BTreeMap::new();
            for (k, item) in entries {
                let at = match t {
                    Type::Map(e) => Some(e.as_ref()),
                    Type::Object(attrs) => attrs.get(k),
                    _ => None,
                };
                let Some(at) = at else {
                    return Err(dec_err(path, format!("unexpected attribute {k:?}")));
                };
                let child = Path::Key(path, k);
                if out
                    .insert(k.to_string(), decode_node(item, at, &child, depth + 1)?)
                    .is_some()
                {
                    return Err(dec_err(&child, "duplicate key"));
                }
            }
            if let Type::Object(attrs) = t {
                for name in attrs.keys() {
                    out.entry(name.clone()).or_insert(Value::Null);
                }
            }
            Value::Map(out)
        }
        (t, node) => {
            let msg = format!("expected {}, got {}", t.describe(), node.describe());
            return Err(dec_err(path, msg));
        }
    })
}

impl Wire for Json {
    const LENIENT: bool = true;

    fn view(&self) -> Result<Node<'_, Self>, String> {
        Ok(match self {
            Json::Null => Node::Null,
            Json::Bool(b) => Node::Bool(*b),
            Json::Number(n) => Node::Num(n.clone()),
            Json::String(s) => Node::Str(s),
            Json::Array(items) => Node::Array(items),
            Json::Object(m) => Node::Map(m.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        })
    }

    fn dynamic(&self, _: &Path<'_>, depth: usize) -> Result<Dyn<'_, Self>, CtyError> {
        // The wrapper is recognised only when it is exactly {value, type}
        // with a valid type; anything else is a hand-written plain value.
        if let Json::Object(o) = self
            && o.len() == 2
            && let (Some(tj), Some(vj)) = (o.get("type"), o.get("value"))
            && let Ok(t) = Type::from_json_value(tj)
        {
            return Ok(Dyn::Typed(t, vj));
        }
        Ok(Dyn::Plain(plain_from_json(self, depth)?))
    }
}

impl Wire for Tree {
    const LENIENT: bool = false;

    fn view(&self) -> Result<Node<'_, Self>, String> {
        Ok(match self {
            Tree::Nil => Node::Null,
            Tree::Unknown => Node::Unknown,
            Tree::Bool(b) => Node::Bool(*b),
            Tree::Num(n) => Node::Num(n.clone()),
            Tree::Str(s) => Node::Str(s),
            Tree::Bin(b) => Node::Str(std::str::from_utf8(b).map_err(|_| "binary is not utf-8")?),
            Tree::Array(items) => Node::Array(items),
            Tree::Map(m) => Node::Map(m.iter().map(|(k, v)| (k.as_str(), v)).collect()),
            Tree::Dyn(..) => return Err("unexpected typed node".into()),
        })
    }

    fn dynamic(&self, path: &Path<'_>, _: usize) -> Result<Dyn<'_, Self>, CtyError> {
        let pair = match self {
            Tree::Array(items) => items.as_slice(),
            _ => &[],
        };
        let (type_bytes, inner) = match pair {
            [Tree::Bin(b), inner] => (b.as_slice(), inner),
            [Tree::Str(s), inner] => (s.as_bytes(), inner),
            _ => {
                return Err(dec_err(
                    path,
                    "expected [type, value] array for dynamic value",
                ));
            }
        };
        match Type::from_json(type_bytes) {
            Ok(t) => Ok(Dyn::Typed(t, inner)),
            Err(CtyError::TooDeep) => Err(CtyError::TooDeep),
            Err(e) => Err(dec_err(path, format!("bad dynamic type: {e}"))),
        }
    }
}

// Writing into a Vec cannot fail, but rmp's signatures say it can.
fn wr<T, E: Display>(res: Result<T, E>) -> Result<(), CtyError> {
    res.map(|_| ())
        .map_err(|e| enc_err(&Path::Root, format!("msgpack write failed: {e}")))
}

fn len32(n: usize) -> Result<u32, CtyError> {
    u32::try_from(n).map_err(|_| enc_err(&Path::Root, "too long for msgpack"))
}

// rmp's write_str/write_bin truncate lengths above u32, so check first.
fn write_bytes(out: &mut Vec<u8>, b: &[u8], bin: bool) -> Result<(), CtyError> {
    let n = len32(b.len())?;
    if bin {
        wr(rmp::encode::write_bin_len(out, n))?;
    } else {
        wr(rmp::encode::write_str_len(out, n))?;
    }
    out.extend_from_slice(b);
    Ok(())
}

fn write_mp(out: &mut Vec<u8>, tree: &Tree, depth: usize) -> Result<(), CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    match tree {
        Tree::Nil => wr(rmp::encode::write_nil(out)),
        Tree::Unknown => {
            wr(rmp::encode::write_ext_meta(out, 1, EXT_UNKNOWN))?;
            out.push(0);
            Ok(())
        }
        Tree::Bool(b) => wr(rmp::encode::write_bool(out, *b)),
        // write_uint/write_sint pick the smallest encoding, as cty does.
        Tree::Num(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => wr(rmp::encode::write_uint(out, u)),
            (None, Some(i), _) => wr(rmp::encode::write_sint(out, i)),
            (None, None, Some(f)) => wr(rmp::encode::write_f64(out, f)),
            _ => Err(enc_err(&Path::Root, format!("unrepresentable number {n}"))),
        },
        Tree::Str(s) => write_bytes(out, s.as_bytes(), false),
        Tree::Bin(b) => write_bytes(out, b, true),
        Tree::Array(items) => {
            wr(rmp::encode::write_array_len(out, len32(items.len())?))?;
            items
                .iter()
                .try_for_each(|item| write_mp(out, item, depth + 1))
        }
        Tree::Map(entries) => {
            wr(rmp::encode::write_map_len(out, len32(entries.len())?))?;
            for (k, item) in entries {
                write_bytes(out, k.as_bytes(), false)?;
                write_mp(out, item, depth + 1)?;
            }
            Ok(())
        }
        Tree::Dyn(t, inner) => {
            let type_json = serde_json::to_vec(&t.to_json())
                .map_err(|e| enc_err(&Path::Root, format!("cannot write type: {e}")))?;
            wr(rmp::encode::write_array_len(out, 2))?;
            write_bytes(out, &type_json, true)?;
            write_mp(out, inner, depth + 1)
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CtyError> {
        let end = self.pos.checked_add(n);
        let slice = end.and_then(|end| self.buf.get(self.pos..end));
        let slice = slice.ok_or_else(|| raw_err("unexpected end of msgpack input"))?;
        self.pos += n;
        Ok(slice)
    }

    // Reads an n-byte big-endian unsigned integer (n <= 8).
    fn be(&mut self, n: usize) -> Result<u64, CtyError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn len(&mut self, n: usize) -> Result<usize, CtyError> {
        usize::try_from(self.be(n)?).map_err(|_| raw_err("msgpack length too large"))
    }
}

enum Kind {
    Str,
    Bin,
    Array,
    Map,
    Ext,
}

// Markers are matched by family (see the msgpack spec): within a family the
// width of the length or integer field doubles with each marker. The `as`
// casts reinterpret exactly as many bytes as were read.
fn parse_mp(r: &mut Reader<'_>, depth: usize) -> Result<Tree, CtyError> {
    if depth > MAX_DEPTH {
        return Err(CtyError::TooDeep);
    }
    let float = |f: f64| {
        number_from_f64(f)
            .map(Tree::Num)
            .ok_or_else(|| raw_err("non-finite number"))
    };
    let b = r.be(1)? as u8;
    let (kind, n) = match b {
        0x00..=0x7f => return Ok(Tree::Num(b.into())),
        0xe0..=0xff => return Ok(Tree::Num((b as i8).into())),
        0xc0 => return Ok(Tree::Nil),
        0xc2 | 0xc3 => return Ok(Tree::Bool(b == 0xc3)),
        0xcc..=0xcf => return Ok(Tree::Num(r.be(1 << (b - 0xcc))?.into())),
        0xd0..=0xd3 => {
            // Shift the field to the top and back to sign-extend it.
            let shift = 64 - (8 << (b - 0xd0));
            return Ok(Tree::Num(
                (((r.be(1 << (b - 0xd0))? << shift) as i64) >> shift).into(),
            ));
        }
        0xca => return float(f64::from(f32::from_bits(r.be(4)? as u32))),
        0xcb => return float(f64::from_bits(r.be(8)?)),
        0xa0..=0xbf => (Kind::Str, usize::from(b & 0x1f)),
        0xd9..=0xdb => (Kind::Str, r.len(1 << (b - 0xd9))?),
        0xc4..=0xc6 => (Kind::Bin, r.len(1 << (b - 0xc4))?),
        0x90..=0x9f => (Kind::Array, usize::from(b & 0x0f)),
        0xdc | 0xdd => (Kind::Array, r.len(2 << (b - 0xdc))?),
        0x80..=0x8f => (Kind::Map, usize::from(b & 0x0f)),
        0xde | 0xdf => (Kind::Map, r.len(2 << (b - 0xde))?),
        0xd4..=0xd8 => (Kind::Ext, 1 << (b - 0xd4)),
        0xc7..=0xc9 => (Kind::Ext, r.len(1 << (b - 0xc7))?),
        _ => return Err(raw_err(format!("invalid msgpack marker {b:#04x}"))),
    };
    let utf8 = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| raw_err("string is not utf-8"));
    // Each element takes at least one byte, which bounds untrusted lengths.
    let cap = n.min(r.remaining());
    Ok(match kind {
        Kind::Str => Tree::Str(utf8(r.take(n)?)?),
        Kind::Bin => Tree::Bin(r.take(n)?.to_vec()),
        Kind::Array => {
            let mut items = Vec::with_capacity(cap);
            for _ in 0..n {
                items.push(parse_mp(r, depth + 1)?);
            }
            Tree::Array(items)
        }
        Kind::Map => {
            let mut entries = Vec::with_capacity(cap);
            for _ in 0..n {
                let key = match parse_mp(r, depth + 1)? {
                    Tree::Str(s) => s,
                    Tree::Bin(b) => utf8(&b)?,
                    _ => return Err(raw_err("msgpack map keys must be strings")),
                };
                entries.push((key, parse_mp(r, depth + 1)?));
            }
            Tree::Map(entries)
        }
        Kind::Ext => {
            let ty = r.be(1)? as u8 as i8;
            r.take(n)?;
            if ty != EXT_UNKNOWN && ty != EXT_REFINED_UNKNOWN {
                return Err(raw_err(format!("unsupported msgpack extension type {ty}")));
            }
            Tree::Unknown
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;
    use proptest::strategy::Union;
    use serde_json::json;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn n(x: i64) -> Value {
        Value::Number(x.into())
    }
    fn f(x: f64) -> Value {
        Value::Number(number_from_f64(x).unwrap())
    }
    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    fn ty(j: &str) -> Type {
        Type::from_json(j.as_bytes()).unwrap()
    }
    // Test vectors are written as hex with `"..."` standing for a fixstr.
    fn mp(spec: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, part) in spec.split('\'').enumerate() {
            if i % 2 == 1 {
                out.push(0xa0 | part.len() as u8);
                out.extend(part.as_bytes());
                continue;
            }
            let digits: Vec<char> = part.chars().filter(|c| !c.is_whitespace()).collect();
            for pair in digits.chunks(2) {
                let pair: String = pair.iter().collect();
                out.push(u8::from_str_radix(&pair, 16).unwrap());
            }
        }
        out
    }
    fn decode_err(bytes: &[u8], t: &Type) -> String {
        decode_msgpack(bytes, t).unwrap_err().to_string()
    }

    #[test]
    fn object_vector_is_byte_exact() {
        let t = ty(r#"["object",{"id":"string","n":"number","ok":"bool",
            "tags":["map","string"],"l":["list","string"]}]"#);
        let tags = obj(&[("a", s("b"))]);
        let v = obj(&[
            ("id", s("i-1")),
            ("n", n(5)),
            ("ok", Value::Bool(true)),
            ("tags", tags),
        ]);
        // Keys sorted, and the absent `l` written as nil.
        let want = mp("85 'id' 'i-1' 'l' c0 'n' 05 'ok' c3 'tags' 81 'a' 'b'");
        assert_eq!(encode_msgpack(&v, &t).unwrap(), want);
        let Value::Map(mut m) = v else { unreachable!() };
        m.insert("l".into(), Value::Null);
        assert_eq!(decode_msgpack(&want, &t).unwrap(), Value::Map(m));
        for i in 0..want.len() {
            assert!(
                decode_msgpack(&want[..i], &t).is_err(),
                "prefix {i} decoded"
            );
        }
        let trailing = decode_err(&[&want[..], &[0xc0]].concat(), &t);
        assert_eq!(
            trailing,
            "cannot decode value: 1 trailing bytes after the value"
        );
    }

    #[test]
    fn unknown_and_dynamic_vectors() {
        assert_eq!(
            encode_msgpack(&Value::Unknown, &Type::String).unwrap(),
            mp("d4 00 00")
        );
        assert_eq!(
            encode_msgpack(&Value::Unknown, &Type::Dynamic).unwrap(),
            mp("d4 00 00")
        );
        assert_eq!(
            encode_msgpack(&Value::Null, &Type::Dynamic).unwrap(),
            mp("c0")
        );
        let want = mp("92 c4 08 22737472696e6722 'x'"); // [bin("\"string\""), "x"]
        assert_eq!(encode_msgpack(&s("x"), &Type::Dynamic).unwrap(), want);
        assert_eq!(decode_msgpack(&want, &Type::Dynamic).unwrap(), s("x"));
        let as_str = mp(r#"92 '"string"' 'x'"#);
        assert_eq!(decode_msgpack(&as_str, &Type::Dynamic).unwrap(), s("x"));
        let header = br#"["tuple",["number","dynamic"]]"#;
        let want = [
            &[0x92, 0xc4, header.len() as u8][..],
            header,
            &mp("92 01 c0"),
        ]
        .concat();
        let v = Value::List(vec![n(1), Value::Null]);
        assert_eq!(encode_msgpack(&v, &Type::Dynamic).unwrap(), want);
        assert_eq!(decode_msgpack(&want, &Type::Dynamic).unwrap(), v);
        assert!(decode_msgpack(&mp("'x'"), &Type::Dynamic).is_err());
    }

    #[test]
    fn numbers_use_smallest_encoding() {
        let cases = [
            (n(0), "00"),
            (n(127), "7f"),
            (n(128), "cc 80"),
            (n(256), "cd 0100"),
            (n(70000), "ce 00011170"),
            (n(1 << 40), "cf 0000010000000000"),
            (n(-1), "ff"),
            (n(-33), "d0 df"),
            (n(-200), "d1 ff38"),
            (n(-40000), "d2 ffff63c0"),
            (n(i64::MIN), "d3 8000000000000000"),
            (f(1.5), "cb 3ff8000000000000"),
            (f(2.0), "02"),
        ];
        for (v, hex) in cases {
            assert_eq!(encode_msgpack(&v, &Type::Number).unwrap(), mp(hex), "{v:?}");
            assert_eq!(decode_msgpack(&mp(hex), &Type::Number).unwrap(), v);
        }
        // A float-typed Number with an integral value is written as an int.
        let raw = Value::Number(Number::from_f64(3.0).unwrap());
        assert_eq!(encode_msgpack(&raw, &Type::Number).unwrap(), mp("03"));
    }

    #[test]
    fn decodes_every_number_form() {
        let cases = [
            ("05", n(5)),
            ("e0", n(-32)),
            ("cc ff", n(255)),
            ("cd 0100", n(256)),
            ("ce ffffffff", n(u32::MAX.into())),
            ("cf ffffffffffffffff", Value::Number(u64::MAX.into())),
            ("d0 80", n(-128)),
            ("d0 05", n(5)),
            ("d1 8000", n(-32768)),
            ("d2 80000000", n(i32::MIN.into())),
            ("d3 8000000000000000", n(i64::MIN)),
            ("d3 0000000000000005", n(5)),
            ("ca 3fc00000", f(1.5)),
            ("ca 40000000", n(2)),
            ("cb 3fb999999999999a", f(0.1)),
            ("'-7'", n(-7)),
            ("'0.25'", f(0.25)),
            ("'12345678901234567890123'", f(1.2345678901234568e22)),
        ];
        for (hex, want) in cases {
            assert_eq!(
                decode_msgpack(&mp(hex), &Type::Number).unwrap(),
                want,
                "{hex}"
            );
        }
        let five = decode_msgpack(&mp("05"), &Type::Number);
        assert!(matches!(five, Ok(Value::Number(x)) if x.is_u64()));
        for bad in [
            "'inf'",
            "'-inf'",
            "'NaN'",
            "'1e400'",
            "'abc'",
            "''",
            "cb 7ff8000000000000",
        ] {
            assert!(decode_msgpack(&mp(bad), &Type::Number).is_err(), "{bad}");
        }
    }

    #[test]
    fn decodes_unknown_extensions() {
        for hex in [
            "d4 00 00",
            "c7 03 00 010203",
            "d6 00 01020304",
            "d4 0c 00",
            "c7 02 0c 0909",
        ] {
            assert_eq!(
                decode_msgpack(&mp(hex), &Type::Bool).unwrap(),
                Value::Unknown,
                "{hex}"
            );
        }
        assert!(decode_msgpack(&mp("d4 05 00"), &Type::Bool).is_err());
        assert!(decode_msgpack(&mp("c7 05 00 01"), &Type::Bool).is_err());
    }

    #[test]
    fn decode_errors_say_what_was_expected() {
        let t = ty(r#"["object",{"id":"string","tags":["map","string"]}]"#);
        let v = decode_msgpack(&mp("81 'id' 'i-1'"), &t).unwrap();
        assert_eq!(v, obj(&[("id", s("i-1")), ("tags", Value::Null)]));
        let err = decode_err(&mp("81 'foo' c0"), &t);
        assert_eq!(err, "cannot decode value: unexpected attribute \"foo\"");
        let err = decode_err(&mp("81 'tags' 81 'Name' c3"), &t);
        assert_eq!(err, "cannot decode tags.Name: expected string, got bool");
        assert_eq!(
            decode_err(&mp("'true'"), &Type::Bool),
            "cannot decode value: expected bool, got string"
        );
        let err = decode_err(&mp("92 01 02"), &Type::Tuple(vec![Type::Number]));
        assert_eq!(err, "cannot decode value: expected tuple, got 2 elements");
        assert!(decode_msgpack(&mp("c1"), &Type::Bool).is_err());
        assert!(decode_msgpack(&mp("c4 01 ff"), &Type::String).is_err()); // bin, not utf-8
        assert_eq!(
            decode_msgpack(&mp("c4 01 61"), &Type::String).unwrap(),
            s("a")
        );
    }

    #[test]
    fn paths_point_into_nested_values() {
        let t =
            ty(r#"["object",{"ingress":["list",["object",{"cidr_blocks":["list","string"]}]]}]"#);
        let rules = vec![obj(&[]), obj(&[]), obj(&[("cidr_blocks", s("x"))])];
        let v = obj(&[("ingress", Value::List(rules))]);
        let err = encode_msgpack(&v, &t).unwrap_err().to_string();
        assert_eq!(
            err,
            "cannot encode ingress[2].cidr_blocks: expected list, got string"
        );
        let err = decode_json(br#"{"ingress":[{},{},{"cidr_blocks":"x"}]}"#, &t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot decode ingress[2].cidr_blocks: expected list, got string"
        );
        let err = decode_json(br#"{"a b":1}"#, &Type::Map(Box::new(Type::Bool))).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"cannot decode ["a b"]: expected bool, got number"#
        );
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let deep_type = |levels| (0..levels).fold(Type::String, |t, _| Type::List(Box::new(t)));
        let deep_bytes = |levels| [vec![0x91; levels], mp("'x'")].concat();
        assert!(decode_msgpack(&deep_bytes(60), &deep_type(60)).is_ok());
        let too_deep = decode_msgpack(&deep_bytes(100), &deep_type(100));
        assert!(matches!(too_deep, Err(CtyError::TooDeep)));
        let raw = decode_msgpack(&vec![0x91; 100_000], &Type::Dynamic);
        assert!(matches!(raw, Err(CtyError::TooDeep)));
        let json_type = format!("{}\"string\"{}", "[\"list\",".repeat(100), "]".repeat(100));
        assert!(matches!(
            Type::from_json(json_type.as_bytes()),
            Err(CtyError::TooDeep)
        ));
        let len = (json_type.len() as u16).to_be_bytes();
        let bytes = [&[0x92, 0xda][..], &len, json_type.as_bytes(), &[0xc0]].concat();
        assert!(matches!(
            decode_msgpack(&bytes, &Type::Dynamic),
            Err(CtyError::TooDeep)
        ));
        let arrays = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let json = decode_json(arrays.as_bytes(), &Type::Dynamic);
        assert!(matches!(json, Err(CtyError::TooDeep)));
        let v = (0..100).fold(Value::Null, |v, _| Value::List(vec![v]));
        assert!(matches!(v.to_json(), Err(CtyError::TooDeep)));
        assert!(matches!(
            encode_msgpack(&v, &Type::Dynamic),
            Err(CtyError::TooDeep)
        ));
    }

    #[test]
    fn type_notation_round_trips() {
        let t = ty(r#"["object",{"a":["list","string"],"b":["set","number"],
            "c":["map","bool"],"d":["tuple",["dynamic","string"]],"e":["object",{}]}]"#);
        assert_eq!(Type::from_json_value(&t.to_json()).unwrap(), t);
        let with_optional = ty(r#"["object",{"a":"string"},["a"]]"#);
        assert_eq!(with_optional.to_json(), json!(["object", {"a": "string"}]));
        let bad = [
            r#""strng""#,
            r#"["list"]"#,
            r#"["list","string","x"]"#,
            r#"["object",{},"a"]"#,
        ];
        for b in bad.into_iter().chain([r#"["tuple","string"]"#, "5", "["]) {
            assert!(
                matches!(Type::from_json(b.as_bytes()), Err(CtyError::Type(_))),
                "{b}"
            );
        }
    }

    #[test]
    fn json_conversions_follow_cty() {
        let t = ty(
            r#"["object",{"n":"number","b":"bool","s":"string","s2":"string",
            "d":"dynamic","d2":"dynamic","m":["map","number"]}]"#,
        );
        let j = br#"{"n":"12","b":"true","s":5,"s2":false,
            "d":{"value":["a"],"type":["list","string"]},"d2":{"x":[1.0,null]}}"#;
        let want = obj(&[
            ("n", n(12)),
            ("b", Value::Bool(true)),
            ("s", s("5")),
            ("s2", s("false")),
            ("d", Value::List(vec![s("a")])),
            ("d2", obj(&[("x", Value::List(vec![n(1), Value::Null]))])),
            ("m", Value::Null),
        ]);
        assert_eq!(decode_json(j, &t).unwrap(), want);
        let out = to_json_value(&want, &t).unwrap();
        assert_eq!(
            out["d"],
            json!({"value": ["a"], "type": ["tuple", ["string"]]})
        );
        assert_eq!((&out["n"], &out["m"]), (&json!(12), &json!(null)));
        assert_eq!(
            decode_json(&encode_json(&want, &t).unwrap(), &t).unwrap(),
            want
        );
        assert!(decode_json(br#"{"zz":1}"#, &t).is_err());
        assert!(decode_json(br#"{"b":"yes"}"#, &t).is_err());
        assert!(matches!(
            encode_json(&Value::Unknown, &t),
            Err(CtyError::Unknown)
        ));
    }

    #[test]
    fn plain_json_helpers() {
        let v = Value::from_plain_json(&json!({"a": [1, 2.0, "x", null, true], "b": {}}));
        let list = Value::List(vec![n(1), n(2), s("x"), Value::Null, Value::Bool(true)]);
        assert_eq!(v, obj(&[("a", list), ("b", obj(&[]))]));
        assert_eq!(
            v.to_json().unwrap(),
            json!({"a": [1, 2, "x", null, true], "b": {}})
        );
        let u = Value::List(vec![Value::Unknown, n(3)]);
        assert!(matches!(u.to_json(), Err(CtyError::Unknown)));
        assert_eq!(u.to_json_lossy(), json!([null, 3]));
    }

    fn arb_type() -> impl Strategy<Value = Type> {
        let leaf = prop_oneof![
            Just(Type::String),
            Just(Type::Number),
            Just(Type::Bool),
            Just(Type::Dynamic)
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| Type::List(Box::new(t))),
                inner.clone().prop_map(|t| Type::Set(Box::new(t))),
                inner.clone().prop_map(|t| Type::Map(Box::new(t))),
                btree_map(key(), inner.clone(), 0..4).prop_map(Type::Object),
                vec(inner, 0..4).prop_map(Type::Tuple),
            ]
        })
    }

    fn key() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a", "id", "Name", "x y", "é", "value", "type"])
            .prop_map(String::from)
    }

    fn text() -> impl Strategy<Value = String> {
        vec(any::<char>(), 0..6).prop_map(|c| c.into_iter().collect())
    }

    // msgpack carries every finite f64 exactly. serde_json's default float
    // parser (no `float_roundtrip` feature) may be off by an ulp for long
    // mantissas, so JSON gets short decimals, which it parses exactly.
    fn number(msgpack: bool) -> BoxedStrategy<Value> {
        let floats = if msgpack {
            any::<f64>()
                .prop_filter_map("finite", number_from_f64)
                .boxed()
        } else {
            (-999_999_999i64..1_000_000_000, -8i32..=8)
                .prop_filter_map("finite", |(m, e)| {
                    format!("{m}e{e}").parse().ok().and_then(number_from_f64)
                })
                .boxed()
        };
        let ints = any::<i64>().prop_map(Number::from);
        prop_oneof![ints, any::<u64>().prop_map(Number::from), floats]
            .prop_map(Value::Number)
            .boxed()
    }

    // Any structural value is stable under dynamic inference (lists infer as
    // tuples, nulls and unknowns as `dynamic`), so nothing is excluded here.
    fn dyn_value(msgpack: bool) -> BoxedStrategy<Value> {
        let mut leaves = vec![
            Just(Value::Null).boxed(),
            any::<bool>().prop_map(Value::Bool).boxed(),
            number(msgpack),
            text().prop_map(Value::String).boxed(),
        ];
        if msgpack {
            leaves.push(Just(Value::Unknown).boxed());
        }
        Union::new(leaves)
            .prop_recursive(3, 16, 4, |inner| {
                prop_oneof![
                    vec(inner.clone(), 0..4).prop_map(Value::List),
                    btree_map(key(), inner, 0..4).prop_map(Value::Map),
                ]
            })
            .boxed()
    }

    fn value_of(t: &Type, msgpack: bool) -> BoxedStrategy<Value> {
        let known = match t {
            Type::Dynamic => return dyn_value(msgpack),
            Type::String => text().prop_map(Value::String).boxed(),
            Type::Number => number(msgpack),
            Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
            Type::List(e) | Type::Set(e) => vec(value_of(e, msgpack), 0..4)
                .prop_map(Value::List)
                .boxed(),
            Type::Map(e) => btree_map(key(), value_of(e, msgpack), 0..4)
                .prop_map(Value::Map)
                .boxed(),
            Type::Object(attrs) => {
                let names: Vec<String> = attrs.keys().cloned().collect();
                let values: Vec<_> = attrs.values().map(|a| value_of(a, msgpack)).collect();
                values
                    .prop_map(move |vs| Value::Map(names.iter().cloned().zip(vs).collect()))
                    .boxed()
            }
            Type::Tuple(ts) => {
                let values: Vec<_> = ts.iter().map(|e| value_of(e, msgpack)).collect();
                values.prop_map(Value::List).boxed()
            }
        };
        let mut options = vec![(1, Just(Value::Null).boxed()), (6, known)];
        if msgpack {
            options.push((1, Just(Value::Unknown).boxed()));
        }
        Union::new_weighted(options).boxed()
    }

    fn typed_value(msgpack: bool) -> impl Strategy<Value = (Type, Value)> {
        arb_type().prop_flat_map(move |t| (Just(t.clone()), value_of(&t, msgpack)))
    }

    proptest! {
        #[test]
        fn msgpack_round_trips((t, v) in typed_value(true)) {
            let bytes = encode_msgpack(&v, &t).unwrap();
            prop_assert_eq!(decode_msgpack(&bytes, &t).unwrap(), v);
        }

        #[test]
        fn json_round_trips((t, v) in typed_value(false)) {
            let bytes = encode_json(&v, &t).unwrap();
            prop_assert_eq!(&decode_json(&bytes, &t).unwrap(), &v);
            let bytes = encode_msgpack(&v, &t).unwrap();
            prop_assert_eq!(decode_msgpack(&bytes, &t).unwrap(), v);
        }

        #[test]
        fn decoders_never_panic(bytes in any::<Vec<u8>>()) {
            let types = [
                Type::Dynamic,
                Type::String,
                Type::Number,
                ty(r#"["object",{"a":["list","dynamic"],"b":["map","number"]}]"#),
                ty(r#"["tuple",["bool",["set","string"]]]"#),
            ];
            for t in &types {
                let _ = decode_msgpack(&bytes, t);
                let _ = decode_json(&bytes, t);
            }
        }

        #[test]
        fn corrupted_encodings_never_panic(
            (t, v) in typed_value(true), at in any::<prop::sample::Index>(), byte in any::<u8>()
        ) {
            let mut bytes = encode_msgpack(&v, &t).unwrap();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            let _ = decode_msgpack(&bytes, &t);
            let _ = decode_msgpack(&bytes[..i], &t);
        }
    }
}
