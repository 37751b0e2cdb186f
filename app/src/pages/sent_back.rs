//! A sign-in page's form that the server sent back refused: the page's
//! address then says why, `?error=CODE`, and `&field=NAME` where one field
//! was refused. Each page words it for itself.

use api::ErrorCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// Why the form came back.
#[derive(Clone, Copy, Debug)]
pub struct SentBack<'a> {
    /// The error's code; `None` for one this page does not know.
    pub code: Option<ErrorCode>,
    /// The field refused, if the refusal was about one.
    pub field: Option<&'a str>,
}

/// The page's message for the refusal in `query`, worded by `words`; none
/// when the form was not sent back.
pub fn sent_back_in(query: &ParamsMap, words: impl Fn(SentBack) -> String) -> Option<String> {
    let code = query.get_str("error")?;
    Some(words(SentBack {
        code: ErrorCode::parse(code),
        field: query.get_str("field"),
    }))
}

/// [`sent_back_in`] the page's address, as it changes.
pub fn sent_back(
    words: impl Fn(SentBack) -> String + Send + Sync + 'static,
) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || sent_back_in(&query.read(), &words))
}
