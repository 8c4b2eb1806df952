#!/usr/bin/env node
// Committed, not built: npm links bins at install time, before `tsc` has written dist/,
// so the link must point at a file that already exists. The CLI itself is dist/main.js.
import '../dist/main.js';
