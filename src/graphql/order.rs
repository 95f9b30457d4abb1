//! Answers in the order asked. The GraphQL spec orders a response's keys as the selection set
//! orders its fields (fragments expanded in place), but async-graphql 7 inserts each field as its
//! future completes, so `{ totalCount pageInfo nodes }` could come back in any order. This puts
//! every object of an answer back in the order of the document that asked for it.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    Name, Positioned, Value,
    indexmap::IndexMap,
    parser::types::{ExecutableDocument, Field, FragmentDefinition, Selection, SelectionSet},
};

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Reorders the keys of `data` (and of every object within it) as the operation asked them.
pub fn order_as_asked(document: &ExecutableDocument, operation: Option<&str>, data: &mut Value) {
    if let Some(op) = super::limits::operation(document, operation) {
        reorder(&[&op.selection_set.node], &document.fragments, vec![data]);
    }
}

/// A response key, the field that first asked for it, and every selection set below it.
pub(super) type Key<'a> = (&'a Name, &'a Field, Vec<&'a SelectionSet>);

/// The response keys of some selection sets in order, each with the selection sets below it
/// (a key selected twice merges both sub-selections, as the spec's field merging does).
pub(super) fn keys_in_order<'a>(
    sets: &[&'a SelectionSet],
    fragments: &'a Fragments,
) -> Vec<Key<'a>> {
    let mut keys: Vec<Key<'a>> = Vec::new();
    let mut spread = HashSet::new();
    for set in sets {
        collect(set, fragments, &mut keys, &mut spread);
    }
    keys
}

fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    keys: &mut Vec<Key<'a>>,
    spread: &mut HashSet<&'a Name>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let below = &field.node.selection_set.node;
                match keys.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, _, sets)) => sets.push(below),
                    None => keys.push((key, &field.node, vec![below])),
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(&fragment.node.selection_set.node, fragments, keys, spread)
            }
            Selection::FragmentSpread(name) => {
                let name = &name.node.fragment_name.node;
                // A fragment spread twice adds nothing new; the check also ends any cycle.
                if spread.insert(name)
                    && let Some(fragment) = fragments.get(name)
                {
                    collect(&fragment.node.selection_set.node, fragments, keys, spread);
                }
            }
        }
    }
}

/// Reorders `values` (objects, or lists of them at any depth), all asked by `sets`. The key order
/// of a selection is worked out once for every value it applies to: once per level of the answer,
/// not once per object. Each object's entries are then walked once, handing the values of keys
/// with a selection below them to the next level by position: a thousand-node answer is not
/// hashed key by key, and leaves are not visited twice.
fn reorder(sets: &[&SelectionSet], fragments: &Fragments, values: Vec<&mut Value>) {
    if sets.iter().all(|set| set.items.is_empty()) {
        return;
    }
    let mut objects = Vec::with_capacity(values.len());
    values
        .into_iter()
        .for_each(|value| objects_in(value, &mut objects));
    if objects.is_empty() {
        return;
    }
    let keys = keys_in_order(sets, fragments);
    // Response keys are few: a scan (most often a pointer comparison, as the answer's keys are
    // clones of the document's names) beats hashing them.
    let position = |name: &Name| keys.iter().position(|(k, _, _)| *k == name);
    let nested: Vec<bool> = keys
        .iter()
        .map(|(_, _, below)| below.iter().any(|set| !set.items.is_empty()))
        .collect();
    let mut children: Vec<Vec<&mut Value>> = nested
        .iter()
        .map(|&nested| Vec::with_capacity(if nested { objects.len() } else { 0 }))
        .collect();
    for map in objects {
        let in_order = map
            .keys()
            .map(position)
            .try_fold(None, |last: Option<usize>, at| match (last, at) {
                (Some(last), Some(at)) if at < last => Err(()),
                (_, at) => Ok(at.or(last)),
            })
            .is_ok();
        if !in_order {
            map.sort_by_cached_key(|name, _| position(name).unwrap_or(usize::MAX));
        }
        for (name, value) in map.iter_mut() {
            if let Some(at) = position(name).filter(|&at| nested[at]) {
                children[at].push(value);
            }
        }
    }
    for ((_, _, below), values) in keys.iter().zip(children) {
        reorder(below, fragments, values);
    }
}

/// The objects of a value: itself, or the items of a list (of lists).
fn objects_in<'v>(value: &'v mut Value, objects: &mut Vec<&'v mut IndexMap<Name, Value>>) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|i| objects_in(i, objects)),
        Value::Object(map) => objects.push(map),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn object(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (Name::new(k), v))
                .collect::<IndexMap<_, _>>(),
        )
    }

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn keys_follow_the_selection_with_fragments_expanded_in_place() {
        let document =
            parse_query("query Q { a { z ...F y } b } fragment F on T { x ... on T { w } z }")
                .unwrap();
        let mut data = object(vec![
            ("b", Value::from(1)),
            (
                "a",
                Value::List(vec![object(vec![
                    ("y", Value::from(1)),
                    ("w", Value::from(2)),
                    ("x", Value::from(3)),
                    ("z", Value::from(4)),
                ])]),
            ),
        ]);
        order_as_asked(&document, Some("Q"), &mut data);
        assert_eq!(keys(&data), ["a", "b"]);
        let Value::Object(map) = &data else { panic!() };
        let Value::List(items) = &map["a"] else {
            panic!()
        };
        assert_eq!(keys(&items[0]), ["z", "x", "w", "y"]);
    }

    #[test]
    fn aliases_are_ordered_by_their_response_key() {
        let document = parse_query("{ second: f(n: 2) first: f(n: 1) }").unwrap();
        let mut data = object(vec![("first", Value::from(1)), ("second", Value::from(2))]);
        order_as_asked(&document, None, &mut data);
        assert_eq!(keys(&data), ["second", "first"]);
    }
}
