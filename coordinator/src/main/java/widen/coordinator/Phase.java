package widen.coordinator;

/**
 * Where a migration stands, in order. Kept in the ledger's migration row, so a restarted
 * coordinator carries on from the same phase.
 */
public enum Phase {
  /** The migration row exists; ranges are being planned. */
  PLANNED,
  /** Ranges up to the high-water mark read at planning time are being copied. */
  BACKFILLING,
  /**
   * Every range up to the high-water mark is copied. Rows written above that mark since are not
   * yet copied: the delta sweeps, verification and flip advice come after this phase.
   */
  BACKFILLED
}
