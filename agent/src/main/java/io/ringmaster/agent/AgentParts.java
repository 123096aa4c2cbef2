package io.ringmaster.agent;

import java.io.IOException;

/**
 * Puts every part of the agent on it: its routes and status sections. The one place that lists them, so that
 * {@code ringmaster agent} and tests that start an agent in-process get the same agent.
 */
public final class AgentParts {
    private AgentParts() {}

    /**
     * Installs every part on an agent that has not started yet.
     *
     * @throws IOException when a part cannot start (the message names what)
     */
    public static void install(Agent agent) throws IOException {
        // parts register here: role addresses (VIPs) and fencing; clone and rebuild
        try {
            AddressPart.install(agent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while installing the address part", e);
        }
    }
}
