package widen.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTest {

  @Test
  void aNameIsWrappedInBackquotes() {
    assertEquals("`id`", Sql.quote("id"));
    assertEquals("`student module`", Sql.quote("student module"));
  }

  @Test
  void backquotesInsideANameAreDoubled() {
    assertEquals("`a``b`", Sql.quote("a`b"));
    assertEquals("````", Sql.quote("`"));
    assertEquals("`x``; DROP TABLE t; --`", Sql.quote("x`; DROP TABLE t; --"));
  }

  @Test
  void otherQuotesAndBackslashesAreLeftAlone() {
    assertEquals("`it's \"q\" \\n`", Sql.quote("it's \"q\" \\n"));
  }

  @Test
  void databaseAndTableAreQuotedSeparately() {
    assertEquals("`edx``app`.`cs.mh`", Sql.quote("edx`app", "cs.mh"));
  }

  @Test
  void listsAreQuotedAndJoinedWithCommas() {
    assertEquals("`id`, `a``b`, `c`", Sql.quoteAll(List.of("id", "a`b", "c")));
    assertEquals("", Sql.quoteAll(List.of()));
  }
}
