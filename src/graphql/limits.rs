//! Limits checked on the parsed document before it runs, in time linear in its size (fragments
//! are measured once each, never expanded): its cost ([`super::cost`]), how many fields, aliases
//! and directives it holds with its fragments spread, and how deep its introspection nests.
//!
//! Introspection has its own bound. The standard introspection query of graphql-js nests deeper
//! than data queries may (`ofType` seven times), so it is not held to the data depth limit; what
//! makes an introspection query expensive is nesting the lists of the type system inside each
//! other (`types { fields { type { fields { … } } } }`), so that is what is counted, as
//! graphql-js's own `MaxIntrospectionDepthRule` does.

use std::collections::HashMap;

use async_graphql::{
    Name, Positioned,
    parser::types::{
        DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, Selection,
        SelectionSet,
    },
};

use super::cost::Measure;
use crate::error::Error;

/// The most a single request may cost, in points (see [`super::cost`]).
pub const MAX_COST: u64 = 50_000;

/// The most fields a document may select, counting each fragment as often as it is spread
/// (graphql-js's full introspection query selects 229).
pub const MAX_FIELDS: u64 = 500;

/// The most aliased fields a document may hold, fragments spread.
pub const MAX_ALIASES: u64 = 30;

/// The most directives a document may hold, fragments spread.
pub const MAX_DIRECTIVES: u64 = 50;

/// Refuses a request that sends text no field accepts (control or bidirectional-override
/// characters, [`crate::domain::text`]) anywhere: in a variable or in an argument written in
/// the document (fragments included), filters as well as mutations.
pub fn check_text_inputs(
    document: &ExecutableDocument,
    op: &OperationDefinition,
    variables: &async_graphql::Variables,
) -> Result<(), Error> {
    for (name, value) in variables.iter() {
        check_value(&format!("${name}"), value)?;
    }
    let fragments = document
        .fragments
        .values()
        .map(|f| &f.node.selection_set.node);
    for set in std::iter::once(&op.selection_set.node).chain(fragments) {
        check_set(set)?;
    }
    Ok(())
}

fn check_set(set: &SelectionSet) -> Result<(), Error> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                for (name, value) in &field.node.arguments {
                    // Variables count as null here: they are checked on their own.
                    let literal = value
                        .node
                        .clone()
                        .into_const_with(|_| Ok::<_, ()>(async_graphql::Value::Null))
                        .unwrap_or(async_graphql::Value::Null);
                    check_value(name.node.as_str(), &literal)?;
                }
                check_set(&field.node.selection_set.node)?;
            }
            Selection::InlineFragment(inline) => check_set(&inline.node.selection_set.node)?,
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

fn check_value(field: &str, value: &async_graphql::Value) -> Result<(), Error> {
    use async_graphql::Value;
    match value {
        Value::String(text) => crate::domain::text::check_characters(text, field),
        Value::List(items) => items.iter().try_for_each(|item| check_value(field, item)),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(name, item)| check_value(name.as_str(), item)),
        _ => Ok(()),
    }
}

/// Refuses a document over any of the limits, saying which and by how much.
pub fn check_measure(measure: &Measure) -> Result<(), Error> {
    for (count, what, max) in [
        (measure.fields, "fields", MAX_FIELDS),
        (measure.aliases, "aliases", MAX_ALIASES),
        (measure.directives, "directives", MAX_DIRECTIVES),
    ] {
        if count > max {
            return Err(Error::bad_input(format!(
                "the document holds {count} {what} (fragments counted where they are spread); \
                 at most {max} are accepted"
            )));
        }
    }
    if measure.cost > MAX_COST {
        return Err(Error::bad_input(format!(
            "the document costs {} points; at most {MAX_COST} are accepted: ask for smaller \
             pages or fewer fields",
            measure.cost
        )));
    }
    Ok(())
}

/// How often the type system's lists may nest inside one another in an introspection query.
pub const MAX_INTROSPECTION_LISTS: usize = 3;

/// The deepest an introspection-only document may be (the standard query needs 15).
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// The fields of the introspection types that list other parts of the type system.
const TYPE_SYSTEM_LISTS: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The operation a request runs, if the document names it unambiguously.
pub fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Whether every root field of the operation is an introspection field (`__schema`, `__type`,
/// `__typename`): such a query reads only the schema, which is public.
pub fn is_introspection(document: &ExecutableDocument, op: &OperationDefinition) -> bool {
    let mut roots = Vec::new();
    root_fields(&op.selection_set.node, &document.fragments, &mut roots, 0);
    !roots.is_empty() && roots.iter().all(|name| name.starts_with("__"))
}

fn root_fields<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    out: &mut Vec<&'a str>,
    hops: usize,
) {
    // Fragment cycles are refused by validation; the bound keeps this walk finite before it.
    if hops > fragments.len() {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => out.push(field.node.name.node.as_str()),
            Selection::InlineFragment(inline) => {
                root_fields(&inline.node.selection_set.node, fragments, out, hops + 1)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    root_fields(&fragment.node.selection_set.node, fragments, out, hops + 1);
                }
            }
        }
    }
}

