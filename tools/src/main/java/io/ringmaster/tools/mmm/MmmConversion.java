package io.ringmaster.tools.mmm;

import io.ringmaster.core.config.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The result of converting MMM configuration: the ringmaster.yml text, the notes for the operator, and the
 * passwords the YAML refers to as {@code ${VAR}}. Immutable and thread-safe; {@link #toString()} shows no password.
 *
 * @param yaml    the configuration, loadable by {@code ConfigLoader}; holds no password, only {@code ${VAR}}
 * @param notes   every key that was not mapped and why, choices made, warnings; in file order; may be empty
 * @param secrets passwords from the MMM files by the variable name the YAML uses for them; for in-memory use only,
 *                never to be printed or written; may be empty
 * @param files   every MMM file read, includes too, in reading order
 */
public record MmmConversion(String yaml, List<MmmNote> notes, Map<String, Secret> secrets, List<String> files) {

    public MmmConversion {
        Objects.requireNonNull(yaml, "yaml");
        notes = List.copyOf(notes);
        secrets = Map.copyOf(secrets);
        files = List.copyOf(files);
    }

    /**
     * A variable lookup for {@code ConfigLoader.parse} that answers the converted passwords from memory and every
     * other name from {@code fallback}.
     *
     * @param fallback lookup for other variables (normally {@code System::getenv}); returns null when unset
     * @return the lookup, never null
     */
    public Function<String, String> env(Function<String, String> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return name -> secrets.containsKey(name) ? secrets.get(name).reveal() : fallback.apply(name);
    }

    /** The notes of one kind, in order. */
    public List<MmmNote> notes(MmmNote.Kind kind) {
        return notes.stream().filter(n -> n.kind() == kind).toList();
    }

    @Override
    public String toString() {
        return "MmmConversion[files=" + files + ", notes=" + notes.size() + ", secrets=" + secrets.keySet() + "]";
    }
}
