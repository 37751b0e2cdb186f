//! The approximate place of a client's address ("Lyon, France"), for the
//! notice of a sign-in from a new device. It comes from a GeoIP database in
//! the MaxMind DB format (GeoLite2 or GeoIP2 City or Country, or db-ip.com's
//! lite City database), read into memory once at start-up, so a look-up is a
//! walk of a tree in memory and no I/O.
//!
//! An address of a private network or of this machine has no place, nor has
//! one the database does not hold: the notice then gives the address alone.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maxminddb::{MaxMindDbError, PathElement, Reader};

/// The language of the names a place is told in.
const LANGUAGE: &str = "en";

/// A GeoIP database, held in memory: cheap to clone, shared by every clone.
#[derive(Clone)]
pub struct Places {
    reader: Arc<Reader<Vec<u8>>>,
}

/// A GeoIP database that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the GeoIP database {}: {source}", .path.display())]
pub struct PlacesError {
    path: PathBuf,
    source: MaxMindDbError,
}

impl Places {
    /// Reads the database at `path` into memory.
    pub fn open(path: &Path) -> Result<Self, PlacesError> {
        let reader = Reader::open_readfile(path).map_err(|source| PlacesError {
            path: path.to_owned(),
            source,
        })?;
        tracing::info!(
            path = %path.display(),
            database_type = %reader.metadata().database_type,
            "sign-ins from new devices are told with their approximate place"
        );
        Ok(Self {
            reader: Arc::new(reader),
        })
    }

    /// Where `ip` is, approximately: its city and country ("Lyon, France"),
    /// or its country alone where the database knows no city. `None` for an
    /// address that is no public one, one the database does not hold, and
    /// anything that is not an address (the text comes from the client).
    pub fn place_of(&self, ip: &str) -> Option<String> {
        let ip = ip.parse::<IpAddr>().ok()?.to_canonical();
        if !is_public(ip) {
            return None;
        }
        let found = self
            .reader
            .lookup(ip)
            .map_err(|err| tracing::debug!(%err, "GeoIP look-up failed"))
            .ok()?;
        let name = |of: &str| -> Option<&str> {
            let path = [
                PathElement::Key(of),
                PathElement::Key("names"),
                PathElement::Key(LANGUAGE),
            ];
            found
                .decode_path(&path)
                .map_err(|err| tracing::debug!(%err, of, "GeoIP record unreadable"))
                .ok()
                .flatten()
        };
        let parts: Vec<&str> = [name("city"), name("country")]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

impl fmt::Debug for Places {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Places")
            .field("database_type", &self.reader.metadata().database_type)
            .finish_non_exhaustive()
    }
}

/// Whether `ip` may be anywhere in the world: not this machine, nor a
/// private or link-local network, nor no address at all.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast())
        }
        IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                || v6.is_unspecified())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{GeoIpFile, KnownRange};

    const LYON: KnownRange<'static> = KnownRange {
        first: "198.51.100.0",
        last: "198.51.100.255",
        city: &[("fr", "Lyon"), ("en", "Lyon")],
        country: &[("de", "Frankreich"), ("en", "France")],
    };
    const SOMEWHERE_IN_GERMANY: KnownRange<'static> = KnownRange {
        first: "192.0.2.0",
        last: "192.0.2.255",
        city: &[],
        country: &[("de", "Deutschland"), ("en", "Germany")],
    };
    /// A database that holds every address, private ones too.
    const EVERYWHERE: [KnownRange<'static>; 2] = [
        KnownRange {
            first: "0.0.0.0",
            last: "255.255.255.255",
            city: &[("en", "Nowhere")],
            country: &[("en", "Private")],
        },
        KnownRange {
            first: "::",
            last: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            city: &[("en", "Nowhere")],
            country: &[("en", "Private")],
        },
    ];

    fn places_of(ranges: &[KnownRange<'_>]) -> (Places, GeoIpFile) {
        let file = GeoIpFile::city(ranges);
        let places = Places::open(file.path()).expect("the test database reads");
        (places, file)
    }

    fn places() -> (Places, GeoIpFile) {
        places_of(&[LYON, SOMEWHERE_IN_GERMANY])
    }

    #[test]
    fn an_address_with_a_city_is_told_by_city_and_country_in_english() {
        let (places, _file) = places();

        assert_eq!(
            places.place_of("198.51.100.7").as_deref(),
            Some("Lyon, France")
        );
        assert_eq!(
            places.place_of("::ffff:198.51.100.7").as_deref(),
            Some("Lyon, France"),
            "an IPv4 address written as IPv6"
        );
    }

    #[test]
    fn an_address_with_no_city_is_told_by_its_country_alone() {
        let (places, _file) = places();

        assert_eq!(places.place_of("192.0.2.1").as_deref(), Some("Germany"));
    }

    #[test]
    fn an_address_the_database_does_not_hold_has_no_place() {
        let (places, _file) = places();

        assert_eq!(places.place_of("203.0.113.9"), None);
        assert_eq!(places.place_of("2001:db8::1"), None);
        assert_eq!(places.place_of("not an address"), None);
        assert_eq!(places.place_of(""), None);
    }

    #[test]
    fn private_and_own_addresses_have_no_place_whatever_the_database_says() {
        let (places, _file) = places_of(&EVERYWHERE);
        let private = [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:192.168.1.1",
        ];

        for ip in private {
            assert_eq!(places.place_of(ip), None, "{ip}");
        }
        assert_eq!(
            places.place_of("198.51.100.7").as_deref(),
            Some("Nowhere, Private"),
            "a public address is found"
        );
    }

    #[test]
    fn a_missing_database_fails_naming_its_path() {
        let err = Places::open(Path::new("/nonexistent/GeoLite2-City.mmdb")).unwrap_err();

        assert!(
            err.to_string().contains("/nonexistent/GeoLite2-City.mmdb"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_is_no_geoip_database_fails_naming_its_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("not-a-database.mmdb");
        std::fs::write(&path, "hello").expect("written");

        let err = Places::open(&path).unwrap_err();

        assert!(err.to_string().contains("not-a-database.mmdb"), "{err}");
    }
}
