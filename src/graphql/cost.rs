//! The one cost model: what a document asks of the hub, in points, before it runs ("requested")
//! and after, from the answer it got ("actual"). The same figures bound a single request
//! ([`super::limits`]), are reported in `extensions.cost` and are charged to the caller's budget
//! per minute ([`crate::service::budget`]). `docs/cost.md` explains it for clients.
//!
//! - Every field costs 1, plus what is selected below it.
//! - A list multiplies what is selected below it by its length: a connection's `nodes` and
//!   `edges` by the page asked (`first`/`last`, else the field's default, else 20); `nodes(ids:)`
//!   and `membershipsByUscc(usccs:)` by the codes given; a list with `first` by it; any other
//!   list by [`ASSUMED_LIST_LENGTH`].
//! - Root fields that do more than read rows cost more, in proportion to their arguments
//!   ([`root_cost`]): chain walks by depth, statistics by dimensions; every mutation and
//!   subscription 10.
//! - Introspection is answered from memory: each of its fields costs 1, lists or not.
//!
//! A document is measured once per fragment (memoised), never by expanding fragments, so a
//! document whose fragments each spread the previous one twice is measured in time linear in its
//! size; the counts saturate instead of overflowing.

use std::collections::HashMap;

use async_graphql::{
    Name, Positioned, Value, Variables,
    parser::{
        parse_schema,
        types::{
            BaseType, Directive, ExecutableDocument, Field, OperationDefinition, OperationType,
            Selection, SelectionSet, TypeKind, TypeSystemDefinition,
        },
    },
};

use crate::{
    error::{Error, Result},
    service::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
};

/// The length assumed for a list whose length no argument says (the answer tells the truth).
pub const ASSUMED_LIST_LENGTH: u64 = 10;

/// The page of a connection asked without `first` or `last`, as the services apply it.
const DEFAULT_PAGE: u64 = DEFAULT_PAGE_SIZE as u64;

/// The largest page (larger ones are refused when the field runs).
const MAX_PAGE: u64 = MAX_PAGE_SIZE as u64;

/// What a document asks for, counted with fragments spread where they are used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Requested cost, in points.
    pub cost: u64,
    /// Fields, counting each fragment as often as it is spread.
    pub fields: u64,
    /// Aliased fields, likewise.
    pub aliases: u64,
    /// Directives, likewise.
    pub directives: u64,
}

impl Measure {
    fn add(&mut self, other: Measure) {
        self.cost = self.cost.saturating_add(other.cost);
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.directives = self.directives.saturating_add(other.directives);
    }
}

/// The schema as the cost model reads it: each type's fields, their types and argument defaults,
/// and the directives the schema knows. Built once from the schema's own SDL.
#[derive(Debug, Default)]
pub struct CostModel {
    types: HashMap<String, HashMap<String, FieldShape>>,
    /// Directive name → whether it may be repeated on one location.
    directives: HashMap<String, bool>,
    roots: [Option<String>; 3],
}

#[derive(Debug)]
struct FieldShape {
    /// The named type at the bottom of the field's type.
    ty: String,
    list: bool,
    defaults: HashMap<String, Value>,
}

