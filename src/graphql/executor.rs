//! The schema as served: every response, subscription events included, leaves through
//! [`finalize_errors`], the one place errors become what clients see.

use std::{any::TypeId, sync::Arc};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use async_graphql::{
    Data, ErrorExtensionValues, Executor, Request, Response, ServerError, Value, Variables,
    futures_util::stream::BoxStream, parser::types::ExecutableDocument,
};
use futures::StreamExt;

use super::{
    HubSchema, MAX_DEPTH, build_schema,
    cost::{CostModel, Measure},
    limits::{
        MAX_INTROSPECTION_DEPTH, check_introspection, check_measure, check_text_inputs,
        is_introspection, operation,
    },
    order::order_as_asked,
    schema_builder,
};
use crate::{
    error::{Code, Error},
    service::budget::{Budgets, Charge, Payer, Standing},
};

/// The schema as served over HTTP and WebSocket. Before a document runs it is held to the
/// limits and charged to the caller's budget ([`Payer`] in the request's data); its answer
/// reports the cost (`extensions.cost`), every error leaves through [`finalize_errors`], and
/// the data is put in the order the document asked. This is not a schema extension on purpose:
/// with any extension installed, async-graphql runs every field of every object through the
/// extension chain (a boxed future and a registry lookup each), which large answers paid for
/// dearly.
///
/// Introspection-only documents run on a second copy of the schema that has introspection's own
/// limits instead of the data depth limit, which the standard introspection query exceeds.
#[derive(Clone)]
pub struct ServedSchema {
    data: HubSchema,
    /// `None` when introspection is switched off (`HUB_INTROSPECTION=off`).
    introspection: Option<HubSchema>,
    cost: Arc<CostModel>,
    /// `None`: nobody is charged (the schema used on its own, as by the benchmark's baseline).
    budgets: Option<Budgets>,
    /// Points that may be running at once, across requests: a flood of costly requests is
    /// refused at once rather than run side by side until memory runs out.
    running: Arc<Semaphore>,
    running_capacity: u64,
    /// Documents already parsed, by their text's SHA-256.
    parsed: Arc<ParsedDocuments>,
}

/// The default of `HUB_MAX_IN_FLIGHT_COST`: five of the costliest requests at once.
pub const MAX_RUNNING_COST: u64 = 250_000;

impl ServedSchema {
    pub fn new(introspection: bool, budgets: Option<Budgets>) -> Self {
        Self::with_running_cost(introspection, budgets, MAX_RUNNING_COST)
    }

    /// [`Self::new`], with at most `running_cost` points running at once.
    pub fn with_running_cost(
        introspection: bool,
        budgets: Option<Budgets>,
        running_cost: u64,
    ) -> Self {
        let data = if introspection {
            build_schema()
        } else {
            schema_builder()
                .limit_depth(MAX_DEPTH)
                .disable_introspection()
                .finish()
        };
        let cost = CostModel::from_sdl(&data.sdl()).unwrap_or_else(|err| {
            // The SDL is the schema's own: it always parses.
            tracing::error!(error = %err, "the cost model could not read the schema");
            CostModel::default()
        });
        Self {
            data,
            introspection: introspection.then(|| {
                schema_builder()
                    .limit_depth(MAX_INTROSPECTION_DEPTH)
                    .finish()
            }),
            cost: Arc::new(cost),
            budgets,
            running: Arc::new(Semaphore::new(
                usize::try_from(running_cost).unwrap_or(Semaphore::MAX_PERMITS),
            )),
            running_capacity: running_cost.max(1),
            parsed: Arc::default(),
        }
    }

    /// The request's document, parsed once: a document sent before is copied from a bounded
    /// cache instead of parsed again. The edge asks this before execution (is it a query?); the
    /// execution then finds the same document.
    pub fn parse(&self, request: &mut Request) -> Option<Arc<ExecutableDocument>> {
        self.parsed.parse(request)
    }

