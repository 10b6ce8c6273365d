#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx so a fresh clone needs no build step. The project's
// tsconfig is named explicitly: tsx would otherwise look in the current directory, and the TUI's JSX
// (react-jsx) must compile the same wherever the operator starts it from.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli.ts');
