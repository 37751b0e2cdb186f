//! A tiny GeoIP database in the shape of GeoLite2-City (an IPv6 tree in
//! which IPv4 addresses are found too; `city.names`, `country.names`),
//! written to a file by the test that needs one.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use mmdb_writer::{Value, Writer};

/// Addresses from `first` to `last`, and the names of where they are, by
/// language (`[("en", "Lyon")]`); no city names: the record has no city,
/// as in a country database.
#[derive(Clone, Copy, Debug)]
pub struct KnownRange<'a> {
    pub first: &'a str,
    pub last: &'a str,
    pub city: &'a [(&'a str, &'a str)],
    pub country: &'a [(&'a str, &'a str)],
}

/// A GeoIP database file that exists as long as this value does.
pub struct GeoIpFile {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl GeoIpFile {
    /// A City database that holds `ranges` and nothing else.
    ///
    /// # Panics
    /// When a range is no pair of addresses, or the file cannot be written.
    pub fn city(ranges: &[KnownRange<'_>]) -> Self {
        let mut writer = Writer::new("GeoLite2-City");
        for range in ranges {
            let first: IpAddr = range.first.parse().expect("an address");
            let last: IpAddr = range.last.parse().expect("an address");
            writer
                .insert_range(first, last, &record(range))
                .expect("a range the database can hold");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("GeoLite2-City.mmdb");
        let bytes = writer.to_bytes().expect("the database serializes");
        std::fs::write(&path, bytes).expect("the database is written");
        Self { path, _dir: dir }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The record of `range`, as GeoIP2-City has it.
fn record(range: &KnownRange<'_>) -> Value {
    let names = |names: &[(&str, &str)]| {
        Value::map([(
            "names",
            Value::map(names.iter().map(|&(lang, name)| (lang, Value::from(name)))),
        )])
    };
    let mut fields = vec![("country", names(range.country))];
    if !range.city.is_empty() {
        fields.push(("city", names(range.city)));
    }
    Value::map(fields)
}
