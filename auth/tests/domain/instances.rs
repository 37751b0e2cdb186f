//! Two instances on one PostgreSQL database, each keeping the sessions it
//! reads in memory: a session revoked on one is refused on the other's next
//! request, whatever goes wrong between them (the argument is in the
//! module comment of the database's `peers`). PostgreSQL only: on SQLite
//! there is one instance.

use std::sync::Arc;
use std::time::Duration;

use api::Me;
use auth::testing::{RecordingSink, TestAuth};
use auth::{Access, Auth, Backend, Db, NewSession, SessionToken};

use crate::helpers::{caller, meta, revoke_session, signed_up, test_auth};

/// Revoke-then-request pairs in each test.
const PAIRS: usize = 1_000;
/// In the tests of a fault, it is on for one pair in this many.
const FAULT_EVERY: usize = 10;

/// Instance A (`t`, where the revokes happen) and instance B (`other`).
struct Two {
    t: TestAuth,
    other: Auth,
    other_db: Db,
    me: Me,
    owner: auth::Caller,
}

async fn two_instances() -> Option<Two> {
    let t = test_auth().await;
    if t.db.db.backend() != Backend::Postgres {
        return None;
    }
    let other_db = Db::connect(&t.db.url).await.unwrap();
    let other = Auth::new(
        other_db.clone(),
        Arc::new(t.clock.clone()),
        t.auth.settings().clone(),
        Arc::new(RecordingSink::default()),
    )
    .await
    .unwrap();
    let first = signed_up(&t, "ada@example.com").await;
    let owner = caller(&t, &first.token).await;
    let me = first.signed_in.me.clone();
    Some(Two {
        t,
        other,
        other_db,
        me,
        owner,
    })
}

/// What happens to B around one revoke on A.
#[derive(Clone, Copy)]
enum Fault {
    None,
    /// B's acknowledgements never reach A.
    AcksDropped,
    /// B's listener stops taking in what it hears, as a stopped process
    /// or a stalled connection would.
    ListenerHeld,
    /// B's connections to the channel are ended by the database.
    ConnectionsKilled,
}

impl Two {
    /// A new session, and whether B kept it in memory within a second (it
    /// cannot while it is not fresh).
    async fn kept_by_b(&self) -> (NewSession, bool) {
        let session = self
            .t
            .auth
            .open_session_for_test(self.me.clone())
            .await
            .unwrap();
        let before = self.other.kept_session_reads();
        for _ in 0..500 {
            self.on_b(&session.token).await.unwrap();
            if self.other.kept_session_reads() > before {
                return (session, true);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        (session, false)
    }

    async fn on_b(&self, token: &SessionToken) -> Result<auth::Resolved, auth::AuthError> {
        self.other.authenticate(token, Access::Api, &meta()).await
    }

    async fn begin(&self, fault: Fault) {
        match fault {
            Fault::None => {}
            Fault::AcksDropped => self.other_db.drop_peer_acks(true),
            Fault::ListenerHeld => self.other_db.hold_peer_listener(true),
            Fault::ConnectionsKilled => {
                let name = self.other_db.peer_connection_name().unwrap();
                let killed: Vec<bool> = sqlx::query_scalar(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = $1",
                )
                .bind(name)
                .fetch_all(self.t.db.db.reader())
                .await
                .unwrap();
                assert_eq!(
                    killed,
                    [true, true],
                    "B listens and says on two connections"
                );
            }
        }
    }

    /// Whatever fault was on is off.
    fn heal(&self) {
        self.other_db.drop_peer_acks(false);
        self.other_db.hold_peer_listener(false);
    }

    /// `PAIRS` times: a session B keeps, revoked on A (with `fault` on B
    /// for one pair in `FAULT_EVERY`), then B's next request. Returns how
    /// many of those requests B served, and how many sessions B had kept.
    async fn revoke_then_request(&self, fault: Fault) -> (usize, usize) {
        let (mut served, mut kept) = (0, 0);
        for pair in 0..PAIRS {
            let (session, was_kept) = self.kept_by_b().await;
            kept += usize::from(was_kept);
            let faulty = if pair % FAULT_EVERY == 0 {
                fault
            } else {
                Fault::None
            };
            self.begin(faulty).await;
            let revoked =
                revoke_session(&self.t, &self.owner, session.signed_in.session_id.clone()).await;
            assert!(revoked.revoked);
            let after = self.on_b(&session.token).await;
            self.heal();
            if after.is_ok() {
                served += 1;
            }
        }
        (served, kept)
    }
}

async fn none_served_with(fault: Fault) {
    let Some(two) = two_instances().await else {
        return;
    };
    let (served, kept) = two.revoke_then_request(fault).await;
    assert_eq!(served, 0, "B served revoked sessions");
    assert!(
        kept >= PAIRS * 9 / 10,
        "B kept only {kept} of {PAIRS} sessions in memory: the test did not test kept reads"
    );
}

#[tokio::test]
async fn a_session_revoked_on_one_instance_is_refused_on_the_others_next_request() {
    none_served_with(Fault::None).await;
}

#[tokio::test]
async fn the_same_while_the_other_instances_acknowledgements_are_lost() {
    none_served_with(Fault::AcksDropped).await;
}

#[tokio::test]
async fn the_same_while_the_other_instance_hears_nothing() {
    none_served_with(Fault::ListenerHeld).await;
}

#[tokio::test]
async fn the_same_while_the_other_instances_connections_are_killed() {
    none_served_with(Fault::ConnectionsKilled).await;
}

#[tokio::test]
async fn an_instance_keeps_the_sessions_it_reads_on_postgresql_too() {
    let Some(two) = two_instances().await else {
        return;
    };
    let (session, kept) = two.kept_by_b().await;
    assert!(kept, "a fresh instance answers from memory");
    let before = two.other.kept_session_reads();
    for _ in 0..10 {
        two.on_b(&session.token).await.unwrap();
    }
    assert!(
        two.other.kept_session_reads() > before,
        "repeated requests with nothing written are answered from memory"
    );
}
