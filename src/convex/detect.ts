// Is this app a Convex app? A convex.json, a convex/ folder of functions, or a convex dependency says so; the slot's
// `convex` setting can force the answer either way.
import fs from 'node:fs';
import path from 'node:path';

/** Why the app is a Convex app, or null when it is not. */
export function convexReason(appFolder: string, forced: boolean | null | undefined): string | null {
  if (forced === false) return null;
  if (forced === true) return 'the slot setting convex is on';
  if (fs.existsSync(path.join(appFolder, 'convex.json'))) return 'convex.json found';
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(appFolder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const version = manifest.dependencies?.convex ?? manifest.devDependencies?.convex;
    if (version) return `package.json depends on convex ${version}`;
  } catch {
    // No package.json, or not JSON: the folder test decides.
  }
  if (fs.existsSync(path.join(appFolder, 'convex')) && fs.statSync(path.join(appFolder, 'convex')).isDirectory()) return 'a convex/ folder of functions';
  return null;
}
