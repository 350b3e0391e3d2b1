package widen.config;

/**
 * Where one side of the copy lives. {@code role} is "source" or "target" and prefixes the config
 * keys named in error messages.
 */
public record DbEndpoint(String role, String url, String user, Secret password, String table) {

  /** The database named in the URL, in which {@link #table} lives. */
  public String database() {
    return WidenConfig.databaseOf(url);
  }

  /** host:port, for messages. */
  public String address() {
    String rest = url.substring(url.indexOf("//") + 2);
    return rest.substring(0, rest.indexOf('/'));
  }

  public String qualifiedTable() {
    return database() + "." + table;
  }

  @Override
  public String toString() {
    return role + " " + user + "@" + address() + "/" + qualifiedTable();
  }
}
