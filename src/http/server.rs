//! The listening socket, held to limits that `axum::serve` does not have:
//!
//! - at most [`ServeConfig::max_connections`] connections; past it a new connection is closed at
//!   once, so a flood cannot take the process's file descriptors (and `/healthz` with them);
//! - request headers must arrive within [`ServeConfig::header_timeout`], which also closes an
//!   idle keep-alive connection (hyper starts the timer as it waits for the next request), so
//!   half-sent headers (slowloris) do not hold a connection;
//! - on SIGTERM or SIGINT: stop accepting, close idle and half-open connections, let requests in
//!   flight finish up to [`ServeConfig::shutdown_grace`], close subscriptions with 1001 (going
//!   away, as graphql-ws servers do when they stop), and return.

use std::{
    future::Future,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{Router, body::Body, extract::ConnectInfo, http::Request};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto,
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
    time::Instant,
};
use tower::ServiceExt;

use crate::{
    app::App,
    error::{Error, Result},
};

/// Serves `app` on `listener` until `stop` completes, then drains.
pub async fn serve(app: App, listener: TcpListener, stop: impl Future<Output = ()>) -> Result<()> {
    let edge = app.edge.clone();
    let router = super::app(app.clone());
    let connections = Arc::new(Semaphore::new(edge.max_connections));
    // HTTP/1.1 only: what GraphQL over HTTP, graphql-ws and browsers behind the intranet's
    // proxies speak. (Detecting HTTP/2 would first wait for bytes with no deadline at all.)
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(edge.header_timeout);
    let builder = Arc::new(builder);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: give the connections a moment to close.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "connection refused: at the connection limit");
            continue;
        };
        let connection = Connection {
            builder: builder.clone(),
            service: service_for(&router, peer),
            idle_after: edge.header_timeout,
            stopping: app.stopping.subscribe(),
        };
        tokio::spawn(async move {
            connection.run(stream).await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!(
        grace_ms = edge.shutdown_grace.as_millis() as u64,
        "shutting down: draining requests in flight"
    );
    app.stopping.send_replace(true);
    // Every connection gives its permit back as it closes.
    let all = u32::try_from(edge.max_connections).unwrap_or(u32::MAX);
    match tokio::time::timeout(edge.shutdown_grace, connections.acquire_many(all)).await {
        Ok(_) => tracing::info!("every connection closed"),
        Err(_) => tracing::warn!("the shutdown grace ran out; the remaining connections are cut"),
    }
    Ok(())
}

/// One accepted connection and what it is held to.
struct Connection<S> {
    builder: Arc<auto::Builder<TokioExecutor>>,
    service: S,
    idle_after: Duration,
    stopping: watch::Receiver<bool>,
}

impl<S> Connection<S>
where
    S: hyper::service::Service<Request<Incoming>, Response = axum::response::Response>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    /// Serves the connection until the client closes it, it has been silent for `idle_after`
    /// (a request in flight finishes first), or the server stops (likewise).
    async fn run(mut self, stream: TcpStream) {
        let started = Instant::now();
        let last_active = Arc::new(AtomicU64::new(0));
        let io = Watched {
            inner: stream,
            started,
            last_active: last_active.clone(),
        };
        let connection = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(io), self.service);
        tokio::pin!(connection);
        let mut closing = false;
        loop {
            let active = started + Duration::from_millis(last_active.load(Ordering::Relaxed));
            tokio::select! {
                _ = connection.as_mut() => return,
                () = tokio::time::sleep_until(active + self.idle_after), if !closing => {
                    let quiet = started + Duration::from_millis(last_active.load(Ordering::Relaxed));
                    if quiet + self.idle_after <= Instant::now() {
                        closing = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
                _ = self.stopping.wait_for(|stop| *stop), if !closing => {
                    closing = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// A socket that notes when bytes last went either way.
struct Watched {
    inner: TcpStream,
    started: Instant,
    /// Milliseconds after `started`.
    last_active: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let now = self.started.elapsed().as_millis() as u64;
        self.last_active.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The router for one connection, which knows the client's address.
fn service_for(
    router: &Router,
    peer: SocketAddr,
) -> TowerToHyperService<
    impl tower::Service<
        Request<Incoming>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future: Send,
    > + Clone
    + Send
    + 'static,
> {
    let service = router
        .clone()
        .map_request(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
    TowerToHyperService::new(service)
}

/// Binds the configured address.
pub async fn bind(listen: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(listen)
        .await
        .map_err(|e| Error::internal(format!("cannot listen on {listen}: {e}")))
}
