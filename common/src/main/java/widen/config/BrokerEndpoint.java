package widen.config;

/**
 * The RabbitMQ broker and the queue namespace of one migration ({@code widen.<migration.id>}).
 */
public record BrokerEndpoint(String url, String user, Secret password, String queueNamespace) {
  @Override
  public String toString() {
    return user + "@" + url + " (" + queueNamespace + ".*)";
  }
}
