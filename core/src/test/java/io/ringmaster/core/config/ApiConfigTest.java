package io.ringmaster.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's settings (token, TLS from PEM files) and the cross-field checks of item 7 (trap_period against
 * check_period, hosts named by name in errors). PEM files are made with the JDK's keytool, as an operator would.
 */
class ApiConfigTest {
    private static final String TOKEN = "tok-0123456789abcdef0123";
    private static final String BASE = """
            credentials:
              monitor: {user: mon}
              replication: {user: repl}
            hosts:
              - {name: db1, address: 10.0.0.1}
              - {name: db2, address: 10.0.0.2}
              - {name: db3, address: 10.0.0.3, mode: replica, master: db1}
            """;

    @TempDir
    static Path pki;
    static Pem rsa;
    static Pem ec;

    @TempDir
    Path dir;

    /** A certificate (PEM) and its PKCS#8 key (PEM). */
    record Pem(Path cert, Path key) {}

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = pem(pki, "rsa", "RSA", "2048");
        ec = pem(pki, "ec", "EC", "256");
    }

    // ---- token --------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseANonLoopbackListenerWithoutAToken() {
        for (String listen : List.of("0.0.0.0:9988", "10.0.0.9:9988", "'[::]:9988'", "db-monitor.example:9988")) {
            ConfigException e = refused("monitor: {listen: " + listen + "}\n" + BASE);
            assertThat(e.field()).as(listen).isEqualTo("monitor.api_token");
            assertThat(e.getMessage()).doesNotContain("\n").contains("missing (required)")
                    .contains("is not a loopback address");
        }
    }

    @Test
    void shouldAcceptLoopbackListenersWithoutAToken() throws IOException {
        for (String listen : List.of("127.0.0.1:9988", "127.0.0.53:9988", "'[::1]:9988'", "localhost:9988")) {
            RingmasterConfig c = load("monitor: {listen: " + listen + "}\n" + BASE, Map.of());
            assertThat(c.monitor().api().hasToken()).as(listen).isFalse();
        }
    }

    @Test
    void shouldReadTheTokenFromTheEnvironmentAndNeverShowIt() throws IOException {
        RingmasterConfig c = load("monitor: {listen: 0.0.0.0:9988, api_token: '${RM_TOKEN}'}\n" + BASE,
                Map.of("RM_TOKEN", TOKEN));

        ApiAccess api = c.monitor().api();
        assertThat(api.hasToken()).isTrue();
        assertThat(api.accepts(TOKEN)).isTrue();
        assertThat(api.accepts(TOKEN + "x")).isFalse();
        assertThat(api.accepts(TOKEN.substring(1))).isFalse();
        assertThat(api.accepts("")).isFalse();
        assertThat(api.accepts(null)).isFalse();
        assertThat(c.toString()).doesNotContain(TOKEN);
        assertThat(api.toString()).doesNotContain(TOKEN);
    }

    @Test
    void shouldRefuseAnUnsetTokenVariableNamingTheField() {
        ConfigException e = refused("monitor: {listen: 0.0.0.0:9988, api_token: '${RM_TOKEN}'}\n" + BASE);

        assertThat(e.field()).isEqualTo("monitor.api_token");
        assertThat(e.getMessage()).contains("environment variable RM_TOKEN is not set");
    }

    @Test
    void shouldTreatAnEmptyDefaultAsNoToken() throws IOException {
        RingmasterConfig c = load("monitor: {api_token: '${RM_TOKEN:-}'}\n" + BASE, Map.of());
        assertThat(c.monitor().api().hasToken()).isFalse();

        ConfigException e = refused("monitor: {listen: 0.0.0.0:9988, api_token: '${RM_TOKEN:-}'}\n" + BASE);
        assertThat(e.field()).isEqualTo("monitor.api_token");
    }

    @Test
    void shouldRefuseAShortOrUnprintableTokenWithoutShowingIt() {
        ConfigException shortToken = refused("monitor: {api_token: abc123}\n" + BASE);
        assertThat(shortToken.field()).isEqualTo("monitor.api_token");
        assertThat(shortToken.getMessage()).contains("at least 16 characters (it has 6)").doesNotContain("abc123");

        ConfigException spaces = refused("monitor: {api_token: 'correct horse battery staple'}\n" + BASE);
        assertThat(spaces.field()).isEqualTo("monitor.api_token");
        assertThat(spaces.getMessage()).contains("without spaces").doesNotContain("horse");
    }

    // ---- TLS ----------------------------------------------------------------------------------------------

    @Test
    void shouldLoadAnRsaAndAnEcCertificateWithTheirKeys() throws IOException {
        for (Pem p : List.of(rsa, ec)) {
            RingmasterConfig c = load(tls(p.cert(), p.key(), null) + BASE, Map.of());
            ApiTls t = c.monitor().api().tls().orElseThrow();
            assertThat(c.monitor().api().scheme()).isEqualTo("https");
            assertThat(t.chain()).hasSize(1);
            assertThat(t.trusted()).isEqualTo(t.chain());
            assertThat(t.serverContext().getProtocol()).isEqualTo("TLS");
            assertThat(t.clientContext().getProtocol()).isEqualTo("TLS");
            assertThat(c.toString()).doesNotContain("PRIVATE");
        }
    }

    @Test
    void shouldResolveRelativePathsAgainstTheConfigFolderAndTrustTheCaFile() throws IOException {
        Files.copy(rsa.cert(), dir.resolve("api.pem"));
        Files.copy(rsa.key(), dir.resolve("api.key"));
        Files.copy(ec.cert(), dir.resolve("ca.pem"));

        RingmasterConfig c = load(tls(Path.of("api.pem"), Path.of("api.key"), Path.of("ca.pem")) + BASE, Map.of());

        ApiTls t = c.monitor().api().tls().orElseThrow();
        assertThat(t.certFile()).isEqualTo(dir.resolve("api.pem"));
        assertThat(t.trusted()).hasSize(1);
        assertThat(t.trusted().get(0)).isNotEqualTo(t.chain().get(0));
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificatesKey() throws Exception {
        Pem otherRsa = pem(dir, "other", "RSA", "2048");

        ConfigException e = refused(tls(rsa.cert(), otherRsa.key(), null) + BASE);

        assertThat(e.field()).isEqualTo("monitor.tls_key");
        assertThat(e.getMessage()).contains("is not the key of the certificate in " + rsa.cert());
        ConfigException wrongKind = refused(tls(rsa.cert(), ec.key(), null) + BASE);
        assertThat(wrongKind.field()).isEqualTo("monitor.tls_key");
        assertThat(wrongKind.getMessage()).doesNotContain("\n").contains("PKCS#8");
    }

    @Test
    void shouldRefuseAnExpiredCertificate() throws Exception {
        Pem old = pem(dir, "expired", "EC", "256", "-10d");

        ConfigException e = refused(tls(old.cert(), old.key(), null) + BASE);

        assertThat(e.field()).isEqualTo("monitor.tls_cert");
        assertThat(e.getMessage()).contains("the certificate in " + old.cert() + " expired on ");
    }

    @Test
    void shouldRefuseMissingOrUnreadableFilesNamingTheField() throws IOException {
        Path missing = dir.resolve("nope.pem");
        ConfigException noCert = refused(tls(missing, rsa.key(), null) + BASE);
        assertThat(noCert.field()).isEqualTo("monitor.tls_cert");
        assertThat(noCert.getMessage()).contains("cannot read " + missing + ": no such file");

        ConfigException keyAsCert = refused(tls(rsa.key(), rsa.key(), null) + BASE);
        assertThat(keyAsCert.field()).isEqualTo("monitor.tls_cert");
        assertThat(keyAsCert.getMessage()).contains("holds no PEM certificate").doesNotContain("BEGIN PRIVATE KEY-----\n");

        ConfigException certAsKey = refused(tls(rsa.cert(), rsa.cert(), null) + BASE);
        assertThat(certAsKey.field()).isEqualTo("monitor.tls_key");
        assertThat(certAsKey.getMessage()).contains("holds no PEM private key");

        Path garbled = Files.writeString(dir.resolve("garbled.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        ConfigException bad = refused(tls(garbled, rsa.key(), null) + BASE);
        assertThat(bad.field()).isEqualTo("monitor.tls_cert");
        assertThat(bad.getMessage()).doesNotContain("\n").contains("cannot be read");

        Path pkcs1 = Files.writeString(dir.resolve("old.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        ConfigException old = refused(tls(rsa.cert(), pkcs1, null) + BASE);
        assertThat(old.field()).isEqualTo("monitor.tls_key");
        assertThat(old.getMessage()).contains("convert it to PKCS#8");

        ConfigException noCa = refused(tls(rsa.cert(), rsa.key(), missing) + BASE);
        assertThat(noCa.field()).isEqualTo("monitor.tls_ca");
    }

    @Test
    void shouldRefuseACertificateWithoutAKeyAndACaWithoutTls() {
        ConfigException noKey = refused("monitor: {tls_cert: '" + rsa.cert() + "'}\n" + BASE);
        assertThat(noKey.field()).isEqualTo("monitor.tls_key");
        assertThat(noKey.getMessage()).contains("tls_cert and tls_key go together");

        ConfigException noCert = refused("monitor: {tls_key: '" + rsa.key() + "'}\n" + BASE);
        assertThat(noCert.field()).isEqualTo("monitor.tls_cert");

        ConfigException caOnly = refused("monitor: {tls_ca: '" + rsa.cert() + "'}\n" + BASE);
        assertThat(caOnly.field()).isEqualTo("monitor.tls_ca");
    }

    // ---- item 7: cross-field checks, hosts by name ----------------------------------------------------------

    @Test
    void shouldRefuseATrapPeriodShorterThanTheCheckPeriod() throws IOException {
        ConfigException e = refused("monitor: {check_period: 2s, trap_period: 1500ms}\n" + BASE);

        assertThat(e.field()).isEqualTo("monitor.trap_period");
        assertThat(e.getMessage()).contains("1500ms is shorter than check_period (2s)");
        assertThat(load("monitor: {check_period: 2s, trap_period: 2s}\n" + BASE, Map.of()).monitor().trapPeriod())
                .hasSeconds(2);
        assertThat(load("monitor: {check_period: 2s, trap_period: 0s}\n" + BASE, Map.of()).monitor().trapPeriod())
                .isZero();
    }

    @Test
    void shouldNameHostsByNameInErrors() {
        assertThat(refused(BASE.replace("address: 10.0.0.3", "address: 10.0.0.1")).field())
                .isEqualTo("hosts[db3].port");
        assertThat(refused(BASE.replace("master: db1", "master: db9")).getMessage())
                .contains("hosts[db3].master: 'db9' is not a master host");
        assertThat(refused(BASE.replace("{name: db2, address: 10.0.0.2}", "{name: db2, adress: 10.0.0.2}"))
                .field()).isEqualTo("hosts[db2].adress");
        // a name that is missing, invalid or taken cannot name the item: its index does
        assertThat(refused(BASE.replace("name: db2", "name: db1")).field()).isEqualTo("hosts[1].name");
        assertThat(refused(BASE.replace("name: db2", "name: 'db 2'")).field()).isEqualTo("hosts[1].name");
        assertThat(refused(BASE + "roles:\n  - {name: writer, mode: exclusive, hosts: [db3]}\n").field())
                .isEqualTo("roles[writer].hosts");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static String tls(Path cert, Path key, Path ca) {
        return "monitor:\n  tls_cert: '" + cert + "'\n  tls_key: '" + key + "'\n"
                + (ca == null ? "" : "  tls_ca: '" + ca + "'\n");
    }

    private RingmasterConfig load(String yaml, Map<String, String> env) throws IOException {
        Path f = dir.resolve("ringmaster.yml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f, env::get);
    }

    private ConfigException refused(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml, Map.of()));
        assertThat(e).as("refused:%n%s", yaml).isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").startsWith(dir.resolve("ringmaster.yml") + ": ");
        return e;
    }

    /** A self-signed certificate for 127.0.0.1 and its key, made with keytool and written as PEM. */
    static Pem pem(Path dir, String name, String alg, String size) throws Exception {
        return pem(dir, name, alg, size, "+0d");
    }

    /** Like {@link #pem(Path, String, String, String)}, valid for 2 days from {@code start} (keytool's -startdate). */
    static Pem pem(Path dir, String name, String alg, String size, String start) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", alg, "-keysize", size,
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-startdate", start, "-validity", "2", "-keystore",
                store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve(name + ".log"))).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate(name);
        Pem pem = new Pem(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        Files.writeString(pem.cert(), block("CERTIFICATE", cert.getEncoded()));
        Files.writeString(pem.key(), block("PRIVATE KEY", ks.getKey(name, "changeit".toCharArray()).getEncoded()));
        return pem;
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
