package widen.coordinator;

import widen.range.IdRange;

/** One range's row in the ledger. */
public record LedgerRange(int rangeId, int sweep, IdRange range, long rowsPlanned, RangeState state,
    int attempts) {}
