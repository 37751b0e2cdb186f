//! The statements the stores run: their placeholders bound to [`Value`]s
//! in order, their rows decoded as the domain's types (`columns`).

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::QueryAs;
use sqlx::{Any, Arguments as _, Executor, FromRow};

use super::columns::{Malformed, Stored};
use super::values::Value;
use crate::AuthError;

/// Runs the statement `sql` with `values` bound to `$1`, `$2`, ... in
/// order; how many rows it changed.
pub(super) async fn execute<'c>(
    executor: impl Executor<'c, Database = Any>,
    sql: &'static str,
    values: &[Value<'_>],
) -> Result<u64, AuthError> {
    let query = sqlx::query_with(sql, arguments(values)?);
    Ok(query.execute(executor).await?.rows_affected())
}

/// A row a statement reads: decoded by sqlx, as `columns` says.
pub(super) trait Row: for<'r> FromRow<'r, AnyRow> + Send + Unpin {}

impl<R> Row for R where R: for<'r> FromRow<'r, AnyRow> + Send + Unpin {}

/// The statement `sql` with `values` bound, for its rows read as `R`.
pub(super) fn select<R: Row>(
    sql: &'static str,
    values: &[Value<'_>],
) -> Result<QueryAs<'static, Any, R, AnyArguments>, AuthError> {
    Ok(sqlx::query_as_with(sql, arguments(values)?))
}

/// The row `sql` reads with `key` bound to `$1`; `None` when there is none.
pub(super) async fn one<'c, R: Row>(
    executor: impl Executor<'c, Database = Any>,
    sql: &'static str,
    key: Value<'_>,
) -> Result<Option<R>, AuthError> {
    Ok(select(sql, &[key])?.fetch_optional(executor).await?)
}

/// Every row `sql` reads with `values`.
pub(super) async fn all<'c, R: Row>(
    executor: impl Executor<'c, Database = Any>,
    sql: &'static str,
    values: &[Value<'_>],
) -> Result<Vec<R>, AuthError> {
    Ok(select(sql, values)?.fetch_all(executor).await?)
}

/// The ids in the first column of the rows `sql` reads (or returns) with
/// `values`.
pub(super) async fn ids<'c, T>(
    executor: impl Executor<'c, Database = Any>,
    sql: &'static str,
    values: &[Value<'_>],
) -> Result<Vec<T>, AuthError>
where
    T: TryFrom<Stored, Error = Malformed>,
{
    let rows: Vec<(Stored,)> = select(sql, values)?.fetch_all(executor).await?;
    Ok(rows
        .into_iter()
        .map(|(id,)| T::try_from(id))
        .collect::<Result<_, _>>()?)
}

fn arguments(values: &[Value<'_>]) -> Result<AnyArguments, AuthError> {
    let mut arguments = AnyArguments::default();
    for value in values {
        match *value {
            Value::Text(text) => arguments.add(text),
            Value::Int(int) => arguments.add(int),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
}
