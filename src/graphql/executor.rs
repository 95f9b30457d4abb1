//! The schema as served: every response, subscription events included, leaves through
//! [`finalize_errors`], the one place errors become what clients see.

use std::sync::Arc;

use async_graphql::{
    Data, ErrorExtensionValues, Executor, Request, Response, ServerError, Value,
    futures_util::stream::BoxStream, parser::types::ExecutableDocument,
};
use futures::StreamExt;

use super::{
    HubSchema, MAX_COMPLEXITY, MAX_DEPTH, build_schema,
    limits::{MAX_INTROSPECTION_DEPTH, check_introspection, is_introspection, operation},
    order::order_as_asked,
    schema_builder,
};
use crate::error::{Code, Error};

/// The schema as served over HTTP and WebSocket: every response, subscription events included,
/// leaves through [`finalize_errors`] and is put in the order the document asked. This is not a schema extension on purpose: with any
/// extension installed, async-graphql runs every field of every object through the extension
/// chain (a boxed future and a registry lookup each), which large answers paid for dearly.
///
/// Introspection-only documents run on a second copy of the schema that has introspection's own
/// limits instead of the data depth limit, which the standard introspection query exceeds.
#[derive(Clone)]
pub struct ServedSchema {
    data: HubSchema,
    /// `None` when introspection is switched off (`HUB_INTROSPECTION=off`).
    introspection: Option<HubSchema>,
}

impl ServedSchema {
    pub fn new(introspection: bool) -> Self {
        if !introspection {
            return Self {
                data: schema_builder()
                    .limit_depth(MAX_DEPTH)
                    .limit_complexity(MAX_COMPLEXITY)
                    .disable_introspection()
                    .finish(),
                introspection: None,
            };
        }
        Self {
            data: build_schema(),
            introspection: Some(
                schema_builder()
                    .limit_depth(MAX_INTROSPECTION_DEPTH)
                    .limit_complexity(MAX_COMPLEXITY)
                    .finish(),
            ),
        }
    }

    /// The schema to run a document on, or why it may not run.
    fn route(&self, asked: Option<&Asked>) -> Result<&HubSchema, Error> {
        let Some(asked) = asked else {
            return Ok(&self.data);
        };
        let Some(op) = operation(&asked.document, asked.operation.as_deref()) else {
            return Ok(&self.data);
        };
        check_introspection(&asked.document, op, self.introspection.is_some())?;
        match &self.introspection {
            Some(schema) if is_introspection(&asked.document, op) => Ok(schema),
            _ => Ok(&self.data),
        }
    }
}

impl Default for ServedSchema {
    fn default() -> Self {
        Self::new(true)
    }
}

/// The document a request asked, kept to put its answer in order (none if it did not parse).
struct Asked {
    document: ExecutableDocument,
    operation: Option<String>,
}

impl Asked {
    fn of(request: &mut Request) -> Option<Arc<Self>> {
        let document = request.parsed_query().ok()?.clone();
        Some(Arc::new(Self {
            document,
            operation: request.operation_name.clone(),
        }))
    }

    /// What every answer goes through before it leaves.
    fn finish(asked: Option<&Self>, response: &mut Response) {
        finalize_errors(response);
        if let Some(asked) = asked {
            order_as_asked(
                &asked.document,
                asked.operation.as_deref(),
                &mut response.data,
            );
        }
    }
}

impl Executor for ServedSchema {
    async fn execute(&self, mut request: Request) -> Response {
        let asked = Asked::of(&mut request);
        let mut response = match self.route(asked.as_deref()) {
            Ok(schema) => schema.execute(request).await,
            Err(refusal) => refused(refusal),
        };
        Asked::finish(asked.as_deref(), &mut response);
        response
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let asked = Asked::of(&mut request);
        let responses = match self.route(asked.as_deref()) {
            Ok(schema) => {
                schema.execute_stream_with_session_data(request, session_data.unwrap_or_default())
            }
            Err(refusal) => futures::stream::once(async move { refused(refusal) }).boxed(),
        };
        responses
            .map(move |mut response| {
                Asked::finish(asked.as_deref(), &mut response);
                response
            })
            .boxed()
    }
}

/// The answer to a document refused before it ran.
pub(crate) fn refused(error: Error) -> Response {
    let mut refusal = ServerError::new(error.to_string(), None);
    refusal.source = Some(Arc::new(error));
    Response::from_errors(vec![refusal])
}

/// Gives every error of a response its `extensions.code` (and `rule`), and replaces the text of
/// internal errors with a generic message after logging them. This is the one place errors are
/// turned into what clients see.
pub fn finalize_errors(response: &mut Response) {
    for error in &mut response.errors {
        let ours = error
            .source::<Error>()
            .or_else(|| error.source::<Arc<Error>>().map(AsRef::as_ref));
        let (code, rule) = match ours {
            Some(Error::Internal(detail)) => {
                tracing::error!(error.detail = %detail, graphql.path = ?error.path, "internal error");
                error.message = "internal error".into();
                (Code::Internal, None)
            }
            Some(ours) => (ours.code(), rule_of(ours)),
            // Raised by async-graphql itself: parse and validation errors, limits, arguments of
            // the wrong type. All of them are the caller's to fix.
            None => (Code::BadUserInput, None),
        };
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        extensions.set("code", Value::from(code.as_str()));
        if let Some(rule) = rule {
            extensions.set("rule", Value::from(rule));
        }
    }
}

fn rule_of(error: &Error) -> Option<&'static str> {
    match error {
        Error::Rule { rule, .. } => Some(rule),
        _ => None,
    }
}
