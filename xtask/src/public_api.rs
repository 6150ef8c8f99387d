//! `cargo xtask public-api`: lists the public items of the `authlete` crate
//! whose signature names a type or trait of another crate, and fails on any
//! not allowed below. An upgrade of reqwest, progenitor or serde_json then
//! cannot be a breaking release of `authlete` by accident.
//!
//! It reads the crate's rustdoc JSON (`cargo rustdoc -- --output-format
//! json`, unstable, hence `RUSTC_BOOTSTRAP=1` for that one build) and walks
//! the items reachable from the crate root: modules and re-exports,
//! structs' public fields, enums' variants, functions' inputs, outputs and
//! bounds, inherent methods, trait items, aliases, constants, and the
//! generic arguments of trait implementations. Hidden items are not in the
//! JSON, so they are not API.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

/// Crates whose types may appear anywhere in the API.
/// (`serde_core` is where serde's traits are defined.)
const ALLOWED_CRATES: &[&str] = &["std", "core", "alloc", "http", "bytes", "serde", "serde_core"];

/// Items of other crates allowed anywhere, by path: JSON values, and the
/// body of an answer the spec documents as raw bytes (progenitor's stream,
/// `raw::ByteStream`, the one such operation being the health check).
const ALLOWED_ITEMS: &[&str] = &[
    "serde_json::value::Value",
    "serde_json::map::Map",
    "serde_json::Value",
    "serde_json::Map",
    "progenitor_client::progenitor_client::ByteStream",
];

/// Where another crate's types are the point: the escape hatch to
/// progenitor's client (`raw`, `Authlete::raw`, `Request::into_raw`) and the
/// reqwest client an app brings or builds (`http_client`,
/// `reqwest_client_builder`). Matched against the start of an item's path.
const ALLOWED_PLACES: &[&str] = &[
    "authlete::raw",
    "authlete::Authlete::raw",
    "authlete::Request::into_raw",
    "authlete::AuthleteBuilder::http_client",
    "authlete::reqwest_client_builder",
];

/// One use of another crate's item: where, and which.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The public item (`authlete::Error::Transport`).
    pub place: String,
    /// The other crate's item (`reqwest::Error`).
    pub foreign: String,
}

struct Walk<'a> {
    doc: &'a Value,
    seen: HashSet<String>,
    found: BTreeSet<Finding>,
}

/// The foreign items the public API of the crate in `doc` (rustdoc JSON)
/// names, outside the allowed crates, items and places.
pub fn findings(doc: &Value) -> Vec<Finding> {
    let mut walk = Walk { doc, seen: HashSet::new(), found: BTreeSet::new() };
    let root = doc["root"].to_string();
    let name = doc["index"][&root]["name"].as_str().unwrap_or("crate").to_string();
    walk.item(&root, &name);
    walk.found.into_iter().filter(|f| !ALLOWED_PLACES.iter().any(|p| f.place.starts_with(p))).collect()
}

