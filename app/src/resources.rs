//! How a page's data travels: loaded by a server function on the server,
//! sent with the page, and read back by the browser as it hydrates.

use api::ApiError;
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON, read back from its bytes, as server functions read their answers.
///
/// Leptos's default codec reads a resource from a `&str`, and `serde_json`
/// makes its decoder of a type once for each kind of input it reads from:
/// with both, the WASM carried two decoders of every API type the pages
/// load (17 KiB of its 516 KiB gzip, measured with twiggy).
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(json.as_bytes())
    }
}

/// Data a page loads, or why it could not.
pub type Loaded<T> = Resource<Result<T, ApiError>, Json>;

/// Loads with `fetch` now, and again whenever `source` changes.
pub fn load<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    Resource::new_with_options(source, fetch, false)
}

/// Loads once, with `load`.
pub fn load_once<T>(
    load: impl Future<Output = Result<T, ApiError>> + Send + 'static,
) -> OnceResource<Result<T, ApiError>, Json>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    OnceResource::new_with_options(load, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sent_reads_back_as_it_was() {
        let sent: Result<Vec<u32>, ApiError> = Ok(vec![1, 2, 3]);
        let json = <Json as Encoder<_>>::encode(&sent).unwrap();
        let back: Result<Vec<u32>, ApiError> = <Json as Decoder<_>>::decode(&json).unwrap();
        assert_eq!(back, sent);
    }
}
