package io.ringmaster.tools.mmm;

import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Entry point for MMM 2.x configuration: tells MMM files from YAML, and converts MMM files into a ringmaster.yml.
 *
 * <p>Stateless and thread-safe.
 */
public final class MmmImport {
    private static final Pattern MMM_KEY_VALUE = Pattern.compile("[A-Za-z_]\\w*\\s+\\S.*");
    private static final Set<String> GENERATED_VARS = Set.of(MmmConverter.MONITOR_USER_VAR,
            MmmConverter.MONITOR_PASSWORD_VAR, MmmConverter.REPLICATION_USER_VAR,
            MmmConverter.REPLICATION_PASSWORD_VAR);

    private MmmImport() {}

    /**
     * Tells whether a text is written in MMM's syntax rather than YAML, from its first line that is neither blank
     * nor a comment: a {@code <section>} tag, or {@code key value} with no colon after the key.
     *
     * @param text the file's content, not null
     * @return true for MMM syntax; false for YAML and for an empty text
     */
    public static boolean looksLikeMmm(String text) {
        for (String line : text.lines().toList()) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            return t.startsWith("<") || MMM_KEY_VALUE.matcher(t).matches() && !t.split("\\s+", 2)[0].endsWith(":");
        }
        return false;
    }

    /**
     * Tells whether a file is written in MMM's syntax (see {@link #looksLikeMmm(String)}).
     *
     * @return false also when the file cannot be read, so that the YAML loader reports that
     */
    public static boolean looksLikeMmm(Path file) {
        try {
            return looksLikeMmm(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads MMM files (with their includes) and converts them. The result is checked with {@link ConfigLoader}
     * before it is returned, so its YAML always loads once the {@code ${VAR}}s it names are set.
     *
     * @param files one or more MMM files, read in order as if they were one
     * @return the conversion, never null
     * @throws MmmConfigException {@code FILE:LINE: problem} when a file is missing, malformed, or describes a
     *                            configuration Ringmaster cannot run
     * @throws IllegalArgumentException when no file is given
     */
    public static MmmConversion convert(List<Path> files) {
        MmmDocument doc = MmmParser.parse(files);
        MmmConversion c = new MmmConverter(doc, files.stream().map(Path::toString).toList()).convert();
        Path first = files.get(0).toAbsolutePath();
        try {
            ConfigLoader.parse(c.yaml(), first + " (converted)", first.getParent(), null,
                    c.env(name -> name.equals(MmmMonitor.API_TOKEN_VAR) ? "placeholder-api-token-0123456789"
                            : name.equals(RingmasterYaml.AGENT_TOKEN_VAR) ? "placeholder-agent-token-0123456789"
                            : GENERATED_VARS.contains(name) ? "placeholder" : null));
        } catch (ConfigException e) {
            throw new MmmConfigException(files.get(0).toString(), 0, "the converted configuration does not load: "
                    + e.getMessage());
        }
        return c;
    }
}
