// @ts-check
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Compiles our sources and the shared contract (whose small constants get inlined). */
const ts = (declarations = false) =>
  typescript({
    tsconfig: './tsconfig.build.json',
    include: ['src/**/*.ts', '../contract/src/**/*.ts'],
    filterRoot: '.',
    noEmitOnError: true,
    declaration: declarations,
    ...(declarations
      ? { declarationDir: 'dist/esm/types' }
      : { outDir: undefined, rootDir: undefined }),
  });

/**
 * `@rum/contract` says `"sideEffects": false` in its package.json, but
 * @rollup/plugin-node-resolve does not read that field for a package resolved through its
 * `exports` (nor for the relative imports inside it), so a contract module none of whose
 * exports we use still left its top-level expressions in the bundles: crux.ts's
 * `[...Object.keys(CRUX_HISTOGRAM_METRICS)]` cost rum.js 95 B gzipped (measured). Read from the
 * contract's package.json, so the day it declares side effects they are kept.
 */
const CONTRACT_DIR = fileURLToPath(new URL('../contract/', import.meta.url));
const contractSideEffects =
  JSON.parse(readFileSync(CONTRACT_DIR + 'package.json', 'utf8')).sideEffects !== false;
const treeshake = {
  moduleSideEffects: (/** @type {string} */ id) =>
    contractSideEffects || !id.startsWith(CONTRACT_DIR),
};

/**
 * web-vitals v6 ships experimental soft-navigation support, on only with the
 * `reportSoftNavs` option, which the script-tag builds never pass. Its switch,
 * `checkSoftNavsEnabled`, is therefore always false for us; saying so at build time lets
 * terser drop that dead code (about 250 bytes gzipped). Fails the build if a web-vitals
 * upgrade moves the switch, rather than silently shipping a bigger bundle.
 */
function withoutSoftNavs() {
  let stubbed = false;
  return {
    name: 'without-soft-navs',
    load(/** @type {string} */ id) {
      if (!id.endsWith('/web-vitals/dist/modules/lib/softNavs.js')) return null;
      stubbed = true;
      return 'export const checkSoftNavsEnabled = () => false; export const storeSoftNavEntry = () => {};';
    },
    buildEnd() {
      if (!stubbed)
        this.error(
          'web-vitals/dist/modules/lib/softNavs.js was not bundled: update withoutSoftNavs()',
        );
    },
  };
}

/**
 * Makes the emitted `.d.ts` files work for npm users: `@rum/contract` is a private workspace,
 * so its types ship inside our package (types/contract) and are imported relatively;
 * `.ts` specifiers (fine inside the repo) become `.js`.
 */
function publishableTypes() {
  return {
    name: 'publishable-types',
    generateBundle(/** @type {unknown} */ _options, /** @type {Record<string, any>} */ bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type != 'asset' || !file.fileName.endsWith('.d.ts')) continue;
        const depth = file.fileName.split('/').length - 2; // folders below types/
        file.source = String(file.source)
          .replaceAll("'@rum/contract'", `'${'../'.repeat(depth)}contract/src/index.js'`)
          .replace(/(from '\.{1,2}\/[^']*)\.ts'/g, "$1.js'");
      }
    },
  };
}

const iife = (/** @type {string} */ input, /** @type {string} */ file) => ({
  input,
  treeshake,
  output: {
    file,
    format: /** @type {const} */ ('iife'),
    sourcemap: /** @type {const} */ ('hidden'),
  },
  plugins: [
    withoutSoftNavs(),
    resolve({ extensions: ['.ts', '.js'] }),
    ts(),
    terser({
      ecma: 2020,
      // hoist_funs only moves function declarations to the top of their scope (where JS hoists
      // them anyway); measured: rum.js 46 B smaller gzipped (4824 -> 4778 B), which paid for
      // making strings storable (clipStrings.ts) and dropping stale items (splitBatch.ts).
      compress: { passes: 3, hoist_funs: true },
      // web-vitals marks its private members with a leading underscore for this mangling.
      mangle: { properties: { regex: /^_/ } },
      // "\ufffd" (clipStrings.ts) stays an escape: a page or server that does not decode the
      // script as UTF-8 would otherwise turn the raw character into mojibake. Also 4 B smaller.
      format: { comments: false, ascii_only: true },
    }),
  ],
});

export default [
  {
    input: { index: 'src/index.ts' },
    treeshake,
    // web-vitals stays a dependency of the npm package: the app's bundler resolves and dedupes it.
    external: [/^web-vitals/],
    output: { dir: 'dist/esm', format: 'es', sourcemap: true },
    plugins: [resolve({ extensions: ['.ts', '.js'] }), ts(true), publishableTypes()],
  },
  iife('src/script.ts', 'dist/rum.js'),
  iife('src/script.attribution.ts', 'dist/rum.attribution.js'),
];
