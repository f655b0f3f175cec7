// The daemon's pino logger: one root, a child per component, secrets redacted by value.
import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** File descriptor or path to write to; stdout when absent. */
  destination?: string | number;
  /** Values that must never appear in a log line (tokens, passwords). */
  secrets?: () => Iterable<string>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = pino.destination({ dest: options.destination ?? 1, sync: false, mkdir: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      formatters: { level: (label) => ({ level: label }) },
      // pino rejects `hooks: undefined`: the key is only present when there is something to redact.
      ...(options.secrets ? { hooks: { streamWrite: (line: string) => redactValues(line, options.secrets!()) } } : {}),
    },
    destination,
  );
}

/** Replaces every occurrence of each secret value in a serialised line. */
export function redactValues(line: string, secrets: Iterable<string>): string {
  let result = line;
  for (const secret of secrets) {
    if (secret.length >= 4 && result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/** A logger that drops everything: for tests that do not read logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
