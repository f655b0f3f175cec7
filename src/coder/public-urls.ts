// The addresses people and senders use: in a Coder workspace with a wildcard hostname, the subdomain apps of berth's
// template (one per slot by its slug, `admin`, `hooks`); elsewhere, the ports on this machine.
import type { ResolvedConfig } from '../config/schema.js';
import { coderAppUrl, type CoderContext } from './coder-env.js';

export interface PublicUrlOptions {
  config: ResolvedConfig;
  coder: CoderContext | null;
  /** The host name shown for local URLs ("localhost" for loopback). */
  displayHost: string;
  slugOf(slot: string): string;
}

export function createPublicUrls(options: PublicUrlOptions) {
  const { config, coder, displayHost } = options;
  const local = (port: number) => `http://${displayHost}:${port}`;
  const viaCoder = (slug: string) => (coder ? coderAppUrl(coder, slug) : null);
  return {
    slot(name: string): string {
      const port = config.slots.find((slot) => slot.name === name)?.port ?? 0;
      return viaCoder(options.slugOf(name)) ?? local(port);
    },
    admin: () => viaCoder('admin') ?? local(config.adminPort),
    /** A slot's Convex backend: its API and its HTTP actions (site), as the template's apps publish them. */
    convex(name: string, ports: { api: number; site: number }): { api: string; site: string } {
      const slug = options.slugOf(name);
      return { api: viaCoder(`${slug}-convex`) ?? local(ports.api), site: viaCoder(`${slug}-convex-site`) ?? local(ports.site) };
    },
    hooks: () => (config.hooks.enabled ? (config.hooks.publicUrl?.replace(/\/+$/, '') ?? viaCoder('hooks') ?? local(config.hooks.port)) : null),
  };
}

export type PublicUrls = ReturnType<typeof createPublicUrls>;
