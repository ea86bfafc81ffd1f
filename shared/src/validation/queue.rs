//! The queue: a wait in minutes must be one a queue can have.

use super::{Issue, Rule};
use crate::domain::{MAX_QUEUE_MINUTES, QueueLength, QueueReport};

pub(super) fn validate(report: &QueueReport) -> Vec<Issue> {
    match report.length {
        QueueLength::Minutes(minutes) if minutes > MAX_QUEUE_MINUTES => {
            vec![Issue::new(Rule::QueueMinutesOutOfRange, ["minutes"])]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(length: QueueLength) -> Vec<&'static str> {
        validate(&QueueReport { length })
            .iter()
            .map(Issue::code)
            .collect()
    }

    #[test]
    fn a_wait_longer_than_any_queue_is_refused() {
        assert!(codes(QueueLength::Minutes(MAX_QUEUE_MINUTES)).is_empty());
        assert!(codes(QueueLength::Long).is_empty());
        assert_eq!(
            codes(QueueLength::Minutes(MAX_QUEUE_MINUTES + 1)),
            ["QUEUE_E01_MINUTES_OUT_OF_RANGE"]
        );
        assert_eq!(
            codes(QueueLength::Minutes(u32::MAX)),
            ["QUEUE_E01_MINUTES_OUT_OF_RANGE"]
        );
    }
}
