'use strict';
// Prints the backend, and the load error when there is one.
const p = require('../..');
console.log(p.backend, p.loadError ? p.loadError.message : '');
