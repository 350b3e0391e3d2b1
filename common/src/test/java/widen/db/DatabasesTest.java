package widen.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.mysql.cj.exceptions.SSLParamsException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.sql.SQLNonTransientConnectionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import widen.config.DbEndpoint;
import widen.config.Secret;

/** Connection settings and the one-line messages for connections that fail over TLS. */
class DatabasesTest {
  private static final DbEndpoint DB = new DbEndpoint("target",
      "jdbc:mysql://db2:3306/smh?sslMode=VERIFY_IDENTITY", "widen", new Secret("pw"), "t");

  @Test
  void noDriverPropertyTouchesTls() {
    // Connector/J lets properties override the URL, so any of these here would silently replace
    // the operator's sslMode or trust store.
    for (String key : Databases.driverProperties(DB).stringPropertyNames()) {
      String k = key.toLowerCase();
      assertFalse(k.contains("ssl") || k.contains("tls") || k.contains("certificate")
          || k.contains("keystore") || k.contains("truststore"), "TLS property set: " + key);
    }
  }

  @Test
  void aServerWithoutTlsIsNamedWithTheFix() {
    var e = new SQLNonTransientConnectionException(
        "SSL Connection required, but not provided by server.", "08001");
    assertEquals("target database at db2:3306 does not offer TLS, which target.url requires"
        + " (sslMode): enable TLS on the server, or change sslMode in target.url",
        Databases.connectFailure(DB, e).getMessage());
  }

  @Test
  void anUntrustedCertificateIsNamedWithTheTrustStoreToFix() {
    var e = new SQLNonTransientConnectionException("Communications link failure", "08S01",
        new SSLHandshakeException("PKIX path building failed:\n unable to find valid"
            + " certification path to requested target"));
    assertEquals("target database at db2:3306 failed the TLS handshake (PKIX path building"
        + " failed: unable to find valid certification path to requested target): make the trust"
        + " store (trustCertificateKeyStoreUrl in target.url, else the JVM's default) hold the CA"
        + " certificate that signed the server's", Databases.connectFailure(DB, e).getMessage());
  }

  // The causes below are the chains Connector/J 9.7 gave against a MariaDB with TLS on.

  @Test
  void aCertificateForAnotherHostIsNamedWithTheHostToUse() {
    var e = new SQLNonTransientConnectionException("Communications link failure", "08S01",
        new IOException(new CertificateException("Server identity verification failed. None of"
            + " the certificate's DNS or IP Subject Alternative Name entries matched the server"
            + " hostname/IP '10.0.0.7'.")));
    assertEquals("target database at db2:3306 has a TLS certificate for another host name (Server"
        + " identity verification failed. None of the certificate's DNS or IP Subject Alternative"
        + " Name entries matched the server hostname/IP '10.0.0.7'.): put in target.url the host"
        + " name its certificate names, or use sslMode=VERIFY_CA",
        Databases.connectFailure(DB, e).getMessage());
  }

  @Test
  void anUnusableTrustStoreIsNamed() {
    var e = new SQLNonTransientConnectionException("Cannot open file:/etc/widen/ca.jks", "08000",
        new SSLParamsException("Cannot open file:/etc/widen/ca.jks [/etc/widen/ca.jks (No such"
            + " file or directory)]", new FileNotFoundException("/etc/widen/ca.jks")));
    assertEquals("target database at db2:3306 cannot be verified: the TLS trust store in"
        + " target.url is unusable (Cannot open file:/etc/widen/ca.jks [/etc/widen/ca.jks (No such"
        + " file or directory)]): make trustCertificateKeyStoreUrl a file: URL of a JKS trust store"
        + " holding the server's CA certificate", Databases.connectFailure(DB, e).getMessage());
  }
}
