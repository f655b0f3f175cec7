// Checks and applies a change of a slot's settings: every value is validated before anything is stored.
import type { z } from 'zod';
import { checkBranch, checkRepoUrl, checkRootFolder } from '../deploy/git-inputs.js';
import { SLUG_PATTERN } from '../coder/slugs.js';
import { BerthError } from '../errors/berth-error.js';
import type { slotSettingsPatchSchema } from '../sdk/schemas.js';
import type { SlotSettings } from '../store/records.js';

export type SlotSettingsPatch = z.infer<typeof slotSettingsPatchSchema>;

export function applySettingsPatch(current: SlotSettings, patch: SlotSettingsPatch): SlotSettings {
  const next: SlotSettings = { ...current };
  for (const [key, raw] of Object.entries(patch) as Array<[keyof SlotSettings, unknown]>) {
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === null || value === undefined) {
      delete next[key];
      continue;
    }
    switch (key) {
      case 'repo':
        checkRepoUrl(value as string);
        next.repo = value as string;
        break;
      case 'branch':
        checkBranch(value as string);
        next.branch = value as string;
        break;
      case 'root':
        next.root = checkRootFolder(value as string);
        break;
      case 'staticDir':
        next.staticDir = checkRootFolder(value as string);
        break;
      case 'healthPath':
        if (!(value as string).startsWith('/') || /\s/.test(value as string)) invalid('healthPath', value as string, 'a path starting with / and without spaces, like /healthz');
        next.healthPath = value as string;
        break;
      case 'installCommand':
      case 'buildCommand':
      case 'startCommand':
      case 'releaseCommand':
        if ((value as string).includes('\n')) invalid(key, value as string, 'one command line');
        next[key] = value as string;
        break;
      case 'slug':
        if (!SLUG_PATTERN.test(value as string)) invalid('slug', value as string, 'lowercase letters, digits and single dashes, starting and ending with a letter or digit');
        next.slug = value as string;
        break;
      case 'convex':
      case 'autoDeploy':
      case 'deployTags':
        next[key] = value as boolean;
        break;
      case 'convexStorage':
      case 'convexFiles':
        next[key] = value as never;
        break;
      case 'convexUrl':
        if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value as string)) invalid('convexUrl', value as string, 'the http(s) URL of a running Convex backend, like http://127.0.0.1:3210');
        next.convexUrl = (value as string).replace(/\/+$/, '');
        break;
      case 'spaFallback':
        next.spaFallback = value as boolean;
        break;
      case 'memoryLimitMb':
        if (!Number.isInteger(value) || (value as number) < 16) invalid('memoryLimitMb', String(value), 'a whole number of MiB, at least 16');
        next.memoryLimitMb = value as number;
        break;
    }
  }
  return next;
}

function invalid(setting: string, value: string, expected: string): never {
  throw new BerthError('ERR_SETTINGS_INVALID', `The slot setting ${setting} cannot be "${value}": it must be ${expected}.`, { details: { setting, value } });
}

