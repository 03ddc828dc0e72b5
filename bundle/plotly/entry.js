'use strict';
// plotly.js with only the trace types the dashboard draws: scatter (always in the core),
// bar and choroplethmap. The list is dashboard/static.py's PLOTLY_TRACES; a browser test
// checks that the page's plotly.js registers exactly those.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/choroplethmap')]);

module.exports = Plotly;
