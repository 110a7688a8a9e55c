//! A resource's attribute values, kept compact until someone reads them.
//!
//! Large states and snapshots hold hundreds of thousands of resources whose attributes are
//! compared once and then mostly never looked at again. A `serde_json::Map` per resource costs
//! several kilobytes (every object is a B-tree node of 11 slots, every key and string its own
//! allocation), so the bulk readers keep each resource's attributes as the JSON text they were
//! read from (a few hundred bytes) and the diff parses them pair by pair. Resources
//! built by code (the AWS lister, the provider reads) start parsed; a write parses raw text in
//! place.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Attribute values in the provider's state shape: `{"id": "i-1", "tags": {...}, ...}`.
#[derive(Clone, Default)]
pub struct Attributes(Repr);

#[derive(Clone)]
enum Repr {
    Parsed(Map<String, Value>),
    /// JSON text of an object; only `Attributes::from_json_object_text` and the deserializer
    /// build it, after checking it is one.
    Raw(Box<str>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Parsed(Map::new())
    }
}

impl Attributes {
    /// Wraps JSON text the caller has already checked to be one valid object (the state reader
    /// assembles it from validated members).
    pub(crate) fn from_json_object_text(text: impl Into<Box<str>>) -> Attributes {
        let text = text.into();
        debug_assert!(text.trim_start().starts_with('{'), "an object: {text}");
        Attributes(Repr::Raw(text))
    }

    /// The JSON text the values are held as, if they are (not parsed yet).
    pub(crate) fn raw_text(&self) -> Option<&str> {
        match &self.0 {
            Repr::Raw(text) => Some(text),
            Repr::Parsed(_) => None,
        }
    }

    /// The values, parsed if they are held as text (a copy then: keep it while you need it).
    pub fn map(&self) -> Cow<'_, Map<String, Value>> {
        match &self.0 {
            Repr::Parsed(m) => Cow::Borrowed(m),
            Repr::Raw(text) => Cow::Owned(parse(text)),
        }
    }

    /// One value, parsed if needed (only that value: the others are skipped as text).
    pub fn get(&self, key: &str) -> Option<Cow<'_, Value>> {
        self.members().get(key)
    }

    /// The values for writing; text is parsed in place first.
    pub fn make_mut(&mut self) -> &mut Map<String, Value> {
        if let Repr::Raw(text) = &self.0 {
            self.0 = Repr::Parsed(parse(text));
        }
        match &mut self.0 {
            Repr::Parsed(m) => m,
            Repr::Raw(_) => unreachable!("parsed just above"),
        }
    }

    /// The top-level members, for reading a few of them: text-held attributes are split into
    /// members without parsing their values, so equal texts can be compared as they are.
    pub fn members(&self) -> Members<'_> {
        match &self.0 {
            Repr::Parsed(m) => Members::Parsed(m),
            Repr::Raw(text) => {
                let mut v: Vec<(Cow<'_, str>, &RawValue)> =
                    serde_json::from_str::<RawMembers>(text)
                        .map(|m| m.0)
                        .unwrap_or_else(|e| {
                            debug_assert!(false, "stored attribute text does not parse: {e}");
                            Vec::new()
                        });
                // Sorted for lookups (Terraform and serde_json write keys sorted already); a
                // repeated key keeps its last value, as a parse would.
                if !v.is_sorted_by(|a, b| a.0 < b.0) {
                    v.reverse();
                    v.sort_by(|a, b| a.0.cmp(&b.0));
                    v.dedup_by(|later, earlier| later.0 == earlier.0);
                }
                Members::Raw(v)
            }
        }
    }
}

/// The top-level members of an attributes object; see `Attributes::members`.
pub enum Members<'a> {
    /// Parsed values.
    Parsed(&'a Map<String, Value>),
    /// Values as text, sorted by key.
    Raw(Vec<(Cow<'a, str>, &'a RawValue)>),
}

impl<'a> Members<'a> {
    /// The member names.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Members::Parsed(m) => m.keys().map(String::as_str).collect(),
            Members::Raw(v) => v.iter().map(|(k, _)| &**k).collect(),
        }
    }

    /// True when `key` is a member.
    pub fn contains_key(&self, key: &str) -> bool {
        match self {
            Members::Parsed(m) => m.contains_key(key),
            Members::Raw(_) => self.text(key).is_some(),
        }
    }

    /// The JSON text of a member's value, when held as text.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        match self {
            Members::Parsed(_) => None,
            Members::Raw(v) => v
                .binary_search_by(|(k, _)| (**k).cmp(key))
                .ok()
                .map(|i| v[i].1.get()),
        }
    }

    /// A member's value, parsed if needed.
    pub fn get(&self, key: &str) -> Option<Cow<'a, Value>> {
        match self {
            Members::Parsed(m) => m.get(key).map(Cow::Borrowed),
            Members::Raw(_) => self
                .text(key)
                .map(|t| Cow::Owned(serde_json::from_str(t).unwrap_or(Value::Null))),
        }
    }
}

