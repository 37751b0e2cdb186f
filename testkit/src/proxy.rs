//! A TCP proxy to a database that can be cut and restored: cut, the
//! connections through it break at once and new ones are taken and
//! dropped, as when the database's host goes away. The server's outage
//! tests and the benchmark's outage figure both reach PostgreSQL through
//! one.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::BoxError;

pub struct CutProxy {
    /// Where to connect to reach the database through it.
    pub addr: SocketAddr,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<JoinSet<()>>>,
    accepting: tokio::task::JoinHandle<()>,
}

impl CutProxy {
    /// A proxy on a loopback port to the server at `to`.
    pub async fn to(to: SocketAddr) -> Result<Self, BoxError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let cut = Arc::new(AtomicBool::new(false));
        let links = Arc::new(Mutex::new(JoinSet::new()));
        let (accepting_cut, accepting_links) = (cut.clone(), links.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if accepting_cut.load(Ordering::Acquire) {
                    continue;
                }
                let Ok(mut outbound) = TcpStream::connect(to).await else {
                    continue;
                };
                lock(&accepting_links).spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                });
            }
        });
        Ok(Self {
            addr,
            cut,
            links,
            accepting,
        })
    }

    /// The database is gone: open connections break, new ones are dropped.
    pub fn cut(&self) {
        self.cut.store(true, Ordering::Release);
        lock(&self.links).abort_all();
    }

    /// The database is back.
    pub fn restore(&self) {
        self.cut.store(false, Ordering::Release);
    }

    /// A proxy to the server that the database URL `url` names
    /// (`postgres://user@host:port/name…`).
    pub async fn in_front_of(url: &str) -> Result<Self, BoxError> {
        let host_port = host_port(url).ok_or("no host:port after '@' in the database URL")?;
        let server = tokio::net::lookup_host(host_port)
            .await?
            .next()
            .ok_or("the database URL's host has no address")?;
        Self::to(server).await
    }

    /// `url`, a URL of a database on the server this proxies to, through
    /// the proxy.
    pub fn reroute(&self, url: &str) -> String {
        match host_port(url) {
            Some(host_port) => url.replacen(host_port, &self.addr.to_string(), 1),
            None => url.to_owned(),
        }
    }
}

/// The `host:port` of a database URL.
fn host_port(url: &str) -> Option<&str> {
    url.split_once('@')?.1.split('/').next()
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.accepting.abort();
        lock(&self.links).abort_all();
    }
}

fn lock(links: &Mutex<JoinSet<()>>) -> std::sync::MutexGuard<'_, JoinSet<()>> {
    // A set of copying tasks holds nothing a panic elsewhere could break.
    links.lock().unwrap_or_else(PoisonError::into_inner)
}
