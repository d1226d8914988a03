/**
 * `.env` for local runs: loaded when present, before the configuration is read, with Node's own
 * parser (`process.loadEnvFile`; Node 20 has no `--env-file-if-exists`). A variable already set in
 * the environment wins over the file, so a deployment's settings are never replaced by a stray file.
 */

/** Loads `file` into `process.env` when it exists; returns whether it did. Other read errors (a directory, no permission) throw. */
export function loadDotEnv(file = '.env'): boolean {
  try {
    process.loadEnvFile(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
