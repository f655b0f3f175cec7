// `berth convex doctor`: what commonly breaks a self-hosted Convex app, checked for one slot, each with a remedy —
// the backend reachable and the right instance, the admin key, the app's CLI version, generated code, flags that are
// on for any non-empty value, and a site URL that Convex Auth can reach without a Coder login.
import fs from 'node:fs';
import path from 'node:path';
import { lookup } from 'node:dns/promises';
import { fail, ok, warn, type Finding } from '../doctor/finding.js';
import type { ConvexStorage } from './backend.js';
import { functionsFolder } from './detect.js';
import { checkCliAgainstBackend, cliNodeProblem, findConvexCli, isKnownBadCli } from './functions-deploy.js';

export interface ConvexDoctorInput {
  slot: string;
  apiUrl: string;
  /** The instance berth made (null: an external backend, whatever it calls itself). */
  instanceName: string | null;
  adminKey: string;
  /** The public site URL (null: an external backend's, which berth does not know). */
  siteUrl: string | null;
  /** The storage the backend was made with and the one the slot's settings ask for (null: external). */
  storage: { recorded: ConvexStorage; wanted: ConvexStorage } | null;
  /** The S3 env the backend gets, when its files are on S3. */
  s3Env: Record<string, string> | null;
  /** The live release's files and app folder, when the slot has one. */
  release: { filesDir: string; appDir: string } | null;
  backendEnv: Record<string, string> | null;
}

/** Backend env flags that Convex reads as on whenever they have any value, "false" included. */
const TRUTHY_WHEN_SET = ['DO_NOT_REQUIRE_SSL', 'DISABLE_BEACON', 'REDACT_LOGS_TO_CLIENT'];


async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string | null } | null> {
  try {
    const response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(3000) });
    return { status: response.status, text: (await response.text()).trim(), location: response.headers.get('location') };
  } catch {
    return null;
  }
}

export async function runConvexDoctor(input: ConvexDoctorInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const version = await get(`${input.apiUrl}/version`);
  const name = await get(`${input.apiUrl}/instance_name`);
  if (!version || version.status !== 200) {
    findings.push(fail('backend', `the backend does not answer on ${input.apiUrl}`, `\`berth logs ${input.slot}\` shows its output ([convex] lines); \`berth restart ${input.slot}\` or a deploy starts it again.`));
  } else if (input.instanceName !== null && name?.text !== input.instanceName) {
    findings.push(fail('backend', `${input.apiUrl} answers as instance "${name?.text ?? '?'}", not ${input.instanceName}: another backend holds the port`, 'Stop the other backend, or move berth’s with convex.basePort.'));
  } else {
    findings.push(ok('backend', `instance ${name?.text ?? input.instanceName} answers on ${input.apiUrl} (version ${version.text || 'unknown'})`));
    const key = await get(`${input.apiUrl}/api/check_admin_key`, { authorization: `Convex ${input.adminKey}` });
    findings.push(key?.status === 200 ? ok('admin key', 'the admin key is accepted') : fail('admin key', `the backend refuses berth's admin key (HTTP ${key?.status ?? 'no answer'})`, 'The instance secret changed under the backend: restore slots/<slot>/convex/instance.json from a backup, or reset the backend.'));
  }

  if (input.release) {
    const appFolder = path.join(input.release.filesDir, input.release.appDir);
    const cli = findConvexCli(input.release.filesDir, input.release.appDir);
    if (!cli) findings.push(warn('cli', 'the live release has no installed convex package', 'Add convex to the app’s dependencies so its functions can be deployed.'));
    else if (isKnownBadCli(cli.version)) findings.push(fail('cli', `convex ${cli.version} breaks self-hosted deploys`, 'Pin convex@1.26.2 or newer.'));
    else if (cliNodeProblem(cli, process.version)) findings.push(fail('cli', cliNodeProblem(cli, process.version)!, `Pin a convex version whose engines field allows Node ${process.version}, or run berth with a newer Node.`));
    else findings.push(ok('cli', `convex ${cli.version}`));
    if (cli && version?.status === 200) findings.push(await backendOnCli(cli, { url: input.apiUrl, adminKey: input.adminKey }));
    const functions = functionsFolder(appFolder);
    const generated = path.relative(appFolder, path.join(functions, '_generated'));
    if (fs.existsSync(functions) && !fs.existsSync(path.join(functions, '_generated'))) {
      findings.push(warn('codegen', `${generated} is missing from the live release`, `Commit ${generated} (from \`npx convex codegen\`), or the front end cannot import its API.`));
    }
  }

  for (const flag of TRUTHY_WHEN_SET) {
    const value = input.backendEnv?.[flag];
    if (value !== undefined && value !== '' && /^(false|0|no|off)$/i.test(value)) {
      findings.push(warn('env', `${flag}=${value} turns the flag ON: Convex reads any non-empty value as true`, `\`berth convex env unset ${input.slot} ${flag}\` to turn it off.`));
    }
  }

  findings.push(...storageFindings(input));
  findings.push(...(await s3Findings(input)));
  if (input.siteUrl === null) return findings;
  const site = await get(`${input.siteUrl}/.well-known/openid-configuration`);
  if (!site) findings.push(warn('site url', `${input.siteUrl} cannot be reached from the workspace`, 'Convex Auth fetches <CONVEX_SITE_URL>/.well-known/openid-configuration from the backend: the site app must be reachable (public in Coder).'));
  else if (site.status >= 300 && site.status < 400 && /auth|login/i.test(site.location ?? '')) findings.push(fail('site url', `${input.siteUrl} redirects to a login (${site.location})`, 'Make the <slug>-convex-site app public (share = "public"), as berth’s Coder module does.'));
  else findings.push(ok('site url', `${input.siteUrl} is reachable without a login (HTTP ${site.status})`));
  return findings;
}

