'use strict';
// Renders all results as one markdown table. Each section (bench/sections/<name>.js)
// says what its rows are and what it aims for: it exports `title` (the first
// column) and `rows(result)`, which returns `{ what, value, rel, target }` per
// row (`section` overrides the title); bench/lib/format.js has the cell helpers,
// `target(text, ok)` among them. Ratios are of medians from this same run.

function render(results) {
  const lines = ['| # | Measurement | Median | Same-run comparison | Target |', '| --- | --- | --- | --- | --- |'];
  for (const [name, result] of Object.entries(results)) {
    if (name === 'meta') continue;
    const section = require(`../sections/${name}`);
    for (const r of section.rows(result)) {
      lines.push(`| ${r.section ?? section.title} | ${r.what} | ${r.value} | ${r.rel ?? ''} | ${r.target ?? ''} |`);
    }
  }
  return lines.join('\n');
}

module.exports = { render };
