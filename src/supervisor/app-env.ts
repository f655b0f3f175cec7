// The environment an app process gets: a short allow-list from the daemon, the release's env, and PORT.
import { BerthError } from '../errors/berth-error.js';

/** Names berth sets itself; users cannot set them. */
export function isReservedEnvName(name: string): boolean {
  return name === 'PORT' || name.startsWith('BERTH_');
}

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertValidEnvName(name: string): void {
  if (!ENV_NAME_PATTERN.test(name)) {
    throw new BerthError('ERR_ENV_INVALID', `"${name}" is not a valid environment variable name.`, { details: { name } });
  }
  if (isReservedEnvName(name)) {
    throw new BerthError('ERR_ENV_RESERVED', `${name} is set by berth for every app (PORT is the port the app must listen on; BERTH_* describe the slot).`, {
      details: { name },
    });
  }
}

export interface BuildAppEnvOptions {
  daemonEnv: Record<string, string | undefined>;
  inherit: readonly string[];
  releaseEnv: Record<string, string>;
  /** Env berth provides for the slot (its database), under the release's own: a value the owner set wins. */
  providedEnv?: Record<string, string>;
  port: number | null;
  slot: string;
  release: number;
}

export function buildAppEnv(options: BuildAppEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of options.inherit) {
    const value = options.daemonEnv[name];
    if (value !== undefined) env[name] = value;
  }
  env.NODE_ENV = 'production';
  Object.assign(env, options.providedEnv, options.releaseEnv);
  env.BERTH_SLOT = options.slot;
  env.BERTH_RELEASE = String(options.release);
  if (options.port !== null) env.PORT = String(options.port);
  return env;
}
