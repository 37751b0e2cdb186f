//! An HTTP/1.1 client for load over loopback: keep-alive connections, each
//! sending one request after the other, bounded in time.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpSocket, TcpStream};

use crate::BoxError;

/// A `GET` to send again and again: where, and with which cookie.
#[derive(Clone, Debug)]
pub struct Get {
    pub addr: SocketAddr,
    pub path: String,
    /// `name=value`, sent as the `Cookie` header.
    pub cookie: Option<String>,
}

impl Get {
    pub fn new(addr: SocketAddr, path: &str, cookie: Option<&str>) -> Self {
        Self {
            addr,
            path: path.to_owned(),
            cookie: cookie.map(str::to_owned),
        }
    }

    fn request(&self) -> Result<Request<Empty<Bytes>>, BoxError> {
        let mut request =
            Request::get(self.path.as_str()).header(header::HOST, self.addr.to_string());
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie.as_str());
        }
        Ok(request.body(Empty::new())?)
    }
}

/// One keep-alive connection.
pub struct Connection {
    sender: SendRequest<Empty<Bytes>>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Result<Self, BoxError> {
        Self::over(TcpStream::connect(addr).await?).await
    }

    /// Like `open`, from the loopback address `from` (any of 127.0.0.0/8):
    /// one source address has only so many ports, so many connections need
    /// more than one.
    pub async fn open_from(addr: SocketAddr, from: IpAddr) -> Result<Self, BoxError> {
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::new(from, 0))?;
        Self::over(socket.connect(addr).await?).await
    }

    async fn over(stream: TcpStream) -> Result<Self, BoxError> {
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// Sends `get` and reads the whole answer.
    pub async fn fetch(&mut self, get: &Get) -> Result<(StatusCode, Bytes), BoxError> {
        let response = self.start(get).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }

    /// Sends `get` and returns as soon as the headers are in, with the body
    /// still to come (a live stream).
    pub async fn start(&mut self, get: &Get) -> Result<Response<Incoming>, BoxError> {
        self.sender.ready().await?;
        Ok(self.sender.send_request(get.request()?).await?)
    }
}

/// Requests answered in a measured span of time.
#[derive(Clone, Copy, Debug)]
pub struct Throughput {
    pub answered: u64,
    /// Answers other than 200 (none expected).
    pub failed: u64,
    pub elapsed: Duration,
}

impl Throughput {
    #[allow(clippy::cast_precision_loss)]
    pub fn per_second(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64()
    }
}

/// `connections` keep-alive connections sending `get` back to back; answers
/// are counted after `warm_up`, for `measured`.
pub async fn throughput(
    get: &Get,
    connections: usize,
    warm_up: Duration,
    measured: Duration,
) -> Result<Throughput, BoxError> {
    let start = Instant::now() + warm_up;
    let end = start + measured;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let get = get.clone();
        workers.spawn(async move {
            let mut connection = Connection::open(get.addr).await?;
            let (mut answered, mut failed) = (0_u64, 0_u64);
            loop {
                let (status, _) = connection.fetch(&get).await?;
                let now = Instant::now();
                if now >= end {
                    return Ok::<_, BoxError>((answered, failed));
                }
                if now >= start {
                    if status == StatusCode::OK {
                        answered += 1;
                    } else {
                        failed += 1;
                    }
                }
            }
        });
    }
    let mut total = Throughput {
        answered: 0,
        failed: 0,
        elapsed: measured,
    };
    while let Some(worker) = workers.join_next().await {
        let (answered, failed) = worker??;
        total.answered += answered;
        total.failed += failed;
    }
    Ok(total)
}

/// The time of each answer to `get`, sent one after the other on one
/// connection for `span`. Fails on any answer but 200.
pub async fn latencies(get: &Get, span: Duration) -> Result<Vec<Duration>, BoxError> {
    let mut connection = Connection::open(get.addr).await?;
    let end = Instant::now() + span;
    let mut samples = Vec::new();
    while Instant::now() < end {
        let sent = Instant::now();
        let (status, body) = connection.fetch(get).await?;
        samples.push(sent.elapsed());
        if status != StatusCode::OK {
            return Err(format!("GET {} answered {status}: {body:?}", get.path).into());
        }
    }
    samples.sort();
    Ok(samples)
}

/// What a fixed number of requests sent at once came to.
#[derive(Clone, Copy, Debug)]
pub struct Burst {
    pub answered: u64,
    /// Answers other than 200 (none expected).
    pub failed: u64,
    pub elapsed: Duration,
    /// The longest any one answer took, body and all.
    pub slowest: Duration,
}

impl Burst {
    #[allow(clippy::cast_precision_loss)]
    pub fn per_second(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64()
    }
}

/// `total` requests of `get`, over `connections` keep-alive connections
/// sending back to back. An answer whose body is not complete within
/// `patience` fails the run, naming it: a page that never finishes.
pub async fn burst(
    get: &Get,
    connections: usize,
    total: u64,
    patience: Duration,
) -> Result<Burst, BoxError> {
    let left = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(total));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (get, left) = (get.clone(), left.clone());
        workers.spawn(async move {
            let mut connection = Connection::open(get.addr).await?;
            let (mut answered, mut failed, mut slowest) = (0_u64, 0_u64, Duration::ZERO);
            while left
                .fetch_update(
                    std::sync::atomic::Ordering::Relaxed,
                    std::sync::atomic::Ordering::Relaxed,
                    |n| n.checked_sub(1),
                )
                .is_ok()
            {
                let sent = Instant::now();
                let (status, _) = tokio::time::timeout(patience, connection.fetch(&get))
                    .await
                    .map_err(|_| {
                        format!(
                            "GET {} did not finish within {patience:?} (after {answered} answers on this connection)",
                            get.path
                        )
                    })??;
                slowest = slowest.max(sent.elapsed());
                if status == StatusCode::OK {
                    answered += 1;
                } else {
                    failed += 1;
                }
            }
            Ok::<_, BoxError>((answered, failed, slowest))
        });
    }
    let mut burst = Burst {
        answered: 0,
        failed: 0,
        elapsed: Duration::ZERO,
        slowest: Duration::ZERO,
    };
    while let Some(worker) = workers.join_next().await {
        let (answered, failed, slowest) = worker??;
        burst.answered += answered;
        burst.failed += failed;
        burst.slowest = burst.slowest.max(slowest);
    }
    burst.elapsed = started.elapsed();
    Ok(burst)
}