    /// Holds a document to the limits and charges it: the schema to run it on, or why it may not
    /// run.
    fn admit(&self, asked: Option<&Asked>, payer: Option<&Payer>) -> Admission<'_> {
        let mut admission = Admission {
            schema: Ok(&self.data),
            measure: None,
            charge: None,
            running: None,
        };
        let Some(asked) = asked else {
            return admission;
        };
        let Some(op) = operation(&asked.document, asked.operation.as_deref()) else {
            return admission;
        };
        let measured = check_introspection(&asked.document, op, self.introspection.is_some())
            .and_then(|()| check_text_inputs(&asked.document, op, &asked.variables))
            .and_then(|()| self.cost.measure(&asked.document, op, &asked.variables));
        let measure = match measured {
            Ok(measure) => measure,
            Err(refusal) => {
                admission.schema = Err(refusal);
                return admission;
            }
        };
        admission.measure = Some(measure);
        let running = check_measure(&measure).and_then(|()| self.start_running(measure.cost));
        match running {
            Ok(permit) => admission.running = Some(permit),
            Err(refusal) => {
                admission.schema = Err(refusal);
                return admission;
            }
        }
        let charged = match &self.budgets {
            Some(budgets) => budgets.charge(payer, measure.cost).map(Some),
            None => Ok(None),
        };
        match charged {
            Ok(charge) => admission.charge = charge,
            Err(refusal) => {
                admission.schema = Err(refusal);
                return admission;
            }
        }
        if let Some(schema) = &self.introspection
            && is_introspection(&asked.document, op)
        {
            admission.schema = Ok(schema);
        }
        admission
    }

    /// Takes the request's points from those that may run at once, or refuses it (retryable).
    fn start_running(&self, cost: u64) -> Result<OwnedSemaphorePermit, Error> {
        let points = u32::try_from(cost.clamp(1, self.running_capacity)).unwrap_or(u32::MAX);
        self.running
            .clone()
            .try_acquire_many_owned(points)
            .map_err(|_| {
                Error::Unavailable(
                    "the server is busy with costly requests; retry shortly or ask for less".into(),
                )
            })
    }

    /// Settles the charge at the answer's actual cost and reports both in `extensions.cost`.
    fn account(
        &self,
        asked: Option<&Asked>,
        measure: Option<Measure>,
        charge: Option<Charge>,
        response: &mut Response,
    ) {
        let Some(measure) = measure else {
            return;
        };
        let actual = asked.map_or(0, |asked| {
            operation(&asked.document, asked.operation.as_deref()).map_or(0, |op| {
                self.cost
                    .actual(&asked.document, op, &asked.variables, &response.data)
            })
        });
        let standing = match (&self.budgets, charge) {
            (Some(budgets), Some(charge)) => budgets.settle(charge, actual),
            _ => None,
        };
        response
            .extensions
            .insert("cost".into(), cost_report(&measure, actual, standing));
    }
}

/// A document held to the limits: the schema it runs on (or why not), what it was measured to
/// and what it was charged.
struct Admission<'a> {
    schema: Result<&'a HubSchema, Error>,
    measure: Option<Measure>,
    charge: Option<Charge>,
    /// Its share of the points running at once, given back when the request ends.
    running: Option<OwnedSemaphorePermit>,
}

/// `extensions.cost`: points requested and actually spent, and the caller's budget after.
fn cost_report(measure: &Measure, actual: u64, standing: Option<Standing>) -> Value {
    let mut report = async_graphql::indexmap::IndexMap::new();
    report.insert(
        async_graphql::Name::new("requested"),
        Value::from(measure.cost),
    );
    report.insert(async_graphql::Name::new("actual"), Value::from(actual));
    if let Some(standing) = standing {
        let budget = [
            ("limit", standing.limit),
            ("remaining", standing.remaining),
            ("resetsIn", standing.resets_in),
        ]
        .into_iter()
        .map(|(k, v)| (async_graphql::Name::new(k), Value::from(v)))
        .collect();
        report.insert(async_graphql::Name::new("budget"), Value::Object(budget));
    }
    Value::Object(report)
}

impl Default for ServedSchema {
    fn default() -> Self {
        Self::new(true, None)
    }
}

/// Documents already parsed, by the SHA-256 of their text: dashboards send the same few
/// documents with other variables, and a parse costs more than a copy. Bounded: past
/// [`PARSED_ENTRIES`] the cache starts afresh, and long documents are not kept. Only parsing is
/// saved; validation, limits, cost and permissions run for every request, as they may depend on
/// the variables and the caller.
#[derive(Default)]
struct ParsedDocuments(
    std::sync::Mutex<std::collections::HashMap<[u8; 32], Arc<ExecutableDocument>>>,
);

const PARSED_ENTRIES: usize = 512;
const PARSED_LONGEST: usize = 32 * 1024;

impl ParsedDocuments {
    /// The request's document, parsed (or copied from the cache) into the request too, and
    /// marked in its data as parsed, so that the edge and the executor share one copy.
    fn parse(&self, request: &mut Request) -> Option<Arc<ExecutableDocument>> {
        if let Some(Parsed(document)) = request
            .data
            .get(&TypeId::of::<Parsed>())
            .and_then(|data| data.downcast_ref::<Parsed>())
        {
            return Some(document.clone());
        }
        let document = self.parse_afresh(request)?;
        request.data.insert(Parsed(document.clone()));
        Some(document)
    }

