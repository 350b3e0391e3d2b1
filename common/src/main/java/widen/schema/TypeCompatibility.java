package widen.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether every value a source column can hold is stored unchanged by a target column.
 *
 * <p>The rules are deliberately narrow: widen copies rows with INSERT ... SELECT-style statements,
 * and a silent truncation, rounding or charset substitution would corrupt the copy without an
 * error. Anything not known to be safe is refused with a short reason.
 */
public final class TypeCompatibility {
  // Charsets whose every character utf8mb4 can store.
  private static final Set<String> INTO_UTF8MB4 = Set.of("utf8mb3", "utf8", "latin1", "ascii");

  private TypeCompatibility() {}

  /** Empty if the target holds every source value unchanged, else a short reason phrase. */
  public static Optional<String> problem(Column source, Column target) {
    List<String> problems = new ArrayList<>();
    typeProblem(source, target).ifPresent(problems::add);
    if (source.nullable() && !target.nullable()) {
      problems.add("source allows NULL, target is NOT NULL");
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", problems));
  }

  /**
   * A signed source integer into an unsigned target is accepted by type (int into bigint
   * unsigned is widen's whole point), but only holds if the source has no negative values: the
   * caller must check that with the data.
   */
  public static boolean needsNonNegativeCheck(Column source, Column target) {
    return source.isInteger() && target.isInteger()
        && !source.unsigned() && target.unsigned()
        && target.integerBytes() >= source.integerBytes();
  }

  private static Optional<String> typeProblem(Column s, Column t) {
    if (s.isInteger() && t.isInteger()) {
      return integer(s, t);
    }
    if (s.isText() && t.isText()) {
      return text(s, t);
    }
    if (s.isBinary() && t.isBinary()) {
      return binary(s, t);
    }
    if (s.isTemporal() && t.isTemporal()) {
      return temporal(s, t);
    }
    return switch (s.dataType()) {
      case "decimal" -> decimal(s, t);
      case "float", "double" -> floating(s, t);
      default -> refuseUnless(s.columnType().equals(t.columnType()), s, t);
    };
  }

  private static Optional<String> integer(Column s, Column t) {
    int sb = s.integerBytes();
    int tb = t.integerBytes();
    // Unsigned into signed needs one more byte for the top bit; the other three cases need as
    // many bytes (signed into unsigned also needs the caller's non-negative check).
    boolean fits = s.unsigned() && !t.unsigned() ? tb > sb : tb >= sb;
    return refuseUnless(fits, s, t);
  }

  private static Optional<String> decimal(Column s, Column t) {
    if (!t.dataType().equals("decimal")) {
      return refuse(s, t);
    }
    int sourceWhole = s.numericPrecision() - s.numericScale();
    int targetWhole = t.numericPrecision() - t.numericScale();
    boolean fits = targetWhole >= sourceWhole && t.numericScale() >= s.numericScale();
    return refuseUnless(fits && signFits(s, t), s, t);
  }

  private static Optional<String> floating(Column s, Column t) {
    boolean family = t.dataType().equals("double")
        || (t.dataType().equals("float") && s.dataType().equals("float"));
    // FLOAT(M,D)/DOUBLE(M,D) round to D decimals: only the very same declaration is safe.
    boolean fixed = s.numericScale() != null || t.numericScale() != null;
    boolean fits = family && (!fixed || s.columnType().equals(t.columnType()));
    return refuseUnless(fits && signFits(s, t), s, t);
  }

  private static boolean signFits(Column s, Column t) {
    return s.unsigned() || !t.unsigned();
  }

  private static Optional<String> text(Column s, Column t) {
    Optional<String> charset = charset(s, t);
    if (charset.isPresent()) {
      return charset;
    }
    if (t.dataType().equals("char") && !s.dataType().equals("char")) {
      return Optional.of(sourceIsTargetIs(s, t) + ", which drops trailing spaces");
    }
    // char/varchar limit characters, whatever their bytes; *text limits bytes. A *text source
    // reports its byte capacity as its character capacity too, which is its true worst case
    // (all one-byte characters), so comparing characters is right whenever the target is not text.
    if (!t.isLongText()) {
      return refuseUnless(t.charMaxLength() >= s.charMaxLength(), s, t);
    }
    long sourceBytes = s.octetLength() * bytesGrowth(s.charset(), t.charset());
    return refuseUnless(t.octetLength() >= sourceBytes, s, t);
  }

  private static Optional<String> charset(Column s, Column t) {
    String from = normalize(s.charset());
    String to = normalize(t.charset());
    if (from.equals(to) || (to.equals("utf8mb4") && INTO_UTF8MB4.contains(from))) {
      return Optional.empty();
    }
    return Optional.of("source charset is " + s.charset() + ", target charset is " + t.charset());
  }

  /**
   * How many times longer a value gets when converted. latin1 is really cp1252, whose characters
   * like the euro sign take three bytes in UTF-8; utf8mb3 and ascii are encoded identically.
   */
  private static long bytesGrowth(String sourceCharset, String targetCharset) {
    boolean latin1IntoUtf8 =
        normalize(sourceCharset).equals("latin1") && !normalize(targetCharset).equals("latin1");
    return latin1IntoUtf8 ? 3 : 1;
  }

  private static String normalize(String charset) {
    return charset == null || charset.equals("utf8") ? "utf8mb3" : charset;
  }

  private static Optional<String> binary(Column s, Column t) {
    // binary(n) pads with zero bytes up to n, so anything but binary of the same length would
    // come back different.
    if (t.dataType().equals("binary")) {
      boolean same = s.dataType().equals("binary") && s.octetLength().equals(t.octetLength());
      return refuseUnless(same, s, t);
    }
    return refuseUnless(t.octetLength() >= s.octetLength(), s, t);
  }

  private static Optional<String> temporal(Column s, Column t) {
    boolean precise = t.fractionalDigits() >= s.fractionalDigits();
    boolean fits = switch (s.dataType()) {
      case "datetime", "time", "year" -> s.dataType().equals(t.dataType()) && precise;
      // A timestamp is read in the session time zone and stored as that wall-clock time.
      case "timestamp" -> (t.dataType().equals("timestamp") || t.dataType().equals("datetime"))
          && precise;
      case "date" -> t.dataType().equals("date") || t.dataType().equals("datetime");
      default -> false;
    };
    return refuseUnless(fits, s, t);
  }

  private static Optional<String> refuseUnless(boolean fits, Column s, Column t) {
    return fits ? Optional.empty() : refuse(s, t);
  }

  private static Optional<String> refuse(Column s, Column t) {
    return Optional.of(sourceIsTargetIs(s, t));
  }

  private static String sourceIsTargetIs(Column s, Column t) {
    return "source is " + s.columnType() + ", target is " + t.columnType();
  }
}
