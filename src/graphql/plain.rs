//! Long lists of plain objects answered in one pass. The executor resolves every field of every
//! object as its own boxed future in a set of its own; for the thousand units of a chain walk that
//! bookkeeping was the larger part of the hub's own CPU. A [`PlainList`] first tries to build its
//! answer directly: when every field its selection asks (through aliases and fragments) is one the
//! objects answer at once ([`Plain::plain`]: a value they hold, or nested objects they hold), the
//! list is answered without the executor; otherwise the executor answers it as any list.
//!
//! Nothing here decides what a caller may see: an object answers from its guarded row exactly what
//! its resolver would (both read the same accessors), and any field that needs a loader, takes
//! arguments or may fail is left to the executor.

use std::{borrow::Cow, collections::HashMap};

use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
    indexmap::IndexMap,
    parser::types::{Field, FragmentDefinition, Selection, SelectionSet},
    registry::Registry,
    resolver_utils::resolve_list,
};

/// What an object answers at once for a field asked without arguments.
pub enum Answer<'a> {
    /// A leaf value (scalar, enum, list of them, or null).
    Value(Value),
    /// A nested object, or null; its own fields are answered the same way.
    Object(Option<&'a dyn Plain>),
    /// A list of nested objects.
    Objects(Vec<&'a dyn Plain>),
}

/// An object that can answer some of its fields at once.
pub trait Plain: Send + Sync {
    /// Its concrete GraphQL type: what `__typename` answers and fragments are matched against.
    fn concrete_type(&self) -> Cow<'static, str>;

    /// The field's answer, or `None` when only its resolver can answer it (it reads a loader,
    /// takes arguments, or can fail).
    fn plain(&self, field: &str) -> Option<Answer<'_>>;
}

/// A list field's objects: answered in one pass when the selection allows, by the executor
/// otherwise. Its GraphQL type is the plain list's (`[T!]!`).
pub struct PlainList<T>(pub Vec<T>);

impl<T: OutputType + Plain> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let builder = Builder::of(ctx);
        let built: Option<Vec<Value>> = self
            .0
            .iter()
            .map(|item| builder.object(&ctx.item.node, item))
            .collect();
        match built {
            Some(items) => Ok(Value::List(items)),
            None => resolve_list(ctx, field, &self.0, Some(self.0.len())).await,
        }
    }
}

/// An object's answer built in one pass from the selection it is resolved with, or `None` when
/// some field asked needs its resolvers (for an object in a list this module does not own, such
/// as a connection's nodes).
pub fn answer(ctx: &ContextSelectionSet<'_>, item: &dyn Plain) -> Option<Value> {
    Builder::of(ctx).object(&ctx.item.node, item)
}

/// Builds answers from a document's selection sets.
struct Builder<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    registry: &'a Registry,
}

impl<'a> Builder<'a> {
    fn of(ctx: &'a ContextSelectionSet<'_>) -> Self {
        // The document's fragments and the schema's registry are public (if undocumented) fields
        // of async-graphql's context; the executor reads them the same way.
        Self {
            fragments: &ctx.query_env.fragments,
            registry: &ctx.schema_env.registry,
        }
    }

    /// An object's answer, or `None` if some field asked needs the executor.
    fn object(&self, set: &SelectionSet, item: &dyn Plain) -> Option<Value> {
        let mut answer = IndexMap::with_capacity(set.items.len());
        self.collect(set, item, &mut answer)?;
        Some(Value::Object(answer))
    }

