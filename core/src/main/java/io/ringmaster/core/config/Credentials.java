package io.ringmaster.core.config;

import java.util.Objects;

/**
 * A database account: user name and password.
 *
 * @param user     the account name, never null or empty
 * @param password the password, never null (may be empty)
 */
public record Credentials(String user, Secret password) {
    public Credentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return user + "/******";
    }
}