    fn parse_afresh(&self, request: &mut Request) -> Option<Arc<ExecutableDocument>> {
        use sha2::{Digest, Sha256};
        if request.query.len() > PARSED_LONGEST {
            return request.parsed_query().ok().cloned().map(Arc::new);
        }
        let key: [u8; 32] = Sha256::digest(request.query.as_bytes()).into();
        let known = self
            .0
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).cloned());
        if let Some(document) = known {
            request.set_parsed_query((*document).clone());
            return Some(document);
        }
        let document = Arc::new(request.parsed_query().ok()?.clone());
        if let Ok(mut cache) = self.0.lock() {
            if cache.len() >= PARSED_ENTRIES {
                cache.clear();
            }
            cache.insert(key, document.clone());
        }
        Some(document)
    }
}

/// A request's document as [`ParsedDocuments`] gave it (in the request's data).
struct Parsed(Arc<ExecutableDocument>);

/// The document a request asked, kept to measure it and to put its answer in order (none if it
/// did not parse).
struct Asked {
    document: Arc<ExecutableDocument>,
    operation: Option<String>,
    variables: Variables,
}

impl Asked {
    fn of(parsed: &ParsedDocuments, request: &mut Request) -> Option<Arc<Self>> {
        let document = parsed.parse(request)?;
        Some(Arc::new(Self {
            document,
            operation: request.operation_name.clone(),
            variables: request.variables.clone(),
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

/// The payer a request or connection carries in its data.
pub(crate) fn payer_in(data: &Data) -> Option<&Payer> {
    data.get(&TypeId::of::<Payer>())?.downcast_ref()
}

impl Executor for ServedSchema {
    async fn execute(&self, mut request: Request) -> Response {
        let asked = Asked::of(&self.parsed, &mut request);
        let payer = payer_in(&request.data).cloned();
        let Admission {
            schema,
            measure,
            charge,
            running: _running,
        } = self.admit(asked.as_deref(), payer.as_ref());
        let mut response = match schema {
            Ok(schema) => schema.execute(request).await,
            Err(refusal) => refused(refusal),
        };
        self.account(asked.as_deref(), measure, charge, &mut response);
        Asked::finish(asked.as_deref(), &mut response);
        response
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let asked = Asked::of(&self.parsed, &mut request);
        let session_data = session_data.unwrap_or_default();
        let payer = payer_in(&request.data)
            .or_else(|| payer_in(&session_data))
            .cloned();
        // A subscription is charged once, when it starts, at what it asked.
        let admission = self.admit(asked.as_deref(), payer.as_ref());
        let responses = match admission.schema {
            Ok(schema) => schema.execute_stream_with_session_data(request, session_data),
            Err(refusal) => futures::stream::once(async move { refused(refusal) }).boxed(),
        };
        if let (Some(budgets), Some(charge), Some(measure)) =
            (&self.budgets, admission.charge, admission.measure)
        {
            let _ = budgets.settle(charge, measure.cost);
        }
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
        let (code, rule, retry_after) = match ours {
            Some(Error::Internal(detail)) => {
                tracing::error!(error.detail = %detail, graphql.path = ?error.path, "internal error");
                error.message = "internal error".into();
                (Code::Internal, None, None)
            }
            Some(Error::RateLimited { retry_after, .. }) => {
                (Code::RateLimited, None, Some(*retry_after))
            }
            Some(ours) => (ours.code(), rule_of(ours), None),
            // Raised by async-graphql itself: parse and validation errors, limits, arguments of
            // the wrong type. All of them are the caller's to fix.
            None => (Code::BadUserInput, None, None),
        };
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        extensions.set("code", Value::from(code.as_str()));
        if let Some(seconds) = retry_after {
            extensions.set("retryAfter", Value::from(seconds));
        }
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

#[cfg(test)]
mod parsed_documents {
    use super::*;

    #[test]
    fn a_document_sent_again_is_not_parsed_again() {
        let cache = ParsedDocuments::default();
        let mut first = Request::new("{ viewer { role } }");
        let mut again = Request::new("{ viewer { role } }");
        let parsed = cache.parse(&mut first).unwrap();
        assert!(Arc::ptr_eq(&parsed, &cache.parse(&mut again).unwrap()));
        assert!(
            again.parsed_query().is_ok(),
            "the copy is the request's document"
        );
        let mut other = Request::new("{ viewer { subject } }");
        assert!(!Arc::ptr_eq(&parsed, &cache.parse(&mut other).unwrap()));
        assert!(cache.parse(&mut Request::new("{ viewer {")).is_none());
    }
}
