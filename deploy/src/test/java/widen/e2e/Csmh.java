package widen.e2e;

import widen.config.WidenConfig;
import widen.testing.TestServices;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import widen.demo.CsmhFixture;
import widen.range.IdRange;
import widen.schema.TableShape;
import widen.testing.TestDatabase;
import widen.testing.TestServices;
import widen.verify.TableChecksum;

/** A CSMH source and extended target, each in a test database of its own. */
public final class Csmh implements AutoCloseable {
  public final TestDatabase source;
  public final TestDatabase target;
  public final TestDatabase control;

  private Csmh(TestDatabase source, TestDatabase target, TestDatabase control) {
    this.source = source;
    this.target = target;
    this.control = control;
  }

  /**
   * {@code rows} generated rows, plus the edge rows if asked (they include id 2,147,483,647, after
   * which the old table takes no more inserts), and an empty extended table.
   */
  public static Csmh create(String purpose, long rows, boolean edgeRows) throws SQLException {
    Csmh t = new Csmh(TestDatabase.create(purpose + "_src"), TestDatabase.create(purpose + "_dst"),
        TestDatabase.create(purpose + "_ctl"));
    try (Connection s = t.source.connect(); Connection d = t.target.connect()) {
      CsmhFixture.createSource(s, t.source.name(), CsmhFixture.SOURCE_TABLE);
      CsmhFixture.fill(s, t.source.name(), CsmhFixture.SOURCE_TABLE, 1, rows);
      if (edgeRows) {
        CsmhFixture.addEdgeRows(s, t.source.name(), CsmhFixture.SOURCE_TABLE);
      }
      CsmhFixture.createTarget(d, t.target.name(), CsmhFixture.TARGET_TABLE);
    }
    return t;
  }

  /** The config of a migration between these tables, named {@code name}-(control database). */
  public WidenConfig config(String name) {
    return WidenConfig.of(TestServices.config(name + "-" + control.name(), source,
        CsmhFixture.SOURCE_TABLE, target, CsmhFixture.TARGET_TABLE, control));
  }

  public TableChecksum.Sum sourceSum() throws SQLException {
    return sum(source, CsmhFixture.SOURCE_TABLE);
  }

  public TableChecksum.Sum targetSum() throws SQLException {
    return sum(target, CsmhFixture.TARGET_TABLE);
  }

  /** Checksums of both tables over the ids in {@code range} only. */
  public TableChecksum.Sum sourceSum(IdRange range) throws SQLException {
    return sum(source, CsmhFixture.SOURCE_TABLE, range);
  }

  public TableChecksum.Sum targetSum(IdRange range) throws SQLException {
    return sum(target, CsmhFixture.TARGET_TABLE, range);
  }

  private static TableChecksum.Sum sum(TestDatabase db, String table) throws SQLException {
    return sum(db, table, null);
  }

  private static TableChecksum.Sum sum(TestDatabase db, String table, IdRange range)
      throws SQLException {
    try (Connection c = db.connect()) {
      TableShape shape = TableShape.introspect(c, "source", db.name(), table);
      List<String> columns = List.of("id", "version", "created", "state", "grade", "max_grade",
          "student_module_id");
      // The hash the workers choose on this server, so sums compare with the ledger's report.
      TableChecksum.Hash hash = TableChecksum.Hash.bestFor(c);
      return range == null ? TableChecksum.whole(shape, columns, hash).compute(c)
          : TableChecksum.ranged(shape, columns, hash).compute(c, range);
    }
  }

  @Override
  public void close() throws SQLException {
    source.close();
    target.close();
    control.close();
  }
}
