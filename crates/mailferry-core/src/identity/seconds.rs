//! Numbers of seconds that Microsoft's answers carry (`expires_in`, `interval`): read as MSAL
//! reads them (a JSON number, or a string of digits), and bounded before any clock arithmetic,
//! so that no answer can make Mailferry panic, wait for ever or cache a token for ever.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// A count of seconds: a number (fractions dropped, negatives as 0) or a numeric string.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Whole(u64),
        Number(f64),
        Text(String),
    }
    let seconds = match Seconds::deserialize(deserializer)? {
        Seconds::Whole(n) => n,
        Seconds::Number(n) => from_float(n),
        Seconds::Text(text) => {
            let text = text.trim();
            match text.parse::<u64>() {
                Ok(n) => n,
                Err(_) => from_float(
                    text.parse::<f64>()
                        .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a number of seconds")))?,
                ),
            }
        }
    };
    Ok(seconds)
}

fn from_float(n: f64) -> u64 {
    if n.is_nan() || n <= 0.0 {
        0
    } else if n >= u64::MAX as f64 {
        u64::MAX
    } else {
        n as u64
    }
}

/// `seconds` as a duration within `min..=max`.
pub(crate) fn bounded(seconds: u64, min: Duration, max: Duration) -> Duration {
    Duration::from_secs(seconds).clamp(min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Answer {
        #[serde(deserialize_with = "deserialize")]
        expires_in: u64,
    }

    fn read(json: &str) -> Result<u64, serde_json::Error> {
        serde_json::from_str::<Answer>(json).map(|a| a.expires_in)
    }

    #[test]
    fn seconds_are_read_in_every_form_microsoft_and_msal_accept_and_never_overflow() {
        assert_eq!(read(r#"{"expires_in": 3599}"#).unwrap(), 3599);
        assert_eq!(read(r#"{"expires_in": "3599"}"#).unwrap(), 3599);
        assert_eq!(read(r#"{"expires_in": 3599.9}"#).unwrap(), 3599);
        assert_eq!(read(r#"{"expires_in": -5}"#).unwrap(), 0);
        assert_eq!(read(r#"{"expires_in": 1e300}"#).unwrap(), u64::MAX);
        assert_eq!(read(r#"{"expires_in": "18446744073709551615"}"#).unwrap(), u64::MAX);
        assert!(read(r#"{"expires_in": "soon"}"#).is_err());
        let day = Duration::from_secs(86_400);
        assert_eq!(bounded(u64::MAX, Duration::ZERO, day), day);
        assert_eq!(bounded(0, Duration::from_secs(1), day), Duration::from_secs(1));
    }
}
