/**
 * The pure checks of settings and keys that `src/ui` may use (the input box's validation, the
 * preview's loopback rule, the settings' default). They are not calls: `src/ui` imports them from
 * here, never from the client modules, so the lint rule that keeps the client out of `src/ui` is
 * a plain path rule.
 *
 * MERGE NOTE (issue 12): the definitions still live in client.ts, which another branch splits;
 * when merging, move their bodies here (validateBaseUrl with isLoopbackHost) and have the client
 * import them from this file.
 */
export { apiKeyProblem, DEFAULT_BASE_URL, isLoopbackHost } from './client';
