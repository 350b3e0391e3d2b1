package widen.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import widen.demo.CsmhFixture;
import widen.schema.TableShape;
import widen.testing.TestDatabase;
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

  /** {@code rows} generated rows plus the edge rows, and an empty extended table. */
  public static Csmh create(String purpose, long rows) throws SQLException {
    Csmh t = new Csmh(TestDatabase.create(purpose + "_src"), TestDatabase.create(purpose + "_dst"),
        TestDatabase.create(purpose + "_ctl"));
    try (Connection s = t.source.connect(); Connection d = t.target.connect()) {
      CsmhFixture.createSource(s, t.source.name(), CsmhFixture.SOURCE_TABLE);
      CsmhFixture.fill(s, t.source.name(), CsmhFixture.SOURCE_TABLE, 1, rows);
      CsmhFixture.addEdgeRows(s, t.source.name(), CsmhFixture.SOURCE_TABLE);
      CsmhFixture.createTarget(d, t.target.name(), CsmhFixture.TARGET_TABLE);
    }
    return t;
  }

  public TableChecksum.Sum sourceSum() throws SQLException {
    return sum(source, CsmhFixture.SOURCE_TABLE);
  }

  public TableChecksum.Sum targetSum() throws SQLException {
    return sum(target, CsmhFixture.TARGET_TABLE);
  }

  private static TableChecksum.Sum sum(TestDatabase db, String table) throws SQLException {
    try (Connection c = db.connect()) {
      TableShape shape = TableShape.introspect(c, "source", db.name(), table);
      List<String> columns = List.of("id", "version", "created", "state", "grade", "max_grade",
          "student_module_id");
      return TableChecksum.whole(shape, columns).compute(c);
    }
  }

  @Override
  public void close() throws SQLException {
    source.close();
    target.close();
    control.close();
  }
}
