//! The hub's tests: what a change closes or tells, and the limits.

use std::net::IpAddr;
use std::sync::Arc;

use api::{AccountId, LiveEvent, RevokeReason, SessionId, TokenId, UserId};
use auth::LiveChange;

use super::*;
use crate::live::mailbox::{Closed, EVENT_BUFFER, Notice, Received};
use crate::live::registry::{ConnectionLimits, CredentialKey, Owner, TooMany};

fn session(n: u8) -> SessionId {
    SessionId::from_random_bytes([n; 16])
}

fn by_session(session_n: u8, user_n: u8) -> Owner {
    Owner {
        credential: CredentialKey::Session(session(session_n)),
        user: UserId::from_random_bytes([user_n; 16]),
        account: AccountId::from_random_bytes([1; 16]),
        address: Some(IpAddr::from([127, 0, 0, 1])),
        log: None,
    }
}

fn ended(session_n: u8) -> LiveChange {
    LiveChange::SessionEnded {
        session_id: session(session_n),
        reason: RevokeReason::Revoked,
    }
}

fn to_session(session_n: u8, event: LiveEvent) -> LiveChange {
    LiveChange::ToSession {
        session_id: session(session_n),
        event,
    }
}

fn to_account(event: LiveEvent) -> LiveChange {
    LiveChange::ToAccount {
        account_id: AccountId::from_random_bytes([1; 16]),
        event,
    }
}

fn by_token(token_n: u8, user_n: u8) -> Owner {
    Owner {
        credential: CredentialKey::Token(TokenId::from_random_bytes([token_n; 16])),
        ..by_session(0, user_n)
    }
}

#[test]
fn a_waiting_notice_is_a_pointer_not_a_copy_of_the_event() {
    // The same event goes to every connection it is for.
    assert_eq!(
        std::mem::size_of::<Notice>(),
        std::mem::size_of::<Arc<LiveEvent>>()
    );
}

#[tokio::test]
async fn closing_a_session_closes_only_its_connections_once() {
    let hub = ConnectionHub::default();
    let (_a, inbox_a) = hub.register(by_session(1, 1)).unwrap();
    let (_b, _inbox_b) = hub.register(by_session(2, 1)).unwrap();

    let first = hub.apply(&ended(1));
    let again = hub.apply(&ended(1));

    assert_eq!((first, again), (1, 0));
    assert_eq!(
        inbox_a.next().await,
        Received::Closed(Closed::Session(RevokeReason::Revoked))
    );
    assert_eq!(hub.len(), 1);
}

#[tokio::test]
async fn closing_a_token_closes_only_connections_made_with_it() {
    let hub = ConnectionHub::default();
    let (_a, inbox) = hub.register(by_token(5, 1)).unwrap();
    let (_b, _other) = hub.register(by_session(1, 1)).unwrap();

    let revoked = LiveChange::TokenEnded {
        token_id: TokenId::from_random_bytes([5; 16]),
    };
    assert_eq!(hub.apply(&revoked), 1);
    assert_eq!(hub.apply(&revoked), 0);
    assert_eq!(inbox.next().await, Received::Closed(Closed::Token));
    assert_eq!(hub.len(), 1);
}

#[tokio::test]
async fn closing_a_user_closes_all_their_connections() {
    let hub = ConnectionHub::default();
    let (_a, _inbox_a) = hub.register(by_session(1, 7)).unwrap();
    let (_b, _inbox_b) = hub.register(by_token(2, 7)).unwrap();
    let (_c, _inbox_c) = hub.register(by_session(3, 8)).unwrap();

    let closed = hub.apply(&LiveChange::UserEnded {
        user_id: UserId::from_random_bytes([7; 16]),
        reason: RevokeReason::SignedOutByOwner,
    });

    assert_eq!(closed, 2);
    assert_eq!(hub.len(), 1);
}

#[test]
fn dropping_the_registration_unregisters() {
    let hub = ConnectionHub::default();
    let (registration, _inbox) = hub.register(by_session(1, 1)).unwrap();
    assert_eq!(hub.len(), 1);
    drop(registration);
    assert_eq!(hub.len(), 0);
    assert_eq!(hub.apply(&ended(1)), 0);
}

#[tokio::test]
async fn events_reach_the_session_and_the_account() {
    let hub = ConnectionHub::default();
    let (_a, inbox) = hub.register(by_session(1, 1)).unwrap();

    hub.apply(&to_account(LiveEvent::PolicyUpdated));
    hub.apply(&to_session(1, LiveEvent::SessionExpired));
    hub.apply(&to_session(2, LiveEvent::PolicyUpdated));

    assert_eq!(
        inbox.next().await,
        Received::Notice(Notice::Event(Arc::new(LiveEvent::PolicyUpdated)))
    );
    assert_eq!(
        inbox.next().await,
        Received::Notice(Notice::Event(Arc::new(LiveEvent::SessionExpired)))
    );
    assert_eq!(inbox.try_next(), None);
}