impl CostModel {
    /// Reads the model from a schema's SDL.
    pub fn from_sdl(sdl: &str) -> Result<Self> {
        let document =
            parse_schema(sdl).map_err(|e| Error::internal(format!("the schema's SDL: {e}")))?;
        let mut model = CostModel {
            roots: [
                Some("Query".into()),
                Some("Mutation".into()),
                Some("Subscription".into()),
            ],
            ..Self::default()
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    model.roots = [schema.query, schema.mutation, schema.subscription]
                        .map(|root| root.map(|name| name.node.to_string()));
                }
                TypeSystemDefinition::Directive(directive) => {
                    // async-graphql's parser reads every directive as repeatable: the SDL says.
                    let name = directive.node.name.node.to_string();
                    let repeatable = sdl.lines().any(|line| {
                        line.strip_prefix("directive @")
                            .and_then(|rest| rest.strip_prefix(name.as_str()))
                            .is_some_and(|rest| {
                                rest.starts_with(['(', ' ']) && rest.contains(" repeatable ")
                            })
                    });
                    model.directives.insert(name, repeatable);
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let fields = match ty.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let fields = fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            let (ty, list) = named(&field.ty.node.base);
                            let defaults = field
                                .arguments
                                .into_iter()
                                .filter_map(|arg| {
                                    let arg = arg.node;
                                    Some((arg.name.node.to_string(), arg.default_value?.node))
                                })
                                .collect();
                            (
                                field.name.node.to_string(),
                                FieldShape { ty, list, defaults },
                            )
                        })
                        .collect();
                    model.types.insert(ty.name.node.to_string(), fields);
                }
            }
        }
        Ok(model)
    }

    fn root(&self, ty: OperationType) -> &str {
        let index = match ty {
            OperationType::Query => 0,
            OperationType::Mutation => 1,
            OperationType::Subscription => 2,
        };
        self.roots[index].as_deref().unwrap_or_default()
    }

    /// Measures an operation of a document with the request's variables. Unknown directives, and
    /// non-repeatable ones repeated, are refused here (the GraphQL spec's validation rules).
    pub fn measure(
        &self,
        document: &ExecutableDocument,
        op: &OperationDefinition,
        variables: &Variables,
    ) -> Result<Measure> {
        let mut walk = Walk::new(self, document, op, variables);
        walk.directives(&op.directives)?;
        for definition in &op.variable_definitions {
            walk.directives(&definition.node.directives)?;
        }
        let mut measure = walk.set(self.root(op.ty), &op.selection_set.node, Place::Root)?;
        measure.directives = measure
            .directives
            .saturating_add(op.directives.len() as u64);
        Ok(measure)
    }

    /// The actual cost of an answer: the same points, with every list counted as long as it came
    /// back. Nothing answered, nothing spent.
    pub fn actual(
        &self,
        document: &ExecutableDocument,
        op: &OperationDefinition,
        variables: &Variables,
        data: &Value,
    ) -> u64 {
        let mut walk = Walk::new(self, document, op, variables);
        let root = self.root(op.ty);
        let keys = super::order::keys_in_order(&[&op.selection_set.node], &document.fragments);
        let Value::Object(data) = data else {
            return 0;
        };
        let mut total = 0u64;
        for (key, field, below) in keys {
            if let Some(value) = data.get(key) {
                let own = root_cost(op.ty, field, |name| walk.argument(root, field, name));
                let answered = walk.answered(&field.name.node, &below, value);
                total = total.saturating_add(own.saturating_add(answered));
            }
        }
        total
    }
}

/// The named type at the bottom of a field's type, and whether it is a list.
fn named(base: &BaseType) -> (String, bool) {
    match base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (named(&inner.base).0, true),
    }
}

/// What one step of a chain walk costs: a step joins every unit reached so far to its links
/// (a neighbourhood six steps deep both ways is 6 000 points, eight of them fill a request).
const WALK_STEP: u64 = 500;