    fn collect(
        &self,
        set: &SelectionSet,
        item: &dyn Plain,
        answer: &mut IndexMap<Name, Value>,
    ) -> Option<()> {
        for selection in &set.items {
            // `@skip` and `@include` are gone before execution; any other directive is the
            // executor's to apply.
            if !selection.node.directives().is_empty() {
                return None;
            }
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let key = &field.response_key().node;
                    if !field.arguments.is_empty() {
                        return None;
                    }
                    let value = if field.name.node == "__typename" {
                        Value::String(item.concrete_type().into_owned())
                    } else {
                        match item.plain(&field.name.node)? {
                            Answer::Value(value) => value,
                            Answer::Object(None) => Value::Null,
                            Answer::Object(Some(nested)) => {
                                self.object(&field.selection_set.node, nested)?
                            }
                            Answer::Objects(nested) => Value::List(
                                nested
                                    .into_iter()
                                    .map(|item| self.object(&field.selection_set.node, item))
                                    .collect::<Option<_>>()?,
                            ),
                        }
                    };
                    // A key asked twice merges its selections: the executor's work.
                    if answer.insert(key.clone(), value).is_some() {
                        return None;
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let fragment = &self.fragments.get(&spread.node.fragment_name.node)?.node;
                    if self.applies(&fragment.type_condition.node.on.node, item) {
                        self.collect(&fragment.selection_set.node, item, answer)?;
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let applies = fragment
                        .type_condition
                        .as_ref()
                        .is_none_or(|condition| self.applies(&condition.node.on.node, item));
                    if applies {
                        self.collect(&fragment.selection_set.node, item, answer)?;
                    }
                }
            }
        }
        Some(())
    }

    /// Whether a fragment on `condition` applies to the object: its own type or an interface it
    /// implements.
    fn applies(&self, condition: &str, item: &dyn Plain) -> bool {
        let concrete = item.concrete_type();
        condition == concrete
            || self
                .registry
                .implements
                .get(concrete.as_ref())
                .is_some_and(|interfaces| interfaces.contains(condition))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, value};

    use super::*;

    /// An object whose resolvers and one-pass answers differ, to tell which of them answered.
    struct Item(i32);

    #[Object]
    impl Item {
        async fn name(&self) -> String {
            format!("resolver {}", self.0)
        }
        async fn number(&self) -> i32 {
            self.0
        }
        async fn next(&self) -> Option<Item> {
            Some(Item(self.0 + 1))
        }
        /// Only the resolver answers it.
        async fn loud(&self) -> String {
            "LOUD".into()
        }
    }

    impl Plain for Item {
        fn concrete_type(&self) -> Cow<'static, str> {
            "Item".into()
        }
        fn plain(&self, field: &str) -> Option<Answer<'_>> {
            match field {
                "name" => Some(Answer::Value(format!("plain {}", self.0).into())),
                "number" => Some(Answer::Value(self.0.into())),
                _ => None,
            }
        }
    }

    struct Query;

    #[Object]
    impl Query {
        async fn items(&self) -> PlainList<Item> {
            PlainList(vec![Item(1), Item(2)])
        }
    }

    async fn run(query: &str) -> Value {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let response = schema.execute(query).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        response.data
    }

    #[tokio::test]
    async fn a_plain_selection_is_answered_in_one_pass_through_aliases_and_fragments() {
        let data = run(
            "{ items { __typename n: name ...F ... on Item { number } ... { other: number } } }
             fragment F on Item { name }",
        )
        .await;
        assert_eq!(
            data,
            value!({ "items": [
                { "__typename": "Item", "n": "plain 1", "name": "plain 1", "number": 1, "other": 1 },
                { "__typename": "Item", "n": "plain 2", "name": "plain 2", "number": 2, "other": 2 },
            ] })
        );
    }

    #[tokio::test]
    async fn a_field_only_a_resolver_answers_sends_the_whole_list_to_the_executor() {
        for query in [
            "{ items { name loud } }",
            // A nested object this one does not hold.
            "{ items { name next { number } } }",
            // A key asked twice merges its selections.
            "{ items { name name } }",
        ] {
            let data = run(query).await;
            let items = match &data {
                Value::Object(data) => match &data["items"] {
                    Value::List(items) => items.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            };
            assert_eq!(items.len(), 2);
            for item in items {
                let Value::Object(item) = item else { panic!() };
                assert!(
                    matches!(&item["name"], Value::String(name) if name.starts_with("resolver")),
                    "{query}: {item:?}"
                );
            }
        }
    }
}
