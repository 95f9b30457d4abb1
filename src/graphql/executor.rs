//! The schema as served: every response, subscription events included, leaves through
//! [`finalize_errors`], the one place errors become what clients see.

use std::sync::Arc;

use async_graphql::{
    Data, ErrorExtensionValues, Executor, Request, Response, Value,
    futures_util::stream::BoxStream, parser::types::ExecutableDocument,
};
use futures::StreamExt;

use super::{HubSchema, build_schema, order::order_as_asked};
use crate::error::{Code, Error};

/// The schema as served over HTTP and WebSocket: every response, subscription events included,
/// leaves through [`finalize_errors`] and is put in the order the document asked. This is not a schema extension on purpose: with any
/// extension installed, async-graphql runs every field of every object through the extension
/// chain (a boxed future and a registry lookup each), which large answers paid for dearly.
#[derive(Clone)]
pub struct ServedSchema(HubSchema);

impl ServedSchema {
    pub fn new() -> Self {
        Self(build_schema())
    }
}

impl Default for ServedSchema {
    fn default() -> Self {
        Self::new()
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
        let mut response = self.0.execute(request).await;
        Asked::finish(asked.as_deref(), &mut response);
        response
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let asked = Asked::of(&mut request);
        self.0
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .map(move |mut response| {
                Asked::finish(asked.as_deref(), &mut response);
                response
            })
            .boxed()
    }
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
