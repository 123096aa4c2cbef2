package io.ringmaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The monitor's topology page in a real browser (Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver; nothing is downloaded) against a real sandbox and the real {@code ringmaster monitor --log-format
 * json} daemon: it shows db1 as the writer, posts set-offline and
 * set-online with the API token after the operator confirms (a wrong token changes nothing), and after a SIGKILL of
 * db1 shows db2 as the writer within 3 s. A screenshot is left in {@code it/target/topology-page.png}. Every line
 * the monitor logged parses as JSON, and the failover's step lines carry the cluster, host and recovery id.
 *
 * <p>The browser is required: CI installs {@code chromium} and {@code chromium-driver} (see {@code .ci/run}), so
 * without them the test fails rather than skips.
 */
class TopologyPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int BASE_PORT = 24100; // servers 24101..24104, monitor 24188
    private static final int DRIVER_PORT = 24190;

    @Test
    void shouldShowTheWriterAndFollowAFailoverWithinThreeSeconds(@TempDir Path dir) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as(CHROMIUM + " (apt-get install chromium, see .ci/run)").isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER)).as(CHROMEDRIVER + " (apt-get install chromium-driver)").isTrue();
        try (Cluster c = Cluster.up(dir, BASE_PORT, 1);
             MonitorProcess monitor = MonitorProcess.start(c.sandbox.configFile(), null, dir.resolve("monitor.log"),
                     Map.of(), launcherJvmFlags(), List.of("--log-format", "json"))) {
            String base = "http://127.0.0.1:" + c.config.monitor().listenPort() + "/";
            await("monitor up, every host ONLINE, db1 the writer").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                        JsonNode s = status(base);
                        for (JsonNode h : s.path("hosts")) {
                            if (!h.path("state").asText().equals("ONLINE")) {
                                return false;
                            }
                        }
                        return s.path("ready").asBoolean() && s.path("writer").asText().equals("db1");
                    });
            checkHeaders(base);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingPort(DRIVER_PORT)
                    .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                    "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1300,1900",
                    "--user-data-dir=" + dir.resolve("chromium-profile"), "--no-first-run");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(base);
                await("page shows db1 as writer").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> text(browser, By.id("writer")).equals("db1")
                                && "true".equals(attr(browser, By.id("node-db1"), "data-writer")));
                assertThat(browser.findElements(By.cssSelector("svg#topology g.node"))).hasSize(4);
                assertThat(attr(browser, By.id("node-db3"), "data-state")).isEqualTo("ONLINE");
                assertThat(browser.findElements(By.cssSelector("path.edge[data-from=db1][data-to=db3]"))).hasSize(1);

                // a command needs the token; a wrong one is refused by the monitor and changes nothing
                useToken(browser, "not-the-token-0123456789");
                clickAndConfirm(browser, "set-offline", "db4");
                await().atMost(Duration.ofSeconds(5)).until(() -> text(browser, By.id("message")).contains("401"));
                assertThat(hostState(base, "db4")).isEqualTo("ONLINE");
                useToken(browser, apiToken(c));
                clickAndConfirm(browser, "set-offline", "db4");
                await("db4 offline on the page").atMost(Duration.ofSeconds(10)).until(() ->
                        hostState(base, "db4").equals("ADMIN_OFFLINE")
                                && "ADMIN_OFFLINE".equals(attr(browser, By.id("node-db4"), "data-state")));
                clickAndConfirm(browser, "set-online", "db4");
                await("db4 online on the page").atMost(Duration.ofSeconds(15)).until(() ->
                        "ONLINE".equals(attr(browser, By.id("node-db4"), "data-state")));

                long killed = System.nanoTime();
                assertThat(c.sandbox.kill("db1")).isTrue();
                await("page shows db2 as writer").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                        .until(() -> text(browser, By.id("writer")).equals("db2"));
                long shownMs = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("TOPOLOGY-PAGE SIGKILL of db1 to db2 shown as writer: %d ms%n", shownMs);
                await("failover on the page").atMost(Duration.ofSeconds(10)).until(() ->
                        "true".equals(attr(browser, By.id("node-db2"), "data-writer"))
                                && !"ONLINE".equals(attr(browser, By.id("node-db1"), "data-state"))
                                && text(browser, By.id("recoveries")).contains("FAILOVER db1 → db2"));
                try { // for the screenshot: the lag measured again from the new writer's heartbeat (not asserted)
                    await().atMost(Duration.ofSeconds(5)).until(() -> text(browser, By.id("node-db3")).matches(
                            "(?s).*lag \\d.*"));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    System.out.println("TOPOLOGY-PAGE db3's lag not measured again within 5 s of the failover");
                }
                Path shot = Path.of("target", "topology-page.png").toAbsolutePath();
                Files.createDirectories(shot.getParent());
                Files.copy(((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
                        StandardCopyOption.REPLACE_EXISTING);
                System.out.println("TOPOLOGY-PAGE screenshot: " + shot);

                // the page ran under its Content-Security-Policy without a violation or a script error
                List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                        .filter(e -> !e.getMessage().contains("/api/v1/hosts/db4/set-offline")) // the 401 above
                        .toList();
                assertThat(severe).as("browser console errors").isEmpty();
                jsonLogs(monitor.output());
            } finally {
                browser.quit();
                service.stop();
            }
        }
    }

    private static void checkHeaders(String base) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<String, String> types = Map.of("", "text/html", "app.js", "text/javascript", "app.css", "text/css");
        for (var e : types.entrySet()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + e.getKey()))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as(e.getKey()).hasValueSatisfying(v ->
                    assertThat(v).startsWith(e.getValue()).contains("charset=utf-8"));
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                    assertThat(v).contains("default-src 'none'", "script-src 'self'").doesNotContain("unsafe"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "nope.js"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    /**
     * The monitor ran with {@code --log-format json}: every line it wrote is a JSON object, and the failover's
     * step lines carry the cluster, the host the step acted on and the recovery id.
     */
    private static void jsonLogs(String output) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String l : output.lines().filter(l -> !l.isBlank()).toList()) {
            try {
                lines.add(json.readTree(l));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new AssertionError("a line of the monitor's log is not JSON: " + l, e);
            }
        }
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.isObject()).isTrue());
        JsonNode promote = lines.stream().filter(l -> l.path("formattedMessage").asText().contains("promote db2"))
                .findFirst().orElseThrow(() -> new AssertionError("no 'promote db2' line in " + output));
        assertThat(promote.path("mdc").path("cluster").asText()).isEqualTo("sandbox");
        assertThat(promote.path("mdc").path("host").asText()).isEqualTo("db2");
        assertThat(promote.path("mdc").path("recovery").asText()).startsWith("F-");
        assertThat(promote.path("level").asText()).isEqualTo("INFO");
        System.out.println("TOPOLOGY-PAGE monitor JSON log line: " + promote);
    }

    /** The JVM flags the launchers give (else the JDK warns on stderr about Netty's native access and Unsafe). */
    private static List<String> launcherJvmFlags() {
        int feature = Runtime.version().feature();
        List<String> flags = new java.util.ArrayList<>();
        if (feature >= 22) {
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        if (feature >= 24) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    private static JsonNode status(String base) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/v1/status"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private static String hostState(String base, String host) throws Exception {
        for (JsonNode h : status(base).path("hosts")) {
            if (h.path("name").asText().equals(host)) {
                return h.path("state").asText();
            }
        }
        throw new AssertionError("no host " + host + " in the status");
    }

    private static void useToken(WebDriver b, String token) {
        WebElement field = b.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        b.findElement(By.id("token-use")).click();
        assertThat(text(b, By.id("token-state"))).isEqualTo("token set for this tab");
    }

    /** Clicks a host's action button and accepts the page's confirmation dialog. */
    private static void clickAndConfirm(WebDriver b, String action, String host) {
        By button = By.cssSelector("button[data-action='" + action + "'][data-host='" + host + "']");
        await(action + " " + host + " button").atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            b.findElement(button).click(); // may be redrawn between finding and clicking: then again
            return true;
        });
        var alert = b.switchTo().alert();
        assertThat(alert.getText()).contains(host);
        alert.accept();
    }

    private static String text(WebDriver b, By by) {
        try {
            return b.findElement(by).getText();
        } catch (WebDriverException e) { // absent, or redrawn under our feet: ask again
            return "";
        }
    }

    private static String attr(WebDriver b, By by, String name) {
        try {
            return b.findElement(by).getDomAttribute(name);
        } catch (WebDriverException e) { // absent, or redrawn under our feet: ask again
            return null;
        }
    }

    private static String apiToken(Cluster c) throws Exception {
        Matcher m = Pattern.compile("(?m)^\\s*api_token:\\s*(\\S+)").matcher(Files.readString(c.sandbox.configFile()));
        assertThat(m.find()).as("api_token in the sandbox's configuration").isTrue();
        return m.group(1);
    }
}
