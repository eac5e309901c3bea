//! Faults on demand: what a reception's Wi-Fi and a busy API do to the kiosk, so tests, the
//! benchmark and a demo can show the kiosk coping.
//!
//! Transport faults (offline, a reset, a page cut off mid-body, an answer that goes quiet) are
//! made below HTTP: every
//! connection is a [`FaultyStream`] that can be told to fail, so they hit pooled keep-alive
//! connections too, exactly as a dropped network would.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// One fault for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An HTTP error status (500, 502, 503...).
    ServerError(u16),
    /// 429 with `Retry-After` in seconds.
    TooManyRequests { retry_after_secs: u64 },
    /// No answer until the client gives up (the request outlives its timeout).
    Hang,
    /// The connection is dropped instead of answering.
    Reset,
    /// A 200 whose body is not JSON.
    Malformed,
    /// The answer stops half way through its body (a page that ends early).
    Truncated,
    /// The request is handled (a write reaches the MIS), then its answer goes quiet: no more
    /// bytes and no reset, so the client waits until its timeout (Wi-Fi that drops without a
    /// word). The connection closes after [`FaultHandle::set_hang_for`].
    Stall,
    /// 401, as if the token had been revoked for this one request.
    Unauthorized,
}

#[derive(Debug)]
struct Planned {
    skip: usize,
    fault: Fault,
    times: usize,
}

#[derive(Debug)]
pub(crate) struct Faults {
    latency: Mutex<Duration>,
    error_share: Mutex<f64>,
    offline: AtomicBool,
    revoked: AtomicBool,
    hang_for: Mutex<Duration>,
    planned: Mutex<VecDeque<Planned>>,
    rng: Mutex<u64>,
}

impl Faults {
    pub(crate) fn new(latency: Duration) -> Self {
        Self {
            latency: Mutex::new(latency),
            error_share: Mutex::new(0.0),
            offline: AtomicBool::new(false),
            revoked: AtomicBool::new(false),
            hang_for: Mutex::new(Duration::from_secs(120)),
            planned: Mutex::new(VecDeque::new()),
            rng: Mutex::new(0x5EED_CAFE_F00D_u64),
        }
    }

    pub(crate) fn latency(&self) -> Duration {
        *lock(&self.latency)
    }

    pub(crate) fn hang_for(&self) -> Duration {
        *lock(&self.hang_for)
    }

    pub(crate) fn offline(&self) -> bool {
        self.offline.load(Ordering::SeqCst)
    }

    pub(crate) fn revoked(&self) -> bool {
        self.revoked.load(Ordering::SeqCst)
    }

    /// The fault for the request arriving now, if any: planned faults first, then the random
    /// share of server errors.
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        {
            let mut planned = lock(&self.planned);
            if let Some(front) = planned.front_mut() {
                if front.skip > 0 {
                    front.skip -= 1;
                } else {
                    let fault = front.fault;
                    front.times -= 1;
                    if front.times == 0 {
                        planned.pop_front();
                    }
                    return Some(fault);
                }
            }
        }
        let share = *lock(&self.error_share);
        (share > 0.0 && self.random() < share).then_some(Fault::ServerError(500))
    }

    /// xorshift: deterministic, so a run with a share of errors can be repeated.
    fn random(&self) -> f64 {
        let mut x = lock(&self.rng);
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Switches faults on and off while the simulator runs.
#[derive(Debug, Clone)]
pub struct FaultHandle(pub(crate) Arc<Faults>);

impl FaultHandle {
    /// Added before every answer.
    pub fn set_latency(&self, latency: Duration) {
        *lock(&self.0.latency) = latency;
    }

    /// The share (0.0..=1.0) of requests answered with HTTP 500.
    pub fn set_error_share(&self, share: f64) {
        *lock(&self.0.error_share) = share.clamp(0.0, 1.0);
    }

    /// Every request fails at the transport level (new and pooled connections alike).
    pub fn set_offline(&self, offline: bool) {
        self.0.offline.store(offline, Ordering::SeqCst);
    }

    /// The school revoked the kiosk's access: every request gets 401 until restored.
    pub fn set_token_revoked(&self, revoked: bool) {
        self.0.revoked.store(revoked, Ordering::SeqCst);
    }

    /// How long a [`Fault::Hang`] holds a request (ended early by shutdown).
    pub fn set_hang_for(&self, hang: Duration) {
        *lock(&self.0.hang_for) = hang;
    }

    /// The next `times` requests get `fault`.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.inject_after(0, fault, times);
    }

    /// After `ok_requests` more requests succeed, the following `times` get `fault`. Planned
    /// faults run one plan after another, in the order they were given.
    pub fn inject_after(&self, ok_requests: usize, fault: Fault, times: usize) {
        if times > 0 {
            lock(&self.0.planned).push_back(Planned { skip: ok_requests, fault, times });
        }
    }

    /// A burst of `n` 429 answers asking to wait `retry_after_secs`.
    pub fn rate_limit_burst(&self, n: usize, retry_after_secs: u64) {
        self.inject(Fault::TooManyRequests { retry_after_secs }, n);
    }

    /// Back to a healthy server.
    pub fn clear(&self) {
        lock(&self.0.planned).clear();
        self.set_error_share(0.0);
        self.set_offline(false);
        self.set_token_revoked(false);
    }
}

