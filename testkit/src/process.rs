//! A server run as its own process: for benchmarks, so that its memory can
//! be read and nothing of the load generator counts towards it; for tests,
//! so that it can be killed half-way through a write.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

use crate::BoxError;

/// A started server; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    /// What it printed after its address, line by line.
    output: mpsc::UnboundedReceiver<String>,
}

impl ServerProcess {
    /// Starts `command` and waits for the line that names its address:
    /// `listening on 127.0.0.1:PORT` or `... running at http://127.0.0.1:PORT`.
    pub async fn start(mut command: Command) -> Result<Self, BoxError> {
        command
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next_line()
                .await?
                .ok_or("the server exited before saying where it listens")?;
            if let Some(addr) = address_in(&line) {
                break addr;
            }
        };
        // Keep reading what it prints, so that a full pipe never blocks it.
        let (printed, output) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let _ = printed.send(line);
            }
        });
        Ok(Self {
            child,
            addr,
            output,
        })
    }

    /// The next line it prints that contains `needle`, waiting at most
    /// `within`.
    pub async fn line_containing(&mut self, needle: &str, within: Duration) -> Option<String> {
        let search = async {
            while let Some(line) = self.output.recv().await {
                if line.contains(needle) {
                    return Some(line);
                }
            }
            None
        };
        tokio::time::timeout(within, search).await.ok().flatten()
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub async fn kill(mut self) -> std::io::Result<()> {
        self.child.kill().await
    }

    /// Stops the server (SIGSTOP) until `resume`, as an overloaded machine
    /// or a debugger would: it answers nothing and hears nothing meanwhile.
    pub fn pause(&self) -> Result<(), BoxError> {
        self.signal(Signal::STOP)
    }

    /// Lets a paused server go on (SIGCONT).
    pub fn resume(&self) -> Result<(), BoxError> {
        self.signal(Signal::CONT)
    }

    fn signal(&self, signal: Signal) -> Result<(), BoxError> {
        let pid = self.child.id().ok_or("the server has exited")?;
        let pid = Pid::from_raw(i32::try_from(pid)?).ok_or("not a process id")?;
        kill_process(pid, signal)?;
        Ok(())
    }

    /// Resident memory now, in KiB (`VmRSS`).
    pub fn resident_kib(&self) -> Result<u64, BoxError> {
        let pid = self.child.id().ok_or("the server has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| "no VmRSS in /proc/PID/status".into())
    }
}

fn address_in(line: &str) -> Option<SocketAddr> {
    let last = line.split_whitespace().last()?;
    last.trim_start_matches("http://").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_read_from_either_start_line() {
        let want: SocketAddr = ([127, 0, 0, 1], 4321).into();
        assert_eq!(address_in("listening on 127.0.0.1:4321"), Some(want));
        assert_eq!(
            address_in("Latchkey is running at http://127.0.0.1:4321"),
            Some(want)
        );
        assert_eq!(address_in("A demo account was created."), None);
    }
}
