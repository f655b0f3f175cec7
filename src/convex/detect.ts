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
  const functions = functionsFolder(appFolder);
  if (fs.existsSync(functions) && fs.statSync(functions).isDirectory()) return `a ${path.relative(appFolder, functions)}/ folder of functions`;
  return null;
}

/** The app's Convex functions folder: convex.json's `functions` (as `npx convex` reads it), or convex/. */
export function functionsFolder(appFolder: string): string {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(appFolder, 'convex.json'), 'utf8')) as { functions?: unknown };
    if (typeof config.functions === 'string' && config.functions.trim() !== '') return path.resolve(appFolder, config.functions);
  } catch {
    // No convex.json, or not JSON: Convex's default.
  }
  return path.join(appFolder, 'convex');
}