/// Accepts connections as [`FaultyStream`]s; while offline, connections are dropped at once.
pub(crate) struct FaultyListener {
    pub(crate) inner: TcpListener,
    pub(crate) faults: Arc<Faults>,
}

impl Listener for FaultyListener {
    type Io = FaultyStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    if self.faults.offline() {
                        drop(stream);
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    let budget = Arc::new(AtomicI64::new(NO_LIMIT));
                    return (
                        FaultyStream {
                            inner: stream,
                            faults: self.faults.clone(),
                            budget,
                            stall: None,
                        },
                        addr,
                    );
                }
                // Out of file descriptors and the like: wait a moment, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that can be told to fail: offline, or after a number of bytes (`budget`:
/// [`NO_LIMIT`], 0 = fail now, [`STALLED`] = hold every write, then fail).
pub(crate) struct FaultyStream {
    inner: TcpStream,
    faults: Arc<Faults>,
    budget: Arc<AtomicI64>,
    /// While stalled: when the connection finally gives up.
    stall: Option<Pin<Box<tokio::time::Sleep>>>,
}

const NO_LIMIT: i64 = -1;
const STALLED: i64 = -2;

/// The handle to one connection's byte budget, reachable from a request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle(Arc<AtomicI64>);

impl ConnHandle {
    /// The connection fails after `bytes` more bytes are written (0: on the next write).
    pub(crate) fn cut_after(&self, bytes: usize) {
        self.0.store(bytes as i64, Ordering::SeqCst);
    }

    /// Nothing more is written on the connection; it closes after the hang time.
    pub(crate) fn stall(&self) {
        self.0.store(STALLED, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, FaultyListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, FaultyListener>) -> Self {
        ConnHandle(stream.io().budget.clone())
    }
}

fn broken() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "simulated network fault")
}

impl AsyncRead for FaultyStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.faults.offline() || self.budget.load(Ordering::SeqCst) == 0 {
            return Poll::Ready(Err(broken()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultyStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let budget = self.budget.load(Ordering::SeqCst);
        if budget == STALLED {
            let hang = self.faults.hang_for();
            let until = self.stall.get_or_insert_with(|| Box::pin(tokio::time::sleep(hang)));
            ready!(until.as_mut().poll(cx));
            return Poll::Ready(Err(broken()));
        }
        if self.faults.offline() || budget == 0 {
            return Poll::Ready(Err(broken()));
        }
        let allowed = if budget < 0 { buf.len() } else { buf.len().min(budget as usize) };
        let result = Pin::new(&mut self.inner).poll_write(cx, &buf[..allowed]);
        if let Poll::Ready(Ok(n)) = &result {
            if budget > 0 {
                self.budget.fetch_sub(*n as i64, Ordering::SeqCst);
            }
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
