use std::sync::Arc;
use std::time::Duration;

use auth::testing::TestDb;
use auth::{Clock, DatabaseClock, SystemClock, TestClock};

#[tokio::test]
async fn a_clock_set_by_the_database_reads_its_time_and_moves_with_the_local_clock() {
    // The database runs on this machine; the test clock stands at
    // 2026-01-01, far from it.
    let db = TestDb::new().await;
    let local = TestClock::new();
    let clock = DatabaseClock::new(Arc::new(local.clone()));

    let offset = clock.set_by(&db.db).await.unwrap();

    let off_by = clock.now().millis_since(SystemClock.now()).abs();
    assert!(off_by < 5_000, "{off_by} ms from the database's clock");
    assert_eq!(clock.now().millis_since(local.now()), offset);
    let set = clock.now();
    local.advance(Duration::from_secs(90));
    assert_eq!(clock.now().millis_since(set), 90_000);
}
