//! A tiny SMTP server on a loopback port, for tests of the mail the
//! server sends: it speaks enough SMTP for a client (greeting, EHLO/HELO,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT) and hands over each message it
//! receives.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// A message as the sink received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// Headers and body, with dot-stuffing undone.
    pub data: String,
}

impl Received {
    /// The value of header `name` (first line only).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .take_while(|line| !line.is_empty())
            .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
            .map(|line| line[prefix.len()..].trim().to_owned())
    }

    /// The token of the mail's link to `link` (`{link}?token=...`), which
    /// must be in it.
    pub fn token_of_link(&self, link: &str) -> String {
        let body = self.decoded_body();
        let link = format!("{link}?token=");
        let start = body
            .find(&link)
            .unwrap_or_else(|| panic!("a link to {link} in {body}"))
            + link.len();
        body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// The body with quoted-printable soft breaks and escapes undone.
    pub fn decoded_body(&self) -> String {
        let body = self
            .data
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body);
        let joined = body.replace("=\r\n", "");
        let mut out = Vec::with_capacity(joined.len());
        let bytes = joined.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(byte);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

pub struct SmtpSink {
    pub addr: SocketAddr,
    received: mpsc::UnboundedReceiver<Received>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    /// A sink on `addr` (a mail server coming back where it was).
    pub async fn start_on(addr: SocketAddr) -> Self {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, received) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(converse(stream, tx.clone()));
            }
        });
        Self { addr, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The next message received, waiting for it at most half a minute.
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(30), self.received.recv())
            .await
            .expect("a mail within 30 s")
            .expect("the sink runs")
    }

    /// The next message with this subject, passing over any other (the
    /// security notices an action mails too).
    pub async fn next_about(&mut self, subject: &str) -> Received {
        loop {
            let mail = self.next().await;
            if mail.header("Subject").as_deref() == Some(subject) {
                return mail;
            }
        }
    }

    /// Whatever was received so far, without waiting.
    pub fn so_far(&mut self) -> Vec<Received> {
        std::iter::from_fn(|| self.received.try_recv().ok()).collect()
    }
}

/// One client's conversation.
async fn converse(stream: TcpStream, out: mpsc::UnboundedSender<Received>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let say = |text: &str| format!("{text}\r\n");
    if write
        .write_all(say("220 sink ESMTP").as_bytes())
        .await
        .is_err()
    {
        return;
    }
    let mut message = Received {
        mail_from: String::new(),
        rcpt_to: Vec::new(),
        data: String::new(),
    };
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-sink\r\n250 8BITMIME".to_owned(),
            "HELO" | "RSET" | "NOOP" => "250 OK".to_owned(),
            "MAIL" => {
                message.mail_from = line[5..].trim().to_owned();
                "250 OK".to_owned()
            }
            "RCPT" => {
                message.rcpt_to.push(line[5..].trim().to_owned());
                "250 OK".to_owned()
            }
            "DATA" => {
                if write.write_all(say("354 go on").as_bytes()).await.is_err() {
                    return;
                }
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                    let line = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(line);
                    data.push_str("\r\n");
                }
                message.data = data;
                let _ = out.send(message.clone());
                message.rcpt_to.clear();
                "250 queued".to_owned()
            }
            "QUIT" => {
                let _ = write.write_all(say("221 bye").as_bytes()).await;
                return;
            }
            _ => "502 not here".to_owned(),
        };
        if write.write_all(say(&answer).as_bytes()).await.is_err() {
            return;
        }
    }
}
