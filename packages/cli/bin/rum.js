#!/usr/bin/env node
// The `rum` command. The CLI is TypeScript run through tsx, like every service here.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