function storageFindings(input: ConvexDoctorInput): Finding[] {
  if (!input.storage) return [];
  const { recorded, wanted } = input.storage;
  const what = `${recorded.database} with ${recorded.files} files`;
  if (recorded.database === wanted.database && recorded.files === wanted.files) return [ok('storage', `the backend keeps its data in ${what}, as the slot's settings say`)];
  return [fail('storage', `the backend was made with ${what}, and the slot's settings now ask for ${wanted.database} with ${wanted.files} files`, `\`berth convex reset ${input.slot} --storage ${wanted.database} --files ${wanted.files}\` moves it (export first), or set the settings back.`)];
}

/** S3 file storage: the settings Convex needs are there, and the endpoint's host resolves from where the backend runs. */
async function s3Findings(input: ConvexDoctorInput): Promise<Finding[]> {
  if (!input.s3Env) return [];
  const missing = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'S3_STORAGE_FILES_BUCKET', 'S3_STORAGE_MODULES_BUCKET', 'S3_STORAGE_EXPORTS_BUCKET', 'S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET', 'S3_STORAGE_SEARCH_BUCKET'].filter((name) => !input.s3Env![name]);
  const findings: Finding[] = [missing.length ? fail('s3', `S3 file storage without ${missing.join(', ')}`, `Set them in the slot's env (\`berth env set ${input.slot} NAME=value\`, secrets with --secret).`) : ok('s3', 'the S3 buckets and keys are set')];
  const endpoint = input.s3Env.S3_ENDPOINT_URL;
  if (endpoint) {
    let host = '';
    try {
      host = new URL(endpoint).hostname;
      await lookup(host);
      findings.push(ok('s3 endpoint', `${host} resolves from this workspace`));
    } catch (error) {
      findings.push(fail('s3 endpoint', `S3_ENDPOINT_URL ${endpoint}: its host ${host || '?'} does not resolve here (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'The backend runs in this workspace, not in a container: use a host name this machine resolves (not a Docker service name), or its IP address.'));
    }
  }
  return findings;
}

/** The backend's own verdict on the live release's CLI version (the question the CLI asks first when it deploys). */
async function backendOnCli(cli: { version: string; script: string; nodeRange: string | null }, backend: { url: string; adminKey: string }): Promise<Finding> {
  try {
    const warning = await checkCliAgainstBackend(cli, backend);
    return warning ? warn('versions', warning, 'Update the app’s convex package to what the backend suggests.') : ok('versions', `the backend accepts convex ${cli.version}`);
  } catch (error) {
    return fail('versions', (error as Error).message, (error as { remedy?: string }).remedy ?? 'Keep the backend at least as new as the CLI.');
  }
}
