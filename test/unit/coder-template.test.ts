// The Coder Terraform berth generates: parsed with HashiCorp's own HCL parser (@cdktf/hcl2json) and checked for its
// structure, and compared with golden files for a 5-slot and a 2-slot workspace (BERTH_UPDATE_GOLDEN=1 rewrites them).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from '@cdktf/hcl2json';
import { renderExampleTemplate } from '../../src/coder/template-example.js';
import { renderModule, type TemplateOptions } from '../../src/coder/template-module.js';
import { SLUG_PATTERN, slugProblem } from '../../src/coder/slugs.js';

const goldenDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'coder-template');
const workspaces: Record<string, TemplateOptions> = {
  'five-slots': { slots: ['a', 'b', 'c', 'd', 'e'].map((name, index) => ({ name, port: 3001 + index })), adminPort: 9000, hooksPort: 9001, version: 'golden' },
  'two-slots': { slots: [{ name: 'shop', port: 4001 }, { name: 'blog-api', port: 4002 }], adminPort: 9100, hooksPort: 9101, version: 'golden' },
};

type Blocks = Record<string, Record<string, Array<Record<string, any>>>>;

function golden(name: string, text: string): void {
  const file = path.join(goldenDir, name);
  if (process.env.BERTH_UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  assert.equal(text, fs.readFileSync(file, 'utf8'), `${name} differs from its golden file (BERTH_UPDATE_GOLDEN=1 rewrites it)`);
}

for (const [name, options] of Object.entries(workspaces)) {
  test(`the module for a ${name} workspace parses, has an app and a slug parameter per slot, and matches its golden file`, async () => {
    const module = renderModule(options);
    golden(`${name}/berth/main.tf`, module);
    const parsed = (await parse('main.tf', module)) as { data: Blocks; resource: Blocks; variable: Blocks };
    const apps = parsed.resource.coder_app;
    const parameters = parsed.data.coder_parameter;
    for (const slot of options.slots) {
      const key = slot.name.replace(/-/g, '_');
      const [parameter] = parameters[`slug_${key}`];
      assert.equal(parameter.mutable, true);
      assert.equal(parameter.default, slot.name);
      assert.equal(parameter.validation[0].regex, SLUG_PATTERN.source);
      assert.equal(slugProblem(parameter.default, { otherSlugs: new Map(), coder: null }), null, `the default slug ${slot.name} is valid`);
      const [app] = apps[`slot_${key}`];
      assert.equal(app.slug, `\${data.coder_parameter.slug_${key}.value}`);
      assert.deepEqual([app.subdomain, app.share, app.url], [true, 'public', `http://localhost:${slot.port}`]);
      assert.equal(app.healthcheck[0].url, `http://localhost:${options.adminPort}/api/v1/slots/${slot.name}/health`);
    }
    assert.equal(Object.keys(apps).length, options.slots.length + 2, 'the slots, the admin and the hooks');
    assert.deepEqual([apps.admin[0].slug, apps.admin[0].share, apps.admin[0].subdomain], ['admin', 'owner', true]);
    assert.deepEqual([apps.hooks[0].slug, apps.hooks[0].share, apps.hooks[0].hidden, apps.hooks[0].url], ['hooks', 'public', true, `http://localhost:${options.hooksPort}`]);
    const env = Object.values(parsed.resource.coder_env).map(([entry]) => entry.name);
    assert.deepEqual(env.sort(), ['BERTH_SLOT_SLUGS', 'CODER_WORKSPACE_OWNER_NAME']);
    const [script] = parsed.resource.coder_script.berth;
    assert.equal(script.run_on_start, true);
    assert.match(script.script, /command -v berth/);
    assert.match(script.script, /berth up --detach/);
    assert.deepEqual(Object.keys(parsed.variable).sort(), ['agent_id', 'install_command', 'owner_name']);
  });
}

test('the example Kubernetes template parses and uses the module with the agent and the owner name', async () => {
  const example = renderExampleTemplate('golden');
  golden('example/main.tf', example);
  const parsed = (await parse('main.tf', example)) as { module: Record<string, Array<Record<string, string>>>; resource: Blocks; data: Blocks };
  const [berth] = parsed.module.berth;
  assert.deepEqual([berth.source, berth.agent_id, berth.owner_name], ['./berth', '${coder_agent.main.id}', '${data.coder_workspace_owner.me.name}']);
  assert.ok(parsed.resource.coder_agent.main);
  assert.ok(parsed.resource.kubernetes_deployment.main);
  assert.ok(parsed.resource.kubernetes_persistent_volume_claim.home, 'a persistent home: berth’s state survives restarts');
});

test('a slot with a Convex backend gets public (hidden) apps for its API and its HTTP actions', async () => {
  const module = renderModule({ ...workspaces['two-slots'], convex: [{ name: 'shop', apiPort: 3210, sitePort: 3211 }] });
  const parsed = (await parse('main.tf', module)) as { resource: Blocks };
  const apps = parsed.resource.coder_app;
  const [api] = apps.convex_shop;
  const [site] = apps.convex_site_shop;
  assert.deepEqual([api.slug, api.url, api.share, api.subdomain, api.healthcheck[0].url], ['${data.coder_parameter.slug_shop.value}-convex', 'http://localhost:3210', 'public', true, 'http://localhost:3210/version']);
  assert.deepEqual([site.slug, site.url, site.share], ['${data.coder_parameter.slug_shop.value}-convex-site', 'http://localhost:3211', 'public']);
  assert.equal(apps.convex_blog_api, undefined, 'only slots with a backend');
});
