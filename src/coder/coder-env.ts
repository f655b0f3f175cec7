// Where berth runs: a Coder workspace (recognised from the agent's environment) or a plain machine. In Coder every
// port can be a subdomain app behind Coder's proxy; berth's public URLs take the form that works on old and new
// Coder releases alike, https://<slug>--<agent>--<workspace>--<owner>.<wildcard suffix>, built from
// VSCODE_PROXY_URI (`<scheme>://{{port}}--<agent>--<workspace>--<owner>.<suffix>`, set only when the deployment has
// a wildcard app hostname), with {{port}} replaced by the app's slug.

export interface CoderContext {
  agent: string | null;
  workspace: string | null;
  /** The owner's user name: the agent does not set it, berth's template passes CODER_WORKSPACE_OWNER_NAME. */
  owner: string | null;
  /** VSCODE_PROXY_URI when it has the {{port}} placeholder; null when no wildcard is configured. */
  proxyUriTemplate: string | null;
  /** What stops subdomain apps from working, in words (null when they can work). */
  problem: string | null;
}

const PLACEHOLDER = '{{port}}';

/** The Coder workspace berth runs in, or null on a plain machine. */
export function detectCoder(env: Record<string, string | undefined>): CoderContext | null {
  const inCoder = env.CODER === 'true' || Boolean(env.CODER_WORKSPACE_NAME) || Boolean(env.CODER_WORKSPACE_AGENT_NAME);
  if (!inCoder) return null;
  const template = env.VSCODE_PROXY_URI?.includes(PLACEHOLDER) ? env.VSCODE_PROXY_URI.trim().replace(/\/+$/, '') : null;
  const fromUri = template ? namesFromProxyUri(template) : null;
  const context: CoderContext = {
    agent: env.CODER_WORKSPACE_AGENT_NAME || fromUri?.agent || null,
    workspace: env.CODER_WORKSPACE_NAME || fromUri?.workspace || null,
    owner: env.CODER_WORKSPACE_OWNER_NAME || fromUri?.owner || null,
    proxyUriTemplate: template,
    problem: null,
  };
  if (!template) {
    context.problem = 'VSCODE_PROXY_URI is empty: this Coder deployment has no wildcard app hostname, so subdomain apps cannot work; berth shows port URLs on localhost (ask the Coder admin to set CODER_WILDCARD_ACCESS_URL)';
  }
  return context;
}

/** agent, workspace and owner from `{{port}}--agent--workspace--owner.suffix` (names never contain "--"). */
function namesFromProxyUri(template: string): { agent: string; workspace: string; owner: string } | null {
  const host = template.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0];
  const label = host.split('.')[0];
  const parts = label.split('--');
  if (parts[0] !== PLACEHOLDER || parts.length < 4) return null;
  return { agent: parts[1], workspace: parts[2], owner: parts[3] };
}

/** The public URL of a subdomain app with this slug, or null when subdomain apps cannot work. */
export function coderAppUrl(context: CoderContext, slug: string): string | null {
  return context.proxyUriTemplate ? context.proxyUriTemplate.replace(PLACEHOLDER, slug) : null;
}

/** The hostname label an app slug gets; Coder (and DNS) need it within 63 characters. */
export function coderAppLabel(context: CoderContext, slug: string): string | null {
  const url = coderAppUrl(context, slug);
  return url ? url.replace(/^[a-z]+:\/\//i, '').split(/[/:.]/)[0] : null;
}
