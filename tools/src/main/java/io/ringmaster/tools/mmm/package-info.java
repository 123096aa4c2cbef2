/**
 * MMM 2.x configuration accepted as it is: {@link io.ringmaster.tools.mmm.MmmImport} tells MMM files from YAML and
 * converts {@code mmm_common.conf}, {@code mmm_mon.conf} and {@code mmm_agent.conf} (with their includes and
 * {@code default} templates) into a ringmaster.yml that {@code ConfigLoader} accepts, listing every key it could not
 * map and why. Passwords never reach the YAML or the notes. Pure: reads the files it is given, nothing else.
 */
package io.ringmaster.tools.mmm;
