// The slot's settings, validated with the API's own schema before sending; the daemon's checks (repository and
// branch rules) come back as errors on the field they concern. Ctrl/⌘+S saves.
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { slotSettingsPatchSchema, type SlotSettingsView } from '../../../src/sdk/schemas.js';
import { api, ApiError } from '../api.js';
import { useAction } from '../notices.js';
import { useModKey } from '../shortcuts.js';

type TextKey = 'repo' | 'branch' | 'root' | 'installCommand' | 'buildCommand' | 'startCommand' | 'releaseCommand' | 'staticDir' | 'healthPath' | 'slug';
const TEXT_FIELDS: Array<[TextKey, string, string]> = [
  ['repo', 'Repository', 'https://github.com/you/app.git, git@github.com:you/app.git or a local path'],
  ['branch', 'Branch', 'main'],
  ['root', 'App folder', 'the repository root; or a monorepo package like apps/web'],
  ['installCommand', 'Install command', 'detected from the lockfile'],
  ['buildCommand', 'Build command', 'the build script, when there is one'],
  ['startCommand', 'Start command', 'detected (start script, framework, main file)'],
  ['releaseCommand', 'Release command', 'none; runs after the build with the database env (e.g. npm run migrate)'],
  ['staticDir', 'Static folder', 'detected (dist, build, out, public…)'],
  ['healthPath', 'Health-check path', '/ (from the config)'],
  ['slug', 'Subdomain slug (Coder)', "the slot's name"],
];
/** Errors from the daemon that concern one field. */
const FIELD_OF_CODE: Record<string, TextKey> = { ERR_REPO_INVALID: 'repo', ERR_BRANCH_INVALID: 'branch' };

type Form = Record<TextKey, string> & { memoryLimitMb: string; autoDeploy: boolean; deployTags: boolean; spaFallback: 'auto' | 'on' | 'off' };

function toForm(settings: SlotSettingsView): Form {
  const text = Object.fromEntries(TEXT_FIELDS.map(([key]) => [key, settings[key] ?? ''])) as Record<TextKey, string>;
  return { ...text, memoryLimitMb: settings.memoryLimitMb ? String(settings.memoryLimitMb) : '', autoDeploy: settings.autoDeploy !== false, deployTags: settings.deployTags === true, spaFallback: settings.spaFallback === true ? 'on' : settings.spaFallback === false ? 'off' : 'auto' };
}

function toPatch(form: Form): Record<string, unknown> {
  const patch: Record<string, unknown> = Object.fromEntries(TEXT_FIELDS.map(([key]) => [key, form[key].trim() === '' ? null : form[key].trim()]));
  patch.memoryLimitMb = form.memoryLimitMb.trim() === '' ? null : Number(form.memoryLimitMb);
  patch.autoDeploy = form.autoDeploy;
  patch.deployTags = form.deployTags;
  patch.spaFallback = form.spaFallback === 'auto' ? null : form.spaFallback === 'on';
  return patch;
}

export function SettingsForm({ slot }: { slot: string }) {
  const [form, setForm] = useState<Form | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, run } = useAction();
  useEffect(() => {
    api.settings(slot).then((view) => setForm(toForm(view.settings)), (error: Error) => setLoadError(error.message));
  }, [slot]);

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!form) return;
    const patch = toPatch(form);
    const checked = slotSettingsPatchSchema.safeParse(patch);
    if (!checked.success) {
      setErrors(Object.fromEntries(checked.error.issues.map((issue) => [String(issue.path[0]), issue.message])));
      return;
    }
    setErrors({});
    await run(
      () =>
        api.saveSettings(slot, checked.data).catch((error: unknown) => {
          if (error instanceof ApiError) {
            const field = FIELD_OF_CODE[error.code] ?? (error.details?.setting as string | undefined) ?? (error.details?.fields as string[] | undefined)?.[0];
            if (field) setErrors({ [field]: `${error.message} ${error.remedy ?? ''}` });
          }
          throw error;
        }),
      'settings saved; they apply at the next deploy',
    );
  };
  useModKey('s', () => void save());

  if (loadError) return <p role="alert">Could not load the settings: {loadError}</p>;
  if (!form) return <p aria-busy="true">Loading settings…</p>;
  const set = (key: keyof Form, value: string | boolean) => setForm({ ...form, [key]: value });
  const field = (key: string, label: string, input: ReactElement, hint?: string) => (
    <div className="field" key={key}>
      <label htmlFor={`setting-${key}`}>{label}</label>
      {input}
      {hint && !errors[key] && <p className="hint">{hint}</p>}
      {errors[key] && (
        <p className="field-error" id={`setting-${key}-error`} role="alert">
          {errors[key]}
        </p>
      )}
    </div>
  );
  const describedBy = (key: string) => (errors[key] ? { 'aria-invalid': true, 'aria-describedby': `setting-${key}-error` } : {});
  return (
    <form className="panel settings" onSubmit={(event) => void save(event)} noValidate>
      {TEXT_FIELDS.map(([key, label, placeholder]) =>
        field(key, label, <input id={`setting-${key}`} name={key} value={form[key]} placeholder={placeholder} onChange={(event) => set(key, event.target.value)} {...describedBy(key)} />),
      )}
      {field('memoryLimitMb', 'Memory limit (MiB)', <input id="setting-memoryLimitMb" name="memoryLimitMb" inputMode="numeric" value={form.memoryLimitMb} placeholder="none" onChange={(event) => set('memoryLimitMb', event.target.value)} {...describedBy('memoryLimitMb')} />, 'berth restarts the app (zero downtime) when it uses more')}
      {field(
        'spaFallback',
        'Single-page app fallback (static sites)',
        <select id="setting-spaFallback" value={form.spaFallback} onChange={(event) => set('spaFallback', event.target.value)}>
          <option value="auto">automatic (on unless the site has a 404.html)</option>
          <option value="on">on: unknown paths get index.html</option>
          <option value="off">off: unknown paths get 404</option>
        </select>,
      )}
      <div className="field checkbox">
        <input id="setting-autoDeploy" type="checkbox" checked={form.autoDeploy} onChange={(event) => set('autoDeploy', event.target.checked)} />
        <label htmlFor="setting-autoDeploy">Deploy automatically when the branch is pushed (webhook)</label>
      </div>
      <div className="field checkbox">
        <input id="setting-deployTags" type="checkbox" checked={form.deployTags} onChange={(event) => set('deployTags', event.target.checked)} />
        <label htmlFor="setting-deployTags">Also deploy pushed tags</label>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <span className="muted">Ctrl/⌘+S</span>
      </div>
    </form>
  );
}