#[tokio::test]
async fn the_close_comes_before_waiting_notices_and_stays() {
    let hub = ConnectionHub::default();
    let (_a, inbox) = hub.register(by_session(1, 1)).unwrap();

    hub.apply(&to_session(1, LiveEvent::PolicyUpdated));
    hub.close_expired(&session(1));

    assert_eq!(inbox.next().await, Received::Closed(Closed::Expired));
    assert_eq!(inbox.try_next(), Some(Received::Closed(Closed::Expired)));
}

#[tokio::test]
async fn a_waiting_connection_is_woken_by_a_notice() {
    let hub = ConnectionHub::default();
    let (_a, inbox) = hub.register(by_session(1, 1)).unwrap();

    let (received, ()) = tokio::join!(inbox.next(), async {
        tokio::task::yield_now().await;
        hub.apply(&to_session(1, LiveEvent::SessionExpired));
    });

    assert_eq!(
        received,
        Received::Notice(Notice::Event(Arc::new(LiveEvent::SessionExpired)))
    );
}

#[tokio::test]
async fn a_connection_that_falls_behind_is_closed_not_left_missing_events() {
    let hub = ConnectionHub::default();
    let (_slow, slow) = hub.register(by_session(1, 1)).unwrap();
    let (_other, other) = hub.register(by_session(2, 1)).unwrap();

    for _ in 0..EVENT_BUFFER {
        hub.apply(&to_session(1, LiveEvent::PolicyUpdated));
    }
    assert_eq!(hub.len(), 2, "a full inbox is not behind yet");
    hub.apply(&to_account(LiveEvent::PolicyUpdated));

    assert_eq!(slow.next().await, Received::Closed(Closed::Behind));
    assert_eq!(hub.len(), 1);
    assert_eq!(
        other.next().await,
        Received::Notice(Notice::Event(Arc::new(LiveEvent::PolicyUpdated)))
    );
}

#[tokio::test]
async fn a_recheck_reaches_only_the_sessions_connections() {
    let hub = ConnectionHub::default();
    let (_a, mine) = hub.register(by_session(1, 1)).unwrap();
    let (_b, theirs) = hub.register(by_session(2, 1)).unwrap();

    hub.apply(&LiveChange::SessionRecheck {
        session_id: session(1),
    });

    assert_eq!(mine.next().await, Received::Notice(Notice::Recheck));
    assert_eq!(theirs.try_next(), None);
}

#[test]
fn a_credential_past_its_limit_is_refused_and_may_open_again_once_one_closes() {
    let hub = ConnectionHub::new(ConnectionLimits {
        per_credential: 2,
        per_address: 100,
    });
    let (first, _a) = hub.register(by_session(1, 1)).unwrap();
    let (_second, _b) = hub.register(by_session(1, 1)).unwrap();

    assert_eq!(
        hub.register(by_session(1, 1)).err(),
        Some(TooMany::ForCredential)
    );
    assert!(hub.register(by_session(2, 1)).is_ok(), "another session");
    drop(first);
    assert!(hub.register(by_session(1, 1)).is_ok());
}

#[test]
fn an_address_past_its_limit_is_refused_whatever_the_credential() {
    let hub = ConnectionHub::new(ConnectionLimits {
        per_credential: 100,
        per_address: 2,
    });
    let _a = hub.register(by_session(1, 1)).unwrap();
    let _b = hub.register(by_token(2, 1)).unwrap();

    assert_eq!(
        hub.register(by_session(3, 2)).err(),
        Some(TooMany::ForAddress)
    );
    let elsewhere = Owner {
        address: Some(IpAddr::from([10, 0, 0, 9])),
        ..by_session(3, 2)
    };
    assert!(hub.register(elsewhere).is_ok());
}

#[test]
fn ipv6_addresses_share_the_address_limit_of_their_64_network() {
    let hub = ConnectionHub::new(ConnectionLimits {
        per_credential: 100,
        per_address: 2,
    });
    let from = |n: u8, address: &str| Owner {
        address: Some(address.parse().unwrap()),
        ..by_session(n, n)
    };
    let (first, _a) = hub.register(from(1, "2001:db8:1:2::1")).unwrap();
    let _b = hub
        .register(from(2, "2001:db8:1:2:ffff:ffff:ffff:ffff"))
        .unwrap();

    assert_eq!(
        hub.register(from(3, "2001:db8:1:2:aaaa::3")).err(),
        Some(TooMany::ForAddress),
        "the same /64"
    );
    assert!(
        hub.register(from(4, "2001:db8:1:3::1")).is_ok(),
        "another /64"
    );
    drop(first);
    assert!(hub.register(from(5, "2001:db8:1:2::5")).is_ok());
}

#[test]
fn ipv4_addresses_keep_a_limit_each_and_a_mapped_one_counts_as_itself() {
    let hub = ConnectionHub::new(ConnectionLimits {
        per_credential: 100,
        per_address: 1,
    });
    let from = |n: u8, address: &str| Owner {
        address: Some(address.parse().unwrap()),
        ..by_session(n, n)
    };
    let _a = hub.register(from(1, "203.0.113.7")).unwrap();

    assert!(
        hub.register(from(2, "203.0.113.8")).is_ok(),
        "its neighbour"
    );
    assert_eq!(
        hub.register(from(3, "::ffff:203.0.113.7")).err(),
        Some(TooMany::ForAddress)
    );
}