/// What a root field costs for itself: reading rows costs 1; walking the chain, computing
/// statistics, writing and subscribing cost more, by the work their arguments ask for.
fn root_cost(
    operation: OperationType,
    field: &Field,
    argument: impl Fn(&str) -> Option<Value>,
) -> u64 {
    let number = |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| -> u64 {
        match argument(name) {
            Some(Value::Number(n)) => n
                .as_u64()
                .unwrap_or(default)
                .clamp(*range.start(), *range.end()),
            _ => default,
        }
    };
    match operation {
        OperationType::Mutation | OperationType::Subscription => 10,
        OperationType::Query => match field.name.node.as_str() {
            // A walk touches more units at every step; both directions walk twice.
            "chainNeighborhood" => {
                let both = !matches!(argument("direction"), Some(Value::Enum(d)) if d != "BOTH");
                WALK_STEP * number("maxDepth", 3, 1..=6) * if both { 2 } else { 1 }
            }
            "chainPaths" => WALK_STEP * number("maxDepth", 6, 1..=6),
            // Each dimension of a grouping multiplies the groups computed.
            "enterpriseStats" | "supportStats" => {
                let dimensions = match argument("groupBy") {
                    Some(Value::List(list)) => list.len() as u64,
                    _ => 1,
                };
                100 * dimensions.clamp(1, 4)
            }
            // A map layer of units: a point per unit, ten to a point of cost.
            "organizationsGeoJson" => number("first", 10_000, 1..=50_000) / 10,
            "densityGeoJson" | "groupRanking" | "projectStats" | "enterpriseRanking"
            | "allianceRanking" => 100,
            "sectorChain"
            | "chainGaps"
            | "allianceNetwork"
            | "collaborationNetwork"
            | "crossMunicipalityFlows"
            | "singleSourceDependencies"
            | "allianceStats" => 200,
            _ => 1,
        },
    }
}

/// Where a selection set sits, for the lengths of its lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Place {
    /// The operation's own selection.
    Root,
    /// Below a connection: its `nodes` and `edges` are the page asked.
    Page(u64),
    /// Anywhere else.
    Nested,
}

struct Walk<'a> {
    model: &'a CostModel,
    document: &'a ExecutableDocument,
    operation: OperationType,
    variables: HashMap<&'a str, Value>,
    /// Per fragment and place: its measure, or zero while it is being measured (a cycle, which
    /// validation refuses, then counts as nothing).
    memo: HashMap<(&'a Name, Place), Measure>,
}

impl<'a> Walk<'a> {
    fn new(
        model: &'a CostModel,
        document: &'a ExecutableDocument,
        op: &'a OperationDefinition,
        given: &'a Variables,
    ) -> Self {
        let mut variables: HashMap<&str, Value> = op
            .variable_definitions
            .iter()
            .filter_map(|definition| {
                let definition = &definition.node;
                let default = definition.default_value.as_ref()?.node.clone();
                Some((definition.name.node.as_str(), default))
            })
            .collect();
        for (name, value) in given.iter() {
            variables.insert(name.as_str(), value.clone());
        }
        Self {
            model,
            document,
            operation: op.ty,
            variables,
            memo: HashMap::new(),
        }
    }

