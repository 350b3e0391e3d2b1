package widen.coordinator;

/**
 * The migration's row in the ledger. {@code plannedThrough} is the highest id covered by a planned
 * range, so planning resumes there after a restart; null ids mean the source had no rows.
 */
public record Migration(String id, Phase phase, String sourceTable, String targetTable,
    String primaryKey, Long highWaterMark, Long plannedThrough, boolean planningDone, String owner) {}
