package io.ringmaster.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One mapping of a YAML configuration, with its path for error messages ({@code hosts[db2].port}), the keys it
 * accepts, and typed getters that report the field on bad input as a {@link ConfigException}. {@code ${VAR}} and
 * {@code ${VAR:-default}} in values are replaced through the given lookup. Shared by every reader of
 * ringmaster.yml ({@link ConfigLoader}, the router's section) so they refuse input the same way.
 *
 * <p>Not thread-safe; one reader uses it.
 */
public final class YamlSection {
    private static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    /** Reads a text whose duplicate keys were already reported, only to name the item they are in. */
    private static final ObjectMapper LENIENT = new ObjectMapper(new YAMLFactory());
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Function<String, String> env;
    private final Set<String> allowed = new LinkedHashSet<>();

    private YamlSection(String source, String path, JsonNode node, Function<String, String> env) {
        this.source = source;
        this.path = path;
        this.node = node;
        this.env = env;
        if (!node.isObject()) {
            throw new ConfigException(source, path, "must be a mapping of keys to values");
        }
    }

    /**
     * Parses YAML text (one document, no duplicate keys) into its top-level section.
     *
     * @param source name used in error messages (normally the file path)
     * @param env    variable lookup for {@code ${VAR}}, null when unset
     * @throws ConfigException on invalid YAML, several documents or an empty text
     */
    public static YamlSection parse(String text, String source, Function<String, String> env) {
        JsonNode root;
        try (JsonParser parser = YAML.createParser(text)) {
            root = YAML.readTree(parser);
            while (root != null && parser.nextToken() != null) {
                JsonNode more = YAML.readTree(parser);
                if (more != null && !more.isMissingNode() && !more.isNull()) {
                    throw new ConfigException(source, "", "more than one YAML document (---): only one is read, "
                            + "so the configuration must be a single document");
                }
            }
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
            var loc = e.getLocation();
            throw new ConfigException(source, byName(text, duplicateKeyPath(e)), "invalid YAML"
                    + (loc == null ? "" : " at line " + loc.getLineNr()) + ": " + msg);
        } catch (IOException e) {
            throw new ConfigException(source, "", "cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(source, "", "the file is empty");
        }
        return new YamlSection(source, "", root, env);
    }

    /**
     * The path ({@code hosts[1].port}) of the key a duplicate-key error is about, from the parser's context;
     * "" for other errors.
     */
    private static String duplicateKeyPath(JsonProcessingException e) {
        if (!(e instanceof StreamReadException sre) || !(sre.getProcessor() instanceof JsonParser p)
                || !String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /**
     * {@code hosts[1].port} as {@code hosts[db2].port} (and the same for roles), read from the text parsed again
     * without the duplicate check; the path as it is when the item has no plain name or the name itself is doubled.
     */
    private static String byName(String text, String path) {
        var m = Pattern.compile("(hosts|roles)\\[(\\d+)](\\..+)").matcher(path);
        if (!m.matches() || m.group(3).equals(".name")) {
            return path;
        }
        try {
            JsonNode item = LENIENT.readTree(text).path(m.group(1)).path(Integer.parseInt(m.group(2)));
            String name = item.path("name").asText("");
            return PLAIN_NAME.matcher(name).matches() ? m.group(1) + "[" + name + "]" + m.group(3) : path;
        } catch (IOException | RuntimeException e) {
            return path;
        }
    }

    /**
     * Declares the keys this section accepts and refuses any other at once, before any value is read, so that
     * a misspelt key is reported as unknown rather than as the required key it was meant to be.
     */
    public void allow(String... keys) {
        allowed.addAll(List.of(keys));
        finish();
    }

    /** Refuses keys that were not allowed. */
    public void finish() {
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new ConfigException(source, field(k), "unknown key (expected one of "
                        + String.join(", ", allowed) + ")");
            }
        });
    }

    /**
     * The same mapping under another path for error messages, for example {@code hosts[db3]} in place of
     * {@code hosts[2]} once the item's name is known. Keys allowed so far are not carried over.
     */
    public YamlSection relabel(String newPath) {
        return new YamlSection(source, newPath, node, env);
    }

    /** The path of this section, e.g. {@code hosts[db3]}; empty for the top level. */
    public String path() {
        return path;
    }

    /** The path of a key in this section, e.g. {@code hosts[1].port}. */
    public String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** An error about a key of this section, naming the file and the field. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(source, field(key), problem);
    }

    private JsonNode get(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** A single value as text, {@code ${VAR}} resolved; {@code dflt} when absent or null. */
    public String string(String key, String dflt) {
        JsonNode v = get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw error(key, "must be a single value");
        }
        return substitute(key, v.asText());
    }

    /** A single value as text; an error naming the field when absent. */
    public String requiredString(String key) {
        String v = string(key, null);
        if (v == null) {
            throw error(key, "missing (required)");
        }
        return v;
    }

    /** A whole number within {@code min..max}; {@code dflt} when absent. */
    public int integer(String key, int dflt, int min, int max) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error(key, "must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    /** A duration ({@link Durations}); {@code dflt} when absent; zero refused when {@code positive}. */
    public Duration duration(String key, String dflt, boolean positive) {
        String v = string(key, dflt);
        Duration d;
        try {
            d = Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
        if (positive && d.isZero()) {
            throw error(key, "must be greater than zero");
        }
        return d;
    }

    /** A nested mapping; an empty one when absent and not required. */
    public YamlSection section(String key, boolean required) {
        JsonNode v = get(key);
        if (v == null) {
            if (required) {
                throw error(key, "missing (required)");
            }
            return new YamlSection(source, field(key), YAML.createObjectNode(), env);
        }
        return new YamlSection(source, field(key), v, env);
    }

    /** A list of mappings; empty when absent and not required. */
    public List<YamlSection> list(String key, boolean required) {
        JsonNode v = get(key);
        if (v == null) {
            if (required) {
                throw error(key, "missing (required)");
            }
            return List.of();
        }
        if (!v.isArray()) {
            throw error(key, "must be a list");
        }
        List<YamlSection> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            items.add(new YamlSection(source, field(key) + "[" + i + "]", v.get(i), env));
        }
        return items;
    }

    /** A list of names (a YAML list, or one comma-separated string); empty when absent. */
    public List<String> stringList(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(substitute(key, v.asText()).split("\\s*,\\s*"));
        }
        if (!v.isArray()) {
            throw error(key, "must be a list of names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isValueNode() || item.isNull()) {
                throw error(key, "must be a list of names");
            }
            out.add(substitute(key, item.asText()));
        }
        return out;
    }

    private String substitute(String key, String value) {
        var m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.apply(m.group(1));
            if (resolved == null) {
                if (m.group(2) == null) {
                    throw error(key, "environment variable " + m.group(1) + " is not set");
                }
                resolved = m.group(2);
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** True when the key is present with a non-null value. */
    public boolean has(String key) {
        return get(key) != null;
    }

    /** A boolean: true/yes/on or false/no/off. */
    public boolean bool(String key, boolean dflt) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw error(key, "must be true or false, not '" + v + "'");
        };
    }

    /** A duration with a default given as a duration. */
    public Duration duration(String key, Duration dflt, boolean positive) {
        return has(key) ? duration(key, "0s", positive) : dflt;
    }
}
