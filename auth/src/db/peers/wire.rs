//! What instances say to each other about their writes, as the payloads of
//! PostgreSQL notifications: short lines of words, so that a payload can be
//! read in `pg_stat_activity` or a packet capture.
//!
//! - `w <from> <n>`: instance `from` committed its write number `n` (sent
//!   inside the write's own transaction, so it is heard if and only if the
//!   write committed, and in commit order);
//! - `h <from> <n>`: instance `from`'s heartbeat number `n`;
//! - `a <from> <to> <n> <n>...`: instance `from` heard the writes `n` of
//!   instance `to` and dropped every session read it kept.

/// One thing said on the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Said {
    Wrote {
        from: String,
        write: u64,
    },
    Beat {
        from: String,
        beat: u64,
    },
    Acked {
        from: String,
        to: String,
        writes: Vec<u64>,
    },
}

/// Acknowledgements in one payload at most: PostgreSQL refuses payloads
/// over 8000 bytes, and each takes at most 21.
pub(super) const ACKS_PER_PAYLOAD: usize = 256;

impl Said {
    /// The payload for the channel.
    pub(super) fn to_payload(&self) -> String {
        match self {
            Said::Wrote { from, write } => format!("w {from} {write}"),
            Said::Beat { from, beat } => format!("h {from} {beat}"),
            Said::Acked { from, to, writes } => {
                let mut payload = format!("a {from} {to}");
                for write in writes {
                    payload.push(' ');
                    payload.push_str(&write.to_string());
                }
                payload
            }
        }
    }

    /// Reads a payload; `None` for anything else on the channel.
    pub(super) fn parse(payload: &str) -> Option<Self> {
        let mut words = payload.split(' ');
        let kind = words.next()?;
        let from = words.next().filter(|from| !from.is_empty())?.to_owned();
        let number = |word: Option<&str>| word.and_then(|w| w.parse::<u64>().ok());
        let said = match kind {
            "w" => Said::Wrote {
                from,
                write: number(words.next())?,
            },
            "h" => Said::Beat {
                from,
                beat: number(words.next())?,
            },
            "a" => {
                let to = words.next().filter(|to| !to.is_empty())?.to_owned();
                let writes = words
                    .by_ref()
                    .map(|word| number(Some(word)))
                    .collect::<Option<Vec<u64>>>()?;
                return Some(Said::Acked { from, to, writes });
            }
            _ => return None,
        };
        words.next().is_none().then_some(said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_said_reads_back_as_it_was() {
        let said = [
            Said::Wrote {
                from: "a1".into(),
                write: 7,
            },
            Said::Beat {
                from: "b2".into(),
                beat: 0,
            },
            Said::Acked {
                from: "b2".into(),
                to: "a1".into(),
                writes: vec![7, 8, u64::MAX],
            },
        ];
        for said in said {
            assert_eq!(Said::parse(&said.to_payload()), Some(said));
        }
    }

    #[test]
    fn anything_else_on_the_channel_is_ignored() {
        for junk in [
            "",
            "w",
            "w a1",
            "w a1 x",
            "w a1 1 2",
            "h  1",
            "a b2",
            "x a1 1",
            "a b2 a1 1 y",
        ] {
            assert_eq!(Said::parse(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn the_most_acknowledgements_in_one_payload_fit_in_postgresql_s_limit() {
        let acked = Said::Acked {
            from: "f".repeat(32),
            to: "t".repeat(32),
            writes: vec![u64::MAX; ACKS_PER_PAYLOAD],
        };
        assert!(acked.to_payload().len() < 8000);
    }
}