    fn shape(&self, parent: &str, field: &str) -> Option<&'a FieldShape> {
        self.model.types.get(parent)?.get(field)
    }

    /// An argument's value, variables substituted, else its default in the schema.
    fn argument(&self, parent: &str, field: &Field, name: &str) -> Option<Value> {
        match field.get_argument(name) {
            Some(value) => value
                .node
                .clone()
                .into_const_with(|variable| {
                    self.variables.get(variable.as_str()).cloned().ok_or(())
                })
                .ok(),
            None => self
                .shape(parent, &field.name.node)?
                .defaults
                .get(name)
                .cloned(),
        }
    }

    fn count(&self, parent: &str, field: &Field, name: &str) -> Option<u64> {
        match self.argument(parent, field, name)? {
            Value::Number(n) => n.as_u64(),
            Value::List(items) => Some(items.len() as u64),
            _ => None,
        }
    }

    /// The length a list field is assumed to have, before it runs.
    fn list_length(&self, parent: &str, field: &Field, place: Place) -> u64 {
        if let Place::Page(page) = place
            && matches!(field.name.node.as_str(), "nodes" | "edges")
        {
            return page;
        }
        ["ids", "usccs", "first"]
            .iter()
            .find_map(|name| self.count(parent, field, name))
            .unwrap_or(ASSUMED_LIST_LENGTH)
    }

    /// The page a connection field asks for.
    fn page(&self, parent: &str, field: &Field) -> u64 {
        self.count(parent, field, "first")
            .or_else(|| self.count(parent, field, "last"))
            .unwrap_or(DEFAULT_PAGE)
            .min(MAX_PAGE)
    }

    /// Checks the directives of one location; answers how many there are.
    fn directives(&self, directives: &[Positioned<Directive>]) -> Result<u64> {
        for (at, directive) in directives.iter().enumerate() {
            let name = directive.node.name.node.as_str();
            let Some(&repeatable) = self.model.directives.get(name) else {
                return Err(Error::bad_input(format!("unknown directive @{name}")));
            };
            if !repeatable
                && directives[..at]
                    .iter()
                    .any(|earlier| earlier.node.name.node == name)
            {
                return Err(Error::bad_input(format!(
                    "the directive @{name} may appear only once on a location"
                )));
            }
        }
        Ok(directives.len() as u64)
    }

    fn set(&mut self, parent: &str, set: &'a SelectionSet, place: Place) -> Result<Measure> {
        let mut total = Measure::default();
        for selection in &set.items {
            let measure = match &selection.node {
                Selection::Field(field) => self.field(parent, &field.node, place)?,
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map_or(parent, |condition| condition.node.on.node.as_str());
                    let mut measure = self.set(on, &inline.selection_set.node, place)?;
                    measure.directives += self.directives(&inline.directives)?;
                    measure
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    let mut measure = self.fragment(&spread.fragment_name.node, place)?;
                    measure.directives = measure
                        .directives
                        .saturating_add(self.directives(&spread.directives)?);
                    measure
                }
            };
            total.add(measure);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a Name, place: Place) -> Result<Measure> {
        if let Some(known) = self.memo.get(&(name, place)) {
            return Ok(*known);
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(Measure::default());
        };
        self.memo.insert((name, place), Measure::default());
        let fragment = &fragment.node;
        let mut measure = self.set(
            fragment.type_condition.node.on.node.as_str(),
            &fragment.selection_set.node,
            place,
        )?;
        measure.directives = measure
            .directives
            .saturating_add(self.directives(&fragment.directives)?);
        self.memo.insert((name, place), measure);
        Ok(measure)
    }

    fn field(&mut self, parent: &str, field: &'a Field, place: Place) -> Result<Measure> {
        let directives = self.directives(&field.directives)?;
        let shape = self.shape(parent, &field.name.node);
        let own = match place {
            Place::Root => root_cost(self.operation, field, |name| {
                self.argument(parent, field, name)
            }),
            _ => 1,
        };
        let (below, length) = match shape {
            Some(shape) => {
                let below_place = if shape.ty.ends_with("Connection") {
                    Place::Page(self.page(parent, field))
                } else {
                    Place::Nested
                };
                let length = if shape.list {
                    self.list_length(parent, field, place)
                } else {
                    1
                };
                (
                    self.set(&shape.ty, &field.selection_set.node, below_place)?,
                    length,
                )
            }
            // Introspection (and fields validation will refuse): no lists counted.
            None => (self.set("", &field.selection_set.node, Place::Nested)?, 1),
        };
        Ok(Measure {
            cost: own.saturating_add(length.saturating_mul(below.cost)),
            fields: below.fields.saturating_add(1),
            aliases: below
                .aliases
                .saturating_add(u64::from(field.alias.is_some())),
            directives: below.directives.saturating_add(directives),
        })
    }

    /// The points of what was answered below a root field: 1 for every field of every object
    /// in it (each item of a list counted). Introspection costs what it was measured to,
    /// whatever the length of its lists.
    fn answered(&mut self, name: &str, below: &[&'a SelectionSet], value: &Value) -> u64 {
        if name.starts_with("__") {
            return below
                .iter()
                .filter_map(|set| self.set("", set, Place::Nested).ok())
                .map(|measure| measure.cost)
                .fold(0, u64::saturating_add);
        }
        fields_in(value)
    }
}

