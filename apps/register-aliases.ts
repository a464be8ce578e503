/**
 * Compiled apps import libs as `@sched/<lib>` (tsconfig paths). tsc does not rewrite those imports, so every
 * compiled entry point imports this file first to map them onto dist/libs/<lib>/src at run time.
 * (Jest maps them itself and never loads this file.)
 */
import * as path from 'node:path';
import { register } from 'tsconfig-paths';

register({ baseUrl: path.resolve(__dirname, '..'), paths: { '@sched/*': ['libs/*/src'] } });
