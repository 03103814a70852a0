#!/usr/bin/env node
// The `colt` command: Colt ships TypeScript sources, so load tsx, then run the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