/// Refuses an operation whose introspection nests the type system's lists too deeply, or that
/// introspects at all where introspection is switched off.
pub fn check_introspection(
    document: &ExecutableDocument,
    op: &OperationDefinition,
    allowed: bool,
) -> Result<(), Error> {
    let mut measure = ListDepth {
        fragments: &document.fragments,
        memo: HashMap::new(),
        introspects: false,
    };
    let depth = measure.of_set(&op.selection_set.node, false);
    if measure.introspects && !allowed {
        return Err(Error::forbidden(
            "introspection is switched off on this server: load the schema from schema.graphql",
        ));
    }
    if depth > MAX_INTROSPECTION_LISTS {
        return Err(Error::bad_input(format!(
            "introspection nests `fields`, `inputFields`, `interfaces` or `possibleTypes` \
             {depth} deep; at most {MAX_INTROSPECTION_LISTS} are answered"
        )));
    }
    Ok(())
}

/// The deepest nesting of type-system lists below introspection fields, one fragment at a time.
struct ListDepth<'a> {
    fragments: &'a Fragments,
    /// Per fragment and "inside introspection": its depth, or `None` while being measured (a
    /// cycle, which validation refuses anyway, counts as nothing).
    memo: HashMap<(&'a Name, bool), Option<usize>>,
    /// Whether `__schema` or `__type` was seen.
    introspects: bool,
}

impl<'a> ListDepth<'a> {
    fn of_set(&mut self, set: &'a SelectionSet, inside: bool) -> usize {
        let mut deepest = 0;
        for selection in &set.items {
            let depth = match &selection.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let introspection = name == "__schema" || name == "__type";
                    self.introspects |= introspection;
                    let below = inside || introspection;
                    let own = usize::from(inside && TYPE_SYSTEM_LISTS.contains(&name));
                    own + self.of_set(&field.node.selection_set.node, below)
                }
                Selection::InlineFragment(inline) => {
                    self.of_set(&inline.node.selection_set.node, inside)
                }
                Selection::FragmentSpread(spread) => {
                    self.of_fragment(&spread.node.fragment_name.node, inside)
                }
            };
            deepest = deepest.max(depth);
        }
        deepest
    }

    fn of_fragment(&mut self, name: &'a Name, inside: bool) -> usize {
        if let Some(known) = self.memo.get(&(name, inside)) {
            return known.unwrap_or(0);
        }
        let Some(fragment) = self.fragments.get(name) else {
            return 0;
        };
        self.memo.insert((name, inside), None);
        let depth = self.of_set(&fragment.node.selection_set.node, inside);
        self.memo.insert((name, inside), Some(depth));
        depth
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn check(query: &str) -> Result<(), Error> {
        let document = parse_query(query).unwrap();
        let op = operation(&document, None).unwrap();
        check_introspection(&document, op, true)
    }

    #[test]
    fn the_type_system_lists_may_nest_three_deep() {
        let three =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert!(check(three).is_ok());
        let four = "{ __schema { types { fields { type { fields { type { inputFields { type { \
                    possibleTypes { name } } } } } } } } } }";
        assert!(check(four).is_err());
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let deep = "query { __type(name: \"Query\") { ...A } }
                    fragment A on __Type { fields { type { ...B } } }
                    fragment B on __Type { interfaces { ...C } }
                    fragment C on __Type { possibleTypes { fields { name } } }";
        assert!(check(deep).is_err());
    }

    #[test]
    fn data_fields_named_like_lists_do_not_count_outside_introspection() {
        assert!(check("{ fields { fields { fields { fields { name } } } } }").is_ok());
    }

    #[test]
    fn introspection_is_refused_where_it_is_switched_off() {
        let document =
            parse_query("{ a { ...F } } fragment F on A { b { __type(name: \"A\") { name } } }")
                .unwrap();
        let op = operation(&document, None).unwrap();
        assert!(check_introspection(&document, op, false).is_err());
        let document = parse_query("{ a { __typename } }").unwrap();
        let op = operation(&document, None).unwrap();
        assert!(check_introspection(&document, op, false).is_ok());
    }

    #[test]
    fn only_introspection_roots_make_an_introspection_query() {
        let document = parse_query("{ __schema { queryType { name } } __typename }").unwrap();
        assert!(is_introspection(
            &document,
            operation(&document, None).unwrap()
        ));
        let document = parse_query("{ __schema { queryType { name } } viewer { role } }").unwrap();
        assert!(!is_introspection(
            &document,
            operation(&document, None).unwrap()
        ));
    }
}
