// Bundles the dashboard into ../../wwwroot/dashboard (git-ignored); GrowHalo.csproj embeds that folder in the
// executable, so the dashboard works offline and from any working directory. Run by the build: `npm run build`.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'wwwroot', 'dashboard');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'src', 'main.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'icon.svg']) await copyFile(join(here, 'src', file), join(out, file));
console.log(`dashboard built into ${out}`);
