package widen.coordinator;

/** The state of one range in the ledger. */
public enum RangeState {
  /** In the ledger, not yet confirmed on the task queue. */
  PENDING,
  /** On the task queue (or in a worker's hands). */
  QUEUED,
  /** Copied and committed by a worker, which reported it. */
  DONE,
  /** Failed {@code copy.max_attempts} times; parked with its last error. */
  FAILED
}
