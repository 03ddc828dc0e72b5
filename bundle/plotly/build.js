// Builds the partial plotly.js bundle with the options plotly.js builds its own
// (its esbuild-config.js), minified, into the file named on the command line.
'use strict';
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

esbuild
  .build({
    entryPoints: [require.resolve('./entry.js')],
    outfile: process.argv[2],
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
    banner: { js: '/* plotly.js ' + require('plotly.js/package.json').version +
                  ' (scatter, bar, choroplethmap), built by scripts/plotly-bundle */' },
    footer: { js: 'window.Plotly = Plotly;' }
  })
  .catch(() => process.exit(1));
