package io.ringmaster.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The latest result of one check on one host, with enough history to apply the trap period.
 *
 * @param passing      the check passed in the latest round
 * @param message      what the latest round saw ("" or a reason), never null; never contains a secret
 * @param failingSince when the current unbroken run of failures started; null while passing
 * @param lastChange   when {@code passing} last flipped (MMM's "last change")
 */
public record CheckStatus(boolean passing, String message, Instant failingSince, Instant lastChange) {
    public CheckStatus {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(lastChange, "lastChange");
    }

    /** A first result, with no history. */
    public static CheckStatus first(boolean passing, String message, Instant now) {
        return new CheckStatus(passing, message, passing ? null : now, now);
    }

    /** The next result after this one. */
    public CheckStatus next(boolean nowPassing, String nowMessage, Instant now) {
        if (nowPassing == passing) {
            return new CheckStatus(passing, nowMessage, failingSince, lastChange);
        }
        return new CheckStatus(nowPassing, nowMessage, nowPassing ? null : now, now);
    }

    /**
     * True when the check has failed without a break for at least {@code trapPeriod}: only then does a failure
     * count (MMM's trap_period).
     */
    public boolean failedFor(Duration trapPeriod, Instant now) {
        return !passing && !failingSince.plus(trapPeriod).isAfter(now);
    }
}
