package widen.coordinator;

/**
 * The migration's row in the ledger.
 *
 * @param highWaterMark the largest source id when the migration began: the backfill's ceiling;
 *     null ids mean the source had no rows
 * @param plannedThrough the highest id covered by a planned backfill range, so planning resumes
 *     there after a restart
 * @param verifiedThrough every id up to here is verified equal on both sides (null: none yet)
 * @param verifyPlannedThrough verify ranges are planned up to here (ahead of verifiedThrough
 *     while they run)
 * @param flipConfirmed the operator ran {@code widen flip --confirm}: the application now writes
 *     only to the new table
 * @param advice the flip advice with its evidence (JSON), while the migration is ready to flip
 * @param report the final report (JSON) once COMPLETE
 */
public record Migration(String id, Phase phase, String sourceTable, String targetTable,
    String primaryKey, Long highWaterMark, Long plannedThrough, boolean planningDone, String owner,
    Long verifiedThrough, Long verifyPlannedThrough, boolean flipConfirmed, String advice, String report) {

  /** A new migration, before anything is planned. */
  static Migration start(String id, String sourceTable, String targetTable, String primaryKey,
      Long highWaterMark, Long firstLo, boolean empty, String owner) {
    return new Migration(id, Phase.PLANNED, sourceTable, targetTable, primaryKey, highWaterMark,
        firstLo, empty, owner, null, null, false, null, null);
  }
}