impl Walk<'_> {
    fn item(&mut self, id: &str, place: &str) {
        if !self.seen.insert(format!("{id}@{place}")) {
            return;
        }
        let Some(item) = self.doc["index"].get(id) else { return };
        let name = item["name"].as_str().unwrap_or_default();
        let inner = &item["inner"];
        if let Some(m) = inner.get("module") {
            for child in m["items"].as_array().into_iter().flatten() {
                let child_name = self.doc["index"][child.to_string()]["name"].as_str().unwrap_or_default().to_string();
                self.item(&child.to_string(), &format!("{place}::{child_name}"));
            }
        } else if let Some(u) = inner.get("use") {
            let target = u["id"].to_string();
            let here = if u["is_glob"].as_bool() == Some(true) {
                place.rsplit_once("::").map_or(place, |(p, _)| p).to_string()
            } else {
                format!("{}::{}", place.rsplit_once("::").map_or(place, |(p, _)| p), u["name"].as_str().unwrap_or(""))
            };
            if self.doc["index"].get(&target).is_some() {
                // A glob re-export of a module: its items, here.
                let is_module = self.doc["index"][&target]["inner"].get("module").is_some();
                if u["is_glob"].as_bool() == Some(true) && is_module {
                    for child in self.doc["index"][&target]["inner"]["module"]["items"].as_array().into_iter().flatten()
                    {
                        let n = self.doc["index"][child.to_string()]["name"].as_str().unwrap_or_default().to_string();
                        self.item(&child.to_string(), &format!("{here}::{n}"));
                    }
                } else {
                    self.item(&target, &here);
                }
            } else {
                self.foreign_id(&target, &here);
            }
        } else if let Some(s) = inner.get("struct") {
            if let Some(fields) = s["kind"].get("plain").and_then(|p| p["fields"].as_array()) {
                for f in fields {
                    self.member(&f.to_string(), place);
                }
            }
            if let Some(fields) = s["kind"].get("tuple").and_then(Value::as_array) {
                for f in fields.iter().filter(|f| !f.is_null()) {
                    self.member(&f.to_string(), place);
                }
            }
            self.impls(s, place);
        } else if let Some(e) = inner.get("enum") {
            for v in e["variants"].as_array().into_iter().flatten() {
                let variant = &self.doc["index"][v.to_string()];
                let vname = variant["name"].as_str().unwrap_or_default().to_string();
                let kind = &variant["inner"]["variant"]["kind"];
                let fields: Vec<String> = kind
                    .get("struct")
                    .and_then(|s| s["fields"].as_array())
                    .or_else(|| kind.get("tuple").and_then(Value::as_array))
                    .into_iter()
                    .flatten()
                    .filter(|f| !f.is_null())
                    .map(ToString::to_string)
                    .collect();
                for f in fields {
                    self.member(&f, &format!("{place}::{vname}"));
                }
            }
            self.impls(e, place);
        } else if let Some(f) = inner.get("function") {
            self.types(&f["sig"], place);
            self.types(&f["generics"], place);
        } else if let Some(t) = inner.get("trait") {
            for i in t["items"].as_array().into_iter().flatten() {
                self.member(&i.to_string(), place);
            }
            self.types(&t["generics"], place);
            self.types(&t["bounds"], place);
        } else if let Some(t) = inner.get("type_alias") {
            self.types(&t["type"], place);
        } else if let Some(c) = inner.get("constant") {
            self.types(&c["type"], place);
        } else if let Some(c) = inner.get("assoc_type") {
            self.types(&c["type"], place);
            self.types(&c["bounds"], place);
        } else if let Some(c) = inner.get("assoc_const") {
            self.types(&c["type"], place);
        } else if let Some(f) = inner.get("struct_field") {
            self.types(f, place);
        }
        let _ = name;
    }

    /// A field, method or variant of the item at `place`.
    fn member(&mut self, id: &str, place: &str) {
        let item = &self.doc["index"][id];
        if item["visibility"].as_str() == Some("public") || item["visibility"].as_str() == Some("default") {
            let name = item["name"].as_str().unwrap_or_default();
            self.item(id, &format!("{place}::{name}"));
        }
    }

    /// The inherent methods, and the generic arguments of trait
    /// implementations (`impl From<other::X> for Ours` exposes `other::X`).
    fn impls(&mut self, owner: &Value, place: &str) {
        for i in owner["impls"].as_array().into_iter().flatten() {
            let imp = &self.doc["index"][i.to_string()]["inner"]["impl"];
            if imp["is_synthetic"].as_bool() == Some(true) || !imp["blanket_impl"].is_null() {
                continue;
            }
            if imp["trait"].is_null() {
                for m in imp["items"].as_array().into_iter().flatten() {
                    self.member(&m.to_string(), place);
                }
            } else {
                let trait_name = imp["trait"]["path"].as_str().unwrap_or_default();
                self.types(&imp["trait"]["args"], &format!("{place} (impl {trait_name})"));
            }
        }
    }

    /// Every `resolved_path` inside `v`.
    fn types(&mut self, v: &Value, place: &str) {
        match v {
            Value::Object(m) => {
                if let Some(p) = m.get("resolved_path") {
                    self.foreign_id(&p["id"].to_string(), place);
                }
                if let Some(p) = m.get("trait_bound").and_then(|t| t.get("trait")) {
                    self.foreign_id(&p["id"].to_string(), place);
                }
                for value in m.values() {
                    self.types(value, place);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.types(x, place)),
            _ => {}
        }
    }

    fn foreign_id(&mut self, id: &str, place: &str) {
        let Some(summary) = self.doc["paths"].get(id) else { return };
        let crate_id = summary["crate_id"].as_u64().unwrap_or(0);
        if crate_id == 0 {
            return;
        }
        let krate = self.doc["external_crates"][crate_id.to_string()]["name"].as_str().unwrap_or("?");
        let path: Vec<&str> = summary["path"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let full = path.join("::");
        if ALLOWED_CRATES.contains(&krate) || ALLOWED_ITEMS.contains(&full.as_str()) {
            return;
        }
        self.found.insert(Finding { place: place.to_string(), foreign: full });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A crate with `pub fn ok(v: serde_json::Value) -> http::StatusCode`,
    /// `pub fn leak(e: reqwest::Error)`, and `pub mod raw { pub fn x(c: progenitor_client::Error) }`.
    fn doc() -> Value {
        let param = |id: u32| json!({"resolved_path": {"path": "x", "id": id, "args": null}});
        json!({
            "root": 0,
            "index": {
                "0": {"name": "authlete", "visibility": "public", "inner": {"module": {"items": [1, 2, 3]}}},
                "1": {"name": "ok", "visibility": "public", "inner": {"function": {"sig": {"inputs": [["v", param(10)]], "output": param(11)}, "generics": {}}}},
                "2": {"name": "leak", "visibility": "public", "inner": {"function": {"sig": {"inputs": [["e", param(12)]], "output": null}, "generics": {}}}},
                "3": {"name": "raw", "visibility": "public", "inner": {"module": {"items": [4]}}},
                "4": {"name": "x", "visibility": "public", "inner": {"function": {"sig": {"inputs": [["c", param(13)]], "output": null}, "generics": {}}}}
            },
            "paths": {
                "10": {"crate_id": 1, "path": ["serde_json", "value", "Value"]},
                "11": {"crate_id": 2, "path": ["http", "status", "StatusCode"]},
                "12": {"crate_id": 3, "path": ["reqwest", "error", "Error"]},
                "13": {"crate_id": 4, "path": ["progenitor_client", "Error"]}
            },
            "external_crates": {"1": {"name": "serde_json"}, "2": {"name": "http"}, "3": {"name": "reqwest"}, "4": {"name": "progenitor_client"}}
        })
    }

    #[test]
    fn foreign_types_are_found_outside_the_allowed_crates_and_places() {
        let found = findings(&doc());
        assert_eq!(found, vec![Finding { place: "authlete::leak".into(), foreign: "reqwest::error::Error".into() }]);
    }
}
