//! Reading the request log (`GET /_sim/requests`): how many round trips a client made in a row.

use serde_json::Value;

/// Requests in a row, each starting after every earlier one finished: the round trips a user
/// waits for. Requests in flight together count once. `requests` is the log, oldest first.
pub fn sequential_round_trips(requests: &[Value]) -> usize {
    let mut waves = 0;
    let mut last_finish = f64::MIN;
    for request in requests {
        let started = request["startedMs"].as_f64().unwrap_or_default();
        if started >= last_finish {
            waves += 1;
        }
        last_finish = last_finish.max(request["finishedMs"].as_f64().unwrap_or_default());
    }
    waves
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_requests_count_as_one_round_trip() {
        let log = serde_json::json!([
            {"startedMs": 0.0, "finishedMs": 100.0},
            {"startedMs": 100.0, "finishedMs": 200.0},
            {"startedMs": 101.0, "finishedMs": 180.0},
            {"startedMs": 250.0, "finishedMs": 300.0}
        ]);
        assert_eq!(sequential_round_trips(log.as_array().unwrap_or(&Vec::new())), 3);
    }
}
