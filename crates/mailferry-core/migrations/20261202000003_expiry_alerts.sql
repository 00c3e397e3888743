-- The expiry warnings already given, so that each threshold (60, 30, 7 days, expired) is told
-- once per credential: a renewed credential has another end date and is warned about afresh.
CREATE TABLE expiry_alerts (
    connection_id TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    threshold_days INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, expires_at, threshold_days)
);
