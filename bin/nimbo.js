#!/usr/bin/env node
// Thin launcher: the compiled entry point lives in dist/ (built by `npm run build`).
// Start-up (module loading, migrations, seeding) allocates in one burst; without this V8
// grows its young generation to the maximum and keeps it resident at idle. `nimbo server`
// restores the default growth once it is ready (src/main.ts).
import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--semi-space-growth-factor=1');
import('../dist/src/main.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
