#!/usr/bin/env node
// The `outbox` command: a thin launcher for the bundled CLI (built by `npm run build`).
require('../dist/cli/outbox.cjs');
