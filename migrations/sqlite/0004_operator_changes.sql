-- Changes the operator commands (`latchkey users …`, `latchkey sessions …`)
-- made from another process, for the running server to apply to its live
-- connections. SQLite only: on PostgreSQL they travel by NOTIFY.
CREATE TABLE operator_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    applied_at  INTEGER NULL
);