/// How many fields an answered value holds, at every depth.
fn fields_in(value: &Value) -> u64 {
    match value {
        Value::List(items) => items.iter().map(fields_in).fold(0, u64::saturating_add),
        Value::Object(object) => object
            .values()
            .map(|child| fields_in(child).saturating_add(1))
            .fold(0, u64::saturating_add),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;
    use crate::graphql::limits::operation;

    fn model() -> CostModel {
        CostModel::from_sdl(&crate::graphql::sdl()).unwrap()
    }

    fn measure(query: &str) -> Result<Measure> {
        let document = parse_query(query).unwrap();
        let op = operation(&document, None).unwrap();
        model().measure(&document, op, &Variables::default())
    }

    #[test]
    fn a_page_multiplies_what_each_node_selects() {
        let one = measure("{ enterprises(first: 1) { nodes { name } } }").unwrap();
        let hundred = measure("{ enterprises(first: 100) { nodes { name } } }").unwrap();
        // enterprises + nodes + page × name
        assert_eq!(one.cost, 3);
        assert_eq!(hundred.cost, 102);
        let default = measure("{ enterprises { totalCount nodes { name } } }").unwrap();
        assert_eq!(default.cost, 1 + 1 + 1 + 20);
    }

    #[test]
    fn variables_and_argument_defaults_are_read() {
        let document =
            parse_query("query($n: Int = 5) { enterprises(first: $n) { nodes { name } } }")
                .unwrap();
        let op = operation(&document, None).unwrap();
        let defaulted = model()
            .measure(&document, op, &Variables::default())
            .unwrap();
        assert_eq!(defaulted.cost, 2 + 5);
        let given = Variables::from_json(serde_json::json!({ "n": 50 }));
        assert_eq!(model().measure(&document, op, &given).unwrap().cost, 2 + 50);
        // `chainPaths` lists `first` (default 10) paths.
        let paths = measure("{ chainPaths(fromId: \"a\", toId: \"b\") { length } }").unwrap();
        assert_eq!(paths.cost, 3000 + 10);
    }

    #[test]
    fn analytics_cost_by_the_work_their_arguments_ask() {
        let shallow = measure(
            "{ chainNeighborhood(organizationId: \"a\", maxDepth: 1, direction: UPSTREAM) { \
             __typename } }",
        )
        .unwrap();
        let deep =
            measure("{ chainNeighborhood(organizationId: \"a\", maxDepth: 6) { __typename } }")
                .unwrap();
        assert_eq!(shallow.cost, 500 + 1);
        assert_eq!(deep.cost, 6000 + 1);
        let aliased = measure(
            "{ a: chainNeighborhood(organizationId: \"a\", maxDepth: 6) { __typename } \
               b: chainNeighborhood(organizationId: \"a\", maxDepth: 6) { __typename } }",
        )
        .unwrap();
        assert_eq!(aliased.cost, 2 * deep.cost);
        assert_eq!(aliased.aliases, 2);
    }

    #[test]
    fn fragments_are_measured_once_and_counted_where_spread() {
        let mut query = String::from("query { viewer { ...F0 } }\n");
        for level in 0..40 {
            query.push_str(&format!(
                "fragment F{level} on Viewer {{ ...F{next} ...F{next} }}\n",
                next = level + 1
            ));
        }
        query.push_str("fragment F40 on Viewer { role }\n");
        let fanned = measure(&query).unwrap();
        assert_eq!(fanned.fields, 1 + (1u64 << 40));
        assert!(fanned.cost > 1u64 << 40);
    }

    #[test]
    fn unknown_and_repeated_directives_are_refused() {
        assert!(measure("{ __typename @aa }").is_err());
        assert!(measure("{ __typename @include(if: true) @include(if: true) }").is_err());
        let two = measure("{ __typename @include(if: true) @skip(if: false) }").unwrap();
        assert_eq!(two.directives, 2);
    }
}
