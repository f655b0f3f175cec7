// Loads BERTH_HOME/config.json plus environment overrides, validates it, and reports every problem at once.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BerthError } from '../errors/berth-error.js';
import { configSchema, type ConfigInput, type ResolvedConfig } from './schema.js';
import { resolvePaths } from './paths.js';
import { berthHomeFrom } from '../sdk/local-files.js';

export interface LoadConfigOptions {
  /** The environment to read BERTH_* variables from (main.ts passes process.env). */
  env: Record<string, string | undefined>;
  /** Settings that win over the file, used by tests and embedders. */
  overrides?: ConfigInput;
}

export const defaultHome = berthHomeFrom;

export function loadConfig(options: LoadConfigOptions): ResolvedConfig {
  const home = defaultHome(options.env);
  const fromFile = readConfigFile(resolvePaths(home).configFile);
  const fromEnv = readEnvOverrides(options.env, fromFile);
  return resolveConfig({ ...fromFile, ...fromEnv, ...options.overrides }, home);
}

/** Validates raw settings; on failure throws ERR_CONFIG_INVALID listing every problem with its path and fix. */
export function resolveConfig(input: unknown, home: string): ResolvedConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue));
    throw new BerthError('ERR_CONFIG_INVALID', `The berth config has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p.path}: ${p.message} (fix: ${p.fix})`).join('\n')}`, {
      details: { problems },
    });
  }
  return Object.freeze({ ...parsed.data, home: path.resolve(home) });
}

function readConfigFile(file: string): ConfigInput {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new BerthError('ERR_CONFIG_UNREADABLE', `Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as ConfigInput;
  } catch (error) {
    throw new BerthError('ERR_CONFIG_UNREADABLE', `The config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function readEnvOverrides(env: Record<string, string | undefined>, fromFile: ConfigInput): ConfigInput {
  const overrides: Record<string, unknown> = {};
  if (env.BERTH_BIND) overrides.bind = env.BERTH_BIND;
  // Merged into the file's database section, not replacing it.
  if (env.BERTH_DATABASE_ADMIN_URL) overrides.database = { ...fromFile.database, adminUrl: env.BERTH_DATABASE_ADMIN_URL };
  // Numbers stay strings when they are not numbers, so the schema reports them with their value.
  if (env.BERTH_ADMIN_PORT) overrides.adminPort = toNumberIfNumeric(env.BERTH_ADMIN_PORT);
  if (env.BERTH_HOOKS_PORT) overrides.hooks = { ...fromFile.hooks, port: toNumberIfNumeric(env.BERTH_HOOKS_PORT) as number };
  return overrides as ConfigInput;
}

function toNumberIfNumeric(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

interface ConfigProblem {
  path: string;
  message: string;
  fix: string;
}

const jsonSchema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;

interface JsonSchemaNode {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem {
  const issuePath = issue.path.map(String);
  return {
    path: issuePath.length > 0 ? issuePath.join('.') : '(root)',
    message: issue.message,
    fix: findDescription(issuePath) ?? 'see docs/config.md for the allowed values',
  };
}

/** The description of the deepest schema node on the path, so the fix names what the setting is for. */
function findDescription(issuePath: string[]): string | undefined {
  let node: JsonSchemaNode | undefined = jsonSchema;
  let found: string | undefined;
  for (const key of issuePath) {
    node = /^\d+$/.test(key) ? node?.items : node?.properties?.[key];
    if (node?.description) found = node.description;
  }
  return found;
}
