package widen.config;

/** A password or token. Its {@code toString} never shows the value, so it cannot leak into logs. */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = value == null ? "" : value;
  }

  /** The value itself, for handing to a driver. Never log what this returns. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(empty)" : "******";
  }
}
