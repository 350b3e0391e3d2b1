package widen.coordinator;

/**
 * Where a migration stands, in order. Kept in the ledger's migration row, so a restarted
 * coordinator carries on from the same phase.
 */
public enum Phase {
  /** The migration row exists; backfill ranges are being planned. */
  PLANNED,
  /** Every backfill range is planned; ranges up to the first high-water mark are being copied. */
  BACKFILLING,
  /** Delta sweeps copy the rows written since the previous mark, until one finds few. */
  CATCHING_UP,
  /** Workers compare every range's checksums on both sides and repair differences. */
  VERIFYING,
  /**
   * Everything up to the last mark is copied and verified and the tail is small: the flip is
   * advised. Waits for {@code widen flip --confirm}; sweeps again if the tail grows.
   */
  READY_TO_FLIP,
  /** The application writes only to the new table; the old table's last rows are swept. */
  FINAL_SWEEP,
  /** Every row of the old table is in the new one, verified. */
  COMPLETE;

  /** Whether the application should still read the old table (see the read API). */
  public boolean oldTableStillRead() {
    return this != COMPLETE;
  }
}