/// A map key borrowed from the input when it has no escapes.
pub(crate) struct KeyStr<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for KeyStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeyStr<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<KeyStr<'de>, E> {
                Ok(KeyStr(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyStr<'de>, E> {
                Ok(KeyStr(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// An object read as `(key, value text)` pairs, values unparsed.
struct RawMembers<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawMembers<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawMembers<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(KeyStr(key)) = map.next_key()? {
                    out.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawMembers(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses text that was checked to be a JSON object when it was stored.
fn parse(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            // Unreachable by construction (the text was validated as an object when stored);
            // an empty map is the harmless answer should it ever happen in a release build.
            debug_assert!(false, "stored attribute text does not parse: {e}");
            Map::new()
        }
    }
}

impl From<Map<String, Value>> for Attributes {
    fn from(m: Map<String, Value>) -> Self {
        Attributes(Repr::Parsed(m))
    }
}

impl fmt::Debug for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.map().fmt(f)
    }
}

impl PartialEq for Attributes {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Raw(a), Repr::Raw(b)) if a == b => true,
            _ => self.map() == other.map(),
        }
    }
}

impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Snapshots are read with serde_json, which hands the object over as raw text; any other
        // deserializer builds the map.
        let raw = Box::<RawValue>::deserialize(d)?;
        if !raw.get().trim_start().starts_with('{') {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Other("a non-object value"),
                &"an attributes object",
            ));
        }
        Ok(Attributes::from_json_object_text(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_and_parsed_read_the_same() {
        let text = "{ \"id\" : \"i-1\",\n  \"tags\": {\"Name\": \"a b\\\" c\"}, \"n\": [1, 2.5] }";
        let raw = Attributes::from_json_object_text(text);
        let parsed = Attributes::from(serde_json::from_str::<Map<String, Value>>(text).unwrap());
        assert_eq!(raw, parsed);
        assert_eq!(
            raw.get("tags").unwrap().into_owned(),
            json!({"Name": "a b\" c"})
        );
        assert_eq!(raw.map(), parsed.map());
        assert!(raw.get("nope").is_none());
        assert!(Attributes::from_json_object_text(" { } ").map().is_empty());
        assert_eq!(
            serde_json::to_value(&raw).unwrap(),
            serde_json::to_value(&parsed).unwrap()
        );
    }

    #[test]
    fn members_read_text_without_parsing_it() {
        let text = r#"{"b": {"x": 1}, "a\u0041": [1], "b": {"x": 2}}"#;
        let raw = Attributes::from_json_object_text(text);
        let m = raw.members();
        assert_eq!(m.keys(), vec!["aA", "b"]);
        assert_eq!(
            m.text("b"),
            Some(r#"{"x": 2}"#),
            "the last of a repeated key wins"
        );
        assert_eq!(m.get("aA").unwrap().into_owned(), json!([1]));
        assert!(m.contains_key("aA") && !m.contains_key("c"));
        let parsed = Attributes::from(raw.map().into_owned());
        let p = parsed.members();
        assert_eq!(p.keys(), vec!["aA", "b"]);
        assert_eq!(p.text("b"), None);
        assert_eq!(p.get("b").unwrap().into_owned(), json!({"x": 2}));
    }

    #[test]
    fn writes_parse_text_in_place() {
        let mut a = Attributes::from_json_object_text(r#"{"id":"x"}"#);
        a.make_mut().insert("k".into(), json!(1));
        assert_eq!(
            a.map().into_owned(),
            json!({"id": "x", "k": 1}).as_object().unwrap().clone()
        );
    }

    #[test]
    fn deserializes_objects_only() {
        let a: Attributes = serde_json::from_str(r#" {"a": [ 1 , {"b": " x "}]} "#).unwrap();
        assert_eq!(a.get("a").unwrap().into_owned(), json!([1, {"b": " x "}]));
        assert!(serde_json::from_str::<Attributes>("[1]").is_err());
        assert!(serde_json::from_str::<Attributes>(r#"{"a": }"#).is_err());
    }
}
