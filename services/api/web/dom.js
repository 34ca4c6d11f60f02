// DOM helpers shared by the claimwire pages (loaded before each page's own script).
// `el` sets properties, never HTML: text from the index or from Kafka stays text.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}
